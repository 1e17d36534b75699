"""Distributed crawling on scrapy-redis: the shared frontier, its keys, and the scheduler's enqueue.

Topology: the scheduler role puts due feeds into ``<prefix>:start_urls`` (a Redis set of JSON
``{"url", "meta"}`` records, so a feed waits there at most once); any number of ``newswatch worker``
processes take feeds from it, poll them, and push article requests into the shared scrapy-redis
queue ``<prefix>:requests``, which every worker drains. Items are stored by the crawler's own
pipeline into the shared database, whose unique keys make a second store of an article a no-op.

Fault tolerance: requests a killed worker held are gone with it, so the shared duplicate filter
only *leases* a request fingerprint (``<prefix>:seen:<fp>`` with a TTL) instead of remembering it
forever. Feed requests are never filtered; the next poll of the feed re-discovers every entry not
yet stored, and once the lease has expired the article request is queued again.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scrapy.http import Request

from newswatch.config import FeedConfig, Settings
from newswatch.crawler.report import CrawlReport, FeedReport
from newswatch.errors import require_extra
from newswatch.storage.db import Database
from newswatch.storage.models import utcnow
from newswatch.storage.sources import get_source, sync_sources

# the optional extra last, so a missing package is reported as the extra to install
require_extra("redis", "distributed", "distributed crawling")
require_extra("scrapy_redis", "distributed", "distributed crawling")
import redis  # noqa: E402
from redis.connection import Connection  # noqa: E402
from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402

DEFAULT_PREFIX = "newswatch"
DEFAULT_LEASE = 600  # seconds an article request is owned before another poll may queue it again
FEED_META = "newswatch_feed"  # request meta: the feed's configuration as plain data


def keys(prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
    """The Redis keys of one deployment (one prefix per newswatch installation)."""
    return {
        "start_urls": f"{prefix}:start_urls",
        "requests": f"{prefix}:requests",
        "seen": f"{prefix}:seen",
    }


def feed_meta(feed: FeedConfig) -> dict[str, Any]:
    """A feed's configuration as plain JSON data (durations in seconds)."""
    return {
        k: (v.total_seconds() if isinstance(v, timedelta) else v)
        for k, v in feed.model_dump().items()
    }


def feed_payload(feed: FeedConfig, url: str | None = None) -> str:
    """The start-URL record of one feed: its URL and its whole configuration, as stable JSON."""
    return json.dumps(
        {"url": url or feed.url, "meta": {FEED_META: feed_meta(feed)}}, sort_keys=True
    )


def feed_from_meta(meta: dict[str, Any]) -> FeedConfig:
    """The feed configuration a start-URL record carried."""
    return FeedConfig.model_validate(meta[FEED_META])


def enqueue_feeds(
    settings: Settings,
    db: Database,
    feed_names: Iterable[str] | None = None,
    *,
    prefix: str = DEFAULT_PREFIX,
    client: redis.Redis | None = None,
    now: datetime | None = None,
) -> int:
    """Put these feeds (default: every enabled one) on the shared frontier; how many were added.

    A feed already waiting is not added twice. The URL is the source's current one, so a
    permanent redirect recorded by an earlier poll is followed. Each enqueued source's
    ``next_poll_at`` moves one interval ahead (the worker's poll then sets the real one), so a
    scheduler picking due feeds does not enqueue it again meanwhile, yet a feed lost with a
    killed worker comes due again.
    """
    wanted = set(feed_names) if feed_names is not None else None
    feeds = [f for f in settings.feeds if f.enabled and (wanted is None or f.name in wanted)]
    if wanted is not None:
        unknown = wanted - {f.name for f in settings.feeds}
        if unknown:
            settings.feed(min(unknown))  # raises ConfigError naming it
    if not feeds:
        return 0
    with db.session() as s:
        sources = sync_sources(s, [f.model_dump() for f in feeds])
        urls = {name: (src.url, src.active) for name, src in sources.items()}
    payloads = [feed_payload(f, urls[f.name][0]) for f in feeds if urls[f.name][1]]
    if not payloads:
        return 0
    own = client is None
    conn = client or redis.Redis.from_url(require_redis_url(settings))
    try:
        added = int(conn.sadd(keys(prefix)["start_urls"], *payloads))
    finally:
        if own:
            conn.close()
    now = now or utcnow()
    with db.session() as s:
        for feed in feeds:
            src = get_source(s, feed.name)
            if src is not None and src.active:
                src.next_poll_at = now + max(feed.interval, settings.crawl.min_interval)
    return added


