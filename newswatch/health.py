"""Feed health: the one rule for `feeds status`, `status` and the digest's footer.

A feed needs a look when it has been failing for a day (one failed poll is not an outage: the next
poll is the retry), when it was deactivated (410 Gone), or when it has been quiet for longer than usual.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from newswatch.config import FeedConfig

FAILING_FOR = timedelta(hours=24)
# A feed is "silent" when nothing new arrived for this many polling intervals (at least two days).
SILENT_INTERVALS = 20
SILENT_MIN = timedelta(days=2)


def _since(value: datetime | None, now: datetime) -> timedelta | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=now.tzinfo)
    return now - value


def expected_silence(feed: FeedConfig | None) -> timedelta:
    interval = feed.interval if feed is not None else timedelta(minutes=30)
    return max(SILENT_MIN, interval * SILENT_INTERVALS)


def flag(row: dict[str, Any], feed: FeedConfig | None, now: datetime) -> str | None:
    """Why this source needs a look, or None; ``row`` is one of storage's feed_health rows."""
    if not row.get("active", True):
        return "deactivated"
    failures = row.get("consecutive_failures") or 0
    ok_age = _since(row.get("last_success_at"), now)
    if failures:
        if ok_age is None:
            since_created = _since(row.get("created_at"), now)
            if since_created is not None and since_created >= FAILING_FOR:
                return "failing, never succeeded"
        elif ok_age >= FAILING_FOR:
            return f"failing for {int(ok_age.total_seconds() // 3600)} h"
    if ok_age is None:
        return None
    quiet = _since(row.get("last_new_item_at"), now) or _since(row.get("created_at"), now)
    limit = expected_silence(feed)
    if quiet is not None and quiet > limit:
        return f"silent for {quiet.days} d (expected new items within {limit.days} d)"
    return None
