"""Build the service from the real crawler and digest code and run it on the shared reactor."""

from __future__ import annotations

import asyncio
import atexit
import logging
import random
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from newswatch.config import Settings
from newswatch.scheduler import plan
from newswatch.scheduler.service import PlanFn, Service
from newswatch.scheduler.signals import StartupSignals
from newswatch.storage import service_state as state_sql
from newswatch.storage.db import Database
from newswatch.storage.locks import ServiceLockHandle

if TYPE_CHECKING:
    from newswatch.crawler.store import Placement, StoreStage

# chatty at INFO on every tick; their warnings and errors still show
QUIET_LOGGERS = ("apscheduler", "scrapy", "alembic")


def jittered_plan(
    next_poll_at: Callable[..., datetime | None], rng: random.Random | None = None
) -> PlanFn:
    """Plan each polled feed's next poll: the crawler's adaptive interval plus jitter."""

    def plan_next(settings: Settings, db: Database, names: list[str], now: datetime) -> None:
        feeds = {f.name: f for f in settings.feeds}
        with db.session() as s:
            for src in state_sql.sources_named(s, names):
                cfg = feeds.get(src.name)
                if cfg is None:
                    continue
                when = next_poll_at(src, cfg, settings.crawl, now)
                if when is not None and when > now:  # a poll due at once (interrupted) stays so
                    when += plan.feed_jitter(cfg, settings, rng)
                state_sql.set_next_poll(s, src.name, when)

    return plan_next


class ServiceCrawl:
    """The crawler's ``crawl`` with the alert step attached, storing where the service should.

    Before each crawl the alert step sends again the failed alerts that are due.

    Where articles are judged and stored is ``crawler.store.placement(crawl.store_process,
    service=True)``: ``auto`` stores each crawl's articles in a process started for that crawl,
    so the service that waits for its next poll never loads the judge, MinHash (datasketch and
    scipy) or story linking; ``on`` keeps that process between crawls (held here); ``off``
    stores in the service, with the judge loaded once.
    """

    def __init__(
        self,
        crawl: Callable[..., Any],
        alert_step: Callable[[Settings, Database], Any] | None = None,
        release: Callable[[], None] | None = None,
    ) -> None:
        self._crawl = crawl
        self._release = release
        self._alert_step = alert_step
        self._kept: StoreStage | None = None  # the store process that ``on`` keeps between crawls
        self._closes_at_exit = False

    def store(self, settings: Settings, db: Database) -> Placement | StoreStage:
        """The ``store`` argument of the next crawl: a placement, or the stage kept for ``on``."""
        from newswatch.crawler.store import Placement, open_stage, placement

        where = placement(settings.crawl.store_process, service=True)
        if where is not Placement.KEPT:
            self.close()
            return where
        if self._kept is None or not self._kept.serves(settings, db):
            self.close()  # a broken process, or one started for another database or profile
            if not self._closes_at_exit:
                atexit.register(self.close)
                self._closes_at_exit = True
            self._kept = open_stage(where, settings, db)
        return self._kept

    def close(self) -> None:
        """Stop the kept store process (at the service's end, or when it is not wanted any more)."""
        if self._kept is not None:
            self._kept.close()
            self._kept = None

    async def __call__(
        self, settings: Settings, db: Database, feeds: list[str], *, runner: Any = None
    ) -> Any:
        hook = self._alert_step(settings, db) if self._alert_step is not None else None
        if hook is not None:
            await asyncio.to_thread(hook.retry_due)
        try:
            return await self._crawl(
                settings,
                db,
                feeds,
                runner=runner,
                store=self.store(settings, db),
                on_ingested=hook,
                log_run=False,  # the service logs its runs itself, "running" while in flight
            )
        finally:
            if self._release is not None:
                self._release()  # the service idles until the next poll: stay small


def run_digest(settings: Settings, db: Database, *, now: datetime) -> Any:
    """The digest job: daily (with one catch-up), or on service.digest_every when set."""
    from newswatch.digests.service import build_digest, run_daily_digest
    from newswatch.storage.ledger import count_unreported

    if settings.service.digest_every is None:
        return run_daily_digest(settings, db, now=now)
    with db.session() as s:
        waiting = count_unreported(s, now)
    if not waiting:  # no empty digest every few seconds; still send what failed before
        run_deliveries(settings, db, now=now)
        return None
    # a label per run: daily labels would fold all of a day's interval digests into one
    label = now.astimezone(ZoneInfo(settings.digest.timezone)).strftime("%Y-%m-%d %H:%M:%S")
    return build_digest(
        settings,
        db,
        cutoff=now,
        label=label,
        now=now,
        send=bool(settings.digest.recipients),
        rerender_existing=False,
        interval=True,
    )


def run_deliveries(settings: Settings, db: Database, *, now: datetime | None = None) -> Any:
    """The delivery job: digest emails and alerts that failed before, when due again."""
    from newswatch.digests.alert_step import retry_alerts
    from newswatch.digests.delivery import retry_deliveries

    # alerts first: they are the urgent ones, and a digest mail may wait on a slow SMTP server
    retry_alerts(settings, db)
    return retry_deliveries(settings, db, now=now)


def quiet_libraries(level: int) -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(
            max(level, logging.WARNING) if level > logging.DEBUG else level
        )


def build(
    settings: Settings,
    db: Database,
    *,
    lock: ServiceLockHandle | None,
    load_settings: Callable[[], Settings] | None,
    startup_signals: StartupSignals | None = None,
) -> Service:
    """The service wired to the crawler and the digest code (call inside the running loop)."""
    from newswatch.crawler.polling import next_poll_at
    from newswatch.crawler.runner import AsyncCrawlerRunner, crawl, release_memory, stop_crawls
    from newswatch.digests.alert_step import alert_step

    crawl_job: Any
    if settings.service.role == "scheduler":
        # workers (`newswatch worker`) crawl, judge and alert; this process only enqueues
        from newswatch.crawler.distributed import enqueue_crawl, require_redis_url

        require_redis_url(settings)
        crawl_job = enqueue_crawl
    else:
        crawl_job = ServiceCrawl(crawl, alert_step, release_memory)
    runner = AsyncCrawlerRunner()
    return Service(
        settings,
        db,
        crawl=crawl_job,
        digest=run_digest,
        deliveries=run_deliveries,
        plan_next=jittered_plan(next_poll_at),
        load_settings=load_settings,
        lock=lock,
        runner=runner,
        stop_crawl=partial(stop_crawls, runner),
        startup_signals=startup_signals,
    )


def serve(
    settings: Settings,
    db: Database,
    *,
    lock: ServiceLockHandle | None,
    load_settings: Callable[[], Settings] | None = None,
    startup_signals: StartupSignals | None = None,
) -> int:
    """Run the service until it is stopped; its exit code. ``startup_signals``: the recorder
    installed before the lock was taken, whose signals the service acts on once it runs."""

    from newswatch.crawler.reactor import run_on_reactor

    async def main() -> int:
        service = build(
            settings, db, lock=lock, load_settings=load_settings, startup_signals=startup_signals
        )
        return await service.run()

    return run_on_reactor(main)
