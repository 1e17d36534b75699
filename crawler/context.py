"""What one crawl shares between the runner, the spider and the pipelines."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswatch.config import FeedConfig, Settings
from newswatch.crawler.polling import finish_poll
from newswatch.crawler.report import FeedReport, FeedState
from newswatch.crawler.store import StoreStage
from newswatch.storage.db import Database
from newswatch.storage.models import Source, utcnow
from newswatch.storage.sources import get_source, known_identities, sync_sources

log = logging.getLogger(__name__)


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

    # --- what the spiders ask of the store: answered here, so a spider holds no session ------

    def known(
        self, source_id: int | None, url_hashes: Iterable[str], guid_hashes: Iterable[str]
    ) -> tuple[set[str], set[str]]:
        """Which of these URL hashes (any source) and GUID hashes (this source) are stored."""
        with self.db.session() as s:
            return known_identities(s, source_id, url_hashes, guid_hashes)

    def first_poll(self, source_id: int | None) -> bool:
        """Whether this source has never been polled successfully (its archive is backlog)."""
        if source_id is None:
            return True
        with self.db.session() as s:
            source = s.get(Source, source_id)
            return source is None or source.last_success_at is None

    def record_poll(self, state: FeedState) -> None:
        """Log the feed's poll and schedule its next one (nothing when the crawl records nothing)."""
        if not self.record:
            return
        now = self.clock()
        with self.db.session() as s:
            source = s.get(Source, state.source_id)
            if source is not None:
                finish_poll(s, source, state, self.settings.crawl, now)

    def source_of(self, cfg: FeedConfig) -> Source:
        """The feed's stored source, made if missing (a worker may see a feed before its row)."""
        with self.db.session() as s:
            src = (
                get_source(s, cfg.name) or sync_sources(s, [cfg.model_dump(mode="json")])[cfg.name]
            )
            return src  # detached with its columns loaded (sessions do not expire on commit)

    def start_poll(self, cfg: FeedConfig) -> dict[str, Any] | None:
        """What a new poll of this feed starts from, or None for a deactivated source."""
        src = self.source_of(cfg)
        if not src.active:
            log.info("feed %s is deactivated (%s); not polled", cfg.name, src.deactivated_reason)
            return None
        return {
            "id": uuid.uuid4().hex,
            "source_id": src.id,
            "url": src.url,
            "etag": src.etag,
            "last_modified": src.last_modified,
        }
