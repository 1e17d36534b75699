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


def _pool(crawler: Crawler, ctx: CrawlContext | None) -> Any:
    """The worker pool when NEWSWATCH_WORKERS > 0 and the database can be shared, else None."""
    workers = crawler.settings.getint("NEWSWATCH_WORKERS", 0)
    if workers <= 0:
        return None
    from crawler import workers as pool

    db_url = None
    if ctx is not None and ctx.db.engine.url.database not in (None, "", ":memory:"):
        db_url = ctx.db.engine.url.render_as_string(hide_password=False)
    if ctx is None:
        return None
    return pool.get_pool(workers, db_url, ctx.settings)


class ExtractPipeline:
    """Turn the page into title, text, date, authors and language."""

    def __init__(self, pool: Any = None) -> None:
        self.pool = pool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSWATCH_EXTRACT", True):
            raise NotConfigured
        ctx = getattr(crawler.spider, "ctx", None)
        return cls(_pool(crawler, ctx if isinstance(ctx, CrawlContext) else None))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.text is not None:
            return item
        args = (item.body, item.url, item.feed_title, item.feed_published, item.encoding)
        item.body = b""  # the page is not needed any more; items can queue up
        if self.pool is not None:
            from crawler.workers import extract_job

            ex = await asyncio.wrap_future(self.pool.submit(extract_job, *args))
        else:
            ex = extract(args[0], args[1], feed_title=args[2], feed_published=args[3], declared_encoding=args[4])
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
    """Judge, deduplicate and store through the shared Ingestor; keep the result on the item."""

    def __init__(self, ctx: CrawlContext, pool: Any = None) -> None:
        self.ctx = ctx
        self.ingestor = ctx.ingestor
        self.pool = pool
        self.source_ids = {name: st.source_id for name, st in ctx.states.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ctx = _context(crawler)
        if ctx.ingestor is None or not ctx.record:
            raise NotConfigured
        # a judge handed in by the caller lives in this process, and an in-memory database
        # cannot be opened by a worker: ingest here then
        if ctx.custom_judge or not _shared_db(ctx):
            return cls(ctx)
        return cls(ctx, _pool(crawler, ctx))

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
        if self.pool is not None:
            from crawler.workers import ingest_job

            result = await asyncio.wrap_future(self.pool.submit(ingest_job, raw, source_id))
        else:
            result = self.ingestor.ingest(raw, source_id)
        item.extras["ingest"] = result
        return item


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
