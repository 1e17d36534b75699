"""Feed discovery: is this URL a feed, or which feeds does this homepage announce or hide?

Runs as a small Scrapy crawl so robots.txt, the User-Agent, timeouts and size limits are the
same as for polling.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse

from newswatch.crawler.guard import ORIGIN_META
from newswatch.crawler.parsing import parse_json_feed
from newswatch.crawler.parsing.feeds import read_feed
from newswatch.crawler.parsing.telegram import channel_links, parse_telegram
from newswatch.sourceurls import channel_name
from newswatch.weburl import is_http_url, mask_url

COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.rss", "/feed.json")
ALTERNATE_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


@dataclass
class FoundFeed:
    """A feed found at or near the URL the user gave."""

    url: str
    kind: str  # rss | atom | json | telegram
    title: str | None
    entries: int
    how: str  # given | link-alternate | common-path | telegram-link


def detect_feed(
    body: bytes, url: str, content_type: str | None = None
) -> tuple[str, str | None, int] | None:
    """(kind, title, number of entries) when ``body`` is an RSS, Atom or JSON feed."""
    head = body.lstrip()[:1]
    if head == b"{":
        parsed = parse_json_feed(body, url, content_type=content_type)
        if parsed.error:
            return None
        return "json", parsed.title, len(parsed.entries)
    if head != b"<":
        return None
    d, _ = read_feed(
        body, url, content_type
    )  # the crawler's decoding rule: titles as it reads them
    version = d.get("version") or ""
    if not version:
        return None
    return ("atom" if version.startswith("atom") else "rss"), d.feed.get("title"), len(d.entries)


class DiscoverySpider(scrapy.Spider):
    """Fetch the URL; if it is a page, follow its alternate links and the usual feed paths."""

    name = "newswatch-discovery"

    def __init__(self, url: str, found: list[FoundFeed], errors: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.found = found
        self.errors = errors
        self._seen: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            self.url,
            callback=self.parse_start,
            errback=self.start_failed,
            dont_filter=True,
            meta=self._meta(),
        )

    def _meta(self) -> dict[str, Any]:
        return {
            "download_maxsize": self.settings.getint("NEWSWATCH_MAX_FEED_BYTES"),
            ORIGIN_META: self.url,
        }

    def _record(self, response: Response, how: str) -> bool:
        found = detect_feed(response.body, response.url, _ctype(response))
        if found is None or response.url in self._seen:
            return found is not None
        self._seen.add(response.url)
        kind, title, entries = found
        self.found.append(FoundFeed(response.url, kind, title, entries, how))
        return True

    def parse_start(self, response: Response) -> Iterable[Request]:
        if self._record(response, "given") or self._record_channel(response, "given"):
            return []
        if not isinstance(response, TextResponse):
            self.errors.append(f"{response.url} is neither a feed nor an HTML page")
            return []
        out = []
        for link in response.xpath("//link[@href]"):
            rel = (link.attrib.get("rel") or "").lower().split()
            typ = (link.attrib.get("type") or "").lower().split(";")[0].strip()
            if "alternate" in rel and typ in ALTERNATE_TYPES:
                href = urljoin(response.url, link.attrib["href"].strip())
                if not is_http_url(href):  # file:, data:, ftp:, javascript: are never offered
                    self.errors.append(
                        f"ignored a feed link that is not http(s): {mask_url(href)[:200]}"
                    )
                    continue
                out.append(self._candidate(href, "link-alternate", 0))
        parts = urlsplit(response.url)
        root = f"{parts.scheme}://{parts.netloc}"
        for i, path in enumerate(COMMON_PATHS, start=1):
            out.append(self._candidate(root + path, "common-path", i))
        # official channels are often the outlet's fastest source; offer those the page links to
        for i, preview in enumerate(
            channel_links(response.url, response.xpath("//a/@href").getall())[:5]
        ):
            out.append(
                Request(
                    preview,
                    callback=self.parse_channel,
                    errback=lambda f: None,
                    priority=-len(COMMON_PATHS) - 1 - i,
                    meta=self._meta(),
                )
            )
        return out

    def parse_channel(self, response: Response) -> None:
        self._record_channel(response, "telegram-link")

    def _record_channel(self, response: Response, how: str) -> bool:
        """Whether ``response`` is a Telegram channel preview (recorded once)."""
        if channel_name(response.url) is None or not isinstance(response, TextResponse):
            return False
        parsed = parse_telegram(response.body, response.url, content_type=_ctype(response))
        if parsed.error is not None:
            return False
        if response.url not in self._seen:
            self._seen.add(response.url)
            self.found.append(
                FoundFeed(response.url, "telegram", parsed.title, len(parsed.entries), how)
            )
        return True

    def _candidate(self, url: str, how: str, order: int) -> Request:
        # lower priority for guessed paths so announced feeds are listed first
        return Request(
            url,
            callback=self.parse_candidate,
            errback=lambda f: None,
            cb_kwargs={"how": how},
            priority=-order,
            meta=self._meta(),
        )

    def parse_candidate(self, response: Response, how: str) -> None:
        self._record(response, how)

    def start_failed(self, failure: Any) -> None:
        from newswatch.crawler.failures import describe

        self.errors.append(f"{self.url}: {describe(failure)[0]}")


def _ctype(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None
