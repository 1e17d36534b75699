"""Read-only queries that only tests ask (the program never needs them, so they are not in storage/)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from newswatch.storage.models import AlertSent, Article, Delivery


def count_articles(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(Article)) or 0)


def deliveries_of(session: Session, digest_id: int) -> list[Delivery]:
    q = sa.select(Delivery).where(Delivery.digest_id == digest_id).order_by(Delivery.id)
    return list(session.scalars(q))


def alerts_fired(session: Session, story_id: int | None = None) -> list[AlertSent]:
    q = sa.select(AlertSent).order_by(AlertSent.id)
    if story_id is not None:
        q = q.where(AlertSent.story_id == story_id)
    return list(session.scalars(q))
