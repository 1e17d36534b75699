"""The Service's job logic on a real scheduler and database, with recording crawl/digest callables."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from newswatch.config import Settings
from newswatch.errors import ConfigError
from newswatch.scheduler.service import Service
from newswatch.storage import service_state as state_sql
from newswatch.storage.db import Database
from newswatch.storage.locks import LockHeld, LockInfo
from newswatch.storage.models import Source, utcnow
from newswatch.storage.sources import sync_sources


def _settings(feeds: list[str], interval: str = "1s", **service: Any) -> Settings:
    return Settings.model_validate(
        {
            "feeds": [
                {"name": n, "url": f"http://127.0.0.1:9/{n}.xml", "interval": interval}
                for n in feeds
            ],
            "crawl": {"min_interval": "0.1s"},
            "service": {
                "poll_tick": "0.05s",
                "jitter": 0,
                "heartbeat": "0.2s",
                "stop_timeout": "10s",
                **service,
            },
        }
    )


@dataclass
class FeedRow:
    name: str
    fetched: int = 1
    new: int = 1
    duplicate: int = 0
    failed: int = 0
    status: str = "ok"
    error: str | None = None


@dataclass
class Report:
    feeds: list[FeedRow]


@dataclass
class Recorder:
    """Records crawl batches; ``hold`` keeps a crawl in flight until the runner is stopped."""

    db: Database
    batches: list[list[str]] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    hold: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def crawl(
        self, settings: Settings, db: Database, feeds: list[str], *, runner: Any = None
    ) -> Report:
        self.batches.append(list(feeds))
        self.started.set()
        with db.session() as s:
            sync_sources(s, [f.model_dump() for f in settings.feeds if f.name in feeds])
            s.execute(
                sa.update(Source).where(Source.name.in_(feeds)).values(last_polled_at=utcnow())
            )
        if self.hold is not None:
            await self.hold.wait()
            await asyncio.sleep(0.2)  # items still being stored after the stop request
        self.stored.extend(feeds)
        return Report([FeedRow(n) for n in feeds])

    def plan_next(self, settings: Settings, db: Database, names: list[str], now: datetime) -> None:
        feeds = {f.name: f for f in settings.feeds}
        with db.session() as s:
            for n in names:
                state_sql.set_next_poll(s, n, now + feeds[n].interval)


class Runner:
    """Stands in for AsyncCrawlerRunner's stop(): releases the held crawl."""

    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.stopped = 0

    @property
    def crawlers(self) -> set[int]:
        return {1} if self.rec.hold is not None and not self.rec.hold.is_set() else set()

    async def stop(self) -> None:
        self.stopped += 1
        assert self.rec.hold is not None
        self.rec.hold.set()


def _service(db: Database, rec: Recorder, settings: Settings, **kw: Any) -> Service:
    kw.setdefault("digest", lambda settings, db, *, now: None)
    kw.setdefault("deliveries", lambda settings, db: None)
    return Service(settings, db, crawl=rec.crawl, plan_next=rec.plan_next, **kw)


async def _until(cond: Callable[[], bool], timeout: float = 10) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while not cond():
        assert asyncio.get_running_loop().time() < end, "condition not reached"
        await asyncio.sleep(0.02)


def test_due_feeds_are_crawled_together_and_replanned(db: Database) -> None:
    async def main() -> None:
        rec = Recorder(db)
        svc = _service(db, rec, _settings(["a", "b", "c"], interval="1h"))
        task = asyncio.create_task(svc.run())
        await _until(lambda: len(rec.batches) >= 1)
        ticks = svc.job_runs["poll"]
        await _until(lambda: svc.job_runs["poll"] >= ticks + 5)  # nothing is due within the hour
        svc.stop()
        assert await task == 0
        assert rec.batches == [["a", "b", "c"]]

    asyncio.run(main())
    with db.session() as s:
        assert state_sql.due_feeds(s, ["a", "b", "c"], datetime.now().astimezone()) == []
        facts, _ = state_sql.get_state(s, "service")  # type: ignore[misc]
    assert facts["state"] == "stopped"


