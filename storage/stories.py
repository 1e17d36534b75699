"""Stories: open-story lookup, recent members, creation and membership updates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from newswatch.storage.models import Article, Story, table_of

_STORIES = table_of(Story)
_ARTICLES = table_of(Article)

# What story assignment reads of a story, as plain rows (attribute access like a Story):
# loading a few hundred open stories as ORM objects for every article cost more than scoring.
_SUMMARY = sa.select(
    _STORIES.c.id,
    _STORIES.c.headline,
    _STORIES.c.categories,
    _STORIES.c.entities,
    _STORIES.c.first_seen_at,
    _STORIES.c.last_seen_at,
    _STORIES.c.article_count,
).order_by(_STORIES.c.last_seen_at.desc(), _STORIES.c.id.desc())
_OPEN = _SUMMARY.where(
    _STORIES.c.last_seen_at >= sa.bindparam("start"),
    _STORIES.c.first_seen_at <= sa.bindparam("end"),
).limit(sa.bindparam("limit"))
_JOINED = sa.select(
    _STORIES.c.headline,
    _STORIES.c.categories,
    _STORIES.c.entities,
    _STORIES.c.first_seen_at,
    _STORIES.c.last_seen_at,
    _STORIES.c.primary_category,
).where(_STORIES.c.id == sa.bindparam("id"))
_SET_STORY = (
    sa.update(_ARTICLES)
    .where(_ARTICLES.c.id == sa.bindparam("aid"))
    .values(story_id=sa.bindparam("sid"))
)


# Only what tells whether a cached summary is current: decoding the JSON columns of a few
# hundred open stories for every article cost more than all the scoring.
_OPEN_KEYS = (
    sa.select(_STORIES.c.id, _STORIES.c.article_count)
    .where(
        _STORIES.c.last_seen_at >= sa.bindparam("start"),
        _STORIES.c.first_seen_at <= sa.bindparam("end"),
    )
    .order_by(_STORIES.c.last_seen_at.desc(), _STORIES.c.id.desc())
    .limit(sa.bindparam("limit"))
)
_BY_ID = _SUMMARY.where(_STORIES.c.id.in_(sa.bindparam("ids", expanding=True)))


def open_stories(
    session: Session, start: datetime, end: datetime, *, limit: int = 200
) -> list[sa.Row[Any]]:
    """Stories whose span [first_seen, last_seen] comes within [start, end], latest first.

    Rows with a story's id, headline, categories, entities, first_seen_at, last_seen_at and
    article_count (which changes whenever the story's members do).
    """
    params = {"start": start, "end": end, "limit": limit}
    return list(session.connection().execute(_OPEN, params))


def open_story_keys(
    session: Session, start: datetime, end: datetime, *, limit: int = 200
) -> list[tuple[int, int]]:
    """(id, article_count) of the ``open_stories``, latest first: a story's summary changes
    only with its article count, so callers can keep summaries and read just the changed ones."""
    params = {"start": start, "end": end, "limit": limit}
    return [(int(i), int(n)) for i, n in session.connection().execute(_OPEN_KEYS, params)]


def stories_by_id(session: Session, ids: Iterable[int]) -> list[sa.Row[Any]]:
    """``open_stories`` rows of these stories."""
    wanted = list(set(ids))
    if not wanted:
        return []
    return list(session.connection().execute(_BY_ID, {"ids": wanted}))


def newest_article_id(session: Session) -> int:
    """The highest article id stored (0 for none): a mark to ask what changed since."""
    return int(session.scalar(_NEWEST) or 0)


# built once: asked for every relevant article, and building the select cost more than running it
_NEWEST = sa.select(sa.func.max(_ARTICLES.c.id))


_CHANGED = _SUMMARY.where(
    _STORIES.c.id.in_(
        sa.select(_ARTICLES.c.story_id).where(
            _ARTICLES.c.id > sa.bindparam("mark"), _ARTICLES.c.story_id.is_not(None)
        )
    )
)


def stories_joined_since(session: Session, mark: int) -> list[sa.Row[Any]]:
    """Stories (``open_stories`` rows) that articles stored after ``newest_article_id() == mark``
    started or joined, latest activity first.

    Writers store under ``storage.articles.write_lock``, which makes ids commit in order, so
    under the lock this is every story another writer changed since the mark was read.
    """
    return list(session.connection().execute(_CHANGED, {"mark": mark}))


@lru_cache(maxsize=64)
def _members_query(n: int) -> Any:
    """The newest originals of n stories: one index walk per story (story_id, then id descending).

    A window function (row_number per story) read every report of each story, which grew
    with the story; a LIMIT per story stops after ``per_story`` rows.
    """
    a = _ARTICLES.c
    parts = [
        sa.select(a.story_id, a.id)
        .where(a.story_id == sa.bindparam(f"s{i}"), a.duplicate_of.is_(None))
        .order_by(a.id.desc())
        .limit(sa.bindparam("per_story"))
        .subquery()
        .select()
        for i in range(n)
    ]
    return sa.union_all(*parts) if n > 1 else parts[0]


def recent_members(
    session: Session, story_ids: Sequence[int], *, per_story: int = 4
) -> dict[int, list[int]]:
    """Ids of each story's newest original (not copied) reports, oldest first."""
    ids = list(dict.fromkeys(story_ids))
    if not ids:
        return {}
    params: dict[str, Any] = {f"s{i}": sid for i, sid in enumerate(ids)}
    params["per_story"] = per_story
    out: dict[int, list[int]] = {}
    for story_id, article_id in session.connection().execute(_members_query(len(ids)), params):
        out.setdefault(int(story_id), []).append(int(article_id))
    return {sid: sorted(members) for sid, members in out.items()}


# What story grouping reads of a member report, as plain rows (attribute access like an Article)
_MEMBER_COLUMNS = sa.select(
    _ARTICLES.c.id,
    _ARTICLES.c.title,
    _ARTICLES.c.text,
    _ARTICLES.c.language,
    _ARTICLES.c.published_at,
    _ARTICLES.c.first_seen_at,
    _ARTICLES.c.categories,
    _ARTICLES.c.entities,
    _ARTICLES.c.source_id,
)
_MEMBER_ROWS = _MEMBER_COLUMNS.where(_ARTICLES.c.id.in_(sa.bindparam("ids", expanding=True)))


def articles_by_id(session: Session, ids: Iterable[int]) -> list[sa.Row[Any]]:
    """Id, title, text, language, dates, categories, entities and source of these articles."""
    wanted = list(set(ids))
    if not wanted:
        return []
    return list(session.connection().execute(_MEMBER_ROWS, {"ids": wanted}))


def recent_originals(session: Session, *, limit: int, after: int = 0) -> list[sa.Row[Any]]:
    """The newest relevant, non-copied articles with ids above ``after`` (``articles_by_id``
    rows, newest first), for corpus statistics."""
    a = _ARTICLES.c
    q = (
        _MEMBER_COLUMNS.where(a.relevant.is_(True), a.duplicate_of.is_(None), a.id > after)
        .order_by(a.id.desc())
        .limit(limit)
    )
    return list(session.connection().execute(q))


def create_story(
    session: Session,
    article_id: int,
    *,
    headline: str,
    categories: Sequence[str],
    entities: Iterable[str],
    when: datetime,
) -> int:
    """Open a story led by one article and link the article to it; the story id."""
    # A plain INSERT: the ORM's unit of work around one new row cost more than the statement.
    session.flush()
    result = session.connection().execute(
        sa.insert(_STORIES).values(
            headline=headline,
            lead_article_id=article_id,
            primary_category=categories[0] if categories else None,
            categories=list(categories),
            entities=dict(Counter(entities)),
            first_seen_at=when,
            last_seen_at=when,
            article_count=1,
        )
    )
    key = result.inserted_primary_key
    if key is None:  # an INSERT of one row always has it; typed Optional for other statements
        raise RuntimeError("the story's insert returned no key")
    story_id = int(key[0])
    set_story(session, article_id, story_id)
    return story_id


def join_story(
    session: Session,
    story_id: int,
    article_id: int,
    *,
    when: datetime,
    headline: str | None = None,
    categories: Sequence[str] = (),
    entities: Iterable[str] = (),
) -> None:
    """Add an article to a story: count, span, categories, entity counts; earliest report leads.

    ``headline`` None means a copy of a report already counted: only the count and span move.
    """
    session.flush()
    story = session.connection().execute(_JOINED, {"id": story_id}).first()
    if story is None:
        raise LookupError(f"story {story_id} does not exist")
    values: dict[str, Any] = {
        "article_count": _STORIES.c.article_count + 1,
        "last_seen_at": max(story.last_seen_at or when, when),
        "first_seen_at": min(story.first_seen_at or when, when),
    }
    if headline is not None:
        merged = list(story.categories or [])
        merged += [c for c in categories if c not in merged]
        values["categories"] = merged
        values["entities"] = _add_counts(story.entities or {}, entities)
        if story.first_seen_at is None or when < story.first_seen_at or not story.headline:
            values.update(headline=headline or story.headline, lead_article_id=article_id)
        if story.primary_category is None and merged:
            values["primary_category"] = merged[0]
    _core(session, sa.update(_STORIES).where(_STORIES.c.id == story_id).values(**values))
    loaded = session.identity_map.get(identity_key(Story, story_id))
    if loaded is not None:
        session.expire(loaded)
    set_story(session, article_id, story_id)


def _add_counts(counts: Mapping[str, int], entities: Iterable[str]) -> dict[str, int]:
    return dict(Counter(counts) + Counter(set(entities)))


def set_story(session: Session, article_id: int, story_id: int) -> None:
    _core(session, _SET_STORY, {"aid": article_id, "sid": story_id})


def _core(session: Session, stmt: Any, params: Mapping[str, Any] | None = None) -> None:
    """Run a plain UPDATE on the session's connection: the ORM's bulk-update path around it
    cost more than the statement (callers expire any loaded object it changes)."""
    session.flush()
    session.connection().execute(stmt, params or {})
