"""Typed items that spiders yield and pipelines consume, and what the stages make of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswatch.ingest import RawArticle


@dataclass
class ArticleItem:
    """One article: what the feed said about it plus what the page gave."""

    url: str
    source: str  # feed name from the configuration
    guid: str | None = None
    feed_title: str | None = None
    feed_published: datetime | None = None
    feed_summary: str | None = None
    # the fetched page, consumed (and released) by the extract stage
    body: bytes = b""
    encoding: str | None = None
    entry_url: str | None = None  # the link as the source listed it, before redirects
    meta: dict[str, Any] = field(
        default_factory=dict
    )  # what the source said beyond the fields (kept)
    # filled by extraction
    title: str | None = None
    text: str | None = None
    published: datetime | None = None
    published_source: str | None = None  # "feed", "jsonld", "meta", "htmldate", ...
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None
    # filled by later stages; extras["ingest"] holds the IngestResult after the store stage
    extras: dict[str, Any] = field(default_factory=dict)


# item.extras key: extraction was left to the store stage (which may run in a store process)
EXTRACT_LATER = "extract_later"
EXTRACTED = (
    "title",
    "text",
    "published",
    "published_source",
    "authors",
    "language",
    "canonical_url",
)


def extract_item(item: ArticleItem) -> ArticleItem:
    """Fill the item from its page: title, text, date, authors, language (DropItem if empty)."""
    from scrapy.exceptions import DropItem

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
        meta={
            **item.meta,
            **(
                {"entry_url": item.entry_url}
                if item.entry_url and item.entry_url != item.url
                else {}
            ),
        },
    )
