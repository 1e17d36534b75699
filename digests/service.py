"""Build and render digests exactly once; called by `newswatch digest` and the scheduler.

A digest claims every article first seen before its cut-off that no earlier digest claimed,
in the same transaction that records the digest; the files are rendered inside that
transaction, so a failure before commit leaves nothing claimed and the next run redoes it.
Sending the emails is ``digests.delivery``; rebuilding a recorded digest is ``digests.recorded``.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newswatch.config import Settings
from newswatch.digests import render
from newswatch.digests.build import alert_health_line, build_view, classify
from newswatch.digests.delivery import EMAIL, DeliveryOutcome, retry_deliveries
from newswatch.digests.recorded import base_url, earlier_text, meta_of, view_of, view_options
from newswatch.digests.view import DigestView
from newswatch.storage import ledger
from newswatch.storage.alerts import alert_health
from newswatch.storage.db import Database
from newswatch.storage.models import Digest, utcnow
from newswatch.storage.sources import feed_health

log = logging.getLogger(__name__)

# a gap longer than this since the previous digest means days were missed
CATCHUP_AFTER = timedelta(hours=36)


@dataclass
class DigestResult:
    """A digest built now (``created``) or re-rendered from its ledger."""

    digest_id: int
    label: str
    kind: str
    created: bool
    files: dict[str, Path]
    counts: dict[str, Any]
    deliveries: list[DeliveryOutcome] = field(default_factory=list)
    waiting: int = 0  # unreported articles left for the next digest


def _tz(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.digest.timezone)


def label_for(settings: Settings, cutoff: datetime) -> str:
    return cutoff.astimezone(_tz(settings)).date().isoformat()


def scheduled_cutoff(settings: Settings, day: date) -> datetime:
    """The digest time of a local calendar day, in UTC."""
    hh, mm = (int(p) for p in settings.digest.time.split(":"))
    return datetime.combine(day, time(hh, mm), tzinfo=_tz(settings)).astimezone(UTC)


def due_cutoff(settings: Settings, now: datetime) -> datetime:
    """The latest scheduled digest time at or before ``now``."""
    today = now.astimezone(_tz(settings)).date()
    cut = scheduled_cutoff(settings, today)
    return cut if cut <= now else scheduled_cutoff(settings, today - timedelta(days=1))


def _counts(view: DigestView) -> dict[str, Any]:
    """What the digest row keeps: figures, and the health snapshot for faithful re-renders."""
    return {
        "title": view.title,
        "summary": render.summary_line(view),
        "top": [
            e.headline for e in (view.top or [e for s in view.sections for e in s.entries])[:5]
        ],
        "categories": dict(view.category_counts),
        "new_stories": view.new_stories,
        "updates": view.update_count,
        "offtopic": len(view.offtopic),
        "sources_polled": view.sources_polled,
        "feeds_total": view.feeds_total,
        "feeds_unhealthy": [asdict(h) for h in view.feeds_unhealthy],
        "alerts_unsent": view.alerts_unsent,
    }


def _write_archive(settings: Settings, session: Session, now: datetime) -> None:
    items = [
        render.archive_item(
            d.label,
            d.kind,
            d.counts or {},
            d.files or {},
            window_start=d.window_start,
            window_end=d.window_end,
            created_at=d.created_at,
        )
        for d in ledger.list_digests(session)
    ]
    feed_id = f"tag:{settings.digest.list_id},2024:digests"
    render.write_archive(
        items,
        settings.digest.output_dir,
        feed_id=feed_id,
        now=now,
        timezone=settings.digest.timezone,
        base=base_url(settings),
    )


def _claim_and_render(
    settings: Settings,
    session: Session,
    *,
    cutoff: datetime,
    label: str,
    now: datetime,
    interval: bool = False,
) -> tuple[Digest, dict[str, Path]] | None:
    digest = ledger.open_digest(session, label=label, window_end=cutoff, created_at=now)
    last = ledger.latest_digest(session, exclude=digest.id)
    if last is not None and last.window_end is not None and last.window_end >= cutoff:
        session.rollback()
        return None
    articles = ledger.unreported_articles(session, cutoff)
    start = last.window_end if last is not None else None
    if start is None and articles:
        start = min(a.first_seen_at for a in articles if a.first_seen_at is not None)
        if not interval:
            # a first daily digest covers at least its day, so that its window reads as one
            start = min(start, cutoff - timedelta(days=1))
    digest.window_start = start
    if interval:
        digest.kind = "interval"
    else:
        digest.kind = "catchup" if start is not None and cutoff - start > CATCHUP_AFTER else "daily"
    stories = ledger.stories_by_id(
        session, (a.story_id for a in articles if a.story_id is not None)
    )
    before = ledger.ledgered(
        session, (a.duplicate_of for a in articles if a.duplicate_of is not None), shown=True
    )
    first_polls = ledger.first_poll_ends(
        session, (a.source_id for a in articles if a.source_id is not None)
    )
    items = classify(articles, stories, before, settings.digest.lookback, first_polls)
    # stored rows: their ids are set
    ledger.claim_entries(session, digest, [(a.id, a.story_id, k) for k, a in items])  # type: ignore[misc]
    listed = {
        a.story_id for k, a in items if k not in ("offtopic", "backlog") and a.story_id is not None
    }
    ledger.mark_stories_reported(session, listed, now)
    view = build_view(
        meta_of(digest),
        items,
        sources=ledger.sources_by_id(session),
        stories=stories,
        health=feed_health(session, now=cutoff),
        feeds={f.name: f for f in settings.feeds},
        # the first digest counts every poll so far: its window starts at its first article
        sources_polled=ledger.sources_polled(
            session, last.window_end if last is not None else None, cutoff
        ),
        # a stored row: its id is set
        reported_text=earlier_text(session, items, digest.id),  # type: ignore[arg-type]
        **view_options(settings),
    )
    view.alerts_unsent = alert_health_line(
        alert_health(session, since=start or cutoff - timedelta(days=1), now=now)
    )
    files = render.write_digest(view, settings.digest.output_dir)
    try:
        ledger.finish_digest(
            session, digest, files={k: str(p) for k, p in files.items()}, counts=_counts(view)
        )
    except BaseException:
        # the transaction will roll back: take back files that would describe an unrecorded digest
        for path in files.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        raise
    return digest, files


def build_digest(
    settings: Settings,
    db: Database,
    *,
    cutoff: datetime,
    label: str | None = None,
    now: datetime | None = None,
    send: bool = False,
    rerender_existing: bool = True,
    interval: bool = False,
) -> DigestResult | None:
    """Report everything unreported before ``cutoff`` (or re-render the digest of ``label``).

    ``interval`` marks a digest built on service.digest_every rather than once a day.
    """
    now = now or utcnow()
    label = label or label_for(settings, cutoff)
    # without recipients there is nobody to deliver to: no delivery row to pile up either
    send = send and bool(settings.digest.recipients)
    for attempt in range(3):
        with db.session() as s:
            existing = ledger.digest_by_label(s, label)
        if existing is not None:
            if not rerender_existing:
                return None
            # a stored row: its id is set
            return _rerender(settings, db, existing.id, now=now, send=send)  # type: ignore[arg-type]
        try:
            with db.session() as s:
                done = _claim_and_render(
                    settings, s, cutoff=cutoff, label=label, now=now, interval=interval
                )
                if done is None:
                    return None
                digest, files = done
                digest_id = int(digest.id or 0)  # flushed: the id is set
                if send:
                    ledger.ensure_delivery(s, digest_id, EMAIL)
                result = DigestResult(
                    digest_id, label, digest.kind, True, files, dict(digest.counts)
                )
            break
        except IntegrityError:
            # another run claimed some of these articles first: look again from the start
            if attempt == 2:
                raise
            log.warning("digest %s: articles claimed concurrently, retrying", label)
    with db.session() as s:
        # after the commit, so that the archive only ever lists recorded digests
        _write_archive(settings, s, now)
        result.waiting = ledger.count_unreported(s)
    if send:
        result.deliveries = retry_deliveries(settings, db, now=now)
    return result


def _rerender(
    settings: Settings, db: Database, digest_id: int, *, now: datetime, send: bool
) -> DigestResult:
    with db.session() as s:
        digest = ledger.get_digest(s, digest_id)
        assert digest is not None
        view = view_of(settings, s, digest)
        files = render.write_digest(view, settings.digest.output_dir)
        digest.files = {k: str(p) for k, p in files.items()}
        _write_archive(settings, s, now)
        if send:
            ledger.ensure_delivery(s, digest_id, EMAIL)
        result = DigestResult(
            digest_id, digest.label, digest.kind, False, files, dict(digest.counts or {})
        )
        result.waiting = ledger.count_unreported(s)
    if send:
        result.deliveries = retry_deliveries(settings, db, now=now)
    return result


def run_daily_digest(settings: Settings, db: Database, *, now: datetime) -> DigestResult | None:
    """The scheduler's job: build the due digest (one catch-up after a gap) and deliver."""
    send = bool(settings.digest.recipients)
    result = build_digest(
        settings, db, cutoff=due_cutoff(settings, now), now=now, send=send, rerender_existing=False
    )
    if result is None and send:
        retry_deliveries(settings, db, now=now)
    return result
