"""A crawl worker: the crawler's NewsSpider fed from the shared Redis frontier (scrapy-redis).

Any worker may receive any request: a feed document, a sitemap child or an article found by
another worker. Requests therefore carry the feed's configuration in their meta, and a worker
makes the per-feed state it needs when a response arrives. The worker that parses a feed's
first document records the poll; article requests are handed to the shared queue at once.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import warnings
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from scrapy.http import Request, Response
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from newswatch.config import Settings
from newswatch.crawler.context import CrawlContext
from newswatch.crawler.distributed import (
    DEFAULT_LEASE,
    DEFAULT_PREFIX,
    FEED_META,
    REDIS_TIME,
    RoundTrips,
    feed_from_meta,
    feed_meta,
)
from newswatch.crawler.distributed import (
    scrapy_settings as frontier_settings,
)
from newswatch.crawler.items import ArticleItem
from newswatch.crawler.parsing import Entry
from newswatch.crawler.render import with_render
from newswatch.crawler.report import FeedState
from newswatch.crawler.settings import scrapy_settings
from newswatch.crawler.spiders.news import NewsSpider
from newswatch.crawler.store import InProcessStage
from newswatch.errors import require_extra
from newswatch.storage.db import Database, relax_commit_durability

# the optional extra last, so a missing scrapy-redis is reported as the extra to install
require_extra("scrapy_redis", "distributed", "distributed crawling")
from scrapy_redis.spiders import RedisMixin  # noqa: E402

log = logging.getLogger(__name__)
POLL_META = "newswatch_poll"  # request meta: which poll a feed document belongs to


class WorkerSpider(RedisMixin, NewsSpider):  # type: ignore[misc]  # scrapy-redis has no types
    """NewsSpider whose feeds come from ``<prefix>:start_urls`` and whose queue is shared."""

    name = "newswatch-worker"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.redis_batch_size = crawler.settings.getint("NEWSWATCH_FEED_BATCH", 4)
        spider.setup_redis(crawler)
        spider._busy_at = time.monotonic()
        return spider

    async def start(self) -> AsyncIterator[Request]:
        # scrapy-redis only defines start_requests(), which Scrapy >= 2.16 no longer calls
        for request in self.next_requests():
            yield request

    def spider_idle(self) -> None:
        self.schedule_next_requests()
        if self.max_idle_time and time.monotonic() - self._busy_at >= self.max_idle_time:
            return  # let the worker stop (``--max-idle``)
        raise DontCloseSpider

    def _mark_busy(self) -> None:
        self._busy_at = time.monotonic()

    # --- feed documents ---------------------------------------------------------------------

    def make_request_from_data(self, data: bytes) -> Request | None:
        """A start record ``{"url", "meta": {newswatch_feed: {...}}}`` → the feed's first request."""
        try:
            record = json.loads(data)
            cfg = feed_from_meta(record["meta"])
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            log.warning(
                "ignoring a start record that is not a newswatch feed: %.200r (%s)", data, exc
            )
            return None
        try:
            poll = self.ctx.start_poll(cfg)
        except SQLAlchemyError:
            # the record is gone from Redis; the scheduler enqueues the feed again when due
            log.exception("feed %s: cannot read its source; not polled this time", cfg.name)
            return None
        if poll is None:
            return None
        self._mark_busy()
        draft = FeedState(
            cfg=cfg,
            source_id=poll["source_id"],
            url=poll["url"],
            etag=poll["etag"],
            last_modified=poll["last_modified"],
        )
        request = self._document_request(draft, draft.url, first=True)
        request.meta[POLL_META] = poll
        return request

    def _document_request(self, state: FeedState, url: str, *, first: bool) -> Request:
        request = super()._document_request(state, url, first=first)
        request.meta[FEED_META] = feed_meta(state.cfg)
        if not first:
            state.documents -= (
                1  # a sitemap child goes to the shared queue, maybe to another worker
            )
        return request

    def parse_document(self, response: Response) -> list[Any]:
        self._adopt_document(response.meta)
        return super().parse_document(response)

    def document_failed(self, failure: Failure) -> None:
        # Scrapy sets .request on the Failure of an errback
        self._adopt_document(failure.request.meta)  # type: ignore[attr-defined]
        super().document_failed(failure)

    def _adopt_document(self, meta: dict[str, Any]) -> None:
        self._mark_busy()
        if meta.get("first"):
            poll = meta[POLL_META]
            state = FeedState(
                cfg=feed_from_meta(meta),
                source_id=poll["source_id"],
                url=poll["url"],
                etag=poll["etag"],
                last_modified=poll["last_modified"],
            )
            state.extra["poll"] = poll["id"]
            state.documents = 1
            self.ctx.states[state.name] = state
        else:
            self._state_for(meta).documents += 1

    # --- articles ---------------------------------------------------------------------------

    def _follow(self, state: FeedState, entries: list[Entry]) -> Iterable[Request | ArticleItem]:
        # the shared lease filter, not this worker's memory, keeps polls from queuing twice
        self._following = set()
        out = list(super()._follow(state, entries))
        # entries that carry their content (Telegram posts) are stored here, like any item
        requests = [r for r in out if isinstance(r, Request)]
        cfg = feed_meta(state.cfg)
        for request in requests:
            request.meta[FEED_META] = cfg
            request.dont_filter = False
        state.pending -= len(
            requests
        )  # handed to the shared queue: this poll ends with its documents
        state.extra["queued"] = int(state.extra.get("queued", 0)) + len(requests)
        return out

    def parse_article(self, response: Response) -> Iterable[Any]:
        self._mark_busy()
        self._state_for(response.meta)
        return super().parse_article(response)

    def article_failed(self, failure: Failure) -> list[ArticleItem]:
        # Scrapy sets .request on the Failure of an errback
        self._state_for(failure.request.meta)  # type: ignore[attr-defined]
        return super().article_failed(failure)

    def _state_for(self, meta: dict[str, Any]) -> FeedState:
        """This worker's state of the request's feed, made if another worker polled it."""
        name = meta["feed"]
        state = self.ctx.states.get(name)
        if state is None:
            cfg = feed_from_meta(meta)
            src = self.ctx.source_of(cfg)
            state = FeedState(cfg=cfg, source_id=src.id, url=src.url)
            self.ctx.states[name] = state
        return state

    # --- end of a poll ----------------------------------------------------------------------

    def _maybe_finish(self, state: FeedState, *, force: bool = False) -> None:
        if not state.extra.get("poll"):
            return  # articles of a feed another worker polled: that worker records the poll
        queued = int(state.extra.get("queued", 0))
        if queued and not state.finished and (force or state.done):
            state.report.new = max(state.report.new, queued)
            # until those articles are stored, the next poll must read the feed again, not get a 304
            state.resp_etag = state.resp_last_modified = None
        super()._maybe_finish(state, force=force)


