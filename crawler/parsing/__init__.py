"""Source parsers: a fetched feed, listing page or sitemap becomes a list of entries."""

from __future__ import annotations

from datetime import datetime

from newswatch.config import Selectors
from newswatch.crawler.parsing.entries import Entry, Parsed
from newswatch.crawler.parsing.feeds import parse_feed, parse_json_feed
from newswatch.crawler.parsing.listing import parse_listing
from newswatch.crawler.parsing.search import parse_gdelt, parse_google_news
from newswatch.crawler.parsing.sitemaps import parse_sitemap
from newswatch.crawler.parsing.telegram import parse_telegram

__all__ = [
    "Entry",
    "Parsed",
    "parse_feed",
    "parse_json_feed",
    "parse_listing",
    "parse_sitemap",
    "parse_source",
    "parse_telegram",
]


def parse_source(
    kind: str,
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    selectors: Selectors | None = None,
    lookback_since: datetime | None = None,
) -> Parsed:
    """Dispatch on the configured kind; an RSS/Atom URL that serves JSON Feed still works."""
    if kind == "html":
        return parse_listing(body, url, selectors, content_type=content_type)
    if kind == "google-news":
        return parse_google_news(body, url, content_type=content_type, since=lookback_since)
    if kind == "gdelt":
        return parse_gdelt(body, url, since=lookback_since)
    if kind == "telegram":
        return parse_telegram(body, url, content_type=content_type)
    if kind == "sitemap":
        return parse_sitemap(body, url, since=lookback_since, content_type=content_type)
    if kind == "json" or body.lstrip()[:1] == b"{":
        return parse_json_feed(body, url, content_type=content_type)
    return parse_feed(body, url, content_type=content_type)
