"""Articles: idempotent inserts, identity lookups, edits, near-duplicate bands, search."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from newswatch.storage.db import DatabaseError, insert_for
from newswatch.storage.models import Article, ArticleBand, Source, Story, table_of, utcnow

# Any fixed 64-bit number, unique among newswatch's advisory locks ("nwdedu" in ASCII).
DEDUP_LOCK_KEY = 0x6E7764656475


# plain UPDATEs: the ORM's session synchronisation costs more than the statement
_NO_SYNC = {"synchronize_session": False}


def _article_defaults() -> dict[str, Any]:
    return {
        "title": "",
        "text": "",
        "authors": [],
        "categories": [],
        "reasons": [],
        "entities": [],
        "meta": {},
        "status": "new",
    }


def insert_article(session: Session, values: Mapping[str, Any]) -> int | None:
    """Insert unless the URL hash or (source, GUID hash) is stored; the new id, else None.

    One statement (INSERT … ON CONFLICT DO NOTHING … RETURNING), so two writers racing on the
    same article never store it twice; ``rowcount`` is not used (PostgreSQL reports -1).
    """
    row = {**_article_defaults(), **values}
    row.setdefault("first_seen_at", utcnow())
    table = table_of(Article)
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise TypeError(f"articles have no column {', '.join(sorted(unknown))}")
    # one statement per dialect and set of columns, so SQLAlchemy compiles it once
    stmt = _insert_statement(session.get_bind().dialect.name, tuple(sorted(row)))
    new_id = session.connection().execute(stmt, row).scalar_one_or_none()
    return int(new_id) if new_id is not None else None


@lru_cache(maxsize=32)
def _insert_statement(dialect: str, columns: tuple[str, ...]) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    table = table_of(Article)
    if dialect not in ("postgresql", "sqlite"):
        raise DatabaseError(f"upserts are written for SQLite and PostgreSQL, not {dialect}")
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return (
        ins.values({c: sa.bindparam(c, type_=table.c[c].type) for c in columns})
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )


# Built once: a NULL parameter never equals anything, so unknown keys simply match nothing, and
# the statement's cache key is computed once instead of per article.
# Plain rows with an Article's attributes: ORM objects cost more than the lookup, which runs
# under the write lock for every article.
_A = table_of(Article).c
_FIND_EXISTING = (
    sa.select(table_of(Article))
    .where(
        sa.or_(
            _A.url_hash == sa.bindparam("url_hash"),
            sa.and_(
                _A.source_id == sa.bindparam("source_id"),
                _A.guid_hash == sa.bindparam("guid_hash"),
            ),
            sa.and_(_A.content_hash == sa.bindparam("content_hash"), _A.duplicate_of.is_(None)),
        )
    )
    .order_by(_A.id)
    .limit(5)
)


def find_existing(
    session: Session,
    *,
    url_hash: str,
    source_id: int | None = None,
    guid_hash: str | None = None,
    content_hash: str | None = None,
) -> Any:
    """The stored article this one is the same as: by URL, GUID in the source, or content.

    A read-only row with the Article's attributes, or None.
    """
    params = {
        "url_hash": url_hash,
        "source_id": source_id,
        "guid_hash": guid_hash or None,
        "content_hash": content_hash or None,
    }
    found = list(session.connection().execute(_FIND_EXISTING, params))
    ranks: tuple[Callable[[sa.Row[Any]], bool], ...] = (
        lambda a: a.url_hash == url_hash,
        lambda a: bool(guid_hash) and a.guid_hash == guid_hash and a.source_id == source_id,
        lambda a: a.content_hash == content_hash,
    )
    for rank in ranks:
        for art in found:
            if rank(art):
                return art
    return None


def get_article(session: Session, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def update_article(session: Session, article_id: int, values: Mapping[str, Any]) -> None:
    session.execute(
        sa.update(Article).where(col(Article.id) == article_id).values(**values),
        execution_options=_NO_SYNC,
    )


def add_bands(session: Session, article_id: int, bands: Iterable[tuple[int, int]]) -> None:
    """Persist an article's LSH band hashes (idempotent)."""
    pairs = list(bands)
    if not pairs:
        return
    if session.get_bind().dialect.name == "postgresql":
        # one statement and round trip for all bands (executemany cost more than the insert)
        session.connection().execute(
            _PG_BANDS,
            {"id": article_id, "bands": [b for b, _ in pairs], "hashes": [h for _, h in pairs]},
        )
        return
    rows = [{"article_id": article_id, "band": b, "hash": h} for b, h in pairs]
    # executemany with one cached statement: a multi-VALUES insert is compiled anew each time
    session.execute(insert_for(session, table_of(ArticleBand)).on_conflict_do_nothing(), rows)


_PG_BANDS = sa.text(
    "INSERT INTO article_bands (article_id, band, hash) "
    "SELECT :id, b, h FROM unnest(CAST(:bands AS integer[]), CAST(:hashes AS bigint[])) AS t(b, h) "
    "ON CONFLICT DO NOTHING"
)


def replace_bands(session: Session, article_id: int, bands: Iterable[tuple[int, int]]) -> None:
    """Swap an edited article's band hashes for those of its new text."""
    session.execute(sa.delete(ArticleBand).where(col(ArticleBand.article_id) == article_id))
    add_bands(session, article_id, bands)


