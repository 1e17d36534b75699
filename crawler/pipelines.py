"""Item pipeline: normalize → extract → judge → deduplicate → store → on_ingested hook.

Judging, deduplication and storage are the shared stages of ``newswatch.ingest.Ingestor``
(also used by ``import``); the store stage runs them, the crawler never re-implements them.
Each stage is built in ``from_crawler`` and raises NotConfigured to switch itself off.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import load_object

from crawler.context import CrawlContext
from crawler.extraction import extract
from crawler.items import ArticleItem
from newswatch.ingest import RawArticle

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")


def _context(crawler: Crawler) -> CrawlContext:
    ctx = getattr(crawler.spider, "ctx", None)
    if not isinstance(ctx, CrawlContext):
        raise NotConfigured("the spider carries no CrawlContext")
    return ctx


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()
    return value or None


class NormalizePipeline:
    """Tidy what the source said: titles and summaries without markup, a GUID to match on."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        item.feed_title = _clean(item.feed_title)
        item.feed_summary = _clean(item.feed_summary)
        item.guid = (item.guid or "").strip() or item.entry_url or item.url
        return item


class ExtractPipeline:
    """Turn the page into title, text, date, authors and language."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSWATCH_EXTRACT", True):
            raise NotConfigured
        return cls()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.text is not None:
            return item
        ex = extract(
            item.body,
            item.url,
            feed_title=item.feed_title,
            feed_published=item.feed_published,
            declared_encoding=item.encoding,
        )
        item.body = b""  # the page is not needed any more; items can queue up
        item.title = ex.title or item.feed_title
        item.text = ex.text or ""
        item.published = ex.published or item.feed_published
        item.published_source = ex.published_source or ("feed" if item.feed_published else None)
        item.authors = list(ex.authors)
        item.language = ex.language
        item.canonical_url = ex.canonical_url
        if not item.text and not item.title:
            raise DropItem(f"no article text or title in {item.url}")
        return item


class StorePipeline:
    """Judge, deduplicate and store through the shared Ingestor; keep the result on the item.

    With ``crawl.store_process`` (see ``crawler.workers``) the Ingestor runs in a second
    process once that process has loaded; until then, and if it dies, articles are stored here.
    """

    def __init__(self, ctx: CrawlContext, mode: str = "off", min_articles: int = 0) -> None:
        self.ctx = ctx
        self.ingestor = ctx.ingestor
        self.mode = mode
        self.min_articles = min_articles
        self.writer: Any = None
        self.announced = False
        self.source_ids = {name: st.source_id for name, st in ctx.states.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ctx = _context(crawler)
        if ctx.ingestor is None or not ctx.record:
            raise NotConfigured
        mode = crawler.settings.get("NEWSWATCH_STORE_PROCESS", "off")
        # a judge handed in by the caller lives in this process, and an in-memory database
        # cannot be opened by another process: store here then
        if ctx.custom_judge or not _shared_db(ctx):
            mode = "off"
        return cls(ctx, mode, crawler.settings.getint("NEWSWATCH_STORE_PROCESS_MIN", 0))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.ingestor is not None
        language = item.language or self.ctx.states[item.source].cfg.language
        raw = RawArticle(
            url=item.url,
            title=item.title or "",
            text=item.text or "",
            source=item.source,
            guid=item.guid,
            published=item.published,
            published_source=item.published_source,
            language=language,
            authors=item.authors,
            canonical_url=item.canonical_url,
            meta={"entry_url": item.entry_url} if item.entry_url and item.entry_url != item.url else {},
        )
        source_id = self.source_ids[item.source]
        writer = self._writer()
        result = None
        if writer is not None:
            try:
                result = await asyncio.wrap_future(writer.submit(raw, source_id))
            except BrokenExecutor as exc:
                self._lost(writer, exc)
        if result is None:
            result = await self._store_here(raw, source_id)
        item.extras["ingest"] = result
        return item

    async def _store_here(self, raw: RawArticle, source_id: int | None) -> Any:
        assert self.ingestor is not None
        # the spider follows only entries not stored yet
        return self.ingestor.ingest(raw, source_id, expect_new=True)

    def _writer(self) -> Any:
        """The store process when it should be and is ready, else None (store here)."""
        if self.mode not in ("auto", "on"):
            return None
        if self.writer is None:
            followed = sum(st.report.found - st.report.skipped for st in self.ctx.states.values())
            if self.mode == "auto" and followed < self.min_articles:
                return None
            from crawler import workers

            url = self.ctx.db.engine.url.render_as_string(hide_password=False)
            self.writer = workers.start(url, self.ctx.settings, keep=self.mode == "on")
        if self.writer.usable():
            if not self.announced:
                self.announced = True
                log.info("storing articles in a second process (pid %s)", self.writer.pid())
            return self.writer
        if self.writer.failed() is not None:
            self._lost(self.writer, self.writer.failed())
        return None

    def _lost(self, writer: Any, exc: BaseException | None) -> None:
        from crawler import workers

        log.warning("the store process failed (%s); storing in the crawl process", exc)
        workers.discard(writer)
        self.mode = "off"

    async def close_spider(self, *args: Any) -> None:
        # ``auto`` starts the process for this crawl only; ``on`` keeps it for the next
        if self.writer is not None and self.mode == "auto":
            await asyncio.to_thread(self.writer.close)
        self.writer = None


def _shared_db(ctx: CrawlContext) -> bool:
    return ctx.db.engine.url.database not in (None, "", ":memory:")


class IngestedHookPipeline:
    """Hand every IngestResult to ``on_ingested`` (the alert stage plugs in here)."""

    def __init__(self, callback: Any) -> None:
        self.callback = callback

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        callback = crawler.settings.get("NEWSWATCH_ON_INGESTED")
        ctx = getattr(crawler.spider, "ctx", None)
        if callback is None and isinstance(ctx, CrawlContext):
            callback = ctx.on_ingested
        if callback is None:
            raise NotConfigured
        if isinstance(callback, str):
            callback = load_object(callback)
        return cls(callback)

    def process_item(self, item: Any) -> Any:
        result = item.extras.get("ingest") if isinstance(item, ArticleItem) else None
        if result is not None:
            try:
                self.callback(result)
            except Exception:  # the article is stored; a failing alert must not count it as lost
                log.exception("on_ingested failed for %s", item.url)
        return item
