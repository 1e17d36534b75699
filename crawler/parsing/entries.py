"""What every source parser returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateparser

from newswatch.crawler.charset import Decoded


@dataclass
class Entry:
    """One item a source lists: where the article is and what the source says about it."""

    url: str
    guid: str | None = None
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    # sources whose entries are the content (Telegram posts): no page is fetched for them
    text: str | None = None
    authors: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    fetch_url: str | None = None  # fetch this page as the entry's article instead of using ``text``
    meta: dict[str, Any] = field(default_factory=dict)  # kept with the stored article


@dataclass
class Parsed:
    """Entries of one source document; ``error`` set means nothing usable was found."""

    entries: list[Entry] = field(default_factory=list)
    error: str | None = None
    warning: str | None = None  # recovered from a malformed document
    children: list[str] = field(default_factory=list)  # sitemap index: sitemaps to fetch next
    older: str | None = None  # a paginated source (Telegram): the page of older entries
    title: str | None = None
    encoding: str | None = None  # how the bytes were read (see newswatch.crawler.charset)
    encoding_note: str | None = None  # a declaration the bytes contradicted, or a guess
    encoding_guessed: bool = False  # nothing declared the encoding and the bytes are not UTF-8

    def decoded_as(self, decoded: Decoded) -> Parsed:
        """This result, noting how its document was decoded."""
        self.encoding = decoded.encoding
        self.encoding_note = decoded.note
        self.encoding_guessed = decoded.guessed
        return self


def is_http_url(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def absolute(base: str, link: str | None) -> str | None:
    """``link`` resolved against ``base``; None unless the result is an http(s) URL."""
    if not link or not link.strip():
        return None
    url = urljoin(base, link.strip())
    return url if is_http_url(url) else None


def parse_date(value: str | None) -> datetime | None:
    """A lenient date parser for feed and sitemap dates; naive times are taken as UTC."""
    if not value or not value.strip():
        return None
    try:
        dt = dateparser.parse(value.strip())
    except (ValueError, OverflowError, TypeError):
        return None
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
