"""What one crawl shares between the runner, the spider and the pipelines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswatch.config import Settings
from newswatch.crawler.report import FeedReport, FeedState
from newswatch.crawler.store import StoreStage
from newswatch.storage.db import Database
from newswatch.storage.models import utcnow


@dataclass
class CrawlContext:
    """Passed to the spider as an argument (not a Scrapy setting: settings are deep-copied)."""

    settings: Settings
    db: Database
    states: dict[str, FeedState]
    # judges, deduplicates and stores each article, wherever it was placed (crawler.store)
    store: StoreStage | None = None
    follow: bool = True  # False: list what would be collected (`feeds check`), fetch no article
    record: bool = True  # False: store nothing, not even the poll log
    progress: Callable[[FeedReport], None] | None = None
    # (articles done, articles requested so far): long crawls are articles, not feeds
    article_progress: Callable[[int, int], None] | None = None
    articles_done: int = 0
    articles_total: int = 0
    on_ingested: Callable[[Any], None] | None = None
    clock: Callable[[], datetime] = utcnow
    finished: list[str] = field(default_factory=list)

    def count_article(self, *, started: bool) -> None:
        """Count an article request made (``started``) or ended, and report the progress."""
        if started:
            self.articles_total += 1
        else:
            self.articles_done += 1
        if self.article_progress is not None:
            self.article_progress(self.articles_done, self.articles_total)

    def stores(self) -> bool:
        """Whether this crawl stores articles (else only polls are logged, or nothing)."""
        return self.record and self.store is not None
