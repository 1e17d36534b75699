"""The service's job table: which jobs run on which trigger, and how runs may overlap or misfire.

Job ids (``poll``, ``digest``, ``deliveries``, ``heartbeat``) are what a reload reschedules.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config import Settings
from newswatch.scheduler import plan

if TYPE_CHECKING:
    from newswatch.scheduler.service import Service

DELIVERY_RETRY = timedelta(minutes=15)


def add_jobs(svc: Service) -> None:
    """Schedule the service's jobs, each wrapped by ``Service.tracked``."""
    s = svc.settings
    sched = svc.scheduler
    grace = int(s.service.misfire_grace.total_seconds())
    sched.add_job(
        svc.tracked("poll", svc.poll),
        plan.poll_trigger(s),
        id="poll",
        name="poll due feeds",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=svc.clock(),
    )
    sched.add_job(
        svc.tracked("digest", svc.digest),
        plan.digest_trigger(s),
        id="digest",
        name="digest",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=grace,
    )
    # one run now: builds the digest missed while the service was down (once, not per day)
    sched.add_job(
        svc.tracked("digest", svc.digest),
        id="digest-catchup",
        name="digest catch-up",
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=svc.clock(),
    )
    sched.add_job(
        svc.tracked("deliveries", svc.deliveries),
        delivery_trigger(s),
        id="deliveries",
        name="retry deliveries",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    sched.add_job(
        svc.tracked("heartbeat", svc.heartbeat),
        IntervalTrigger(seconds=s.service.heartbeat.total_seconds()),
        id="heartbeat",
        name="heartbeat",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )


def delivery_trigger(settings: Settings) -> IntervalTrigger:
    """Every DELIVERY_RETRY, or every service.digest_every when that is shorter."""
    every = settings.service.digest_every
    period = min(DELIVERY_RETRY, every) if every else DELIVERY_RETRY
    return IntervalTrigger(seconds=period.total_seconds())
