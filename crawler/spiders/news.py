"""The one spider: polls every due source, follows new entries, yields article items."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from newswatch.crawler.charset import http_charset
from newswatch.crawler.context import CrawlContext
from newswatch.crawler.failures import describe
from newswatch.crawler.feedhttp import (
    article_headers,
    document_headers,
    header,
    note_first_failure,
    note_first_response,
)
from newswatch.crawler.guard import ORIGIN_META
from newswatch.crawler.items import ArticleItem
from newswatch.crawler.middlewares import DOCUMENT_META, ROBOTS_META, TRUNCATED_META
from newswatch.crawler.parsing import Entry, parse_source
from newswatch.crawler.report import FeedState
from newswatch.ingest import identity
from newswatch.sourceurls import SEARCH_KINDS
from newswatch.weburl import basic_auth, is_http_url, mask_secrets

log = logging.getLogger(__name__)

_DOCUMENT_PRIORITY = 10  # feeds before articles, so every feed is polled early in a long crawl


class NewsSpider(scrapy.Spider):
    """Feeds, listings and sitemaps in; ArticleItem out. Tallies go to ``ctx.states``."""

    name = "newswatch"

    def __init__(self, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = context
        self._following: set[str] = set()  # URL hashes requested in this crawl
        self._rendered = 0  # pages sent through the browser in this crawl (crawl.render_max_pages)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider._item_lost, signal=signals.item_dropped)
        crawler.signals.connect(spider._item_lost, signal=signals.item_error)
        return spider

    # --- feed documents ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for state in self.ctx.states.values():
            try:
                request = self._document_request(state, state.url, first=True)
            except Exception as exc:  # one feed's bad URL fails that feed, not the crawl
                state.documents = 0
                state.fail(f"cannot request {mask_secrets(state.url)}: {mask_secrets(str(exc))}")
                state.settled = True
                self._maybe_finish(state)
                continue
            yield request

    def _document_request(self, state: FeedState, url: str, *, first: bool) -> Request:
        url, headers = document_headers(state, url, first=first)
        meta = {
            "feed": state.name,
            "first": first,
            DOCUMENT_META: True,
            ORIGIN_META: state.url,
            "download_maxsize": self.settings.getint("NEWSWATCH_MAX_FEED_BYTES"),
            ROBOTS_META: state.cfg.robots,
        }
        if state.cfg.render:
            meta.update(self._render_meta(state))
        request = Request(
            url,
            callback=self.parse_document,
            errback=self.document_failed,
            headers=headers,
            dont_filter=True,
            priority=_DOCUMENT_PRIORITY,
            meta=meta,
        )
        state.documents += 1
        return request

    def _render_meta(self, state: FeedState) -> dict[str, Any]:
        """Browser rendering for this document, within the crawl's page budget."""
        from newswatch.crawler.render import render_meta

        crawl = self.ctx.settings.crawl
        self._rendered += 1
        if self._rendered > crawl.render_max_pages:
            return {"render_over_budget": True}
        return render_meta(state.cfg, crawl)

    def parse_document(self, response: Response) -> list[Any]:
        state = self.ctx.states[response.meta["feed"]]
        state.documents -= 1
        state.settled = True
        out: list[Any] = []
        try:
            out = self._parse_document(state, response)
        except Exception as exc:  # a parser bug must not stop the other feeds
            log.exception("feed %s: cannot parse %s", state.name, response.url)
            state.fail(f"cannot parse: {type(exc).__name__}: {exc}")
        self._maybe_finish(state)
        return out

    def _parse_document(self, state: FeedState, response: Response) -> list[Any]:
        report = state.report
        if response.meta.get("render_over_budget"):
            limit = self.ctx.settings.crawl.render_max_pages
            state.fail(
                f"not rendered: this crawl already rendered crawl.render_max_pages ({limit}) pages"
            )
            return []
        report.bytes += len(response.body)
        if response.meta.get("first"):
            note_first_response(state, response)
        cfg = state.cfg
        since = self.ctx.clock() - cfg.lookback if cfg.kind in ("sitemap", *SEARCH_KINDS) else None
        parsed = parse_source(
            cfg.kind,
            response.body,
            response.url,
            content_type=header(response, b"Content-Type"),
            selectors=cfg.selectors,
            lookback_since=since,
        )
        if parsed.error:
            if response.meta.get("first"):
                state.fail(parsed.error)
            else:
                report.warning = f"{response.url}: {parsed.error}"
            return []
        if parsed.warning:
            report.warning = parsed.warning
        if parsed.encoding_note:
            where = "" if response.meta.get("first") else f"{response.url}: "
            report.encoding_note = report.encoding_note or f"{where}{parsed.encoding_note}"
            report.encoding_guessed = report.encoding_guessed or parsed.encoding_guessed
            report.warn(f"{where}{parsed.encoding_note}")  # kept with the poll: `feeds status`
        truncated = response.meta.get(TRUNCATED_META)
        if truncated:  # what was read is still followed; the poll itself failed
            if response.meta.get("first"):
                state.fail(f"{truncated}; {len(parsed.entries)} entries read")
            else:
                report.warn(f"{response.url}: {truncated}")
        out: list[Any] = [
            self._document_request(state, child, first=False)
            for child in parsed.children[:50]
            if is_http_url(child)
        ]
        report.found += len(parsed.entries)
        entries = [e for e in parsed.entries if is_http_url(e.url)]
        if len(entries) < len(parsed.entries):
            # file:, data:, ftp:, javascript: or malformed links are never followed
            dropped = len(parsed.entries) - len(entries)
            report.warn(
                f"{dropped} {'entry' if dropped == 1 else 'entries'} without an http(s) link not followed"
            )
        skipped = report.skipped
        out.extend(self._follow(state, entries))
        if parsed.older and is_http_url(parsed.older):
            fresh = len(entries) - (report.skipped - skipped)
            out.extend(self._older_page(state, response, parsed, fresh))
        return out

    def _older_page(
        self, state: FeedState, response: Response, parsed: Any, fresh: int
    ) -> list[Request]:
        """The next page back of a paginated source, within its page budget and look-back.

        Stops when a page brought no new entries (the rest is known), when ``pages`` are read,
        and on a source's first poll once the page reaches past ``digest.lookback``: older posts
        would be stored but never reported.
        """
        page = int(response.meta.get("page", 1))
        if (
            fresh <= 0
            or page >= state.cfg.pages
            or parsed.older in state.extra.setdefault("pages_seen", set())
        ):
            return []
        lookback = self.ctx.settings.digest.lookback
        dates = [e.published for e in parsed.entries if e.published is not None]
        if (
            lookback is not None
            and dates
            and self._first_poll(state)
            and min(dates) < self.ctx.clock() - lookback
        ):
            return []
        state.extra["pages_seen"].add(parsed.older)
        request = self._document_request(state, parsed.older, first=False)
        request.meta["page"] = page + 1
        return [request]

    def _first_poll(self, state: FeedState) -> bool:
        if "first_poll" not in state.extra:
            state.extra["first_poll"] = self.ctx.first_poll(state.source_id)
        return bool(state.extra["first_poll"])

    def document_failed(self, failure: Failure) -> None:
        # Scrapy sets .request on the Failure of an errback
        request = failure.request  # type: ignore[attr-defined]
        state = self.ctx.states[request.meta["feed"]]
        state.documents -= 1
        state.settled = True
        message, status = describe(failure)
        if not request.meta.get("first"):
            state.report.warning = f"{request.url}: {message}"
        else:
            note_first_failure(state, failure, message, status)
        self._maybe_finish(state)

    # --- entries and articles ---------------------------------------------------------------

    def _follow(self, state: FeedState, entries: list[Entry]) -> Iterable[Request | ArticleItem]:
        cap = self.ctx.settings.crawl.max_entries_per_feed
        if len(entries) > cap:
            entries = sorted(
                entries, key=lambda e: (e.published is not None, e.published), reverse=True
            )
            state.report.warn(
                f"{len(entries) - cap} entries over max_entries_per_feed ({cap}) not followed"
            )
            entries = entries[:cap]
        idents = [(e, identity(e.url, None, e.guid or e.url)) for e in entries]
        urls, guids = self.ctx.known(
            state.source_id,
            [i.url_hash for _, i in idents],
            [i.guid_hash for _, i in idents if i.guid_hash],
        )
        out: list[Request | ArticleItem] = []
        auth = basic_auth(state.url)
        for entry, ident in idents:
            if (
                ident.url_hash in urls
                or ident.guid_hash in guids
                or ident.url_hash in self._following
            ):
                state.report.skipped += 1
                continue
            self._following.add(ident.url_hash)
            if not self.ctx.follow:
                state.report.entries.append(entry)
                continue
            headers = article_headers(auth, entry.url, state.url)
            state.pending += 1
            self.ctx.count_article(started=True)
            if entry.text is not None and not (state.cfg.follow_links and entry.fetch_url):
                out.append(_entry_item(state, entry))  # the entry is the content (a Telegram post)
                continue
            out.append(
                Request(
                    entry.fetch_url or entry.url,
                    headers=headers,
                    callback=self.parse_article,
                    errback=self.article_failed,
                    dont_filter=True,
                    meta={
                        "feed": state.name,
                        "entry": entry,
                        ROBOTS_META: state.cfg.robots,
                        ORIGIN_META: state.url,
                    },
                )
            )
        return out

    def parse_article(self, response: Response) -> Iterable[ArticleItem]:
        state = self.ctx.states[response.meta["feed"]]
        entry: Entry = response.meta["entry"]
        state.report.fetched += 1
        if not isinstance(response, TextResponse):
            log.warning("feed %s: %s is not a text page", state.name, response.url)
            self._article_lost(state)
            return []
        if state.cfg.kind == "google-news" and response.url == entry.url:
            # the search's own link page, not the publisher's article it should redirect to
            state.report.warning = (
                f"{entry.url}: the Google News link did not redirect to the publisher"
            )
            self._article_lost(state)
            return []
        return [
            ArticleItem(
                url=response.url,
                source=state.name,
                guid=entry.guid or entry.url,
                feed_title=entry.title,
                feed_published=entry.published,
                feed_summary=entry.summary,
                body=response.body,
                # the declared charset only: extraction applies the one decoding rule itself
                encoding=http_charset(header(response, b"Content-Type")),
                entry_url=entry.url,
                meta=entry.meta,
            )
        ]

    def article_failed(self, failure: Failure) -> list[ArticleItem]:
        # Scrapy sets .request on the Failure of an errback
        request = failure.request  # type: ignore[attr-defined]
        state = self.ctx.states[request.meta["feed"]]
        message, _ = describe(failure)
        log.warning("feed %s: article %s failed: %s", state.name, request.url, message)
        entry: Entry | None = request.meta.get("entry")
        if entry is not None and entry.text is not None:
            return [_entry_item(state, entry)]  # the post that linked it is still worth keeping
        self._article_lost(state)
        return []

    def _article_lost(self, state: FeedState) -> None:
        """An article that will never reach the pipeline: counted as failed, the poll may end."""
        state.report.failed += 1
        state.pending -= 1
        self.ctx.count_article(started=False)
        self._maybe_finish(state)

    # --- tallies from the pipelines ---------------------------------------------------------

    def _item_scraped(self, item: Any, **_: Any) -> None:
        if not isinstance(item, ArticleItem):
            return
        state = self.ctx.states[item.source]
        result = item.extras.get("ingest")
        status = getattr(result, "status", None)
        if status == "new":
            state.report.new += 1
            judgement = getattr(result, "judgement", None)
            if judgement is not None and judgement.relevant:
                state.report.relevant += 1
        elif status == "updated":
            state.report.updated += 1
        elif status is None:
            state.report.failed += 1
        else:
            state.report.duplicate += 1
        state.pending -= 1
        self.ctx.count_article(started=False)
        self._maybe_finish(state)

    def _item_lost(self, item: Any, **_: Any) -> None:
        if not isinstance(item, ArticleItem):
            return
        self._article_lost(self.ctx.states[item.source])

    # --- end of a feed's poll ---------------------------------------------------------------

    def _maybe_finish(self, state: FeedState, *, force: bool = False) -> None:
        if state.finished or not (force or state.done):
            return
        state.finished = True
        if force and (not state.done or not state.settled):
            # stopped part way (SIGTERM, Ctrl-C): no success, and due again at once, since what
            # it had not fetched yet would otherwise wait a whole interval
            state.fail("the crawl ended before this source was finished", "interrupted")
        self.ctx.record_poll(state)
        self.ctx.finished.append(state.name)
        if self.ctx.progress is not None:
            self.ctx.progress(state.report)

    def closed(self, reason: str) -> None:
        for state in self.ctx.states.values():
            self._maybe_finish(state, force=True)


def _entry_item(state: FeedState, entry: Entry) -> ArticleItem:
    """An entry that carries its own text, as an item ready for judging (no page, no extraction)."""
    return ArticleItem(
        url=entry.url,
        source=state.name,
        guid=entry.guid or entry.url,
        feed_title=entry.title,
        feed_published=entry.published,
        feed_summary=entry.summary,
        entry_url=entry.url,
        title=entry.title,
        text=entry.text,
        published=entry.published,
        published_source="feed" if entry.published else None,
        authors=list(entry.authors),
        language=state.cfg.language,
        canonical_url=entry.canonical_url,
        meta=entry.meta,
    )


__all__ = ["NewsSpider"]
