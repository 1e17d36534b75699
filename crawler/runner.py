"""Run crawls from the program: one crawler per call, many feeds, inside the asyncio reactor.

``crawl()`` is a coroutine for callers already inside the running reactor (the scheduler).
``crawl_sync()`` serves plain code (the CLI, tests) through ``crawler.reactor.run_sync``, which
keeps the one reactor of the process running in a background thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# re-exported: the service gets its runner from here, not from Scrapy (scheduler/app.py)
from scrapy.crawler import AsyncCrawlerRunner as AsyncCrawlerRunner
from scrapy.crawler import Crawler
from scrapy.settings import Settings as ScrapySettings

from newswatch.config import FeedConfig, Settings
from newswatch.crawler.context import CrawlContext
from newswatch.crawler.discovery import DiscoverySpider, FoundFeed
from newswatch.crawler.extraction import release_models, warm_up
from newswatch.crawler.reactor import reactor_loop, run_sync
from newswatch.crawler.render import with_render
from newswatch.crawler.report import CrawlReport, FeedReport, FeedState
from newswatch.crawler.settings import scrapy_settings
from newswatch.crawler.spiders.news import NewsSpider
from newswatch.crawler.store import Placement, StoreStage, open_stage, placement
from newswatch.storage.db import Database
from newswatch.storage.models import utcnow
from newswatch.storage.service_state import finish_crawl_run, start_crawl_run
from newswatch.storage.sources import sources_by_name, sync_sources

__all__ = [
    "CrawlReport",
    "FeedReport",
    "crawl",
    "crawl_sync",
    "discover",
    "discover_sync",
    "select_feeds",
]


def select_feeds(settings: Settings, names: list[str] | None) -> list[FeedConfig]:
    """The named feeds (enabled or not), else every enabled feed."""
    if not names:
        return [f for f in settings.feeds if f.enabled]
    return [settings.feed(n) for n in dict.fromkeys(names)]


def _stage(
    store: Placement | StoreStage | None,
    settings: Settings,
    db: Database,
    states: dict[str, FeedState],
) -> tuple[StoreStage, bool]:
    """The crawl's store stage, and whether the crawl owns it (opens and closes it)."""
    if store is not None and not isinstance(store, Placement):
        return store, False
    where = store or placement(settings.crawl.store_process, service=False)

    def followed() -> int:
        return sum(st.report.found - st.report.skipped for st in states.values())

    return open_stage(where, settings, db, followed=followed), True


@dataclass
class _Prepared:
    states: dict[str, FeedState]
    skipped: list[FeedReport]


def _prepare(
    db: Database, settings: Settings, feeds: list[FeedConfig], *, record: bool
) -> _Prepared:
    """Feed states from the source rows; with ``record=False`` nothing is written."""
    states: dict[str, FeedState] = {}
    skipped: list[FeedReport] = []
    with db.session() as s:
        if record:
            rows = sync_sources(s, [f.model_dump(mode="json") for f in settings.feeds])
        else:
            rows = sources_by_name(s)
        for cfg in feeds:
            src = rows.get(cfg.name)
            if src is None:  # `feeds check` of a feed never polled: no row, no known entries
                states[cfg.name] = FeedState(cfg=cfg, source_id=None, url=cfg.url)
                continue
            if not src.active and record:
                skipped.append(
                    FeedReport(
                        cfg.name, status="inactive", error=src.deactivated_reason or "deactivated"
                    )
                )
                continue
            use_row = record or src.url == cfg.url or (src.tags or {}).get("_moved_from") == cfg.url
            states[cfg.name] = FeedState(
                cfg=cfg,
                source_id=src.id,
                url=src.url if use_row else cfg.url,
                etag=src.etag if use_row and record else None,
                last_modified=src.last_modified if use_row and record else None,
            )
    return _Prepared(states, skipped)


