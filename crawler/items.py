"""Typed items that spiders yield and pipelines consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
    meta: dict[str, Any] = field(default_factory=dict)  # what the source said beyond the fields (kept)
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
