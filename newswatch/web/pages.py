"""What each page shows, built from the store with the digest's own rules.

Entries, representative reports, reasons, glosses and sanitising are the digest's
(``digests.build``, ``judge.explain``, ``digests.safety``): a story reads the same in a digest
file and in the browser.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import regex
from markupsafe import Markup
from sqlalchemy.orm import Session

from newswatch.config import Settings
from newswatch.digests.build import DigestMeta, build_view, classify
from newswatch.digests.entries import FAR, language_of, make_entry, shorten
from newswatch.digests.recorded import view_of, view_options
from newswatch.digests.safety import plain_text, safe_url
from newswatch.digests.view import DigestView, Entry
from newswatch.health import flag
from newswatch.judge.explain import language_name, quoted
from newswatch.storage import browse, ledger
from newswatch.storage.feedback import feedback_for
from newswatch.storage.models import Article, Feedback, Source, Story
from newswatch.storage.sources import feed_health
from newswatch.web.cache import EntryMemo, memo_explainer

UNKNOWN_SIDE = "unattributed"
ENTRIES = EntryMemo(make_entry)  # entries of the front page and digests, kept between pages
MAX_HOME = 3000  # unreported articles the front page looks at (a day is a few hundred)


def perspective(src: Source | None) -> str:
    tags = (src.tags or {}) if src is not None else {}
    return str(tags.get("perspective") or UNKNOWN_SIDE).casefold()


def all_sides(sources: Mapping[int, Source]) -> list[str]:
    """Every side the configured outlets are tagged with, in a stable order."""
    return sorted({perspective(s) for s in sources.values()} - {UNKNOWN_SIDE})


def upcoming(settings: Settings, session: Session, now: datetime) -> DigestView:
    """The next digest as it forms: what no digest has claimed yet, grouped as a digest would."""
    last = ledger.latest_digest(session)
    start = last.window_end if last is not None else None
    articles = browse.unreported_relevant(session, now, limit=MAX_HOME)
    stories = ledger.stories_by_id(session, (a.story_id for a in articles if a.story_id))
    before = ledger.ledgered(
        session, (a.duplicate_of for a in articles if a.duplicate_of), shown=True
    )
    firsts = ledger.first_poll_ends(session, (a.source_id for a in articles if a.source_id))
    items = classify(articles, stories, before, settings.digest.lookback, firsts)
    meta = DigestMeta(0, "next", "interval", start, now, now)
    sources = ledger.sources_by_id(session)
    options = _options(settings, include_offtopic=False, entry_maker=ENTRIES.maker(sources))
    return build_view(meta, items, sources=sources, stories=stories, **options)


def _options(settings: Settings, **over: Any) -> dict[str, Any]:
    """The digest's view options, with explanations kept between pages."""
    return {**view_options(settings), "explainer": memo_explainer(settings.judge.profile), **over}


def front_key(session: Session) -> tuple[Any, ...]:
    """What the front page depends on that changes as news arrives: the newest report and
    digest (edits of older reports show within the page cache's time limit)."""
    last = ledger.latest_digest(session)
    return (browse.newest_article_id(session), last.id if last is not None else None)


def digest_page(settings: Settings, session: Session, label: str) -> DigestView | None:
    digest = ledger.digest_by_label(session, label)
    if digest is None:
        return None
    return view_of(
        settings,
        session,
        digest,
        explainer=memo_explainer(settings.judge.profile),
        entry_maker=ENTRIES.maker(ledger.sources_by_id(session)),
    )


@dataclass
class Report:
    """One report on a story's timeline or in an article's relatives."""

    id: int
    title: str
    url: str | None
    outlet: str
    tags: list[str]
    side: str
    language: str | None
    when: datetime | None
    gloss: str | None
    duplicate: bool


@dataclass
class StoryPage:
    story: Story
    entry: Entry
    timeline: list[Report]
    by_side: list[tuple[str, list[Report]]]
    silent: list[str]
    truncated: bool = False


def _tags(src: Source | None) -> list[str]:
    tags = (src.tags or {}) if src is not None else {}
    shown = [str(tags["perspective"]).capitalize()] if tags.get("perspective") else []
    return shown + ([str(tags["country"]).upper()] if tags.get("country") else [])


