"""Digest and delivery ledgers: what was reported and sent, exactly once (alerts: ``alerts``).

Every article enters exactly one digest (``digest_entries.article_id`` is unique); the digest row
and its entries are written in one transaction, so a crash leaves either both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from newswatch.storage.db import insert_for
from newswatch.storage.models import (
    Article,
    Delivery,
    Digest,
    DigestEntry,
    Poll,
    Source,
    Story,
)

_ENTRIES = SQLModel.metadata.tables["digest_entries"]
_DELIVERIES = SQLModel.metadata.tables["deliveries"]


# ledger kinds of articles claimed without being reported (off-topic, or old when first seen)
UNSHOWN = ("offtopic", "backlog")

# --- digests -------------------------------------------------------------------------------


def latest_digest(session: Session, *, exclude: int | None = None) -> Digest | None:
    """The digest with the latest window end (the next one starts there)."""
    q = sa.select(Digest).order_by(col(Digest.window_end).desc(), col(Digest.id).desc()).limit(1)
    if exclude is not None:
        q = q.where(col(Digest.id) != exclude)
    return session.scalar(q)


def digest_by_label(session: Session, label: str) -> Digest | None:
    q = sa.select(Digest).where(col(Digest.label) == label).order_by(col(Digest.id).desc()).limit(1)
    return session.scalar(q)


def get_digest(session: Session, digest_id: int) -> Digest | None:
    return session.get(Digest, digest_id)


def list_digests(session: Session) -> list[Digest]:
    """All digests, newest first."""
    q = sa.select(Digest).order_by(col(Digest.window_end).desc(), col(Digest.id).desc())
    return list(session.scalars(q))


def unreported_articles(session: Session, end: datetime) -> list[Article]:
    """Articles first seen before ``end`` that no digest has claimed yet, oldest first."""
    claimed = sa.select(col(DigestEntry.article_id))
    q = (
        sa.select(Article)
        .where(col(Article.first_seen_at) < end, col(Article.id).not_in(claimed))
        .order_by(col(Article.first_seen_at), col(Article.id))
    )
    return list(session.scalars(q))


def count_unreported(session: Session, end: datetime | None = None) -> int:
    claimed = sa.select(col(DigestEntry.article_id))
    q = sa.select(sa.func.count()).select_from(Article).where(col(Article.id).not_in(claimed))
    if end is not None:
        q = q.where(col(Article.first_seen_at) < end)
    return int(session.scalar(q) or 0)


def ledgered(session: Session, article_ids: Iterable[int], *, shown: bool = False) -> set[int]:
    """Which of these articles already belong to a digest (``shown``: not as off-topic)."""
    ids = list(set(article_ids))
    if not ids:
        return set()
    q = sa.select(col(DigestEntry.article_id)).where(col(DigestEntry.article_id).in_(ids))
    if shown:
        q = q.where(col(DigestEntry.kind).not_in(UNSHOWN))
    return set(session.scalars(q))


def open_digest(
    session: Session, *, label: str, window_end: datetime, created_at: datetime
) -> Digest:
    """Insert a digest row (status building) as the first write of the claiming transaction.

    Writing first takes SQLite's write lock before anything is read, so the articles read
    next cannot go stale under a concurrent writer.
    """
    digest = Digest(
        label=label, kind="daily", window_end=window_end, created_at=created_at, status="building"
    )
    session.add(digest)
    session.flush()
    return digest


def claim_entries(
    session: Session, digest: Digest, entries: Sequence[tuple[int, int | None, str]]
) -> None:
    """Claim articles (article_id, story_id, kind) for ``digest``.

    A plain INSERT: if another run claimed one of these articles meanwhile, the unique key
    raises and the caller's transaction rolls back whole.
    """
    rows = [
        {"digest_id": digest.id, "article_id": a, "story_id": s, "kind": k} for a, s, k in entries
    ]
    if rows:
        session.execute(sa.insert(_ENTRIES), rows)


def finish_digest(
    session: Session, digest: Digest, *, files: dict[str, str], counts: dict[str, Any]
) -> None:
    digest.files = dict(files)
    digest.counts = dict(counts)
    digest.status = "rendered"
    session.flush()


def mark_stories_reported(session: Session, story_ids: Iterable[int], at: datetime) -> None:
    """Set ``reported_at`` on stories listed for the first time."""
    ids = list(set(story_ids))
    if ids:
        session.execute(
            sa.update(Story)
            .where(col(Story.id).in_(ids), col(Story.reported_at).is_(None))
            .values(reported_at=at)
        )


def digest_items(session: Session, digest_id: int) -> list[tuple[str, Article]]:
    """The ledger of one digest: (kind, article), in first-seen order."""
    q = (
        sa.select(col(DigestEntry.kind), Article)
        .join(Article, col(Article.id) == col(DigestEntry.article_id))
        .where(col(DigestEntry.digest_id) == digest_id)
        .order_by(col(Article.first_seen_at), col(Article.id))
    )
    return [(str(k), a) for k, a in session.execute(q)]


def reported_texts(
    session: Session,
    story_ids: Iterable[int],
    *,
    before_digest: int | None = None,
    limit: int = 200,
) -> list[tuple[int, str]]:
    """(story_id, text) of the stories' articles that earlier digests already listed."""
    ids = list(set(story_ids))
    if not ids:
        return []
    q = (
        sa.select(col(Article.story_id), col(Article.text))
        .join(DigestEntry, col(DigestEntry.article_id) == col(Article.id))
        .where(col(Article.story_id).in_(ids), col(DigestEntry.kind).not_in(UNSHOWN))
        .order_by(col(Article.id).desc())
        .limit(limit)
    )
    if before_digest is not None:
        q = q.where(col(DigestEntry.digest_id) < before_digest)
    return [(int(sid or 0), str(text or "")) for sid, text in session.execute(q)]