def test_feeds_come_due_again_after_their_interval(db: Database) -> None:
    async def main() -> list[list[str]]:
        rec = Recorder(db)
        svc = _service(db, rec, _settings(["a"], interval="0.3s"))
        task = asyncio.create_task(svc.run())
        await _until(lambda: len(rec.batches) >= 3)
        svc.stop()
        assert await task == 0
        return rec.batches

    assert asyncio.run(main())[:3] == [["a"], ["a"], ["a"]]


def test_stop_waits_for_the_in_flight_crawl(db: Database) -> None:
    async def main() -> tuple[Recorder, Runner, int]:
        rec = Recorder(db, hold=asyncio.Event())
        runner = Runner(rec)
        svc = _service(db, rec, _settings(["a", "b"]), runner=runner)
        task = asyncio.create_task(svc.run())
        await rec.started.wait()
        svc.stop("test")
        code = await task
        return rec, runner, code

    rec, runner, code = asyncio.run(main())
    assert code == 0
    assert runner.stopped == 1
    assert rec.stored == ["a", "b"], "the in-flight crawl was cancelled instead of drained"


def test_transient_database_error_is_retried_and_the_service_keeps_running(db: Database) -> None:
    calls: list[datetime] = []

    def digest(settings: Settings, db: Database, *, now: datetime) -> str | None:
        calls.append(now)
        if len(calls) == 1:
            raise sa.exc.OperationalError(
                "UPDATE digests", {}, sqlite3.OperationalError("database is locked")
            )
        return "2026-11-23"

    async def main() -> Recorder:
        rec = Recorder(db)
        svc = _service(db, rec, _settings(["a"], interval="0.2s"), digest=digest)
        # the first retry waits scheduler.retry.BASE_DELAY (2 s)
        task = asyncio.create_task(svc.run())
        await _until(lambda: len(calls) >= 2, timeout=15)
        n = len(rec.batches)
        await _until(lambda: len(rec.batches) > n)  # polling went on meanwhile
        svc.stop()
        assert await task == 0
        return rec

    asyncio.run(main())
    assert calls[1] - calls[0] >= timedelta(seconds=1.5)


def test_reload_adds_removes_and_rejects_invalid(db: Database) -> None:
    configs: list[Settings | Exception] = []

    def load() -> Settings:
        item = configs.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    async def main() -> tuple[Recorder, list[bool]]:
        rec = Recorder(db)
        svc = _service(db, rec, _settings(["a", "b"], interval="0.3s"), load_settings=load)
        task = asyncio.create_task(svc.run())
        await _until(lambda: len(rec.batches) >= 1)
        configs.append(
            ConfigError("invalid configuration", problems=["x.yaml:3: feeds[0].interval: bad"])
        )
        results = [svc.reload()]
        assert {f.name for f in svc.settings.feeds} == {"a", "b"}
        configs.append(_settings(["b", "c"], interval="0.3s"))
        results.append(svc.reload())
        mark = len(rec.batches)
        await _until(lambda: len(rec.batches) >= mark + 3)
        svc.stop()
        assert await task == 0
        return rec, results

    rec, results = asyncio.run(main())
    assert results == [False, True]
    after = [name for batch in rec.batches[-3:] for name in batch]
    assert "a" not in after and "c" in after and "b" in after


def test_lost_lock_stops_with_exit_code_3(db: Database) -> None:
    class LostLock:
        pid = 1

        def heartbeat(self) -> None:
            raise LockHeld(LockInfo("run", 4242, "elsewhere"))

    async def main() -> int:
        rec = Recorder(db)
        svc = _service(db, rec, _settings(["a"]), lock=LostLock())  # type: ignore[arg-type]
        return await asyncio.wait_for(svc.run(), 10)

    assert asyncio.run(main()) == 3


def test_interrupted_runs_are_closed_at_start(db: Database) -> None:
    from newswatch.storage.models import CrawlRun, utcnow

    with db.session() as s:
        s.add(CrawlRun(started_at=utcnow(), status="running"))

    async def main() -> None:
        rec = Recorder(db)
        svc = _service(db, rec, _settings([]))
        task = asyncio.create_task(svc.run())
        await _until(lambda: svc.job_runs["poll"] >= 1)
        svc.stop()
        await task

    asyncio.run(main())
    with db.session() as s:
        assert s.scalars(sa.select(CrawlRun.status)).all() == ["interrupted"]


