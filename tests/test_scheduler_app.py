"""The service's wiring: next-poll planning with jitter, judge reuse, alert hook, interval digests, metrics."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa

from newswatch.config import Settings
from newswatch.crawler.polling import next_poll_at
from newswatch.scheduler.app import ServiceCrawl, jittered_plan, run_digest
from newswatch.scheduler.service import Service
from newswatch.storage.articles import insert_article
from newswatch.storage.db import Database
from newswatch.storage.models import DigestEntry, Source
from newswatch.storage.sources import sync_sources


def _settings(tmp_path: Path, **service: Any) -> Settings:
    return Settings.model_validate(
        {
            "feeds": [
                {"name": n, "url": f"http://127.0.0.1:9/{n}.xml", "interval": "10m"}
                for n in ("a", "b")
            ],
            "digest": {"output_dir": str(tmp_path / "out"), "timezone": "Asia/Yerevan"},
            "service": {"jitter": "30s", **service},
        }
    )


def test_jittered_plan_spreads_next_polls(db: Database, tmp_path: Path) -> None:
    import random

    settings = _settings(tmp_path)
    with db.session() as s:
        sync_sources(s, [f.model_dump() for f in settings.feeds])
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    jittered_plan(next_poll_at, random.Random(3))(settings, db, ["a", "b"], now)
    with db.session() as s:
        planned = dict(s.execute(sa.select(Source.name, Source.next_poll_at)).all())
    for name in ("a", "b"):
        offset = planned[name] - (now + timedelta(minutes=10))
        assert timedelta(0) <= offset <= timedelta(seconds=30)
    assert planned["a"] != planned["b"]


def test_plan_keeps_an_interrupted_poll_due_at_start_up(db: Database, tmp_path: Path) -> None:
    import random

    from newswatch.storage.sources import PollOutcome, record_poll

    settings = _settings(tmp_path)
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    with db.session() as s:
        rows = sync_sources(s, [f.model_dump() for f in settings.feeds])
        record_poll(s, rows["a"], PollOutcome("ok"), now=now - timedelta(hours=1))
        record_poll(s, rows["a"], PollOutcome("interrupted", error="stopped"), now=now)
        record_poll(s, rows["b"], PollOutcome("ok"), now=now)
    jittered_plan(next_poll_at, random.Random(3))(settings, db, ["a", "b"], now)
    with db.session() as s:
        planned = dict(s.execute(sa.select(Source.name, Source.next_poll_at)).all())
        a = s.scalar(sa.select(Source).where(Source.name == "a"))
        assert a.consecutive_failures == 0 and a.last_error is None  # stopped is not failed
    assert planned["a"].replace(tzinfo=UTC) == now  # no interval, no jitter
    assert planned["b"].replace(tzinfo=UTC) >= now + timedelta(minutes=10)


def _with_store_process(settings: Settings, mode: str) -> Settings:
    return Settings.model_validate(
        {**settings.model_dump(), "crawl": {**settings.crawl.model_dump(), "store_process": mode}}
    )


def test_service_crawl_stores_in_a_process_of_the_crawl_by_default(tmp_path: Path) -> None:
    from newswatch.crawler.store import Placement

    calls: list[dict[str, Any]] = []

    async def crawl(settings: Settings, db: Any, feeds: list[str], **kw: Any) -> None:
        calls.append(kw)

    sc = ServiceCrawl(crawl)
    settings = _settings(tmp_path)
    assert settings.crawl.store_process == "auto"
    asyncio.run(sc(settings, None, ["a"], runner=None))  # type: ignore[arg-type]
    asyncio.run(sc(_with_store_process(settings, "off"), None, ["a"], runner=None))  # type: ignore[arg-type]
    assert [c["store"] for c in calls] == [Placement.EACH_CRAWL, Placement.HERE]


def test_service_crawl_keeps_the_store_process_of_on_between_crawls(tmp_path: Path) -> None:
    from newswatch.crawler.workers import ProcessStage

    calls: list[dict[str, Any]] = []

    async def crawl(settings: Settings, db: Any, feeds: list[str], **kw: Any) -> None:
        calls.append(kw)

    db = Database.open(f"sqlite:///{tmp_path / 'n.db'}")
    sc = ServiceCrawl(crawl)
    on = _with_store_process(_settings(tmp_path), "on")
    other = Settings.model_validate(
        {**on.model_dump(), "dedup": {**on.dedup.model_dump(), "near_duplicate_threshold": 0.8}}
    )
    try:
        for s in (on, on, other):
            asyncio.run(sc(s, db, ["a"], runner=None))
        kept = [c["store"] for c in calls]
        assert all(isinstance(k, ProcessStage) for k in kept)
        assert kept[0] is kept[1]  # one process for the life of the service
        assert kept[2] is not kept[1]  # started again for other thresholds
        asyncio.run(sc(_with_store_process(on, "off"), db, ["a"], runner=None))
        assert sc._kept is None
    finally:
        sc.close()
        db.close()


def test_service_crawl_attaches_alerts(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    async def crawl(settings: Settings, db: Any, feeds: list[str], **kw: Any) -> None:
        calls.append(kw)

    retried: list[bool] = []

    class AlertStep:
        def __call__(self, result: Any) -> list[Any]:
            return []

        def retry_due(self) -> list[Any]:
            retried.append(True)
            return []

    sc = ServiceCrawl(crawl, lambda settings, db: AlertStep())
    for _ in range(3):
        asyncio.run(sc(_settings(tmp_path), None, ["a"], runner=None))  # type: ignore[arg-type]
    assert all(isinstance(c["on_ingested"], AlertStep) for c in calls)
    assert len(retried) == 3  # failed alerts are sent again before each crawl
    assert all(c["log_run"] is False for c in calls)  # one crawl-run row, kept by the service


def _article(db: Database, n: int, seen: datetime) -> None:
    with db.session() as s:
        insert_article(
            s,
            {
                "url_hash": f"h{n}",
                "url": f"http://x/{n}",
                "canonical_url": f"http://x/{n}",
                "title": f"Article {n}",
                "text": "Text.",
                "first_seen_at": seen,
                "authors": [],
                "categories": [],
                "reasons": [],
                "entities": [],
                "meta": {},
            },
        )


def test_interval_digests_get_their_own_label_and_skip_empty_runs(
    db: Database, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, digest_every="5s")
    now = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
    assert run_digest(settings, db, now=now) is None  # nothing collected yet: no empty digest
    _article(db, 1, now - timedelta(seconds=3))
    _article(db, 2, now - timedelta(seconds=2))
    first = run_digest(settings, db, now=now)
    assert first is not None and first.label == "2026-11-23 14:00:00"  # Asia/Yerevan
    assert run_digest(settings, db, now=now + timedelta(seconds=5)) is None
    _article(db, 3, now + timedelta(seconds=6))
    second = run_digest(settings, db, now=now + timedelta(seconds=10))
    assert second is not None and second.label == "2026-11-23 14:00:10"
    with db.session() as s:
        claimed = dict(s.execute(sa.select(DigestEntry.article_id, DigestEntry.digest_id)).all())
    assert len(claimed) == 3 and len(set(claimed.values())) == 2


def test_metrics_endpoint(db: Database, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = _settings(tmp_path, metrics_port=port, poll_tick="0.05s", jitter=0)

    class Report:
        feeds: ClassVar[list[Any]] = []

    async def crawl(
        settings: Settings, db: Database, feeds: list[str], *, runner: Any = None
    ) -> Report:
        return Report()

    def plan_next(settings: Settings, db: Database, names: list[str], now: datetime) -> None:
        with db.session() as s:
            sync_sources(s, [f.model_dump() for f in settings.feeds])
            s.execute(sa.update(Source).values(next_poll_at=now + timedelta(hours=1)))

    async def main() -> str:
        svc = Service(
            settings,
            db,
            crawl=crawl,
            digest=lambda *a, **k: None,
            deliveries=lambda *a: None,
            plan_next=plan_next,
        )
        task = asyncio.create_task(svc.run())
        for _ in range(200):
            await asyncio.sleep(0.05)
            text = await asyncio.to_thread(
                lambda: (
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5)
                    .read()
                    .decode()
                )
            )
            if 'newswatch_crawls_total{outcome="ok"} 1.0' in text:
                break
        svc.stop()
        await task
        return text

    text = asyncio.run(main())
    assert 'newswatch_crawls_total{outcome="ok"} 1.0' in text
    assert "newswatch_crawl_seconds_count 1.0" in text
