"""Per-feed tallies during a crawl and the report a crawl returns."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswatch.config import FeedConfig
from newswatch.crawler.parsing import Entry


@dataclass
class FeedReport:
    """What one poll of one feed did."""

    name: str
    fetched: int = 0  # article pages downloaded
    new: int = 0  # stored as new articles
    relevant: int = 0  # of the new ones, judged on topic
    duplicate: int = 0  # fetched but already known (same URL, GUID, content or syndicated copy)
    failed: int = 0  # article pages that could not be fetched, extracted or stored
    status: str = "ok"  # ok | not_modified | moved | error | gone | inactive | interrupted
    error: str | None = None
    http_status: int | None = None
    found: int = 0  # entries the source listed
    skipped: int = 0  # entries already stored, not fetched again
    updated: int = 0  # known articles whose text or title changed
    bytes: int = 0  # bytes of the feed document(s)
    warning: str | None = None
    new_url: str | None = None
    encoding_note: str | None = None  # how undeclared or mislabelled bytes were read
    encoding_guessed: bool = False  # a document's bytes were decoded by guess
    entries: list[Entry] = field(default_factory=list)  # `feeds check`: what would be collected

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "not_modified", "moved")

    def warn(self, message: str) -> None:
        """Add a warning to this poll's (one warning must not hide another)."""
        self.warning = f"{self.warning}; {message}" if self.warning else message


@dataclass
class CrawlReport:
    """The outcome of one crawl over some feeds."""

    feeds: list[FeedReport]
    started: datetime
    finished: datetime

    @property
    def totals(self) -> dict[str, int]:
        keys = ("fetched", "new", "relevant", "duplicate", "failed", "found", "skipped", "updated")
        out = {k: sum(getattr(f, k) for f in self.feeds) for k in keys}
        out["feeds"] = len(self.feeds)
        out["feeds_failed"] = sum(1 for f in self.feeds if not f.ok)
        return out

    def feed(self, name: str) -> FeedReport:
        for f in self.feeds:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass
class FeedState:
    """Mutable tallies of one feed while the crawl runs (owned by the spider)."""

    cfg: FeedConfig
    source_id: int | None  # None only in `feeds check` of a never-polled feed
    url: str
    etag: str | None = None
    last_modified: str | None = None
    started: float = field(default_factory=time.monotonic)
    report: FeedReport = field(init=False)
    documents: int = 0  # feed/sitemap documents still being fetched
    pending: int = 0  # article requests in flight
    resp_etag: str | None = None
    resp_last_modified: str | None = None
    finished: bool = False
    settled: bool = False  # the first document got an answer (a response or a failure)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.report = FeedReport(self.cfg.name)

    @property
    def name(self) -> str:
        return self.cfg.name

    @property
    def done(self) -> bool:
        return self.documents <= 0 and self.pending <= 0

    def fail(self, error: str, status: str = "error", http_status: int | None = None) -> None:
        """Mark the poll failed (the first document error wins)."""
        if self.report.status in ("ok", "moved") or self.report.error is None:
            self.report.status = status
            self.report.error = error
        if http_status is not None:
            self.report.http_status = http_status

    def duration_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)