def report_of(
    art: Article, sources: Mapping[int, Source], settings: Settings, *, gloss: bool = True
) -> Report:
    src = sources.get(art.source_id) if art.source_id is not None else None
    code = language_of(art, sources)
    reader = settings.digest.language.split("-")[0]
    line: str | None = None
    if gloss and code and code.split("-")[0] != reader:
        line = (
            memo_explainer(settings.judge.profile).gloss(art.title, art.text, art.categories or [])
            or None
        )
    title = plain_text(art.title) or "(untitled)"
    return Report(
        id=int(art.id or 0),
        title=shorten(title),
        url=safe_url(art.url) or safe_url(art.canonical_url),
        outlet=plain_text(src.title or src.name) if src is not None else "unknown",
        tags=_tags(src),
        side=perspective(src),
        language=language_name(code),
        when=art.published_at or art.first_seen_at,
        gloss=line,
        duplicate=art.duplicate_of is not None,
    )


STORY_REPORTS = 500


def story_page(settings: Settings, session: Session, story_id: int) -> StoryPage | None:
    story = session.get(Story, story_id)
    if story is None:
        return None
    members = browse.story_members(session, story_id, limit=STORY_REPORTS + 1)
    truncated = len(members) > STORY_REPORTS
    members = members[:STORY_REPORTS]
    sources = ledger.sources_by_id(session)
    if not members:
        return None
    options = _options(settings)
    entry = make_entry(
        f"s{story_id}",
        members,
        sources,
        story,
        update=False,
        explainer=options["explainer"],
        reader_language=options["reader_language"],
    )
    timeline = [report_of(a, sources, settings) for a in members]
    timeline.sort(key=lambda r: (r.when or FAR, r.id))
    sides: dict[str, list[Report]] = {}
    for rep in timeline:
        sides.setdefault(rep.side, []).append(rep)
    known = all_sides(sources)
    order = [s for s in known if s in sides] + sorted(s for s in sides if s not in known)
    return StoryPage(
        story=story,
        entry=entry,
        timeline=timeline,
        by_side=[(s, sides[s]) for s in order],
        silent=[s for s in known if s not in sides],
        truncated=truncated,
    )


@dataclass
class ArticlePage:
    article: Article
    report: Report
    paragraphs: list[Markup]
    reasons: list[str]
    stored_reasons: list[str]
    relatives: list[Report]
    feedback: list[Feedback]
    digest_label: str | None
    digest_kind: str | None
    categories: list[str] = field(default_factory=list)


_HIGHLIGHT_MAX = 40


