"""From ledgered articles to the digest view: kinds, story grouping, sections, health footer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from newswatch.categories import CATEGORIES
from newswatch.config import FeedConfig
from newswatch.digests import entries
from newswatch.digests.entries import ranked, top_developments
from newswatch.digests.safety import plain_text
from newswatch.digests.summarize import sentence_keys
from newswatch.digests.view import DigestView, Entry, HealthRow, Section
from newswatch.health import flag
from newswatch.judge.explain import Explainer
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
HIDDEN = frozenset({"backlog"})  # ledger kinds claimed but never shown


@dataclass
class DigestMeta:
    """The digest row's facts the view needs."""

    digest_id: int
    label: str
    kind: str
    window_start: datetime | None
    window_end: datetime | None
    created_at: datetime | None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def is_backlog(
    art: Article,
    lookback: timedelta | None,
    first_poll_end: Mapping[int, datetime] | None = None,
) -> bool:
    """Whether an article came with its feed's first poll (which brings the feed's whole
    archive) and was published more than ``lookback`` before it was first seen.

    ``first_poll_end`` maps a source to the end of its first successful poll; an article of
    a source with no such poll yet (or of no source, as imports) counts as a first poll's.
    Without the map every article is judged by its age alone.
    """
    if lookback is None or art.published_at is None or art.first_seen_at is None:
        return False
    seen = _aware(art.first_seen_at)
    if first_poll_end is not None and art.source_id is not None:
        end = first_poll_end.get(art.source_id)
        if end is not None and seen > _aware(end):
            return False  # found on a later poll: new to the reader, however old
    return seen - _aware(art.published_at) > lookback


def classify(
    articles: Sequence[Article],
    stories: Mapping[int, Story],
    reported_before: set[int],
    lookback: timedelta | None = None,
    first_poll_end: Mapping[int, datetime] | None = None,
) -> list[tuple[str, Article]]:
    """The ledger kind of each article: offtopic, backlog, update, duplicate or new.

    ``reported_before`` holds ids of articles already in an earlier digest: a copy of one of
    them is news about something already reported, so it is an update. An article of a feed's
    first poll older than ``lookback`` is ``backlog``: stored and claimed, but not reported.
    """
    out: list[tuple[str, Article]] = []
    for art in articles:
        story = stories.get(art.story_id) if art.story_id is not None else None
        if not art.relevant:
            kind = "offtopic"
        elif is_backlog(art, lookback, first_poll_end):
            kind = "backlog"
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


def health_rows(
    rows: Iterable[Mapping[str, Any]],
    now: datetime,
    feeds: Mapping[str, FeedConfig] | None = None,
) -> tuple[int, list[HealthRow]]:
    """Total feeds and the ones that need a look, by the rule `feeds status` uses (``health.flag``)."""
    total = 0
    bad: list[HealthRow] = []
    for row in rows:
        total += 1
        name = str(row["name"])
        problem = flag(dict(row), (feeds or {}).get(name), now)
        if problem is None:
            continue
        detail = None if problem.startswith("silent") else plain_text(row.get("last_error")) or None
        bad.append(HealthRow(name, problem, detail))
    return total, bad


def alert_health_line(health: Mapping[str, Any]) -> str | None:
    """The footer's sentence on alerts not sent (``storage.alerts.alert_health``), or None."""
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
    feeds: Mapping[str, FeedConfig] | None = None,
    sources_polled: int = 0,
    include_offtopic: bool = False,
    timezone: str = "UTC",
    reported_text: Mapping[int, set[str]] | None = None,
    explainer: Explainer | None = None,
    reader_language: str = "en",
    archive_url: str = "index.html",
    entry_maker: Callable[..., Entry] | None = None,
) -> DigestView:
    """Group a digest's ledgered articles into sections, updates and the off-topic appendix.

    ``entry_maker`` stands in for :func:`make_entry` (the web pages keep entries between pages).
    """
    make_entry = entry_maker or entries.make_entry
    groups: dict[str, list[tuple[str, Article]]] = {}
    offtopic: list[Entry] = []
    batch = {a.id: a for _k, a in items if a.id is not None}
    for kind, art in items:
        if kind in HIDDEN:
            continue
        if kind == "offtopic":
            if include_offtopic:
                offtopic.append(
                    make_entry(
                        f"a{art.id}",
                        [art],
                        sources,
                        None,
                        update=False,
                        explainer=explainer,
                        reader_language=reader_language,
                    )
                )
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
        entry = make_entry(
            key,
            arts,
            sources,
            story,
            update=is_update,
            known=known,
            explainer=explainer,
            reader_language=reader_language,
        )
        (updates if is_update else fresh).append(entry)
    by_section: dict[str, list[Entry]] = {}
    for entry in fresh:
        by_section.setdefault(entry.category, []).append(entry)
    sections = [
        Section(k, section_title(k), ranked(by_section[k])) for k in section_order(by_section)
    ]
    now = meta.window_end or meta.created_at or datetime.now(UTC)
    total, bad = health_rows(health, now, feeds)
    return DigestView(
        digest_id=meta.digest_id,
        label=meta.label,
        kind=meta.kind,
        title=digest_title(meta, timezone),
        window_start=meta.window_start,
        window_end=meta.window_end,
        created_at=meta.created_at,
        sections=sections,
        updates=ranked(updates),
        offtopic=ranked(offtopic),
        category_counts={s.key: len(s.entries) for s in sections},
        new_stories=len(fresh),
        update_count=len(updates),
        sources_polled=sources_polled,
        feeds_total=total,
        feeds_unhealthy=bad,
        timezone=timezone,
        window=window_words(meta, timezone),
        top=top_developments(fresh) if len(fresh) > 1 else [],
        archive_url=archive_url,
    )


def _day(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def window_words(meta: DigestMeta, timezone: str = "UTC") -> str:
    """The period a digest covers, in words, with dates only where they differ."""
    tz = ZoneInfo(timezone)
    end = (meta.window_end or meta.created_at or datetime.now(UTC)).astimezone(tz)
    if meta.window_start is None:
        return f"up to {_day(end)}, {end:%H:%M}"
    start = meta.window_start.astimezone(tz)
    if start.date() == end.date():
        return f"{_day(end)}, {start:%H:%M}–{end:%H:%M}"
    return f"{_day(start)}, {start:%H:%M} – {_day(end)}, {end:%H:%M}"


def digest_title(meta: DigestMeta, timezone: str = "UTC") -> str:
    """The title: "Digest for 2 December 2026, 07:00–07:00 Asia/Yerevan", by kind."""
    tz = ZoneInfo(timezone)
    end = (meta.window_end or meta.created_at or datetime.now(UTC)).astimezone(tz)
    start = meta.window_start.astimezone(tz) if meta.window_start is not None else None
    if meta.kind == "catchup":
        return f"Catch-up digest, {window_words(meta, timezone)} {timezone}"
    if meta.kind == "interval":
        return f"Interval digest, {window_words(meta, timezone)} {timezone}"
    hours = f"{start:%H:%M}–{end:%H:%M} " if start is not None else f"to {end:%H:%M} "
    return f"Digest for {_day(end)}, {hours}{timezone}"


def reported_sentences(texts: Iterable[tuple[int, str]]) -> dict[int, set[str]]:
    """Sentence keys per story from (story_id, text) of articles reported earlier."""
    out: dict[int, set[str]] = {}
    for story_id, text in texts:
        out.setdefault(story_id, set()).update(sentence_keys(plain_text(text)))
    return out
