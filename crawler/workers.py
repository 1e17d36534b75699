"""A process pool for the CPU-heavy stages (extraction; judge → dedup → store).

The reactor runs Scrapy on one core; with ``workers > 0`` the pipelines hand pages and articles
to these processes, so downloads continue while pages are parsed and judged. Each worker opens
its own database connection and loads its own judge. The pool outlives one crawl (the service
crawls again and again) and is rebuilt only when the database or judge profile changes.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from crawler.extraction import Extracted, extract
from newswatch.config import Settings
from newswatch.ingest import Ingestor, IngestResult, RawArticle

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_key: tuple[Any, ...] | None = None
_ingestor: Ingestor | None = None  # in each worker process


def _init(db_url: str | None, settings: Settings) -> None:
    global _ingestor
    from crawler.extraction import warm_up

    warm_up()
    if db_url is None:
        return
    from storage.db import Database

    _ingestor = Ingestor.from_settings(settings, Database.open(db_url, migrate=False))


def extract_job(
    body: bytes, url: str, feed_title: str | None, feed_published: datetime | None, encoding: str | None
) -> Extracted:
    return extract(body, url, feed_title=feed_title, feed_published=feed_published, declared_encoding=encoding)


def ingest_job(raw: RawArticle, source_id: int | None) -> IngestResult:
    if _ingestor is None:
        raise RuntimeError("this worker was started without a database")
    return _ingestor.ingest(raw, source_id)


def get_pool(workers: int, db_url: str | None, settings: Settings) -> ProcessPoolExecutor:
    """The shared pool for this configuration (started, or restarted, on demand)."""
    global _pool, _key
    key = (workers, db_url, settings.model_dump_json(include={"judge", "dedup"}))
    with _lock:
        if _pool is not None and _key == key:
            return _pool
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        # spawn, not fork: the parent runs a reactor thread that a forked child must not inherit
        _pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(db_url, settings),
        )
        _key = key
        return _pool


def shutdown() -> None:
    """Stop the pool's processes (at exit, or when a test wants a clean slate)."""
    global _pool, _key
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
        _pool, _key = None, None


atexit.register(shutdown)
