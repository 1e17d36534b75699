"""The long-running service: APScheduler jobs for polling, digests and upkeep on one asyncio loop.

Jobs: ``poll`` (every tick: crawl all due feeds in ONE crawl), ``digest`` (daily at digest.time
in its timezone, or every service.digest_every; plus one run at start-up for catch-up),
``deliveries`` (retry failed digest deliveries) and ``heartbeat`` (lock + status facts); their
table (triggers, overlap, misfire rules) is ``scheduler.jobs``.
SIGHUP reloads the configuration; SIGTERM/SIGINT pause the scheduler, stop the crawl gracefully,
wait for in-flight work, then shut down.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from newswatch.config import Settings
from newswatch.errors import ExitCode
from newswatch.scheduler import plan
from newswatch.scheduler.jobs import add_jobs
from newswatch.scheduler.metrics import Metrics
from newswatch.scheduler.reload import apply_reload
from newswatch.scheduler.report import crawl_figures, format_figures
from newswatch.scheduler.retry import backoff, is_transient
from newswatch.scheduler.signals import StartupSignals
from newswatch.storage import service_state as state_sql
from newswatch.storage.db import Database
from newswatch.storage.locks import LockHeld, ServiceLockHandle
from newswatch.storage.models import utcnow

log = logging.getLogger("newswatch.service")

CrawlFn = Callable[..., Awaitable[Any]]
DigestFn = Callable[..., Any]
DeliveryFn = Callable[[Settings, Database], Any]
PlanFn = Callable[[Settings, Database, list[str], datetime], None]
EXIT_LOCK_LOST = ExitCode.LOCKED


class _SkipBusyPoll(logging.Filter):
    """Drop APScheduler's warning for a poll tick that found the previous crawl still running."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        return not ("maximum number of running instances" in msg and "poll due feeds" in msg)