def test_reload_applies_a_changed_interval_from_the_last_poll(db: Database) -> None:
    configs = [_settings(["a"], interval="0.3s")]

    async def main() -> Recorder:
        rec = Recorder(db)
        svc = _service(
            db, rec, _settings(["a"], interval="1h"), load_settings=lambda: configs.pop()
        )
        task = asyncio.create_task(svc.run())
        await _until(lambda: len(rec.batches) == 1)
        ticks = svc.job_runs["poll"]
        await _until(lambda: svc.job_runs["poll"] >= ticks + 5)
        assert len(rec.batches) == 1  # next poll planned an hour later
        assert svc.reload()
        await _until(lambda: len(rec.batches) >= 3, timeout=5)
        svc.stop()
        assert await task == 0
        return rec

    asyncio.run(main())


def test_a_second_stop_request_does_not_wait(db: Database) -> None:
    async def main() -> tuple[Recorder, float]:
        rec = Recorder(db, hold=asyncio.Event())
        svc = _service(db, rec, _settings(["a"]))  # no runner: nothing releases the held crawl
        task = asyncio.create_task(svc.run())
        await rec.started.wait()
        started = asyncio.get_running_loop().time()
        svc.stop("SIGTERM")
        await asyncio.sleep(0.3)
        assert not task.done()  # still draining
        svc.stop("SIGTERM")
        assert await asyncio.wait_for(task, 5) == 0
        return rec, asyncio.get_running_loop().time() - started

    rec, took = asyncio.run(main())
    assert rec.stored == [] and took < 5


def test_poll_backs_off_after_a_database_failure(db: Database) -> None:
    attempts: list[float] = []

    async def main() -> None:
        rec = Recorder(db)

        async def flaky(
            settings: Settings, db: Database, feeds: list[str], *, runner: Any = None
        ) -> Report:
            attempts.append(asyncio.get_running_loop().time())
            if len(attempts) == 1:
                raise sa.exc.OperationalError(
                    "SELECT", {}, sqlite3.OperationalError("disk I/O error")
                )
            return await rec.crawl(settings, db, feeds)

        svc = Service(
            _settings(["a"], interval="1h"),
            db,
            crawl=flaky,
            plan_next=rec.plan_next,
            digest=lambda settings, db, *, now: None,
            deliveries=lambda settings, db: None,
        )
        task = asyncio.create_task(svc.run())
        await _until(lambda: len(rec.batches) == 1, timeout=10)
        svc.stop()
        assert await task == 0

    asyncio.run(main())
    assert len(attempts) == 2  # not one attempt per 0.05 s tick
    assert attempts[1] - attempts[0] >= 1.9


def test_digest_and_delivery_jobs_never_overlap(db: Database) -> None:
    """Both send pending deliveries; running together they would mail one digest twice."""
    import threading
    import time

    active: list[str] = []
    overlaps: list[tuple[str, ...]] = []
    runs: dict[str, int] = {"digest": 0, "deliveries": 0}
    guard = threading.Lock()

    def busy(name: str) -> None:
        with guard:
            runs[name] += 1
            active.append(name)
            if len(active) > 1:
                overlaps.append(tuple(active))
        time.sleep(0.15)
        with guard:
            active.remove(name)

    def digest(settings: Settings, db: Database, *, now: datetime) -> None:
        busy("digest")

    def deliveries(settings: Settings, db: Database) -> None:
        busy("deliveries")

    async def main() -> None:
        rec = Recorder(db)
        settings = _settings([], digest_every="0.1s")
        svc = _service(db, rec, settings, digest=digest, deliveries=deliveries)
        task = asyncio.create_task(svc.run())
        # each job several times (the catch-up digest runs at once, deliveries on their trigger)
        await _until(lambda: min(runs["digest"], runs["deliveries"]) >= 3, timeout=30)
        svc.stop()
        assert await task == 0

    asyncio.run(main())
    assert overlaps == []
    assert runs["digest"] >= 3 and runs["deliveries"] >= 3