@lru_cache(maxsize=8)
def _band_query(n: int) -> sa.TextClause:
    # SQLite plans "(band, hash) IN (VALUES ...)" as a full scan; an OR of equalities is one
    # index search per band on both backends. Plain SQL, as building the ORM expression per
    # article cost more than running it.
    where = " OR ".join(f"(band = :b{i} AND hash = :h{i})" for i in range(n))
    return sa.text(
        "SELECT a.id, a.signature, a.duplicate_of FROM articles a WHERE a.id IN "
        f"(SELECT DISTINCT article_id FROM article_bands WHERE {where} LIMIT :limit) "
        "AND a.id != :exclude ORDER BY a.id"
    )


def band_candidates(
    session: Session,
    bands: Sequence[tuple[int, int]],
    *,
    exclude: int | None = None,
    limit: int = 50,
) -> list[tuple[int, bytes | None, int | None]]:
    """(id, signature, duplicate_of) of articles sharing at least one band hash, oldest first."""
    if not bands:
        return []
    params: dict[str, Any] = {"limit": limit, "exclude": -1 if exclude is None else exclude}
    for i, (b, h) in enumerate(bands):
        params[f"b{i}"], params[f"h{i}"] = b, h
    rows = session.execute(_band_query(len(bands)), params)
    return [(int(i), bytes(s) if s is not None else None, d) for i, s, d in rows]


def mark_removed(session: Session, article_id: int, at: datetime | None = None) -> None:
    """Remember that the publisher withdrew an article, so it never comes back as new."""
    values = {"status": "removed", "updated_at": at or utcnow()}
    session.execute(
        sa.update(Article).where(col(Article.id) == article_id).values(**values),
        execution_options=_NO_SYNC,
    )


def write_lock(session: Session) -> None:
    """Serialise deduplicating writers until the transaction ends (call before anything else).

    The near-duplicate and story lookups must see every article another worker stored, so
    two writers never both start a story for one development. SQLite takes its write lock up
    front (BEGIN IMMEDIATE waits on busy_timeout, and a deferred read-then-write transaction
    would fail with SQLITE_BUSY_SNAPSHOT instead); PostgreSQL takes a transaction advisory lock.
    """
    name = session.get_bind().dialect.name
    if name == "sqlite":
        conn = session.connection()
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEDUP_LOCK_KEY})


def articles_between(
    session: Session, start: datetime | None, end: datetime | None, *, relevant: bool | None = None
) -> list[Article]:
    """Articles first seen in [start, end), oldest first."""
    q = sa.select(Article)
    if start is not None:
        q = q.where(col(Article.first_seen_at) >= start)
    if end is not None:
        q = q.where(col(Article.first_seen_at) < end)
    if relevant is not None:
        q = q.where(col(Article.relevant).is_(relevant))
    return list(session.scalars(q.order_by(col(Article.first_seen_at), col(Article.id))))


# Snippets mark the matched words with two characters no text contains (Unicode noncharacters),
# so a caller can escape the text for its output (Rich markup, HTML) and then mark the matches.
HIGHLIGHT_START = "\ufdd0"
HIGHLIGHT_END = "\ufdd1"


def search(session: Session, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked full-text search (FTS5 on SQLite, text search on PostgreSQL) with snippets.

    Matched words in ``snippet`` are between HIGHLIGHT_START and HIGHLIGHT_END.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        fts_query = " ".join('"' + t.replace('"', '""') + '"' for t in query.split() if t)
        if not fts_query:
            return []
        rows = session.execute(
            sa.text(
                "SELECT a.id, a.title, a.url, a.first_seen_at, "
                "snippet(articles_fts, 1, :hs, :he, ' … ', 16) AS snip, bm25(articles_fts) AS rank "
                "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                "WHERE articles_fts MATCH :q ORDER BY rank LIMIT :n"
            ),
            {"q": fts_query, "n": limit, "hs": HIGHLIGHT_START, "he": HIGHLIGHT_END},
        )
    else:
        rows = session.execute(
            sa.text(
                "SELECT a.id, a.title, a.url, a.first_seen_at, "
                "ts_headline('simple', a.text, q, :opts) AS snip, "
                # fts_doc: the stored search document (migration 0003)
                "ts_rank(a.fts_doc, q) AS rank "
                "FROM articles a, plainto_tsquery('simple', :q) q WHERE a.fts_doc @@ q "
                "ORDER BY rank DESC LIMIT :n"
            ),
            {
                "q": query,
                "n": limit,
                "opts": f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=24, MinWords=8",
            },
        )
    return [
        {
            "id": r.id,
            "title": r.title,
            "url": r.url,
            "first_seen_at": r.first_seen_at,
            "snippet": r.snip,
        }
        for r in rows
    ]


def export_rows(
    session: Session, since: datetime | None = None
) -> Iterator[tuple[Article, str | None, str | None]]:
    """(article, source name, story headline) in id order, first seen at or after ``since``."""
    q = (
        sa.select(Article, col(Source.name), col(Story.headline))
        .outerjoin(Source, col(Source.id) == col(Article.source_id))
        .outerjoin(Story, col(Story.id) == col(Article.story_id))
        .order_by(col(Article.id))
    )
    if since is not None:
        q = q.where(col(Article.first_seen_at) >= since)
    for row in session.execute(q.execution_options(yield_per=500)):
        yield row[0], row[1], row[2]