class Service:
    """Wires configuration and database state to scheduled jobs; ``await run()`` until stopped."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        crawl: CrawlFn,
        digest: DigestFn,
        deliveries: DeliveryFn,
        plan_next: PlanFn,
        load_settings: Callable[[], Settings] | None = None,
        lock: ServiceLockHandle | None = None,
        runner: Any = None,
        stop_crawl: Callable[[], Awaitable[None]] | None = None,
        startup_signals: StartupSignals | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.db = db
        self.lock = lock
        self.runner = runner
        # how to stop the runner's crawls gracefully (``crawler.runner.stop_crawls`` for Scrapy)
        self._stop_crawl = stop_crawl or (runner.stop if runner is not None else None)
        self._startup_signals = startup_signals
        self.clock = clock
        self.metrics = Metrics()
        self._crawl = crawl
        self._digest = digest
        self._deliveries = deliveries
        self._plan_next = plan_next
        self.load_settings = load_settings
        self._inflight: set[asyncio.Task[Any]] = set()
        # finished runs per job, idle poll ticks included: what `status` and waits can count on
        self.job_runs: collections.Counter[str] = collections.Counter()
        self._failures: dict[str, int] = {}
        self._resume_at: dict[str, datetime] = {}
        self._stop = asyncio.Event()
        self._force = asyncio.Event()
        # digest and delivery jobs both send pending deliveries: together they would mail one
        # digest twice
        self._mail = asyncio.Lock()
        self._stopping = False
        self.exit_code: int = ExitCode.OK
        self.started_at = clock()
        self.scheduler = AsyncIOScheduler(timezone=ZoneInfo(settings.digest.timezone))

    # --- lifecycle -------------------------------------------------------------------------

    async def run(self) -> int:
        """Start the jobs, serve until SIGTERM/SIGINT (or ``stop()``), drain, return an exit code."""
        loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._close_interrupted)
        if self.settings.service.metrics_port:
            self.metrics.serve(self.settings.service.metrics_port)
        add_jobs(self)
        self.scheduler.start()
        handled = self._install_signals(loop)
        # signals that came while we started (the lock was already held): act on them now
        for sig in self._startup_signals.take() if self._startup_signals else []:
            if sig == signal.SIGHUP:
                self.reload()
            else:
                self.stop(sig.name)
        busy = _SkipBusyPoll()
        logging.getLogger("apscheduler.scheduler").addFilter(busy)
        log.info(
            "service started",
            extra={
                "feeds": len(plan.enabled_feeds(self.settings)),
                "tick_s": plan.poll_tick(self.settings).total_seconds(),
            },
        )
        await self._write_schedule()
        try:
            await self._stop.wait()
            await self._shutdown()
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)
            logging.getLogger("apscheduler.scheduler").removeFilter(busy)
            self.metrics.stop()
        log.info("service stopped", extra={"exit_code": self.exit_code})
        return self.exit_code

    def stop(self, reason: str = "requested", exit_code: int = ExitCode.OK) -> None:
        """Ask the service to stop gracefully (safe to call more than once)."""
        if not self._stop.is_set():
            log.info("stopping: %s", reason)
            self.exit_code = exit_code
            self._stopping = True
            self._stop.set()
        elif not self._force.is_set():
            log.warning("stop asked again (%s): not waiting for in-flight work", reason)
            self._force.set()

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> list[signal.Signals]:
        handled: list[signal.Signals] = []
        for sig, fn in (
            (signal.SIGTERM, lambda: self.stop("SIGTERM")),
            (signal.SIGINT, lambda: self.stop("SIGINT")),
            (signal.SIGHUP, lambda: self.reload()),
        ):
            try:
                loop.add_signal_handler(sig, fn)
                handled.append(sig)
            except (RuntimeError, ValueError):  # not the main thread: the caller stops us
                pass
        return handled

    async def _shutdown(self) -> None:
        # pause first: stopping the scheduler would cancel the running crawl and lose its items
        if self.scheduler.running:
            self.scheduler.pause()
        timeout = self.settings.service.stop_timeout.total_seconds()
        drain = asyncio.ensure_future(self._drain())
        force = asyncio.ensure_future(self._force.wait())
        done, _ = await asyncio.wait(
            {drain, force}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        force.cancel()
        if drain not in done:
            if not self._force.is_set():
                log.warning("in-flight work did not finish within %.0f s; leaving it", timeout)
            drain.cancel()
            for task in set(self._inflight):
                task.cancel()
            await asyncio.wait({drain, *self._inflight}, timeout=5)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # let the scheduler's shutdown callback run
        try:
            await self._write_schedule(stopped=True)
        except Exception as exc:  # the database may be the reason we stop
            log.warning("could not record the stop: %s", exc)

    async def _drain(self) -> None:
        while self._inflight:
            if self._stop_crawl is not None and getattr(self.runner, "crawlers", None):
                log.info("stopping the crawl; waiting for in-flight items to be stored")
                await self._stop_crawl()
            if self._inflight:  # the stop may have let the last job finish
                await asyncio.wait(set(self._inflight), timeout=0.5)

    # --- jobs ---------------------------------------------------------------------------------

    def tracked(
        self, name: str, fn: Callable[[], Coroutine[Any, Any, Any]]
    ) -> Callable[[], Awaitable[Any]]:
        """The job as APScheduler sees it: tracked for draining, failures logged and retried."""

        async def job() -> Any:
            if self._stopping:
                return None
            resume = self._resume_at.get(name)
            if resume is not None and self.clock() < resume:
                return None  # backing off after a database failure: skip this tick
            task = asyncio.current_task()
            assert task is not None
            self._inflight.add(task)
            result = None
            try:
                result = await fn()
                self._failures.pop(name, None)
                self._resume_at.pop(name, None)
                return result
            except LockHeld as exc:
                log.error("lost the single-instance lock: %s", exc)
                self.stop("lock lost", EXIT_LOCK_LOST)
            except Exception as exc:  # a failed job must not end the service
                self._failed(name, fn, exc)
            finally:
                self._inflight.discard(task)
                self.job_runs[name] += 1
                # an idle poll tick changes nothing worth a database write
                if not self._stopping and (name != "poll" or result is not None):
                    await self._write_schedule_quietly()
            return None

        job.__name__ = name
        job.__qualname__ = f"Service.{name}"
        return job

    def _failed(
        self, name: str, fn: Callable[[], Coroutine[Any, Any, Any]], exc: Exception
    ) -> None:
        transient = is_transient(exc)
        self.metrics.job_failures.labels(job=name, transient=str(transient).lower()).inc()
        if not transient:
            log.error("job %s failed: %s", name, exc, exc_info=exc, extra={"job": name})
            return
        attempt = self._failures[name] = self._failures.get(name, 0) + 1
        delay = backoff(attempt)
        self._resume_at[name] = self.clock() + delay
        log.warning(
            "job %s failed (database busy or unreachable), retrying in %.0f s: %s",
            name,
            delay.total_seconds(),
            exc,
            extra={"job": name, "attempt": attempt},
        )
        if name in ("digest", "deliveries") and not self._stopping:
            self.scheduler.add_job(
                self.tracked(name, fn),
                id=f"{name}-retry",
                name=f"{name} retry",
                next_run_time=self.clock() + delay,
                replace_existing=True,
                misfire_grace_time=None,
            )
        # poll and heartbeat run again at their first tick after the delay

    async def poll(self) -> Any:
        """Crawl every due feed in one crawl run; plan each feed's next poll."""
        settings = self.settings  # a reload during the crawl does not change this batch
        names = [f.name for f in plan.enabled_feeds(settings)]
        now = self.clock()
        due = await asyncio.to_thread(self._due, names, now)
        if not due or self._stopping:
            return None
        self.metrics.feeds_due.set(len(due))
        started = time.monotonic()
        run_id = await asyncio.to_thread(self._open_run, len(due))
        try:
            report = await self._crawl(settings, self.db, due, runner=self.runner)
        except Exception:
            self.metrics.crawls.labels(outcome="error").inc()
            await asyncio.to_thread(self._close_run, run_id, "error", {})
            raise
        seconds = time.monotonic() - started
        await asyncio.to_thread(self._plan_next, settings, self.db, due, self.clock())
        figures = crawl_figures(report, due, seconds)
        status = "partial" if figures["feed_errors"] else "ok"  # as plain crawls log it
        await asyncio.to_thread(self._close_run, run_id, status, figures)
        self.metrics.crawls.labels(outcome="ok").inc()
        self.metrics.crawl_seconds.observe(seconds)
        for key in ("fetched", "new", "duplicates", "failed"):
            self.metrics.articles.labels(result=key).inc(figures[key])
        log.info("crawl: %s", format_figures(figures), extra={"event": "crawl", **figures})
        return report

    def _open_run(self, sources: int) -> int:
        with self.db.session() as s:
            return state_sql.start_crawl_run(s, sources=sources, worker=f"run:{os.getpid()}")

    def _close_run(self, run_id: int, status: str, figures: dict[str, Any]) -> None:
        with self.db.session() as s:
            state_sql.finish_crawl_run(s, run_id, status=status, figures=figures)

    def _due(self, names: list[str], now: datetime) -> list[str]:
        with self.db.session() as s:
            return state_sql.due_feeds(s, names, now)

    async def digest(self) -> Any:
        """Build, render and send the due digest (the digest code decides what is due)."""
        async with self._mail:
            result = await asyncio.to_thread(self._digest, self.settings, self.db, now=self.clock())
        self.metrics.digests.labels(outcome="built" if result is not None else "nothing").inc()
        if result is not None:
            log.info("digest: %s", getattr(result, "label", result), extra={"event": "digest"})
        return result

    async def deliveries(self) -> Any:
        async with self._mail:
            return await asyncio.to_thread(self._deliveries, self.settings, self.db)

    async def heartbeat(self) -> None:
        if self.lock is not None:
            await asyncio.to_thread(self.lock.heartbeat)

    # --- reload -------------------------------------------------------------------------------

    def reload(self) -> bool:
        """Re-read the configuration; keep the old one when the new one is invalid."""
        if self.load_settings is None or self._stopping:
            return False
        return apply_reload(self, self.load_settings)

    # --- status facts -------------------------------------------------------------------------

    def schedule_facts(self, *, stopped: bool = False) -> dict[str, Any]:
        jobs = {}
        if self.scheduler.running and not stopped:
            for job in self.scheduler.get_jobs():
                nxt = job.next_run_time
                jobs[job.id] = {
                    "name": job.name,
                    "next_run": nxt.isoformat() if nxt else None,
                    "trigger": str(job.trigger),
                }
        return {
            "pid": self.lock.pid if self.lock else None,
            "started_at": self.started_at.isoformat(),
            "state": "stopped" if stopped else ("stopping" if self._stopping else "running"),
            "tick_s": plan.poll_tick(self.settings).total_seconds(),
            "feeds": len(plan.enabled_feeds(self.settings)),
            "jobs": jobs,
        }

    async def _write_schedule(self, *, stopped: bool = False) -> None:
        facts = self.schedule_facts(stopped=stopped)

        def write() -> None:
            with self.db.session() as s:
                state_sql.put_state(s, "service", facts)

        await asyncio.to_thread(write)

    async def _write_schedule_quietly(self) -> None:
        try:
            await self._write_schedule()
        except Exception as exc:  # facts for `status` are best effort
            log.debug("could not write the schedule facts: %s", exc)

    def _close_interrupted(self) -> None:
        with self.db.session() as s:
            n = state_sql.close_interrupted_runs(s)
        if n:
            log.warning("%d crawl run(s) were interrupted by the previous stop", n)
