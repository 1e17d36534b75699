"""The runner: one crawler per call, usable inside the running reactor, repeatable."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa
from scrapy.crawler import AsyncCrawlerRunner

from newswatch.crawler.reactor import install_reactor, run_sync
from newswatch.crawler.runner import crawl, crawl_sync, stop_crawls
from newswatch.storage.models import CrawlRun, Source, utcnow
from newswatch.storage.service_state import due_feeds as _due_names
from tests.plugins.crawl_fixtures import FAST_SCRAPY, site_feeds


class CountingRunner(AsyncCrawlerRunner):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def crawl(self, crawler_or_spidercls, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().crawl(crawler_or_spidercls, *args, **kwargs)


def test_install_reactor_is_idempotent():
    install_reactor()
    install_reactor()
    from twisted.internet import reactor

    assert type(reactor).__name__ == "AsyncioSelectorReactor"


def test_crawl_awaited_inside_the_running_reactor_uses_one_crawler(test_site, db, make_settings):
    settings = make_settings(site_feeds(test_site))
    runner = CountingRunner()

    async def service_job():  # what the scheduler does: await crawl() in the reactor's loop
        first = await crawl(settings, db, runner=runner, extra_settings=FAST_SCRAPY)
        second = await crawl(settings, db, runner=runner, extra_settings=FAST_SCRAPY)
        return first, second

    first, second = run_sync(service_job())
    assert runner.calls == 2  # five feeds, one crawler per call
    assert first.totals["new"] == 8 and second.totals["fetched"] == 0
    with db.session() as s:
        runs = list(s.scalars(sa.select(CrawlRun).order_by(CrawlRun.id)))
    assert [(r.sources, r.new, r.status) for r in runs] == [(5, 8, "ok"), (5, 0, "ok")]


def test_crawl_sync_refuses_the_reactor_thread(test_site, db, make_settings):
    settings = make_settings(site_feeds(test_site))

    async def wrong():
        return crawl_sync(settings, db)

    with pytest.raises(RuntimeError, match="reactor thread"):
        run_sync(wrong())


def due_feeds(session, feeds, now):
    return _due_names(session, [f.name for f in feeds if f.enabled], now)


def test_due_feeds_follow_next_poll_at(test_site, db, make_settings):
    settings = make_settings(site_feeds(test_site))
    now = utcnow()
    with db.session() as s:
        assert sorted(due_feeds(s, settings.feeds, now)) == sorted(f.name for f in settings.feeds)
    crawl_sync(settings, db, ["herald-json"], extra_settings=FAST_SCRAPY)
    with db.session() as s:
        due = due_feeds(s, settings.feeds, utcnow())
        assert "herald-json" not in due and len(due) == 4
        later = s.scalar(sa.select(Source.next_poll_at).where(Source.name == "herald-json"))
        assert "herald-json" in due_feeds(s, settings.feeds, later + timedelta(seconds=1))


def test_ctrl_c_stops_gracefully_and_records_polls(fault_server, sqlite_url, make_settings):
    import _thread

    from newswatch.storage.db import Database
    from newswatch.storage.models import Poll

    db = Database.open(sqlite_url)
    settings = make_settings(
        [
            {"name": "quick", "url": fault_server.url("/ok.xml")},
            {"name": "slow", "url": fault_server.url("/stall.xml")},
        ],
        timeout=5.0,
    )

    def interrupt(report):
        if report.name == "quick":
            _thread.interrupt_main()

    with pytest.raises(KeyboardInterrupt):
        crawl_sync(settings, db, progress=interrupt, extra_settings=FAST_SCRAPY)
    with db.session() as s:
        polls = {
            src: (outcome, error)
            for src, outcome, error in s.execute(
                sa.select(Source.name, Poll.outcome, Poll.error).join(
                    Poll, Poll.source_id == Source.id
                )
            )
        }
    db.close()
    # the stop is graceful: the download in flight finishes and both polls are on record
    assert polls == {"quick": ("ok", None), "slow": ("ok", None)}


class SlowOpening:
    """A pipeline that keeps the spider opening for a while: a stop can arrive meanwhile."""

    async def open_spider(self, *args: object) -> None:
        await asyncio.sleep(0.5)

    def process_item(self, item: object, *args: object) -> object:
        return item


def test_a_stop_while_the_spider_opens_still_ends_the_crawl(test_site, db, make_settings):
    # Scrapy's own Crawler.stop_async() at this moment leaves the engine running forever
    settings = make_settings(site_feeds(test_site))
    runner = AsyncCrawlerRunner()
    extra = {**FAST_SCRAPY, "ITEM_PIPELINES": {f"{__name__}.SlowOpening": 1}}

    async def stopped_early():
        task = asyncio.ensure_future(crawl(settings, db, runner=runner, extra_settings=extra))
        while not runner.crawlers:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # the spider is opening now
        await asyncio.wait_for(stop_crawls(runner), timeout=15)
        # stop_crawls returns once the crawl has ended. After Scrapy's own runner.stop() the
        # crawl hangs (in the service, until its stop_timeout gave up on it); waiting on it with
        # a timeout would not show that, as Scrapy swallows the cancellation and returns.
        assert task.done(), "the stop returned while the crawl still runs"
        return task.result()

    report = run_sync(stopped_early())
    assert not runner.crawlers
    assert report.totals["feeds"] == 5


def test_crawls_open_no_remote_control_server(test_site, db, make_settings):
    settings = make_settings(site_feeds(test_site))
    runner = CountingRunner()
    crawlers = []

    async def job():
        task = asyncio.ensure_future(crawl(settings, db, runner=runner, extra_settings=FAST_SCRAPY))
        while not runner.crawlers:
            await asyncio.sleep(0.01)
        crawlers.extend(runner.crawlers)
        return await task

    run_sync(job())
    names = [type(e).__name__ for e in crawlers[0].extensions.middlewares]
    assert "TelnetConsole" not in names and "RemoteControl" not in names, names


def test_release_memory_drops_the_language_model_until_it_is_needed_again():
    from newswatch.crawler.extraction import extract, language
    from newswatch.crawler.runner import release_memory

    page = (
        "<html><head><title>Переговоры</title></head><body><article><h1>Переговоры</h1>"
        + "<p>Министры иностранных дел встретились в столице, чтобы обсудить работу комиссий "
        "по делимитации границы и текст мирного договора.</p>" * 4 + "</article></body></html>"
    )
    assert extract(page, "https://example.org/a").language == "ru"
    assert language._IDENTIFIER is not None
    release_memory()
    assert language._IDENTIFIER is None
    assert extract(page, "https://example.org/b").language == "ru"
    assert language._IDENTIFIER is not None


def test_article_progress_counts_every_article(tmp_path, test_site, make_settings, run_crawl):
    from newswatch.storage.db import Database
    from tests.plugins.crawl_fixtures import site_feeds

    seen: list[tuple[int, int]] = []
    db = Database.open(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        report = run_crawl(
            make_settings(site_feeds(test_site)),
            db,
            article_progress=lambda d, t: seen.append((d, t)),
        )
    finally:
        db.close()
    assert seen and seen[-1] == (report.totals["fetched"], report.totals["fetched"]) == (8, 8)
    assert all(d <= t for d, t in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)
