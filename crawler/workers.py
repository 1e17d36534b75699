"""The store stage (judge → deduplicate → store) in a second process.

The reactor thread runs Scrapy and extraction; judging, hashing, story linking and the SQL of
one article cost about as much again. With the store stage in a process of its own the two
halves run on two cores, one article after another like a production line.

One writer process, not a pool: every write takes the database's write lock, so two writers
mostly wait for each other (bench/crawl_throughput.py: one writer 131 articles/s, two 106).
Extraction stays in the crawl process: shipping pages out and results back cost more than it
saved.

``auto`` starts the process for a crawl that follows many articles and stops it when that
crawl ends (a service that polls a few new entries at a time stays one small process);
``on`` starts it for the first article stored and keeps it for the life of the process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from newswatch.config import Settings
from newswatch.ingest import Ingestor, IngestResult, RawArticle

_ingestor: Ingestor | None = None  # in the store process
_lock = threading.Lock()
_kept: StoreProcess | None = None  # ``on``: one process kept between crawls


def _init(db_url: str, settings: Settings) -> None:
    global _ingestor
    from newswatch.storage.db import Database

    _exit_with_parent()

    _ingestor = Ingestor.from_settings(settings, Database.open(db_url, migrate=False))


def _exit_with_parent(every: float = 1.0) -> None:
    """End this process when the crawl process dies (``kill -9``, OOM), instead of living on.

    A ProcessPoolExecutor worker only notices its parent's end when it next reads a task;
    an idle one would wait forever, holding its memory and database connection.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:  # re-parented: the crawl process is gone
                os._exit(1)

    threading.Thread(target=watch, name="newswatch-parent-watch", daemon=True).start()


def _ready() -> bool:
    assert _ingestor is not None
    # load the judge's lexicons and seed vectors now, not on the first article
    _ingestor.judge.judge("", "", None)
    return True


def ingest_job(raw: RawArticle, source_id: int | None) -> IngestResult:
    if _ingestor is None:
        raise RuntimeError("the store process was started without a database")
    return _ingestor.ingest(raw, source_id, expect_new=True)


def page_job(
    item: Any, source_id: int | None, default_language: str | None
) -> tuple[Any, IngestResult | None, str | None]:
    """Extract a fetched page and store it: (the extracted item, the result, why it was dropped)."""
    from scrapy.exceptions import DropItem

    from newswatch.crawler.pipelines import extract_item, raw_article

    try:
        extract_item(item)
    except DropItem as exc:
        return item, None, str(exc)
    return item, ingest_job(raw_article(item, default_language), source_id), None


class StoreProcess:
    """One spawned process running ``Ingestor.ingest`` for the crawl process."""

    def __init__(self, db_url: str, settings: Settings) -> None:
        self.key = _key(db_url, settings)
        # spawn, not fork: the parent runs a reactor thread that a forked child must not inherit
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(db_url, settings),
        )
        self.ready: Future[bool] = self._pool.submit(_ready)

    def usable(self) -> bool:
        """Loaded and alive (until then the caller stores in its own process)."""
        return self.ready.done() and self.ready.exception() is None

    def failed(self) -> BaseException | None:
        return self.ready.exception() if self.ready.done() else None

    def pid(self) -> int | None:
        procs = list((getattr(self._pool, "_processes", None) or {}).keys())
        return procs[0] if procs else None

    def submit(self, raw: RawArticle, source_id: int | None) -> Future[IngestResult]:
        return self._pool.submit(ingest_job, raw, source_id)

    def submit_page(
        self, item: Any, source_id: int | None, default_language: str | None
    ) -> Future[tuple[Any, IngestResult | None, str | None]]:
        """Extract and store a page there (the crawl process then never loads extraction)."""
        return self._pool.submit(page_job, item, source_id, default_language)

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _key(db_url: str, settings: Settings) -> tuple[str, str]:
    return db_url, settings.model_dump_json(include={"judge", "dedup"})


def start(db_url: str, settings: Settings, *, keep: bool) -> StoreProcess:
    """A new store process, or (``keep``) the one kept for this database and profile."""
    global _kept
    if not keep:
        return StoreProcess(db_url, settings)
    with _lock:
        if _kept is not None and (_kept.key != _key(db_url, settings) or _kept.failed()):
            _kept.close(wait=False)
            _kept = None
        if _kept is None:
            _kept = StoreProcess(db_url, settings)
        return _kept


def discard(proc: StoreProcess) -> None:
    """Forget a kept process that broke, so the next crawl starts a fresh one."""
    global _kept
    with _lock:
        if _kept is proc:
            _kept = None
    proc.close(wait=False)


def shutdown() -> None:
    """Stop the kept process (at exit, or when a test wants a clean slate)."""
    global _kept
    with _lock:
        if _kept is not None:
            _kept.close(wait=True)
        _kept = None


atexit.register(shutdown)

