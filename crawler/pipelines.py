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

from newswatch.crawler.context import CrawlContext
from newswatch.crawler.items import ArticleItem
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


# item.extras key: extraction was left to the store stage (which may run in a store process)
EXTRACT_LATER = "extract_later"
_EXTRACTED = ("title", "text", "published", "published_source", "authors", "language", "canonical_url")


def extract_item(item: ArticleItem) -> ArticleItem:
    """Fill the item from its page: title, text, date, authors, language (DropItem if empty)."""
    from newswatch.crawler.extraction import extract  # trafilatura loads with the first page

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


def _text_language(text: str | None) -> str | None:
    """The language of a text that came without a page (a Telegram post) from a feed without one."""
    if not text:
        return None
    from newswatch.crawler.extraction.language import choose_language
    from newswatch.crawler.extraction.structured import PageSignals

    return choose_language(PageSignals(), text)


def raw_article(item: ArticleItem, default_language: str | None) -> RawArticle:
    """What the store stage takes from an extracted item."""
    return RawArticle(
        url=item.url,
        title=item.title or "",
        text=item.text or "",
        source=item.source,
        guid=item.guid,
        published=item.published,
        published_source=item.published_source,
        language=item.language or default_language or _text_language(item.text),
        authors=item.authors,
        canonical_url=item.canonical_url,
        meta={**item.meta, **({"entry_url": item.entry_url} if item.entry_url and item.entry_url != item.url else {})},
    )


def store_mode(crawler: Crawler) -> str:
    """Where this crawl stores articles: off (here), auto, on or crawl (see ``crawler.workers``)."""
    ctx = getattr(crawler.spider, "ctx", None)
    if not isinstance(ctx, CrawlContext) or not ctx.stores():
        return "off"
    # a judge handed in by the caller lives in this process, and an in-memory database
    # cannot be opened by another process: store here then
    if ctx.custom_judge or not _shared_db(ctx):
        return "off"
    return str(crawler.settings.get("NEWSWATCH_STORE_PROCESS", "off"))


class ExtractPipeline:
    """Turn the page into title, text, date, authors and language.

    In store mode ``crawl`` the store process extracts too, so that a service waiting for its
    next poll never loads trafilatura and the language model; the item is marked for it.
    """

    def __init__(self, later: bool = False) -> None:
        self.later = later

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSWATCH_EXTRACT", True):
            raise NotConfigured
        return cls(later=store_mode(crawler) == "crawl")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.text is not None:
            return item
        if self.later:
            item.extras[EXTRACT_LATER] = True
            return item
        return extract_item(item)


class StorePipeline:
    """Judge, deduplicate and store through the shared Ingestor; keep the result on the item.

    With ``crawl.store_process`` (see ``crawler.workers``) the Ingestor runs in a second
    process once that process has loaded; until then, and if it dies, articles are stored here.
    Mode ``crawl`` (the service's ``auto``) starts the process at a crawl's first article and
    waits for it, so the crawl process never loads the store stage unless the process fails.
    """

    def __init__(self, ctx: CrawlContext, mode: str = "off", min_articles: int = 0) -> None:
        self.ctx = ctx
        self.mode = mode
        self.min_articles = min_articles
        self.writer: Any = None
        self.announced = False
        self.source_ids = {name: st.source_id for name, st in ctx.states.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ctx = _context(crawler)
        if not ctx.stores():
            raise NotConfigured
        mode = store_mode(crawler)
        return cls(ctx, mode, crawler.settings.getint("NEWSWATCH_STORE_PROCESS_MIN", 0))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        default_language = self.ctx.states[item.source].cfg.language
        extract_later = bool(item.extras.pop(EXTRACT_LATER, False))
        source_id = self.source_ids[item.source]
        writer = self._writer()
        if writer is not None and not writer.ready.done():
            try:  # wait for the process to load rather than load the store stage here
                await asyncio.wrap_future(writer.ready)
            except Exception:  # noqa: BLE001  (reported by _writer() below, stored here)
                pass
            writer = self._writer()
        result = None
        if writer is not None:
            try:
                if extract_later:
                    done = writer.submit_page(item, source_id, default_language)
                    result = self._adopt(item, *(await asyncio.wrap_future(done)))
                else:
                    raw = raw_article(item, default_language)
                    result = await asyncio.wrap_future(writer.submit(raw, source_id))
            except BrokenExecutor as exc:
                self._lost(writer, exc)
        if result is None:
            if extract_later:
                extract_item(item)
            result = await self._store_here(raw_article(item, default_language), source_id)
        item.extras["ingest"] = result
        return item

    @staticmethod
    def _adopt(item: ArticleItem, extracted: ArticleItem, result: Any, dropped: str | None) -> Any:
        """Take over what the store process extracted; DropItem for a page without an article."""
        item.body = b""
        for name in _EXTRACTED:
            setattr(item, name, getattr(extracted, name))
        if dropped is not None:
            raise DropItem(dropped)
        return result

    async def _store_here(self, raw: RawArticle, source_id: int | None) -> Any:
        # the spider follows only entries not stored yet
        return self.ctx.get_ingestor().ingest(raw, source_id, expect_new=True)

    def _writer(self) -> Any:
        """The store process when it should be used (in ``crawl`` mode even while it loads),
        else None: store here."""
        if self.mode not in ("auto", "on", "crawl"):
            return None
        if self.writer is None:
            followed = sum(st.report.found - st.report.skipped for st in self.ctx.states.values())
            if self.mode == "auto" and followed < self.min_articles:
                return None
            from newswatch.crawler import workers

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
        # still loading: ``crawl`` waits for it (process_item), the others store here meanwhile
        return self.writer if self.mode == "crawl" else None

    def _lost(self, writer: Any, exc: BaseException | None) -> None:
        from newswatch.crawler import workers

        log.warning("the store process failed (%s); storing in the crawl process", exc)
        workers.discard(writer)
        self.mode = "off"

    async def close_spider(self, *args: Any) -> None:
        # ``auto`` and ``crawl`` start the process for this crawl only; ``on`` keeps it
        if self.writer is not None and self.mode in ("auto", "crawl"):
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

    async def process_item(self, item: Any) -> Any:
        result = item.extras.get("ingest") if isinstance(item, ArticleItem) else None
        if result is not None:
            try:
                # in a thread: an alert channel that is slow to answer must not stall the crawl
                await asyncio.to_thread(self.callback, result)
            except Exception:  # the article is stored; a failing alert must not count it as lost
                log.exception("on_ingested failed for %s", item.url)
        return item