def highlight(text: str, words: Sequence[str]) -> Markup:
    """Escaped text with every occurrence of the words in <mark> (case-insensitive)."""
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)[:_HIGHLIGHT_MAX]
    if not words:
        return Markup(html.escape(text))
    pattern = regex.compile("|".join(regex.escape(w) for w in words), regex.IGNORECASE)
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(f"<mark>{html.escape(m.group())}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return Markup("".join(out))


MAX_TEXT = 60_000  # characters of an article shown


def article_page(settings: Settings, session: Session, article_id: int) -> ArticlePage | None:
    art = session.get(Article, article_id)
    if art is None:
        return None
    sources = ledger.sources_by_id(session)
    explainer = memo_explainer(settings.judge.profile)
    title = plain_text(art.title)
    reasons = explainer.reasons(title, art.text, art.categories or [])
    words = [w for r in reasons for w in quoted(r)]
    # paragraphs as the extractor left them (newlines), each sanitised as the digest does
    text = art.text[:MAX_TEXT]
    paragraphs = [highlight(plain_text(p), words) for p in text.split("\n") if plain_text(p)]
    claimed = browse.digest_of(session, article_id)
    return ArticlePage(
        article=art,
        report=report_of(art, sources, settings),
        paragraphs=paragraphs,
        reasons=reasons,
        stored_reasons=[plain_text(str(r)) for r in art.reasons or []],
        relatives=[
            report_of(a, sources, settings, gloss=False) for a in browse.relatives(session, art)
        ],
        feedback=feedback_for(session, article_id),
        digest_label=claimed[0].label if claimed else None,
        digest_kind=claimed[1] if claimed else None,
        categories=list(art.categories or []),
    )


@dataclass
class Hit:
    report: Report
    snippet: Markup
    relevant: bool
    category: str | None
    score: float | None
    story_id: int | None


SNIPPET = 110  # characters either side of the first match


def snippet_of(text: str, words: Sequence[str]) -> Markup:
    """A passage of the sanitised text around the first of the words, the words marked.

    Cut from the text as a reader sees it (after ``plain_text``), not from the stored markup,
    so half a tag can never reach the page.
    """
    clean = plain_text(text[:20_000])
    terms = [w for w in words if len(w) > 1]
    first = None
    if terms:
        pattern = regex.compile("|".join(regex.escape(w) for w in terms), regex.IGNORECASE)
        first = pattern.search(clean)
    start = max(0, (first.start() if first else 0) - SNIPPET)
    end = min(len(clean), (first.end() if first else 0) + SNIPPET)
    passage = ("… " if start else "") + clean[start:end] + (" …" if end < len(clean) else "")
    return highlight(passage, terms)


def hits_of(
    rows: Sequence[Mapping[str, Any]], session: Session, settings: Settings, words: str = ""
) -> list[Hit]:
    sources = ledger.sources_by_id(session)
    ids = [int(r["id"]) for r in rows]
    by_id = {int(a.id or 0): a for a in browse.articles_by_id(session, ids)}
    out = []
    for r in rows:
        art = by_id.get(int(r["id"]))
        if art is None:
            continue
        out.append(
            Hit(
                report=report_of(art, sources, settings, gloss=False),
                snippet=snippet_of(art.text or art.title, words.split()),
                relevant=bool(r.get("relevant")),
                category=r.get("primary_category"),
                score=r.get("score"),
                story_id=r.get("story_id"),
            )
        )
    return out


def side_sources(session: Session, side: str) -> list[int]:
    return [
        i for i, s in ledger.sources_by_id(session).items() if perspective(s) == side.casefold()
    ]


@dataclass
class FeedRow:
    name: str
    url: str | None
    kind: str
    active: bool
    problem: str | None
    last_success_at: datetime | None
    last_polled_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    items_7d: int
    tags: list[str]


def feed_rows(settings: Settings, session: Session, now: datetime) -> list[FeedRow]:
    """`feeds status`'s facts: the same rows (storage.feed_health) and rule (health.flag)."""
    feeds = {f.name: f for f in settings.feeds}
    out = []
    for row in feed_health(session, now=now):
        tags = row.get("tags") or {}
        out.append(
            FeedRow(
                name=str(row["name"]),
                url=safe_url(row.get("url")),
                kind=str(row.get("kind") or ""),
                active=bool(row.get("active", True)),
                problem=flag(dict(row), feeds.get(str(row["name"])), now),
                last_success_at=row.get("last_success_at"),
                last_polled_at=row.get("last_polled_at"),
                last_error=plain_text(row.get("last_error")) or None,
                last_error_at=row.get("last_error_at"),
                consecutive_failures=int(row.get("consecutive_failures") or 0),
                items_7d=int(row.get("items_7d") or 0),
                tags=[str(v) for v in tags.values()],
            )
        )
    return out


def day_range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """Dates (YYYY-MM-DD, UTC) as a [since, until] window; ``until`` includes its day."""
    from datetime import UTC

    def parse(value: str | None) -> datetime | None:
        if not value:
            return None
        return datetime.fromisoformat(value).replace(tzinfo=UTC)

    start, end = parse(since), parse(until)
    return start, (end + timedelta(days=1) if end is not None else None)


def warm_up(settings: Settings, db: Any, now: datetime) -> None:
    """Explain and build the front page and the latest digest once, so that a reader's first
    visit costs what a later one does (kept explanations and entries are the slow part)."""
    with db.session() as s:
        upcoming(settings, s, now)
        last = ledger.latest_digest(s)
        if last is not None:
            digest_page(settings, s, last.label)
