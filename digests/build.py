"""From ledgered articles to the digest view: kinds, story grouping, sections, health footer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from newswatch.digests.safety import plain_text, safe_url
from newswatch.digests.summarize import sentence_keys, summarize, terms_of
from newswatch.digests.view import DigestView, Entry, HealthRow, Outlet, Section
from newswatch.categories import CATEGORIES
from newswatch.storage.models import Article, Source, Story

SECTION_TITLES = {
    "resolutions": "Parliamentary resolutions",
    "detainees": "Detainees and trials",
    "peace-treaty": "Peace treaty",
    "displacement": "Displacement and return",
    "humanitarian": "Humanitarian aid and demining",
    "heritage": "Cultural heritage",
    "security": "Security incidents",
    "diplomacy": "Diplomacy",
    "other": "Other reports",
}
SILENT_AFTER = timedelta(days=3)
MAX_REASONS = 8


@dataclass
class DigestMeta:
    """The digest row's facts the view needs."""

    digest_id: int
    label: str
    kind: str
    window_start: datetime | None
    window_end: datetime | None
    created_at: datetime | None


def classify(
    articles: Sequence[Article], stories: Mapping[int, Story], reported_before: set[int]
) -> list[tuple[str, Article]]:
    """The ledger kind of each article: offtopic, update, duplicate or new.

    ``reported_before`` holds ids of articles already in an earlier digest: a copy of one of
    them is news about something already reported, so it is an update.
    """
    out: list[tuple[str, Article]] = []
    for art in articles:
        story = stories.get(art.story_id) if art.story_id is not None else None
        if not art.relevant:
            kind = "offtopic"
        elif (story is not None and story.reported_at is not None) or (
            art.duplicate_of is not None and art.duplicate_of in reported_before
        ):
            kind = "update"
        elif art.duplicate_of is not None:
            kind = "duplicate"
        else:
            kind = "new"
        out.append((kind, art))
    return out


def group_key(art: Article, batch: Mapping[int, Article] | None = None) -> str:
    """The entry an article belongs to: its original's when it is a copy, else its story's."""
    original = (batch or {}).get(art.duplicate_of) if art.duplicate_of is not None else None
    if original is not None and original.relevant:
        # a copy is never its own entry, even when a story was given to it alone
        return group_key(original, batch)
    if art.story_id is not None:
        return f"s{art.story_id}"
    return f"a{art.duplicate_of or art.id}"


def section_order(keys: Iterable[str]) -> list[str]:
    """Known categories in CATEGORIES order, then others alphabetically, 'other' last."""
    present = set(keys)
    known = [c for c in CATEGORIES if c in present]
    rest = sorted(k for k in present if k not in CATEGORIES and k != "other")
    return known + rest + (["other"] if "other" in present else [])


def section_title(key: str) -> str:
    return SECTION_TITLES.get(key) or key.replace("-", " ").replace("_", " ").capitalize()


def _perspective(tags: Mapping[str, Any]) -> str | None:
    value = tags.get("perspective")
    return str(value) if value else None


def _outlet(art: Article, sources: Mapping[int, Source]) -> Outlet:
    src = sources.get(art.source_id) if art.source_id is not None else None
    tags = {
        k: v for k, v in ((src.tags or {}) if src else {}).items() if not str(k).startswith("_")
    }
    shown = [str(tags[k]).capitalize() for k in ("perspective",) if tags.get(k)]
    shown += [str(tags[k]).upper() for k in ("country",) if tags.get(k)]
    name = src.name if src else "unknown"
    return Outlet(
        name=name,
        title=plain_text(src.title if src and src.title else name),
        url=safe_url(art.url) or safe_url(art.canonical_url),
        tags=shown,
        perspective=_perspective(tags),
        published_at=art.published_at,
        first_seen_at=art.first_seen_at,
        duplicate=art.duplicate_of is not None,
    )


def _rank(art: Article) -> tuple[int, float, datetime]:
    far = datetime.max.replace(tzinfo=UTC)
    return (1 if art.duplicate_of is not None else 0, -(art.score or 0.0), art.first_seen_at or far)


def make_entry(
    key: str,
    members: Sequence[Article],
    sources: Mapping[int, Source],
    story: Story | None,
    *,
    update: bool,
    known: set[str] | frozenset[str] = frozenset(),
) -> Entry:
    """One entry from the articles of one story (the best report leads).

    ``known`` holds sentences already reported: an update summarises only what is new.
    """
    ordered = sorted(members, key=_rank)
    lead = ordered[0]
    lead_title = plain_text(lead.title)
    headline = plain_text(story.headline) if story is not None and story.headline else ""
    headline = headline or lead_title or "(untitled)"
    entities = [e for a in ordered for e in (a.entities or [])]
    summary = summarize(
        lead_title or headline, plain_text(lead.text), terms_of(entities), known=known
    )
    categories: list[str] = []
    for art in ordered:
        for c in art.categories or []:
            if c not in categories:
                categories.append(c)
    category = (story.primary_category if story is not None else None) or lead.primary_category
    category = category or (categories[0] if categories else "other")
    reasons: list[str] = []
    for art in ordered:
        for r in art.reasons or []:
            text = plain_text(str(r))
            if text and text not in reasons:
                reasons.append(text)
    outlets = sorted(
        (_outlet(a, sources) for a in ordered),
        key=lambda o: (
            o.duplicate,
            o.published_at or o.first_seen_at or datetime.max.replace(tzinfo=UTC),
        ),
    )
    published = [a.published_at for a in ordered if a.published_at is not None]
    seen = [a.first_seen_at for a in ordered if a.first_seen_at is not None]
    return Entry(
        key=key,
        headline=headline,
        url=safe_url(lead.url) or safe_url(lead.canonical_url),
        summary=summary,
        category=category,
        categories=categories,
        outlets=outlets,
        published_at=min(published) if published else None,
        first_seen_at=min(seen) if seen else None,
        reasons=reasons[:MAX_REASONS],
        score=max((a.score or 0.0) for a in ordered),
        update=update,
        story_id=lead.story_id,
        article_ids=[a.id for a in ordered if a.id is not None],
    )


