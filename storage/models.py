"""Tables of newswatch (SQLModel). Times are stored in UTC.

Unique keys are hashes (of the canonical URL, of the GUID), never long URLs, so that every
backend can index them. The schema here must match the Alembic migrations in
``storage/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> sa.Table:
    """A table model's Core table, for statements that skip the ORM."""
    # SQLModel sets __table__ when it builds a table model; its type hints leave the attribute out
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


def _dt(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


def _json(default: Any = None) -> Any:
    factory = (lambda: type(default)()) if default is not None else None
    if factory is None:
        return Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    return Field(default_factory=factory, sa_column=sa.Column(sa.JSON, nullable=False))


class Source(SQLModel, table=True):
    """A configured feed, listing or sitemap, with its health and conditional-GET state."""

    __tablename__ = "sources"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    kind: str = Field(default="rss", max_length=20)
    title: str | None = Field(default=None)
    language: str | None = Field(default=None, max_length=16)
    tags: dict[str, Any] = _json({})
    active: bool = Field(default=True)
    deactivated_reason: str | None = Field(default=None)
    etag: str | None = Field(default=None)
    last_modified: str | None = Field(default=None)
    last_polled_at: datetime | None = _dt()
    last_success_at: datetime | None = _dt()
    last_error_at: datetime | None = _dt()
    last_error: str | None = Field(default=None)
    last_status: int | None = Field(default=None)
    consecutive_failures: int = Field(default=0)
    last_new_item_at: datetime | None = _dt()
    next_poll_at: datetime | None = _dt()
    created_at: datetime | None = _dt()


class Poll(SQLModel, table=True):
    """The outcome of one poll of one source."""

    __tablename__ = "polls"
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sources.id", index=True)
    started_at: datetime | None = _dt(index=True)
    duration_ms: int = Field(default=0)
    status: int | None = Field(default=None)  # HTTP status
    outcome: str = Field(
        default="ok", max_length=20
    )  # ok | not_modified | error | gone | moved | interrupted
    bytes: int = Field(default=0)
    items_found: int = Field(default=0)
    items_new: int = Field(default=0)
    error: str | None = Field(default=None)


class Story(SQLModel, table=True):
    """Reports of one development from one or more outlets."""

    __tablename__ = "stories"
    id: int | None = Field(default=None, primary_key=True)
    headline: str = Field(default="")
    lead_article_id: int | None = Field(default=None)
    primary_category: str | None = Field(default=None, max_length=40, index=True)
    categories: list[str] = _json([])
    entities: dict[str, int] = _json({})
    first_seen_at: datetime | None = _dt(index=True)
    last_seen_at: datetime | None = _dt(index=True)
    article_count: int = Field(default=0)
    reported_at: datetime | None = _dt()  # first digest that listed it


class Article(SQLModel, table=True):
    """One article, identified by the hash of its canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "guid_hash", name="uq_articles_source_guid"),
    )
    id: int | None = Field(default=None, primary_key=True)
    url_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    canonical_url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    source_id: int | None = Field(default=None, foreign_key="sources.id", index=True)
    guid: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    guid_hash: str | None = Field(default=None, max_length=64)
    external_id: str | None = Field(default=None, index=True)
    title: str = Field(default="")
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    published_at: datetime | None = _dt(index=True)
    published_source: str | None = Field(default=None, max_length=20)
    language: str | None = Field(default=None, max_length=16)
    authors: list[str] = _json([])
    first_seen_at: datetime | None = _dt(index=True)
    updated_at: datetime | None = _dt()
    content_hash: str | None = Field(default=None, max_length=64, index=True)
    signature: bytes | None = Field(
        default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True)
    )
    relevant: bool | None = Field(default=None, index=True)
    score: float | None = Field(default=None)
    primary_category: str | None = Field(default=None, max_length=40, index=True)
    categories: list[str] = _json([])
    reasons: list[str] = _json([])
    entities: list[str] = _json([])
    duplicate_of: int | None = Field(default=None, foreign_key="articles.id", index=True)
    story_id: int | None = Field(default=None, foreign_key="stories.id", index=True)
    status: str = Field(default="new", max_length=20)  # new | updated | removed
    changes: dict[str, Any] | None = _json()
    meta: dict[str, Any] = _json({})


class ArticleBand(SQLModel, table=True):
    """MinHash LSH band hashes, persisted so near-duplicate lookup survives restarts."""

    __tablename__ = "article_bands"
    __table_args__ = (sa.Index("ix_article_bands_band_hash", "band", "hash"),)
    article_id: int = Field(foreign_key="articles.id", primary_key=True)
    band: int = Field(primary_key=True)
    hash: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))


class CrawlRun(SQLModel, table=True):
    """One collection pass over some sources."""

    __tablename__ = "crawl_runs"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime | None = _dt(index=True)
    finished_at: datetime | None = _dt()
    sources: int = Field(default=0)
    fetched: int = Field(default=0)
    new: int = Field(default=0)
    duplicates: int = Field(default=0)
    failed: int = Field(default=0)
    status: str = Field(default="running", max_length=20)
    worker: str | None = Field(default=None)


class Digest(SQLModel, table=True):
    """One digest: the window of first-seen time it covers and what it produced."""

    __tablename__ = "digests"
    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=40, index=True)  # e.g. 2026-11-23
    kind: str = Field(default="daily", max_length=20)  # daily | catchup | interval | manual
    window_start: datetime | None = _dt()
    window_end: datetime | None = _dt(index=True)
    created_at: datetime | None = _dt()
    status: str = Field(default="building", max_length=20)  # building | rendered
    counts: dict[str, Any] = _json({})
    files: dict[str, str] = _json({})


class DigestEntry(SQLModel, table=True):
    """The ledger: every article enters exactly one digest."""

    __tablename__ = "digest_entries"
    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(foreign_key="digests.id", index=True)
    article_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("articles.id"), unique=True, nullable=False)
    )
    story_id: int | None = Field(default=None, foreign_key="stories.id", index=True)
    kind: str = Field(default="new", max_length=20)  # new | update | duplicate | offtopic


class Delivery(SQLModel, table=True):
    """Delivery ledger: a digest sent once per channel, retried until it is."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("digest_id", "channel", name="uq_deliveries_digest_channel"),
    )
    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(foreign_key="digests.id", index=True)
    channel: str = Field(max_length=40)
    status: str = Field(default="pending", max_length=20)  # pending | sent | failed
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None)
    sent_at: datetime | None = _dt()
    message_id: str | None = Field(default=None)


