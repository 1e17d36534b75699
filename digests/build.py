"""From ledgered articles to the digest view: kinds, story grouping, sections, health footer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from newswatch.categories import CATEGORIES
from newswatch.config import FeedConfig
from newswatch.digests.safety import plain_text, safe_url
from newswatch.digests.summarize import sentence_keys, summarize, terms_of
from newswatch.digests.view import DigestView, Entry, HealthRow, Outlet, Section
from newswatch.health import flag
from newswatch.judge.explain import Explainer, language_name
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
MAX_REASONS = 6
MAX_OUTLETS = 8  # outlets listed per entry; the rest are counted ("+3 more")
MAX_TITLE = 160  # characters of a headline shown; the link leads to the whole article
FULL_CHARS = 200  # text a report needs to represent its story (not a stub or a copy)
TOP_STORIES = 5
HIDDEN = frozenset({"backlog"})  # ledger kinds claimed but never shown
FAR = datetime.max.replace(tzinfo=UTC)


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


def _perspective(tags: Mapping[str, Any]) -> str | None:
    value = tags.get("perspective")
    return str(value) if value else None


def _language(art: Article, sources: Mapping[int, Source]) -> str | None:
    """An article's language code: its own, else its outlet's."""
    if art.language:
        return art.language
    src = sources.get(art.source_id) if art.source_id is not None else None
    return src.language if src is not None else None


def _when(art: Article) -> datetime:
    return art.published_at or art.first_seen_at or FAR


def _is_full(art: Article) -> bool:
    # a copy counts too: which of two identical texts is "the copy" depends on crawl order,
    # and the earlier-published one is the original whatever the deduplicator met first
    return bool(art.title.strip()) and len(art.text) >= FULL_CHARS


def representative(
    members: Sequence[Article], sources: Mapping[int, Source], reader_language: str = "en"
) -> Article:
    """The report an entry is shown by: the earliest full report in the reader's language,
    else the earliest full report, else the earliest report.

    "Full" means a title and at least FULL_CHARS of text; the earliest is by publication time,
    else first-seen time (the id breaks ties).
    """
    ordered = sorted(members, key=lambda a: (_when(a), a.id or 0))
    reader = reader_language.split("-")[0].casefold()

    def in_reader_language(art: Article) -> bool:
        code = _language(art, sources)
        return bool(code and code.split("-")[0].casefold() == reader)

    def full_in_reader_language(art: Article) -> bool:
        return _is_full(art) and in_reader_language(art)

    for wanted in (full_in_reader_language, _is_full):
        found = next((a for a in ordered if wanted(a)), None)
        if found is not None:
            return found
    return ordered[0]


def shorten(title: str, limit: int = MAX_TITLE) -> str:
    """A title cut at a word boundary near ``limit`` characters, with an ellipsis."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def found_outlet(art: Article) -> dict[str, Any] | None:
    """What a search source (Google News, GDELT) said about the publisher of ``art``."""
    meta = art.meta if isinstance(art.meta, dict) else {}
    found = meta.get("search")
    return found if isinstance(found, dict) and found.get("outlet") else None


def outlet_lines(
    ordered: Sequence[Article], sources: Mapping[int, Source], lead: Article
) -> list[Outlet]:
    """One line per outlet (its earliest report's link), the representative's outlet first."""
    by_source: dict[Any, list[Article]] = {}
    for art in ordered:
        key = art.source_id if art.source_id is not None else f"a{art.id}"
        found = found_outlet(art)
        by_source.setdefault((key, found["outlet"]) if found else key, []).append(art)
    lines: list[Outlet] = []
    for arts in by_source.values():
        first = lead if lead in arts else min(arts, key=lambda a: (_when(a), a.id or 0))
        src = sources.get(first.source_id) if first.source_id is not None else None
        tags = {
            k: v for k, v in ((src.tags or {}) if src else {}).items() if not str(k).startswith("_")
        }
        found = found_outlet(first)
        if found and found.get("country"):
            tags.setdefault("country", found["country"])
        shown = [str(tags[k]).capitalize() for k in ("perspective",) if tags.get(k)]
        shown += [str(tags[k]).upper() for k in ("country",) if tags.get(k)]
        name = src.name if src else "unknown"
        title = src.title if src and src.title else name
        if found:  # a search source: the publisher it found is the outlet
            name, title = f"{name}/{found['outlet']}", str(found["outlet"])
        lines.append(
            Outlet(
                name=name,
                title=shorten(plain_text(title), 80),
                url=safe_url(first.url) or safe_url(first.canonical_url),
                tags=shown,
                perspective=_perspective(tags),
                published_at=first.published_at,
                first_seen_at=first.first_seen_at,
                duplicate=all(a.duplicate_of is not None for a in arts),
                language=language_name(_language(first, sources)),
                reports=len(arts),
            )
        )
    lead_name = lines[0].name if lines else None
    for line in lines:
        if line.url == (safe_url(lead.url) or safe_url(lead.canonical_url)):
            lead_name = line.name
    return sorted(
        lines,
        key=lambda o: (o.name != lead_name, o.duplicate, o.published_at or o.first_seen_at or FAR),
    )


