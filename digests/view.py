"""The digest as plain data: what every output format (HTML, text, JSON, email) renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Outlet:
    """One report of an entry: the outlet, its tags and the link."""

    name: str
    title: str
    url: str | None
    tags: list[str]
    perspective: str | None
    published_at: datetime | None
    first_seen_at: datetime | None
    duplicate: bool = False
    language: str | None = None  # English name ("Armenian"), when known
    reports: int = 1  # reports of this outlet in the entry, collapsed into this line


@dataclass
class Entry:
    """One story (or one article) in the digest.

    Headline, link, summary, date, reasons and gloss all come from one representative report
    (``lead_id``); ``outlets`` lists every outlet once, the representative's first (a digest
    page shows the first few and links to a page of the story with all of them).
    """

    key: str
    headline: str
    url: str | None
    summary: list[str]
    category: str
    categories: list[str]
    outlets: list[Outlet]
    published_at: datetime | None
    first_seen_at: datetime | None
    reasons: list[str]
    score: float
    update: bool = False
    story_id: int | None = None
    article_ids: list[int] = field(default_factory=list)
    lead_id: int | None = None
    full_headline: str = ""  # the untruncated title, when the headline was shortened
    language: str | None = None  # English name of the representative's language
    gloss: str | None = None  # English line for a report in another language
    outlet_count: int = 0  # distinct outlets, including those not listed
    more_outlets: int = 0  # outlets beyond those a digest page lists
    report_count: int = 0  # reports of all outlets
    sides: list[str] = field(default_factory=list)  # perspectives reporting it


@dataclass
class Section:
    key: str
    title: str
    entries: list[Entry]


@dataclass
class HealthRow:
    name: str
    problem: str
    detail: str | None = None


@dataclass
class DigestView:
    """Everything a digest shows."""

    digest_id: int
    label: str
    kind: str
    title: str
    window_start: datetime | None
    window_end: datetime | None
    created_at: datetime | None
    sections: list[Section]
    updates: list[Entry]
    offtopic: list[Entry]
    category_counts: dict[str, int]
    new_stories: int
    update_count: int
    sources_polled: int
    feeds_total: int
    feeds_unhealthy: list[HealthRow]
    timezone: str = "UTC"
    window: str = ""  # the period in words ("2 December 2026, 07:00 – 3 December 2026, 07:00")
    top: list[Entry] = field(default_factory=list)  # new stories most widely reported
    archive_url: str = "index.html"
    alerts_unsent: str | None = None  # alerts waiting to be sent again or given up, in a sentence

    @property
    def empty(self) -> bool:
        return not self.sections and not self.updates

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601)."""
        data: dict[str, Any] = _plain(asdict(self))
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