async def crawl(
    settings: Settings,
    db: Database,
    feeds: list[str] | None = None,
    *,
    store: Placement | StoreStage | None = None,
    runner: AsyncCrawlerRunner | None = None,
    progress: Callable[[FeedReport], None] | None = None,
    article_progress: Callable[[int, int], None] | None = None,
    on_ingested: Callable[[Any], None] | None = None,
    extra_settings: dict[str, Any] | None = None,
    follow: bool = True,
    record: bool = True,
    log_run: bool = True,
) -> CrawlReport:
    """Poll the given (or all enabled) feeds in one Scrapy crawl; must run in the reactor's loop.

    ``store`` is where articles are judged and stored: a ``Placement`` (default: the one
    ``crawl.store_process`` gives) for a store stage opened and closed with this crawl, or a
    stage its caller keeps between crawls. ``follow=False, record=False`` is `feeds check`:
    fetch and parse, list what is new, store nothing. ``log_run=False`` leaves the crawl-run log
    to a caller that keeps its own (the service).
    """
    started = utcnow()
    _quiet_robots_errors()
    conf = scrapy_settings(settings, extra_settings)
    chosen = select_feeds(settings, feeds)
    conf = with_render(conf, settings.crawl, chosen)  # only crawls of render: true sources
    prepared = _prepare(db, settings, chosen, record=record)
    for skipped in prepared.skipped:
        if progress is not None:
            progress(skipped)
    reports = {r.name: r for r in prepared.skipped}
    run_id = None
    if log_run and record and follow and prepared.states:
        # opened before fetching: a crawl that dies leaves a "running" row that the next service
        # start closes as interrupted, as the service's own runs are logged
        with db.session() as s:
            run_id = start_crawl_run(
                s,
                sources=len(prepared.states),
                worker=f"crawl:{socket.gethostname()}:{os.getpid()}",
            )
    if prepared.states:
        stage, owned = (
            _stage(store, settings, db, prepared.states) if record and follow else (None, False)
        )
        if stage is None or not stage.extracts:
            # before any request is in flight: loading models blocks the reactor for ~1 s (a stage
            # that extracts does it in its own process, and this one never loads them)
            warm_up()
        ctx = CrawlContext(
            settings=settings,
            db=db,
            states=prepared.states,
            store=stage,
            follow=follow,
            record=record,
            progress=progress,
            article_progress=article_progress,
            on_ingested=on_ingested,
        )
        crawler = Crawler(NewsSpider, ScrapySettings(conf))
        runner = runner or AsyncCrawlerRunner()
        try:
            await runner.crawl(crawler, context=ctx)
        finally:
            if owned and stage is not None:
                await asyncio.to_thread(stage.close)
        reports.update({name: st.report for name, st in prepared.states.items()})
    ordered = [reports[f.name] for f in chosen if f.name in reports]
    report = CrawlReport(feeds=ordered, started=started, finished=utcnow())
    if run_id is not None:
        t = report.totals
        with db.session() as s:
            finish_crawl_run(
                s,
                run_id,
                status="ok" if not t["feeds_failed"] else "partial",
                figures={
                    "fetched": t["fetched"],
                    "new": t["new"],
                    "duplicates": t["duplicate"],
                    "failed": t["failed"],
                },
                now=report.finished,
            )
    return report


def release_memory() -> None:
    """Give back what a crawl loaded or left behind, in a process that waits for the next one.

    Drops the language model (about 70 MB; the next crawl that extracts a page loads it again
    in 0.4 s), collects garbage after a crawl that loaded it (a full collection costs 70 ms,
    too much after every poll answered by 304s), and returns the freed heap to the system
    (glibc's malloc otherwise keeps it for the process).
    """
    if release_models():
        gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)


async def stop_crawls(runner: AsyncCrawlerRunner, poll: float = 0.1) -> None:
    """Stop every crawl of ``runner`` gracefully and return once they have all ended.

    Scrapy's ``Crawler.stop_async()`` called while the spider is still opening marks the
    crawler stopped without stopping its engine; that engine then never closes (when idle it
    asks the crawler to stop, a no-op by then) and the crawl hangs. So only crawlers whose
    engine runs are asked to stop; one still opening is asked on a later round.
    """
    while runner.crawlers:
        for crawler in list(runner.crawlers):
            try:
                engine = crawler.engine
            except RuntimeError:  # Scrapy's way of saying "not created yet"
                engine = None
            if crawler.crawling and engine is not None and engine.running:
                await crawler.stop_async()
        await asyncio.sleep(poll)


def crawl_sync(
    settings: Settings, db: Database, feeds: list[str] | None = None, **kw: Any
) -> CrawlReport:
    """Run one crawl from ordinary (non-reactor) code and wait for its report.

    Safe to call many times in one process; not from inside the reactor thread (await
    ``crawl()`` there). Ctrl-C stops the crawl gracefully (polls so far are recorded), then
    re-raises KeyboardInterrupt.
    """
    if feeds:
        select_feeds(settings, feeds)  # unknown names fail here, before any work
    runner = kw.pop("runner", None) or AsyncCrawlerRunner()
    try:
        return run_sync(crawl(settings, db, feeds, runner=runner, **kw))
    except KeyboardInterrupt:
        loop = reactor_loop()
        asyncio.run_coroutine_threadsafe(stop_crawls(runner), loop).result(timeout=60)
        raise


async def discover(
    settings: Settings, url: str, *, extra_settings: dict[str, Any] | None = None
) -> tuple[list[FoundFeed], list[str]]:
    """Feeds at ``url``: the URL itself, its alternate links, or the usual paths of its site."""
    _quiet_robots_errors()
    found: list[FoundFeed] = []
    errors: list[str] = []
    crawler = Crawler(DiscoverySpider, ScrapySettings(scrapy_settings(settings, extra_settings)))
    await AsyncCrawlerRunner().crawl(crawler, url=url, found=found, errors=errors)
    rank = {"given": 0, "link-alternate": 1, "common-path": 2}
    found.sort(key=lambda f: rank.get(f.how, 3))
    return found, errors


def discover_sync(settings: Settings, url: str, **kw: Any) -> tuple[list[FoundFeed], list[str]]:
    """``discover`` from ordinary code."""
    return run_sync(discover(settings, url, **kw))


class _QuietRobotsErrors(logging.Filter):
    """robots.txt download errors: one line, no traceback (the feed's own error says the rest)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info:
            record.exc_info = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_QUIET_ROBOTS = _QuietRobotsErrors()


def _quiet_robots_errors() -> None:
    """Install the robots.txt filter (on the first crawl, not at import; adding it again is a no-op)."""
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_QUIET_ROBOTS)