def make_entry(
    key: str,
    members: Sequence[Article],
    sources: Mapping[int, Source],
    story: Story | None,
    *,
    update: bool,
    known: set[str] | frozenset[str] = frozenset(),
    explainer: Explainer | None = None,
    reader_language: str = "en",
) -> Entry:
    """One entry from the articles of one story, shown by its representative report.

    ``known`` holds sentences already reported: an update summarises only what is new.
    """
    ordered = sorted(members, key=lambda a: (_when(a), a.id or 0))
    lead = representative(ordered, sources, reader_language)
    title = plain_text(lead.title) or plain_text(story.headline if story else "") or "(untitled)"
    text = plain_text(lead.text)
    summary = summarize(title, text, terms_of(lead.entities or []), known=known)
    categories: list[str] = []
    for art in [lead, *ordered]:
        for c in art.categories or []:
            if c not in categories:
                categories.append(c)
    category = (story.primary_category if story is not None else None) or lead.primary_category
    category = category or (categories[0] if categories else "other")
    code = _language(lead, sources)
    foreign = bool(code and code.split("-")[0] != reader_language.split("-")[0])
    gloss: str | None = None
    if explainer is not None:
        reasons, line = explainer.explain(title, lead.text, lead.categories or [], gloss=foreign)
        gloss = line or None
    else:
        reasons = list(dict.fromkeys(plain_text(str(r)) for r in lead.reasons or []))
    lines = outlet_lines(ordered, sources, lead)
    sides = list(dict.fromkeys(o.perspective.capitalize() for o in lines if o.perspective))
    return Entry(
        key=key,
        headline=shorten(title),
        full_headline=title,
        url=safe_url(lead.url) or safe_url(lead.canonical_url),
        summary=summary,
        category=category,
        categories=categories,
        outlets=lines,
        more_outlets=max(0, len(lines) - MAX_OUTLETS),
        outlet_count=len(lines),
        report_count=len(ordered),
        sides=sides,
        published_at=lead.published_at,
        first_seen_at=lead.first_seen_at,
        reasons=[r for r in reasons if r][:MAX_REASONS],
        score=max((a.score or 0.0) for a in ordered),
        update=update,
        story_id=lead.story_id
        if lead.story_id is not None
        else next((a.story_id for a in ordered if a.story_id is not None), None),
        article_ids=[a.id for a in ordered if a.id is not None],
        lead_id=lead.id,
        language=language_name(code),
        gloss=gloss,
    )


_make_entry = make_entry


def _sort_entries(entries: list[Entry]) -> list[Entry]:
    """Most outlets first, then most sides, then the surer match, then the earlier."""
    return sorted(
        entries,
        key=lambda e: (-e.outlet_count, -len(e.sides), -e.score, e.first_seen_at or FAR, e.key),
    )


def top_developments(fresh: Sequence[Entry], limit: int = TOP_STORIES) -> list[Entry]:
    """New stories ranked by the outlets and then the sides reporting them."""
    ranked = sorted(
        fresh,
        key=lambda e: (-e.outlet_count, -len(e.sides), -e.score, e.first_seen_at or FAR, e.key),
    )
    return ranked[:limit]


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
    make_entry = entry_maker or _make_entry
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
        Section(k, section_title(k), _sort_entries(by_section[k]))
        for k in section_order(by_section)
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
        updates=_sort_entries(updates),
        offtopic=_sort_entries(offtopic),
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
