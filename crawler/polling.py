"""Poll bookkeeping: write each feed's outcome and choose when to poll it next."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from newswatch.config import CrawlConfig, FeedConfig, base_interval
from newswatch.crawler.report import FeedState
from newswatch.storage.models import Source
from newswatch.storage.sources import PollOutcome, record_poll

# Failures tolerated at the normal interval before back-off starts (one blip is not an outage).
FAILURES_BEFORE_BACKOFF = 2
# A feed silent for longer than this many intervals gets polled less often.
SILENCE_FACTOR = 4


def _aware(dt: datetime | None, now: datetime) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=now.tzinfo)


def poll_interval(
    source: Source, feed_cfg: FeedConfig, crawl_cfg: CrawlConfig, now: datetime
) -> timedelta:
    """The wait before the next poll: back-off on failures, stretched for quiet feeds."""
    base = base_interval(feed_cfg, crawl_cfg)
    failures = source.consecutive_failures or 0
    if failures >= FAILURES_BEFORE_BACKOFF:
        steps = failures - FAILURES_BEFORE_BACKOFF + 1
        cap = max(crawl_cfg.failure_backoff_cap, base)
        factor: int = 2 ** min(steps, 32)  # typeshed: int ** int may be a float
        return min(cap, base * factor)
    ceiling = max(crawl_cfg.max_interval, base)
    last_new = _aware(source.last_new_item_at, now) or _aware(source.created_at, now)
    if last_new is None:
        return base
    silence = now - last_new
    if silence > base * SILENCE_FACTOR:
        return min(ceiling, max(base, silence / SILENCE_FACTOR))
    return base


def next_poll_at(
    source: Source, feed_cfg: FeedConfig, crawl_cfg: CrawlConfig, now: datetime
) -> datetime | None:
    """When ``source`` is due again; None for a deactivated (gone) source."""
    if not source.active:
        return None
    if poll_interrupted(source):
        return now
    return now + poll_interval(source, feed_cfg, crawl_cfg, now)


def poll_interrupted(source: Source) -> bool:
    """Whether the last poll was cut short (it recorded neither a success nor an error)."""
    polled = source.last_polled_at
    if polled is None:
        return False
    return all(t is None or t < polled for t in (source.last_success_at, source.last_error_at))


def outcome_of(state: FeedState) -> PollOutcome:
    """The PollOutcome storage records for this feed's tallies."""
    r = state.report
    outcome = {
        "ok": "ok",
        "not_modified": "not_modified",
        "moved": "moved",
        "gone": "gone",
        "interrupted": "interrupted",
    }.get(r.status, "error")
    if outcome == "moved" and not r.new_url:
        outcome = "ok"
    ok = outcome in ("ok", "moved")
    note = r.error if r.error else r.warning
    if r.encoding_note and r.encoding_note not in (note or ""):  # a later warning replaced it
        note = f"{note}; {r.encoding_note}" if note else r.encoding_note
    return PollOutcome(
        outcome=outcome,
        status=r.http_status,
        duration_ms=state.duration_ms(),
        bytes=r.bytes,
        items_found=r.found,
        items_new=r.new,
        error=note,
        etag=state.resp_etag if ok else None,
        last_modified=state.resp_last_modified if ok else None,
        new_url=r.new_url if outcome == "moved" else None,
    )


def finish_poll(
    session: Session, source: Source, state: FeedState, crawl_cfg: CrawlConfig, now: datetime
) -> None:
    """Record the poll and schedule the next one."""
    record_poll(session, source, outcome_of(state), now=now)
    source.next_poll_at = next_poll_at(source, state.cfg, crawl_cfg, now)
    session.flush()