async def enqueue_crawl(
    settings: Settings,
    db: Database,
    feeds: list[str] | None = None,
    *,
    prefix: str = DEFAULT_PREFIX,
    **_crawl_options: Any,
) -> CrawlReport:
    """The scheduler role's stand-in for ``crawler.runner.crawl``: enqueue, let workers crawl.

    Same call shape (``runner``, ``store``, ``on_ingested`` are accepted and unused: workers
    judge and alert); each feed's report says ``queued``.
    """
    started = utcnow()
    await asyncio.to_thread(enqueue_feeds, settings, db, feeds, prefix=prefix)
    names = feeds if feeds is not None else [f.name for f in settings.feeds if f.enabled]
    return CrawlReport(
        feeds=[FeedReport(name, status="queued") for name in names],
        started=started,
        finished=utcnow(),
    )


def require_redis_url(settings: Settings) -> str:
    """The Redis URL of the shared frontier, or a configuration error saying how to set it."""
    from newswatch.errors import ConfigError

    if not settings.service.redis_url:
        raise ConfigError(
            "distributed crawling needs service.redis_url",
            hint="set it in the file or NEWSWATCH_REDIS_URL",
        )
    return settings.service.redis_url


def frontier_size(client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> dict[str, int]:
    """Feeds waiting, article requests queued, and leases held."""
    k = keys(prefix)
    leases = sum(1 for _ in client.scan_iter(f"{k['seen']}:*", count=1000))
    return {
        "feeds": int(client.scard(k["start_urls"])),
        "requests": int(client.zcard(k["requests"])),
        "leases": leases,
    }


def connected_workers(client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> set[str]:
    """Names of the workers of this deployment connected to Redis now (``<prefix>:worker:<pid>``)."""
    mark = f"{prefix}:worker:"
    return {c["name"] for c in client.client_list() if str(c.get("name", "")).startswith(mark)}


class LeaseDupeFilter(RFPDupeFilter):  # type: ignore[misc]  # scrapy-redis has no types
    """scrapy-redis' shared duplicate filter, but a fingerprint is held for a lease, not forever."""

    def __init__(
        self, server: redis.Redis, key: str, debug: bool = False, lease: int = DEFAULT_LEASE
    ) -> None:
        super().__init__(server, key, debug)
        self.lease = lease

    @classmethod
    def from_spider(cls, spider: Any) -> LeaseDupeFilter:
        made: LeaseDupeFilter = super().from_spider(spider)
        made.lease = spider.settings.getint("NEWSWATCH_LEASE", DEFAULT_LEASE)
        return made

    def request_seen(self, request: Request) -> bool:
        fp = self.request_fingerprint(request)
        # SET NX EX is atomic, so of two workers offering the same article only one queues it
        return not self.server.set(f"{self.key}:{fp}", b"1", nx=True, ex=self.lease)

    def clear(self) -> None:
        for batch in _batched(self.server.scan_iter(f"{self.key}:*", count=1000), 500):
            self.server.delete(*batch)


def _batched(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class RoundTrips:
    """Time spent waiting on a service, summed over a process (thread-safe)."""

    seconds: float = 0.0
    calls: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def add(self, seconds: float, calls: int = 1) -> None:
        with self._lock:
            self.seconds += seconds
            self.calls += calls


REDIS_TIME = RoundTrips()


class TimedConnection(Connection):
    """A Redis connection that adds its send and receive time to ``REDIS_TIME``."""

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        t0 = time.perf_counter()
        try:
            # redis-py leaves it untyped
            super().send_packed_command(command, check_health)  # type: ignore[no-untyped-call]
        finally:
            REDIS_TIME.add(time.perf_counter() - t0)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return super().read_response(*args, **kwargs)
        finally:
            REDIS_TIME.add(time.perf_counter() - t0, calls=0)


def scrapy_settings(
    redis_url: str,
    *,
    prefix: str = DEFAULT_PREFIX,
    concurrency: int = 16,
    lease: int = DEFAULT_LEASE,
    max_idle: int = 0,
) -> dict[str, Any]:
    """Scrapy settings that put a crawler on the shared frontier."""
    k = keys(prefix)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        # never flush on close: the queue belongs to every worker, not to this one
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": k["requests"],
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_DUPEFILTER_KEY": k["seen"],
        "DUPEFILTER_CLASS": "newswatch.crawler.distributed.LeaseDupeFilter",
        "REDIS_URL": redis_url,
        # named, so `CLIENT LIST` shows the workers of a deployment
        "REDIS_PARAMS": {
            "connection_class": TimedConnection,
            "client_name": f"{prefix}:worker:{os.getpid()}",
        },
        "REDIS_START_URLS_KEY": k["start_urls"],
        "REDIS_START_URLS_AS_SET": True,
        "MAX_IDLE_TIME_BEFORE_CLOSE": max_idle,
        "CONCURRENT_REQUESTS": concurrency,
        "NEWSWATCH_LEASE": lease,
    }
