"""What the service keeps in the database: shared facts, due feeds, and the status summary.

The schedule is derived from these rows (``Source.next_poll_at``, ``last_polled_at``) rather
than from a state file, so a restarted service resumes where the old one stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col

from newswatch.storage.db import rowcount
from newswatch.storage.models import (
    Article,
    CrawlRun,
    Delivery,
    Digest,
    DigestEntry,
    ServiceState,
    Source,
    table_of,
    utcnow,
)


def put_state(
    session: Session, key: str, value: Mapping[str, Any], *, now: datetime | None = None
) -> None:
    """Write one key (insert or replace)."""
    row = {"key": key, "value": dict(value), "updated_at": now or utcnow()}
    table = table_of(ServiceState)
    ins = (
        postgresql.insert(table)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(table)
    )
    session.execute(
        ins.values(**row).on_conflict_do_update(
            index_elements=["key"], set_={"value": row["value"], "updated_at": row["updated_at"]}
        )
    )


def get_state(session: Session, key: str) -> tuple[dict[str, Any], datetime | None] | None:
    """A key's value and when it was written, or None."""
    row = session.get(ServiceState, key)
    return None if row is None else (dict(row.value or {}), row.updated_at)


def due_feeds(session: Session, names: Iterable[str], now: datetime) -> list[str]:
    """Configured feed names due for a poll: never polled, unknown yet, or next_poll_at passed."""
    wanted = list(dict.fromkeys(names))
    rows = {
        r.name: r
        for r in session.execute(
            sa.select(col(Source.name), col(Source.active), col(Source.next_poll_at)).where(
                col(Source.name).in_(wanted)
            )
        )
    }
    due: list[tuple[datetime | None, str]] = []
    for name in wanted:
        row = rows.get(name)
        if row is None:
            due.append((None, name))
        elif row.active and (row.next_poll_at is None or row.next_poll_at <= now):
            due.append((row.next_poll_at, name))
    due.sort(key=lambda t: (t[0] is not None, t[0] or now, t[1]))
    return [name for _, name in due]


def next_poll(session: Session, names: Iterable[str]) -> datetime | None:
    """The earliest planned poll among these feeds (None when one has no plan yet)."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return None
    rows = list(
        session.execute(
            sa.select(col(Source.name), col(Source.next_poll_at)).where(
                col(Source.name).in_(wanted), col(Source.active).is_(True)
            )
        )
    )
    if len({r.name for r in rows}) < len(wanted) or any(r.next_poll_at is None for r in rows):
        return None
    return min((r.next_poll_at for r in rows), default=None)


def poll_plans(
    session: Session, names: Iterable[str]
) -> dict[str, tuple[datetime | None, datetime | None]]:
    """name -> (last_polled_at, next_poll_at) for these feeds that have a row."""
    wanted = list(dict.fromkeys(names))
    return {
        r.name: (r.last_polled_at, r.next_poll_at)
        for r in session.execute(
            sa.select(col(Source.name), col(Source.last_polled_at), col(Source.next_poll_at)).where(
                col(Source.name).in_(wanted)
            )
        )
    }


def set_next_poll(session: Session, name: str, when: datetime | None) -> None:
    """Plan a feed's next poll (None: poll at the next tick)."""
    session.execute(sa.update(Source).where(col(Source.name) == name).values(next_poll_at=when))


def close_interrupted_runs(session: Session, *, now: datetime | None = None) -> int:
    """Mark crawl runs left 'running' by a killed process as interrupted; how many."""
    result = session.execute(
        sa.update(CrawlRun)
        .where(col(CrawlRun.status) == "running")
        .values(status="interrupted", finished_at=now or utcnow())
    )
    return rowcount(result)


