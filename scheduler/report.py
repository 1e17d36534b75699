"""Figures of one crawl run for the log line and the metrics."""

from __future__ import annotations

from typing import Any

from newswatch.wording import counted


def crawl_figures(report: Any, due: list[str], seconds: float) -> dict[str, Any]:
    """Totals of a crawler ``CrawlReport`` (per-feed ``FeedReport`` rows)."""
    feeds = list(getattr(report, "feeds", []) or [])
    figures: dict[str, Any] = {
        "feeds": len(due),
        "fetched": sum(int(f.fetched) for f in feeds),
        "new": sum(int(f.new) for f in feeds),
        "duplicates": sum(int(f.duplicate) for f in feeds),
        "failed": sum(int(f.failed) for f in feeds),
        "feed_errors": sorted(f.name for f in feeds if not getattr(f, "ok", True)),
        "seconds": round(seconds, 3),
    }
    return figures


def format_figures(f: dict[str, Any]) -> str:
    text = (
        f"{counted(f['feeds'], 'feed')}, {f['fetched']} fetched, {f['new']} new, "
        f"{counted(f['duplicates'], 'duplicate')}, {f['failed']} failed in {f['seconds']:.1f} s"
    )
    if f["feed_errors"]:
        text += f"; errors: {', '.join(f['feed_errors'])}"
    return text
