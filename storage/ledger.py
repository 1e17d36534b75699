"""Digest, delivery and alert ledgers: what was reported, sent and alerted, exactly once.

Every article enters exactly one digest (``digest_entries.article_id`` is unique); the digest row
and its entries are written in one transaction, so a crash leaves either both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from newswatch.storage.db import insert_for, rowcount
from newswatch.storage.models import (
    AlertSent,
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
_ALERTS = SQLModel.metadata.tables["alerts"]


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


# --- alerts --------------------------------------------------------------------------------


class AlertStatus(StrEnum):
    """Where an alert is: claimed and being sent, sent, failed (due again later), or given up."""

    PENDING = "pending"  # a process is sending it; due again if its lease runs out (it died)
    SENT = "sent"
    FAILED = "failed"  # due again at ``next_attempt_at``
    EXPIRED = "expired"  # failed until it was no longer news: never sent


_OPEN = (AlertStatus.PENDING.value, AlertStatus.FAILED.value)


def _durable(session: Session) -> None:
    # workers commit without waiting for the WAL flush (``relax_commit_durability``); a claim
    # lost in a crash after its alert went out would send that alert again
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL synchronous_commit TO on"))


def claim_alert(
    session: Session,
    *,
    rule: str,
    story_id: int,
    article_id: int | None,
    at: datetime,
    lease: timedelta,
) -> int | None:
    """Record that ``rule`` fires for ``story_id``; the new id, or None if it already fired.

    The unique (rule, story) row is the lock between processes: whoever inserts it sends the
    alert. Its first attempt is leased until ``at + lease``.
    """
    _durable(session)
    stmt = (
        insert_for(session, _ALERTS)
        .values(
            rule=rule,
            story_id=story_id,
            article_id=article_id,
            fired_at=at,
            status=AlertStatus.PENDING.value,
            attempts=1,
            next_attempt_at=at + lease,
        )
        .on_conflict_do_nothing()
        .returning(_ALERTS.c.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    return int(new_id) if new_id is not None else None


def lease_alert(session: Session, alert_id: int, *, now: datetime, lease: timedelta) -> bool:
    """Take the next attempt of a due alert; False when another process took it first."""
    _durable(session)
    taken = session.execute(
        sa.update(AlertSent)
        .where(
            col(AlertSent.id) == alert_id,
            col(AlertSent.status).in_(_OPEN),
            sa.or_(col(AlertSent.next_attempt_at) <= now, col(AlertSent.next_attempt_at).is_(None)),
        )
        .values(
            status=AlertStatus.PENDING.value,
            attempts=col(AlertSent.attempts) + 1,
            next_attempt_at=now + lease,
        )
    )
    return rowcount(taken) > 0


def finish_alert(
    session: Session,
    alert_id: int,
    *,
    ok: bool,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> None:
    """Log how an attempt ended; a failed one is due again at ``retry_at``."""
    _durable(session)
    session.execute(
        sa.update(AlertSent)
        .where(col(AlertSent.id) == alert_id)
        .values(
            status=AlertStatus.SENT.value if ok else AlertStatus.FAILED.value,
            error=None if ok else (error or "failed")[:2000],
            next_attempt_at=None if ok else retry_at,
        )
    )


def due_alerts(session: Session, now: datetime) -> list[AlertSent]:
    """Alerts not sent whose next attempt is due, oldest first."""
    q = (
        sa.select(AlertSent)
        .where(
            col(AlertSent.status).in_(_OPEN),
            sa.or_(col(AlertSent.next_attempt_at) <= now, col(AlertSent.next_attempt_at).is_(None)),
        )
        .order_by(col(AlertSent.id))
    )
    return list(session.scalars(q))


def expire_alert(session: Session, alert_id: int) -> None:
    """Give up an alert that was not sent while it was news."""
    session.execute(
        sa.update(AlertSent)
        .where(col(AlertSent.id) == alert_id, col(AlertSent.status).in_(_OPEN))
        .values(status=AlertStatus.EXPIRED.value, next_attempt_at=None)
    )


def alert_health(session: Session, *, since: datetime, now: datetime) -> dict[str, Any]:
    """Alerts waiting to be sent again, being sent, given up and sent since ``since``, the next
    try, the last error."""
    waiting = col(AlertSent.status).in_(_OPEN)
    sending = session.scalar(
        sa.select(sa.func.count()).where(
            col(AlertSent.status) == AlertStatus.PENDING.value, col(AlertSent.next_attempt_at) > now
        )
    )
    rows = session.execute(
        sa.select(col(AlertSent.status), sa.func.count())
        .where(sa.or_(waiting, col(AlertSent.fired_at) >= since))
        .group_by(col(AlertSent.status))
    )
    counts = {str(status): int(n) for status, n in rows}
    last = session.scalars(
        sa.select(AlertSent)
        .where(col(AlertSent.error).is_not(None), sa.or_(waiting, col(AlertSent.fired_at) >= since))
        .order_by(col(AlertSent.id).desc())
        .limit(1)
    ).first()
    next_try = session.scalar(sa.select(sa.func.min(col(AlertSent.next_attempt_at))).where(waiting))
    return {
        "waiting": int(counts.get(AlertStatus.FAILED.value, 0))
        + int(counts.get(AlertStatus.PENDING.value, 0))
        - int(sending or 0),
        "sending": int(sending or 0),
        "given_up": int(counts.get(AlertStatus.EXPIRED.value, 0)),
        "sent": int(counts.get(AlertStatus.SENT.value, 0)),
        "next_attempt_at": next_try,
        "last_error": last.error if last is not None else None,
    }


def story_outlets(
    session: Session, story_id: int, since: datetime, until: datetime | None = None
) -> int:
    """Distinct sources with an article in the story first seen since ``since`` (to ``until``)."""
    q = sa.select(sa.func.count(sa.distinct(col(Article.source_id)))).where(
        col(Article.story_id) == story_id,
        col(Article.first_seen_at) >= since,
    )
    if until is not None:
        q = q.where(col(Article.first_seen_at) <= until)
    return int(session.scalar(q) or 0)


def ensure_story(session: Session, article: Article) -> int:
    """The article's story; a one-article story is opened when none was assigned yet."""
    if article.story_id is not None:
        return article.story_id
    if article.duplicate_of is not None:
        original = session.get(Article, article.duplicate_of)
        if original is not None and original.story_id is not None:
            return original.story_id
    root_id = article.duplicate_of or article.id
    root = session.get(Article, root_id) or article
    story = Story(
        headline=root.title,
        lead_article_id=root.id,
        primary_category=root.primary_category,
        categories=list(root.categories or []),
        first_seen_at=root.first_seen_at,
        last_seen_at=article.first_seen_at,
        article_count=1,
    )
    session.add(story)
    session.flush()
    # only where no story was assigned meanwhile: the dedup stage's choice wins
    session.execute(
        sa.update(Article)
        .where(
            sa.or_(col(Article.id) == root_id, col(Article.duplicate_of) == root_id),
            col(Article.story_id).is_(None),
        )
        .values(story_id=story.id)
    )
    session.refresh(article)
    return int(article.story_id or story.id or 0)