def _row(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def status_summary(
    session: Session, *, day_start: datetime, now: datetime | None = None
) -> dict[str, Any]:
    """Last crawl and digest, deliveries, feed health and today's counts (``day_start`` in UTC)."""
    now = now or utcnow()
    crawl = session.scalars(
        sa.select(CrawlRun)
        .order_by(col(CrawlRun.started_at).desc(), col(CrawlRun.id).desc())
        .limit(1)
    ).first()
    digest = session.scalars(
        sa.select(Digest).order_by(col(Digest.created_at).desc(), col(Digest.id).desc()).limit(1)
    ).first()
    pending = session.scalar(
        sa.select(sa.func.count()).select_from(Delivery).where(col(Delivery.status) != "sent")
    )
    active = col(Source.active).is_(True)
    feeds = {
        "total": session.scalar(sa.select(sa.func.count()).select_from(Source)) or 0,
        "active": session.scalar(sa.select(sa.func.count()).select_from(Source).where(active)) or 0,
        "failing": session.scalar(
            sa.select(sa.func.count())
            .select_from(Source)
            .where(active, col(Source.consecutive_failures) > 0)
        )
        or 0,
        "never_polled": session.scalar(
            sa.select(sa.func.count())
            .select_from(Source)
            .where(active, col(Source.last_polled_at).is_(None))
        )
        or 0,
        "deactivated": session.scalar(
            sa.select(sa.func.count()).select_from(Source).where(col(Source.active).is_(False))
        )
        or 0,
    }
    failing = [
        _row(s, ("name", "consecutive_failures", "last_error", "last_error_at"))
        for s in session.scalars(
            sa.select(Source)
            .where(active, col(Source.consecutive_failures) > 0)
            .order_by(col(Source.consecutive_failures).desc(), col(Source.name))
            .limit(10)
        )
    ]
    today = col(Article.first_seen_at) >= day_start
    counts = {
        "articles": session.scalar(sa.select(sa.func.count()).select_from(Article).where(today))
        or 0,
        "relevant": session.scalar(
            sa.select(sa.func.count())
            .select_from(Article)
            .where(today, col(Article.relevant).is_(True))
        )
        or 0,
        "crawls": session.scalar(
            sa.select(sa.func.count())
            .select_from(CrawlRun)
            .where(col(CrawlRun.started_at) >= day_start)
        )
        or 0,
        "undigested": session.scalar(
            sa.select(sa.func.count())
            .select_from(Article)
            .where(~sa.exists().where(col(DigestEntry.article_id) == col(Article.id)))
        )
        or 0,
    }
    return {
        "now": now,
        "last_crawl": None
        if crawl is None
        else _row(
            crawl,
            (
                "id",
                "started_at",
                "finished_at",
                "sources",
                "fetched",
                "new",
                "duplicates",
                "failed",
                "status",
            ),
        ),
        "last_digest": None
        if digest is None
        else _row(digest, ("id", "label", "kind", "created_at", "status", "counts")),
        "pending_deliveries": pending or 0,
        "feeds": feeds,
        "failing_feeds": failing,
        "today": counts,
    }


def sources_named(session: Session, names: Iterable[str]) -> list[Source]:
    """The source rows of these feed names (missing ones are left out)."""
    wanted = list(dict.fromkeys(names))
    return list(
        session.scalars(
            sa.select(Source).where(col(Source.name).in_(wanted)).order_by(col(Source.name))
        )
    )


def start_crawl_run(
    session: Session, *, sources: int, worker: str | None = None, now: datetime | None = None
) -> int:
    """Open a crawl run row (status running); its id."""
    run = CrawlRun(started_at=now or utcnow(), sources=sources, status="running", worker=worker)
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def finish_crawl_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    figures: Mapping[str, int],
    now: datetime | None = None,
) -> None:
    """Close a crawl run with its figures (fetched, new, duplicates, failed)."""
    values: dict[str, Any] = {
        k: int(figures.get(k, 0)) for k in ("fetched", "new", "duplicates", "failed")
    }
    session.execute(
        sa.update(CrawlRun)
        .where(col(CrawlRun.id) == run_id)
        .values(status=status, finished_at=now or utcnow(), **values)
    )