def stories_by_id(session: Session, ids: Iterable[int]) -> dict[int, Story]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    q = sa.select(Story).where(col(Story.id).in_(wanted))
    return {int(s.id or 0): s for s in session.scalars(q)}


def sources_by_id(session: Session) -> dict[int, Source]:
    return {int(s.id or 0): s for s in session.scalars(sa.select(Source))}


def sources_polled(session: Session, start: datetime | None, end: datetime) -> int:
    """How many distinct sources were polled in [start, end)."""
    q = sa.select(sa.func.count(sa.distinct(col(Poll.source_id)))).where(col(Poll.started_at) < end)
    if start is not None:
        q = q.where(col(Poll.started_at) >= start)
    return int(session.scalar(q) or 0)


def first_poll_ends(session: Session, source_ids: Iterable[int]) -> dict[int, datetime]:
    """When the first successful poll of each source ended (sources never polled are absent)."""
    ids = list(set(source_ids))
    if not ids:
        return {}
    ok = ("ok", "not_modified", "moved")
    first = (
        sa.select(col(Poll.source_id), sa.func.min(col(Poll.started_at)).label("first"))
        .where(col(Poll.source_id).in_(ids), col(Poll.outcome).in_(ok))
        .group_by(col(Poll.source_id))
        .subquery()
    )
    q = sa.select(col(Poll.source_id), col(Poll.started_at), col(Poll.duration_ms)).join(
        first,
        sa.and_(col(Poll.source_id) == first.c.source_id, col(Poll.started_at) == first.c.first),
    )
    out: dict[int, datetime] = {}
    for source_id, started, duration in session.execute(q):
        assert started is not None  # joined on equality with min(started_at): never NULL
        end = started + timedelta(milliseconds=duration or 0)
        out[int(source_id)] = max(out.get(int(source_id), end), end)
    return out


# --- deliveries ----------------------------------------------------------------------------


def ensure_delivery(session: Session, digest_id: int, channel: str) -> Delivery:
    """The delivery row of (digest, channel), created pending when missing."""
    stmt = insert_for(session, _DELIVERIES).values(
        digest_id=digest_id, channel=channel, status="pending", attempts=0
    )
    session.execute(stmt.on_conflict_do_nothing())
    q = sa.select(Delivery).where(
        col(Delivery.digest_id) == digest_id, col(Delivery.channel) == channel
    )
    delivery = session.scalar(q)
    assert delivery is not None  # inserted or already there
    return delivery


def due_deliveries(session: Session, channel: str | None = None) -> list[Delivery]:
    """Deliveries not yet sent (pending or failed before), oldest digest first."""
    q = sa.select(Delivery).where(col(Delivery.status).in_(("pending", "failed")))
    if channel is not None:
        q = q.where(col(Delivery.channel) == channel)
    return list(session.scalars(q.order_by(col(Delivery.digest_id), col(Delivery.id))))


def record_attempt(
    session: Session,
    delivery_id: int,
    *,
    ok: bool,
    at: datetime,
    error: str | None = None,
    message_id: str | None = None,
) -> None:
    """Log one send attempt of a delivery."""
    values: dict[str, Any] = {
        "attempts": col(Delivery.attempts) + 1,
        "status": "sent" if ok else "failed",
        "last_error": None if ok else (error or "failed")[:2000],
    }
    if ok:
        values["sent_at"] = at
        values["message_id"] = message_id
    session.execute(sa.update(Delivery).where(col(Delivery.id) == delivery_id).values(**values))
