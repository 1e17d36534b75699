"""Item pipeline: normalize → extract → store → on_ingested hook.

Judging, deduplication and storage are the shared stages of ``newswatch.ingest.Ingestor``
(also used by ``import``); the crawl's store stage (``crawler.store``, carried by the
``CrawlContext``) runs them wherever it was placed, and the pipeline only forwards items to it.
Each stage is built in ``from_crawler`` and raises NotConfigured to switch itself off.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from newswatch.crawler.context import CrawlContext
from newswatch.crawler.items import EXTRACT_LATER, ArticleItem, extract_item

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from newswatch.crawler.store import StoreStage

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
    """Turn the page into title, text, date, authors and language.

    When the store stage extracts pages itself (a store process the crawl waits for), the item
    is only marked for it: a service waiting for its next poll then never loads trafilatura and
    the language model.
    """

    def __init__(self, later: bool = False) -> None:
        self.later = later

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSWATCH_EXTRACT", True):
            raise NotConfigured
        ctx = getattr(crawler.spider, "ctx", None)
        store = ctx.store if isinstance(ctx, CrawlContext) and ctx.stores() else None
        return cls(later=store is not None and store.extracts)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.text is not None:
            return item
        if self.later:
            item.extras[EXTRACT_LATER] = True
            return item
        return extract_item(item)


class StorePipeline:
    """Hand each article to the crawl's store stage (``crawler.store``); keep the result on it."""

    def __init__(self, ctx: CrawlContext, store: StoreStage) -> None:
        self.ctx = ctx
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ctx = _context(crawler)
        if ctx.store is None or not ctx.stores():
            raise NotConfigured
        return cls(ctx, ctx.store)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            item.extras["ingest"] = await self.store.submit(item, self.ctx.states[item.source])
        return item


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

    async def process_item(self, item: Any) -> Any:
        result = item.extras.get("ingest") if isinstance(item, ArticleItem) else None
        if result is not None:
            try:
                # in a thread: an alert channel that is slow to answer must not stall the crawl
                await asyncio.to_thread(self.callback, result)
            except Exception:  # the article is stored; a failing alert must not count it as lost
                log.exception("on_ingested failed for %s", item.url)
        return item