def _sort_entries(entries: list[Entry]) -> list[Entry]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(entries, key=lambda e: (-len(e.outlets), -e.score, e.first_seen_at or far, e.key))


def health_rows(rows: Iterable[Mapping[str, Any]], now: datetime) -> tuple[int, list[HealthRow]]:
    """Total feeds and the failing or silent ones, from ``storage.sources.feed_health``."""
    total = 0
    bad: list[HealthRow] = []
    for row in rows:
        total += 1
        name = str(row["name"])
        if not row.get("active", True):
            bad.append(HealthRow(name, "deactivated", plain_text(row.get("last_error")) or None))
        elif row.get("consecutive_failures"):
            n = int(row["consecutive_failures"])
            bad.append(
                HealthRow(
                    name, f"failing ({n} in a row)", plain_text(row.get("last_error")) or None
                )
            )
        elif row.get("last_success_at") is not None:
            last_new = row.get("last_new_item_at")
            if last_new is None or now - last_new > SILENT_AFTER:
                since = f"nothing new since {last_new:%Y-%m-%d}" if last_new else "nothing new yet"
                bad.append(HealthRow(name, "silent", since))
    return total, bad


def alert_health_line(health: Mapping[str, Any]) -> str | None:
    """The footer's sentence on alerts not sent (``storage.ledger.alert_health``), or None."""
    parts = []
    if health.get("waiting"):
        n = int(health["waiting"])
        parts.append(f"{n} alert{'s' if n != 1 else ''} waiting to be sent again")
    if health.get("given_up"):
        parts.append(f"{int(health['given_up'])} given up in this period")
    if not parts:
        return None
    error = plain_text(health.get("last_error")) or None
    return "; ".join(parts) + (f" (last error: {error})" if error else "")


def build_view(
    meta: DigestMeta,
    items: Sequence[tuple[str, Article]],
    *,
    sources: Mapping[int, Source],
    stories: Mapping[int, Story],
    health: Iterable[Mapping[str, Any]] = (),
    sources_polled: int = 0,
    include_offtopic: bool = False,
    timezone: str = "UTC",
    reported_text: Mapping[int, set[str]] | None = None,
) -> DigestView:
    """Group a digest's ledgered articles into sections, updates and the off-topic appendix."""
    groups: dict[str, list[tuple[str, Article]]] = {}
    offtopic: list[Entry] = []
    batch = {a.id: a for _k, a in items if a.id is not None}
    for kind, art in items:
        if kind == "offtopic":
            if include_offtopic:
                offtopic.append(make_entry(f"a{art.id}", [art], sources, None, update=False))
            continue
        groups.setdefault(group_key(art, batch), []).append((kind, art))
    fresh: list[Entry] = []
    updates: list[Entry] = []
    for key, members in groups.items():
        arts = [a for _k, a in members]
        sid = next((a.story_id for a in arts if a.story_id is not None), None)
        story = stories.get(sid) if sid is not None else None
        is_update = any(k == "update" for k, _a in members)
        known = (reported_text or {}).get(sid, set()) if is_update and sid is not None else set()
        entry = make_entry(key, arts, sources, story, update=is_update, known=known)
        (updates if is_update else fresh).append(entry)
    by_section: dict[str, list[Entry]] = {}
    for entry in fresh:
        by_section.setdefault(entry.category, []).append(entry)
    sections = [
        Section(k, section_title(k), _sort_entries(by_section[k]))
        for k in section_order(by_section)
    ]
    now = meta.window_end or meta.created_at or datetime.now(UTC)
    total, bad = health_rows(health, now)
    return DigestView(
        digest_id=meta.digest_id,
        label=meta.label,
        kind=meta.kind,
        title=digest_title(meta, timezone),
        window_start=meta.window_start,
        window_end=meta.window_end,
        created_at=meta.created_at,
        sections=sections,
        updates=_sort_entries(updates),
        offtopic=_sort_entries(offtopic),
        category_counts={s.key: len(s.entries) for s in sections},
        new_stories=len(fresh),
        update_count=len(updates),
        sources_polled=sources_polled,
        feeds_total=total,
        feeds_unhealthy=bad,
        timezone=timezone,
    )


def digest_title(meta: DigestMeta, timezone: str = "UTC") -> str:
    if meta.kind == "catchup":
        local = meta.window_start.astimezone(ZoneInfo(timezone)) if meta.window_start else None
        start = f"{local:%Y-%m-%d}" if local else "the start"
        return f"Catch-up digest: {start} to {meta.label}"
    return f"Daily digest: {meta.label}"


def reported_sentences(texts: Iterable[tuple[int, str]]) -> dict[int, set[str]]:
    """Sentence keys per story from (story_id, text) of articles reported earlier."""
    out: dict[int, set[str]] = {}
    for story_id, text in texts:
        out.setdefault(story_id, set()).update(sentence_keys(plain_text(text)))
    return out
