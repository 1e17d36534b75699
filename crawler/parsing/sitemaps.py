"""Sitemaps, sitemap indexes and Google News sitemaps, with a look-back window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from newswatch.crawler.charset import Markup, decode, utf8_xml
from newswatch.crawler.parsing.entries import Entry, Parsed, absolute, parse_date

_NEWS_FIELDS = {"publication_date", "title", "name", "language", "keywords"}


class NewsSitemap(Sitemap):
    """Scrapy's parser plus the nested ``<news:news>`` fields it would otherwise drop."""

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        news: dict[str, str] = {}
        for child in elem:
            if self._get_tag_name(child) != "news":
                continue
            for sub in child.iter():
                name = self._get_tag_name(sub)
                if name in _NEWS_FIELDS and sub.text and sub.text.strip():
                    news[name] = sub.text.strip()
        d = super()._process_sitemap_element(elem)
        if d is not None and news:
            d["news"] = news
        return d


def parse_sitemap(
    body: bytes,
    url: str,
    *,
    since: datetime | None = None,
    max_size: int = 50_000_000,
    content_type: str | None = None,
) -> Parsed:
    """URLs of a sitemap (or child sitemaps of an index) not older than ``since``."""
    if body[:2] == b"\x1f\x8b":  # a .xml.gz file, not a Content-Encoding Scrapy already undid
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, ValueError) as exc:
            return Parsed(error=f"cannot unpack gzipped sitemap: {exc}")
    if not body.strip():
        return Parsed(error="empty response")
    decoded = decode(body, content_type, Markup.XML)
    try:
        sitemap = NewsSitemap(utf8_xml(decoded.text))
    except (lxml.etree.XMLSyntaxError, StopIteration) as exc:
        return Parsed(error=f"not a sitemap: {exc or 'no XML root'}")
    if sitemap.type not in ("urlset", "sitemapindex"):
        return Parsed(error=f"not a sitemap: root element is <{sitemap.type}>")
    out = Parsed().decoded_as(decoded)
    old = 0
    for d in sitemap:
        loc = absolute(url, d.get("loc"))
        if loc is None:
            continue
        news = d.get("news", {})
        when = parse_date(news.get("publication_date")) or parse_date(d.get("lastmod"))
        if since is not None and when is not None and when < since:
            old += 1
            continue
        if sitemap.type == "sitemapindex":
            out.children.append(loc)
        else:
            out.entries.append(Entry(url=loc, title=news.get("title"), published=when))
    if old:
        out.warning = f"{old} entries older than the look-back window skipped"
    return out
