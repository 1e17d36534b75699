"""The extraction result handed to the rest of the crawler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Extracted:
    """One extracted article plus where each value came from."""

    url: str | None
    title: str | None
    text: str
    published: datetime | None
    published_source: str | None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None
    title_source: str | None = None
    text_source: str | None = None
    # the same instant in the publisher's own offset: its calendar day is the article's date
    published_local: datetime | None = None
    explanation: dict[str, Any] = field(default_factory=dict)  # why each value was chosen

    def as_json(self, path: str | None = None, *, explain: bool = False) -> dict[str, Any]:
        """JSON-ready dict as printed by `newswatch extract` (--explain adds the reasons)."""
        out: dict[str, Any] = {
            "path": path,
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published": self.published.isoformat() if self.published else None,
            "authors": list(self.authors),
            "language": self.language,
            "canonical_url": self.canonical_url,
        }
        if explain:
            out["explain"] = {
                "text": {"source": self.text_source, **self.explanation.get("text", {})},
                "title": {"source": self.title_source},
                "published": {
                    "source": self.published_source,
                    "local": (self.published_local.isoformat() if self.published_local else None),
                },
            }
        return out
