"""The store stage (judge → deduplicate → store of one article) and where it runs.

Where it runs is decided once per crawl, as a ``Placement``, and becomes one object that the
``CrawlContext`` carries and the pipeline only forwards items to:

- ``InProcessStage``: the shared ``Ingestor`` in the crawl process (``crawl.store_process: off``,
  a crawl handed a judge, an in-memory database, a distributed worker);
- ``crawler.workers.ProcessStage``: a second process that judges and stores (and, for the
  service, extracts too) while this one fetches; it falls back to an ``InProcessStage`` while
  it loads (unless told to wait) and for good if it dies, so no article is lost.

``placement()`` is the one rule from the configuration to a placement; ``open_stage()`` builds
the stage for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from newswatch.config import Settings, StoreProcess
from newswatch.crawler.items import ArticleItem, raw_article
from newswatch.crawler.report import FeedState
from newswatch.crawler.workers import ProcessStage
from newswatch.ingest import Ingestor, IngestResult

if TYPE_CHECKING:
    from newswatch.storage.db import Database

# Below this many articles a second process costs more to start (about 2 s) than it saves.
STORE_PROCESS_MIN = 100


class Placement(Enum):
    """Where a crawl's store stage runs."""

    HERE = "here"  # in the crawl process
    # a process for this crawl once it follows STORE_PROCESS_MIN articles (here until then and
    # while it loads): `newswatch crawl` with ``auto``
    BIG_CRAWL = "big-crawl"
    # a process for this crawl from its first article, waited for while it loads, that extracts
    # the pages too: the service's ``auto``, which then never loads extraction or the judge
    EACH_CRAWL = "each-crawl"
    # a process started at the first article and kept by its owner between crawls (``on``)
    KEPT = "kept"


def placement(mode: StoreProcess, *, service: bool) -> Placement:
    """The one rule from ``crawl.store_process`` to where the store stage runs."""
    if mode is StoreProcess.OFF:
        return Placement.HERE
    if mode is StoreProcess.ON:
        return Placement.KEPT
    return Placement.EACH_CRAWL if service else Placement.BIG_CRAWL


class StoreStage(Protocol):
    """Judge, deduplicate and store one extracted article; ``close()`` when the crawl ends."""

    # pages reach this stage unextracted (the crawl process then never loads extraction)
    extracts: bool

    async def submit(self, item: ArticleItem, feed: FeedState) -> IngestResult: ...

    def serves(self, settings: Settings, db: Database) -> bool:
        """Whether an owner keeping this stage between crawls may hand it to the next one."""
        ...

    def close(self) -> None: ...


class InProcessStage:
    """The shared ``Ingestor`` in this process, built on the first article if not given."""

    extracts = False

    def __init__(self, ingestor: Ingestor | Callable[[], Ingestor]) -> None:
        self._ingestor = ingestor if isinstance(ingestor, Ingestor) else None
        self._make = None if isinstance(ingestor, Ingestor) else ingestor

    @property
    def ingestor(self) -> Ingestor:
        if self._ingestor is None:
            assert self._make is not None
            self._ingestor = self._make()
        return self._ingestor

    async def submit(self, item: ArticleItem, feed: FeedState) -> IngestResult:
        # the spider follows only entries not stored yet; in the reactor's thread on purpose:
        # one article's SQL at a time keeps SQLite's write lock uncontended
        return self.ingestor.ingest(
            raw_article(item, feed.cfg.language), feed.source_id, expect_new=True
        )

    def serves(self, settings: Settings, db: Database) -> bool:
        """Never kept between crawls (it costs nothing to build again but the judge, cached)."""
        return False

    def close(self) -> None:
        pass


def shared_db(db: Database) -> bool:
    """Whether another process can open this database (an in-memory one cannot)."""
    return db.engine.url.database not in (None, "", ":memory:")


def open_stage(
    where: Placement,
    settings: Settings,
    db: Database,
    *,
    followed: Callable[[], int] = lambda: 0,
) -> StoreStage:
    """The store stage for ``where``; ``followed`` counts the articles this crawl follows."""
    make = functools.partial(Ingestor.from_settings, settings, db)
    if where is Placement.HERE or not shared_db(db):
        # built now: loading the judge mid-crawl would stall the reactor for a second
        return InProcessStage(make())
    return ProcessStage(
        db.engine.url.render_as_string(hide_password=False),
        settings,
        # until the process has loaded (or if it dies) articles are stored here
        # (built now unless the process is waited for: that crawl process never loads the judge)
        here=InProcessStage(make if where is Placement.EACH_CRAWL else make()),
        min_articles=STORE_PROCESS_MIN if where is Placement.BIG_CRAWL else 0,
        followed=followed,
        wait=where is Placement.EACH_CRAWL,
    )
