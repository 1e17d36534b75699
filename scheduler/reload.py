"""Apply a re-read configuration to the running service (SIGHUP / `newswatch reload`).

Added feeds are polled at the next tick, removed ones are no longer picked, a changed interval
applies from the feed's last poll; a crawl already running keeps the settings it started with.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from newswatch.config import Settings
from newswatch.errors import ConfigError
from newswatch.scheduler import plan
from newswatch.scheduler.jobs import delivery_trigger
from newswatch.storage import service_state as state_sql

if TYPE_CHECKING:
    from newswatch.scheduler.service import Service

log = logging.getLogger("newswatch.service")


def apply_reload(svc: Service, load_settings: Callable[[], Settings]) -> bool:
    """Swap in the new settings and reschedule; False (old ones kept) when they are invalid."""
    try:
        new = load_settings()
        if new.storage.url != svc.settings.storage.url:
            raise ConfigError("storage.url cannot change while running", hint="restart the service")
    except ConfigError as exc:
        svc.metrics.reloads.labels(outcome="rejected").inc()
        log.error(
            "new configuration rejected, keeping the running one: %s",
            exc.message,
            extra={"event": "reload", "problems": exc.problems},
        )
        return False
    old, svc.settings = svc.settings, new
    diff = plan.diff_feeds(old, new)
    if diff.retimed:
        try:
            retime(svc, diff.retimed)
        except Exception as exc:  # the next poll re-plans these feeds anyway
            log.warning("could not re-plan re-timed feeds: %s", exc)
    sched = svc.scheduler
    sched.reschedule_job("poll", trigger=plan.poll_trigger(new))
    if str(plan.digest_trigger(old)) != str(plan.digest_trigger(new)):
        sched.reschedule_job("digest", trigger=plan.digest_trigger(new))
    sched.reschedule_job("deliveries", trigger=delivery_trigger(new))
    sched.modify_job("poll", next_run_time=svc.clock())
    svc.metrics.reloads.labels(outcome="ok").inc()
    svc.metrics.feeds.set(len(plan.enabled_feeds(new)))
    log.info(
        "configuration reloaded: %d added, %d removed, %d re-timed, %d changed",
        len(diff.added),
        len(diff.removed),
        len(diff.retimed),
        len(diff.changed),
        extra={
            "event": "reload",
            "added": diff.added,
            "removed": diff.removed,
            "retimed": diff.retimed,
        },
    )
    return True


def retime(svc: Service, names: list[str]) -> None:
    """A changed interval applies from the feed's last poll, not after its old plan."""
    feeds = {f.name: f for f in svc.settings.feeds}
    with svc.db.session() as s:
        plans = state_sql.poll_plans(s, names)
        for name in names:
            last, _ = plans.get(name, (None, None))
            interval = plan.effective_interval(feeds[name], svc.settings)
            state_sql.set_next_poll(s, name, None if last is None else last + interval)
