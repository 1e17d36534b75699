"""Alert ledger: which rule fired for which story, sent once across processes, with retries.

The unique (rule, story) row is the lock between processes; each attempt is leased, so an alert
whose sender died is due again. Also the story facts the alert rules read (outlets, the story).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from newswatch.storage.db import insert_for, rowcount
from newswatch.storage.models import AlertSent, Article, Story

_ALERTS = SQLModel.metadata.tables["alerts"]


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
