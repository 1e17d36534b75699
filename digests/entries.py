"""One digest entry from the reports of one story: its representative, outlets and ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from newswatch.digests.safety import plain_text, safe_url
from newswatch.digests.summarize import summarize, terms_of
from newswatch.digests.view import Entry, Outlet
from newswatch.judge.explain import Explainer, language_name
from newswatch.storage.models import Article, Source, Story

MAX_REASONS = 6
MAX_OUTLETS = 8  # outlets listed per entry; the rest are counted ("+3 more")
MAX_TITLE = 160  # characters of a headline shown; the link leads to the whole article
FULL_CHARS = 200  # text a report needs to represent its story (not a stub or a copy)
TOP_STORIES = 5
FAR = datetime.max.replace(tzinfo=UTC)


def _perspective(tags: Mapping[str, Any]) -> str | None:
    value = tags.get("perspective")
    return str(value) if value else None


def language_of(art: Article, sources: Mapping[int, Source]) -> str | None:
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
        code = language_of(art, sources)
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
                language=language_name(language_of(first, sources)),
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
    code = language_of(lead, sources)
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


def _rank(entry: Entry) -> tuple[Any, ...]:
    """Most outlets first, then most sides, then the surer match, then the earlier."""
    return (
        -entry.outlet_count,
        -len(entry.sides),
        -entry.score,
        entry.first_seen_at or FAR,
        entry.key,
    )


def ranked(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in reading order: the most widely reported development first."""
    return sorted(entries, key=_rank)


def top_developments(fresh: Sequence[Entry], limit: int = TOP_STORIES) -> list[Entry]:
    """New stories ranked by the outlets and then the sides reporting them."""
    return ranked(fresh)[:limit]
