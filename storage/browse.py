"""Read-only queries of the web pages: filtered full-text search, an article's relatives.

The full-text match is the store's own (FTS5 on SQLite, the stored ``fts_doc`` with its GIN
index on PostgreSQL, as ``articles.search``); filters narrow it in the same statement.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from newswatch.storage.models import Article, Digest, DigestEntry

# PostgreSQL's stored search document with its GIN index (migration 0003)
_PG_DOC = "a.fts_doc"


@dataclass
class SearchFilters:
    """What a search is narrowed to; ``source_ids`` stands for a side (its outlets)."""

    category: str | None = None
    source_ids: Collection[int] | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    relevant_only: bool = False


def fts_query(query: str) -> str:
    """Words as an FTS5 query of quoted terms (every one must occur; no operator syntax)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in query.split() if t)


def search_articles(
    session: Session,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    newest: bool = False,
) -> list[dict[str, Any]]:
    """One page of matches (ids and facts), best first (``newest``, or without words: newest first).

    Snippets are cut by the caller from the sanitised text, never from stored markup.
    """
    f = filters or SearchFilters()
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {"n": limit, "o": offset}
    where: list[str] = []
    if f.category:
        # the JSON list as text holds the quoted name: a plain LIKE works on both backends
        where.append("(a.primary_category = :cat OR CAST(a.categories AS TEXT) LIKE :catlike)")
        params["cat"], params["catlike"] = f.category, f'%"{f.category}"%'
    if f.source_ids is not None:
        ids = sorted(set(f.source_ids)) or [-1]
        where.append(f"a.source_id IN ({', '.join(str(int(i)) for i in ids)})")
    if f.language:
        where.append("(a.language = :lang OR a.language LIKE :langsub)")
        params["lang"], params["langsub"] = f.language, f"{f.language}-%"
    if f.since is not None:
        where.append("a.first_seen_at >= :since")
        params["since"] = _bind_time(f.since, dialect)
    if f.until is not None:
        where.append("a.first_seen_at < :until")
        params["until"] = _bind_time(f.until, dialect)
    if f.relevant_only:
        where.append("a.relevant = :rel")
        params["rel"] = True
    cols = (
        "a.id, a.title, a.url, a.first_seen_at, a.published_at, a.source_id, a.language, "
        "a.primary_category, a.relevant, a.score, a.story_id"
    )
    words = query.strip()
    if not words:
        sql = (
            f"SELECT {cols} FROM articles a "
            + ("WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.first_seen_at DESC, a.id DESC LIMIT :n OFFSET :o"
        )
    elif dialect == "sqlite":
        params["q"] = fts_query(words)
        floor = _rank_floor(session, params["q"]) if not newest else None
        if floor is not None:
            where.append("articles_fts.rowid >= :floor")
            params["floor"] = floor
        sql = (
            f"SELECT {cols} "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH :q "
            + "".join(f" AND {w}" for w in where)
            + (
                " ORDER BY a.first_seen_at DESC, a.id DESC"
                if newest
                else " ORDER BY bm25(articles_fts), a.id DESC"
            )
            + " LIMIT :n OFFSET :o"
        )
    else:
        params["q"] = words
        sql = (
            f"SELECT {cols} "
            f"FROM articles a, plainto_tsquery('simple', :q) q WHERE {_PG_DOC} @@ q "
            + "".join(f" AND {w}" for w in where)
            + (
                " ORDER BY a.first_seen_at DESC, a.id DESC"
                if newest
                else f" ORDER BY ts_rank({_PG_DOC}, q) DESC, a.id DESC"
            )
            + " LIMIT :n OFFSET :o"
        )
    rows = session.execute(sa.text(sql), params)
    return [dict(r._mapping) for r in rows]


RANKED = 20_000  # matches of a query that are ranked: the newest ones


def _rank_floor(session: Session, fts: str) -> int | None:
    """The lowest id among the newest RANKED matches, when there are more (else None).

    Ranking costs a few microseconds per match: a word found in every report (a capital's
    name) would rank all of them. Beyond RANKED the newest are ranked; the page says so.
    """
    row = session.execute(
        sa.text(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q "
            "ORDER BY rowid DESC LIMIT 1 OFFSET :cap"
        ),
        {"q": fts, "cap": RANKED},
    ).first()
    return int(row[0]) + 1 if row is not None else None


def count_matches(session: Session, query: str) -> int:
    """How many articles a query matches (SQLite; cheap: no ranking, no join)."""
    fts = fts_query(query)
    if not fts or session.get_bind().dialect.name != "sqlite":
        return 0
    q = sa.text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH :q")
    return int(session.scalar(q, {"q": fts}) or 0)


def _bind_time(value: datetime, dialect: str) -> Any:
    # raw SQL skips the UTCDateTime type: SQLite stores naive UTC text
    from datetime import UTC

    value = value.astimezone(UTC)
    return value.replace(tzinfo=None) if dialect == "sqlite" else value


def relatives(session: Session, article: Article) -> list[Article]:
    """Near-duplicates and updates of an article: its original, its copies, their copies."""
    root = article.duplicate_of or article.id
    q = (
        sa.select(Article)
        .where(
            sa.or_(col(Article.id) == root, col(Article.duplicate_of) == root),
            col(Article.id) != article.id,
        )
        .order_by(col(Article.first_seen_at), col(Article.id))
        .limit(50)
    )
    return list(session.scalars(q))


def digest_of(session: Session, article_id: int) -> tuple[Digest, str] | None:
    """The digest that claimed an article and the ledger kind it was claimed as."""
    q = (
        sa.select(Digest, col(DigestEntry.kind))
        .join(DigestEntry, col(DigestEntry.digest_id) == col(Digest.id))
        .where(col(DigestEntry.article_id) == article_id)
    )
    row = session.execute(q).first()
    return (row[0], str(row[1])) if row is not None else None


def story_members(session: Session, story_id: int, *, limit: int = 500) -> list[Article]:
    """A story's reports in time order (bounded: a page shows a timeline, not an archive)."""
    q = (
        sa.select(Article)
        .where(col(Article.story_id) == story_id)
        .order_by(col(Article.first_seen_at), col(Article.id))
        .limit(limit)
    )
    return list(session.scalars(q))


def articles_by_id(session: Session, ids: Collection[int]) -> list[Article]:
    if not ids:
        return []
    return list(session.scalars(sa.select(Article).where(col(Article.id).in_(list(ids)))))


def unreported_relevant(session: Session, end: datetime, *, limit: int) -> list[Article]:
    """Relevant articles first seen before ``end`` that no digest claimed yet, oldest first.

    Bounded by ``limit`` (the newest are kept): off-topic ones never show on the front page.
    """
    # NOT EXISTS, not NOT IN: PostgreSQL anti-joins it on the unique key (0.1 s, not 0.24 s at 100k)
    claimed = sa.select(sa.literal(1)).where(col(DigestEntry.article_id) == col(Article.id))
    q = (
        sa.select(Article)
        .where(
            col(Article.first_seen_at) < end,
            col(Article.relevant).is_(True),
            ~claimed.exists(),
        )
        .order_by(col(Article.first_seen_at).desc(), col(Article.id).desc())
        .limit(limit)
    )
    return sorted(session.scalars(q), key=lambda a: (a.first_seen_at, a.id))


def newest_article_id(session: Session) -> int:
    """The highest article id (0 when none): it changes whenever a report is stored."""
    return int(session.scalar(sa.select(sa.func.max(col(Article.id)))) or 0)
