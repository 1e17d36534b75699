"""Readers' feedback on articles: stored with time and user, read back per article and in bulk.

Feedback is a correction kept beside the judgement, never written over it: the digest ledger
and the articles' own fields stay as they were, so a digest already sent is never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from newswatch.storage.models import Article, Feedback, utcnow


class FeedbackKind(StrEnum):
    NOT_RELEVANT = "not-relevant"
    WRONG_CATEGORY = "wrong-category"
    NOT_SAME_STORY = "not-same-story"


def add_feedback(
    session: Session,
    article_id: int,
    kind: FeedbackKind,
    *,
    user: str,
    category: str | None = None,
    at: datetime | None = None,
) -> Feedback:
    """Record one correction (the article must exist; ``category`` only for wrong-category)."""
    if session.get(Article, article_id) is None:
        raise LookupError(f"no article {article_id}")
    row = Feedback(
        article_id=article_id,
        kind=str(kind),
        category=category if kind is FeedbackKind.WRONG_CATEGORY else None,
        user=user[:100],
        created_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def feedback_for(session: Session, article_id: int) -> list[Feedback]:
    """An article's feedback, oldest first."""
    q = sa.select(Feedback).where(col(Feedback.article_id) == article_id).order_by(col(Feedback.id))
    return list(session.scalars(q))


def all_feedback(session: Session, article_ids: Iterable[int] | None = None) -> list[Feedback]:
    """Every feedback row (or those of some articles), oldest first."""
    q = sa.select(Feedback).order_by(col(Feedback.id))
    if article_ids is not None:
        q = q.where(col(Feedback.article_id).in_(list(set(article_ids))))
    return list(session.scalars(q))


def corrected_articles(session: Session) -> list[tuple[Article, list[Feedback]]]:
    """Articles that carry feedback, with it: the labelled set readers made."""
    rows = all_feedback(session)
    by_article: dict[int, list[Feedback]] = {}
    for row in rows:
        by_article.setdefault(row.article_id, []).append(row)
    if not by_article:
        return []
    q = sa.select(Article).where(col(Article.id).in_(list(by_article))).order_by(col(Article.id))
    return [(a, by_article[int(a.id or 0)]) for a in session.scalars(q)]
