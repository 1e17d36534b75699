"""The store stage (judge → deduplicate → store) in a second process: ``ProcessStage``.

The reactor thread runs Scrapy and extraction; judging, hashing, story linking and the SQL of
one article cost about as much again. With the store stage in a process of its own the two
halves run on two cores, one article after another like a production line.

One writer process, not a pool: every write takes the database's write lock, so two writers
mostly wait for each other (bench/crawl_throughput.py: one writer 131 articles/s, two 106).
Extraction stays in the crawl process unless the stage is told to wait for its process (the
service's crawls): shipping pages out and results back costs more than it saves, but spares
the waiting service from loading extraction at all.

Which crawls use it, and for how long it lives, is ``crawler.store.placement``'s decision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from newswatch.config import Settings
from newswatch.crawler.items import EXTRACT_LATER, EXTRACTED, ArticleItem, extract_item, raw_article
from newswatch.crawler.report import FeedState
from newswatch.ingest import Ingestor, IngestResult, RawArticle

if TYPE_CHECKING:
    from newswatch.crawler.store import InProcessStage
    from newswatch.storage.db import Database

log = logging.getLogger(__name__)

# the store process's own Ingestor: a ProcessPoolExecutor initializer can only leave its state
# in a global of the child process (never set in the crawl process)
_ingestor: Ingestor | None = None


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
    item: ArticleItem, source_id: int | None, default_language: str | None
) -> tuple[ArticleItem, IngestResult | None, str | None]:
    """Extract a fetched page and store it: (the extracted item, the result, why it was dropped)."""
    try:
        extract_item(item)
    except DropItem as exc:
        return item, None, str(exc)
    return item, ingest_job(raw_article(item, default_language), source_id), None


class StoreProcess:
    """One spawned process running ``Ingestor.ingest`` for the crawl process."""

    def __init__(self, db_url: str, settings: Settings) -> None:
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
        # the executor keeps its processes private; this one has exactly one
        procs = list((getattr(self._pool, "_processes", None) or {}).keys())
        return procs[0] if procs else None

    def submit(self, raw: RawArticle, source_id: int | None) -> Future[IngestResult]:
        return self._pool.submit(ingest_job, raw, source_id)

    def submit_page(
        self, item: ArticleItem, source_id: int | None, default_language: str | None
    ) -> Future[tuple[ArticleItem, IngestResult | None, str | None]]:
        """Extract and store a page there (the crawl process then never loads extraction)."""
        return self._pool.submit(page_job, item, source_id, default_language)

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _profile(settings: Settings) -> str:
    """The part of the configuration the store process was loaded with."""
    return settings.model_dump_json(include={"judge", "dedup"})


class ProcessStage:
    """The store stage in a ``StoreProcess``, started at the first article that needs it.

    ``min_articles``: start it only once the crawl follows that many articles (``followed()``);
    ``wait``: wait for it to load rather than store here meanwhile, and let it extract the pages.
    Until it is usable, and for good once it has failed, ``here`` stores.
    """

    def __init__(
        self,
        db_url: str,
        settings: Settings,
        *,
        here: InProcessStage,
        min_articles: int = 0,
        followed: Callable[[], int] = lambda: 0,
        wait: bool = False,
    ) -> None:
        self.db_url = db_url
        self.settings = settings
        self.here = here
        self.min_articles = min_articles
        self.followed = followed
        self.wait = wait
        self.extracts = wait
        self.proc: StoreProcess | None = None
        self.broken = False  # the process failed: this stage stores here from now on
        self._announced = False

    def serves(self, settings: Settings, db: Database) -> bool:
        """Whether an owner keeping this stage between crawls may use it for this one."""
        return (
            not self.broken
            and self.db_url == db.engine.url.render_as_string(hide_password=False)
            and _profile(self.settings) == _profile(settings)
        )

    async def submit(self, item: ArticleItem, feed: FeedState) -> IngestResult:
        default_language = feed.cfg.language
        extract_later = bool(item.extras.pop(EXTRACT_LATER, False))
        proc = self._usable()
        if proc is not None and not proc.ready.done():
            # wait for the process to load rather than load the store stage here; a failure
            # is reported by _usable() below, and the item stored here
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(proc.ready)
            proc = self._usable()
        if proc is not None:
            try:
                if extract_later:
                    done = proc.submit_page(item, feed.source_id, default_language)
                    return self._adopt(item, *(await asyncio.wrap_future(done)))
                raw = raw_article(item, default_language)
                return await asyncio.wrap_future(proc.submit(raw, feed.source_id))
            except BrokenExecutor as exc:
                self._lost(exc)
        if extract_later:
            extract_item(item)
        return await self.here.submit(item, feed)

    @staticmethod
    def _adopt(
        item: ArticleItem, extracted: ArticleItem, result: IngestResult | None, dropped: str | None
    ) -> IngestResult:
        """Take over what the store process extracted; DropItem for a page without an article."""
        item.body = b""
        for name in EXTRACTED:
            setattr(item, name, getattr(extracted, name))
        if dropped is not None:
            raise DropItem(dropped)
        if result is None:
            raise DropItem("the store process returned no result")
        return result

    def start(self) -> StoreProcess:
        """Start the process now rather than at the first article (it then loads meanwhile)."""
        if self.proc is None:
            self.proc = StoreProcess(self.db_url, self.settings)
        return self.proc

    def _usable(self) -> StoreProcess | None:
        """The process when it should be used (when waiting, even while it loads), else None."""
        if self.broken:
            return None
        if self.proc is None:
            if self.min_articles and self.followed() < self.min_articles:
                return None
            self.start()
        assert self.proc is not None
        if self.proc.usable():
            if not self._announced:
                self._announced = True
                log.info("storing articles in a second process (pid %s)", self.proc.pid())
            return self.proc
        failed = self.proc.failed()
        if failed is not None:
            self._lost(failed)
            return None
        return self.proc if self.wait else None  # still loading

    def _lost(self, exc: BaseException | None) -> None:
        log.warning("the store process failed (%s); storing in the crawl process", exc)
        self.broken = True
        if self.proc is not None:
            self.proc.close(wait=False)
            self.proc = None

    def close(self) -> None:
        if self.proc is not None:
            self.proc.close(wait=True)
            self.proc = None