class AlertSent(SQLModel, table=True):
    """Each alert rule fires once per story."""

    __tablename__ = "alerts"
    __table_args__ = (sa.UniqueConstraint("rule", "story_id", name="uq_alerts_rule_story"),)
    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=100)
    story_id: int = Field(foreign_key="stories.id", index=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id")
    fired_at: datetime | None = _dt()
    status: str = Field(default="pending", max_length=20)  # see storage.alerts.AlertStatus
    error: str | None = Field(default=None)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # when the next send may start; while a send runs, the end of its lease (see ledger)
    next_attempt_at: datetime | None = _dt()


class ServiceLock(SQLModel, table=True):
    """Single-instance lock of ``newswatch run`` on SQLite (PostgreSQL uses an advisory lock)."""

    __tablename__ = "service_lock"
    name: str = Field(primary_key=True, max_length=40)
    pid: int = Field(default=0)
    host: str = Field(default="")
    acquired_at: datetime | None = _dt()
    heartbeat_at: datetime | None = _dt()


class ServiceState(SQLModel, table=True):
    """Small key/value facts the service shares with `newswatch status` (next runs, etc.)."""

    __tablename__ = "service_state"
    key: str = Field(primary_key=True, max_length=100)
    value: dict[str, Any] = _json({})
    updated_at: datetime | None = _dt()


class Feedback(SQLModel, table=True):
    """A reader's correction of one article, as given in the web pages (never rewrites a digest)."""

    __tablename__ = "feedback"
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    kind: str = Field(max_length=20)  # see newswatch.storage.feedback.FeedbackKind
    category: str | None = Field(default=None, max_length=40)  # the right one, for wrong-category
    user: str = Field(default="", max_length=100)
    created_at: datetime | None = _dt(index=True)