class FrontierPoll:
    """Look at the shared queue every ``NEWSWATCH_FRONTIER_POLL`` s (Scrapy's own wake-up is 5 s)."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierPoll:
        interval = crawler.settings.getfloat("NEWSWATCH_FRONTIER_POLL", 0.5)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.task = LoopingCall(self.poke)
        self.task.start(self.interval, now=False)

    def poke(self) -> None:
        # the engine's wake-up is private; without it a worker only notices work another
        # worker queued at the next 5 s heartbeat, which is all this costs if Scrapy changes
        nextcall = getattr(getattr(self.crawler.engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()


class _Periodic:
    """Run a blocking function in a thread while the worker's spider is open."""

    def __init__(self, crawler: Crawler, fn: Callable[[], Any], seconds: float) -> None:
        self.task = LoopingCall(deferToThread, fn)
        self.seconds = seconds
        # strong references: the crawler's signals keep this object for the life of the crawl
        crawler.signals.connect(self.opened, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(self.closed, signal=signals.spider_closed, weak=False)

    def opened(self) -> None:
        self.task.start(self.seconds, now=True).addErrback(
            lambda f: log.error("periodic worker job failed: %s", f.getErrorMessage())
        )

    def closed(self) -> None:
        if self.task.running:
            self.task.stop()


@dataclass
class WorkerSummary:
    """What one worker did before it stopped (printed by ``newswatch worker``)."""

    worker: str
    seconds: float
    responses: int
    items: int
    redis: RoundTrips
    db: RoundTrips

    def as_dict(self) -> dict[str, Any]:
        return {
            "worker": self.worker,
            "seconds": round(self.seconds, 3),
            "responses": self.responses,
            "items": self.items,
            "redis_seconds": round(self.redis.seconds, 4),
            "redis_calls": self.redis.calls,
            "db_seconds": round(self.db.seconds, 4),
            "db_statements": self.db.calls,
        }


def _time_db(db: Database) -> RoundTrips:
    from sqlalchemy import event

    spent = RoundTrips()

    def before(conn: Any, *_: Any) -> None:
        conn.info["nw_t0"] = time.perf_counter()

    def after(conn: Any, *_: Any) -> None:
        spent.add(time.perf_counter() - conn.info.pop("nw_t0", time.perf_counter()))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    return spent


def worker_settings(
    settings: Settings,
    redis_url: str,
    *,
    prefix: str = DEFAULT_PREFIX,
    lease: int = DEFAULT_LEASE,
    max_idle: int = 0,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The crawler's Scrapy settings on the shared frontier."""
    out = scrapy_settings(settings)
    out = with_render(out, settings.crawl, settings.feeds)  # a worker may take any source
    out.update(
        frontier_settings(
            redis_url,
            prefix=prefix,
            concurrency=settings.service.worker_concurrency,
            lease=lease,
            max_idle=max_idle,
        )
    )
    out["EXTENSIONS"] = {"newswatch.crawler.distributed_worker.FrontierPoll": 500}
    if extra:
        out.update(extra)
    return out


def run_worker(
    settings: Settings,
    db: Database,
    redis_url: str,
    *,
    prefix: str = DEFAULT_PREFIX,
    lease: int = DEFAULT_LEASE,
    max_idle: int = 0,
    extra_settings: dict[str, Any] | None = None,
    on_ingested: Callable[[Any], Any] | None = None,
    every_minute: Callable[[], Any] | None = None,
) -> WorkerSummary:
    """Crawl from the shared frontier until stopped (SIGINT/SIGTERM) or idle for ``max_idle`` s.

    ``on_ingested`` gets each stored article's IngestResult (the alert step); ``every_minute``
    runs in a thread at the start and then every minute (sending failed alerts again).
    """
    from scrapy.crawler import AsyncCrawlerProcess

    from newswatch.ingest import Ingestor

    relax_commit_durability(db.engine)  # see its docstring: polls re-collect what a crash loses
    db_time = _time_db(db)
    ctx = CrawlContext(
        settings=settings,
        db=db,
        states={},
        # a worker stores in its own process: scale out with more workers instead
        store=InProcessStage(Ingestor.from_settings(settings, db)),
        on_ingested=on_ingested,
    )
    conf = worker_settings(
        settings, redis_url, prefix=prefix, lease=lease, max_idle=max_idle, extra=extra_settings
    )
    process = AsyncCrawlerProcess({**conf, "LOG_INSTALL_ROOT_HANDLER": False})
    # Scrapy sets its loggers to DEBUG; the command line's level (-v or not) should rule
    logging.getLogger("scrapy").setLevel(logging.getLogger().getEffectiveLevel())
    # scrapy-redis 0.9.1 passes spider= to the stats on every request (deprecated in Scrapy 2.19)
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\.")
    crawler = process.create_crawler(WorkerSpider)
    if every_minute is not None:
        _Periodic(crawler, every_minute, 60.0)
    started = time.perf_counter()
    process.crawl(crawler, context=ctx)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return WorkerSummary(
        worker=f"{socket.gethostname()}:{os.getpid()}",
        seconds=time.perf_counter() - started,
        responses=int(stats.get("response_received_count", 0)),
        items=int(stats.get("item_scraped_count", 0)),
        redis=REDIS_TIME,
        db=db_time,
    )
