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


@dataclass
class Entry:
    """One story (or one article) in the digest."""

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
