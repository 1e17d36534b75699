"""Schedules derived from the configuration: poll tick, digest trigger, feed changes on reload."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config import FeedConfig, Settings, base_interval
from newswatch.scheduler.triggers import DailyTrigger

MIN_TICK = timedelta(milliseconds=50)
MAX_TICK = timedelta(minutes=1)
TICKS_PER_INTERVAL = 4
# jitter never delays a feed by more than this share of its own interval
JITTER_SHARE = 0.1


def enabled_feeds(settings: Settings) -> list[FeedConfig]:
    return [f for f in settings.feeds if f.enabled]


def effective_interval(feed: FeedConfig, settings: Settings) -> timedelta:
    """A feed's configured interval as polling applies it (``config.base_interval``)."""
    return base_interval(feed, settings.crawl)


def poll_tick(settings: Settings) -> timedelta:
    """How often the poll job looks for due feeds."""
    if settings.service.poll_tick is not None:
        return settings.service.poll_tick
    feeds = enabled_feeds(settings)
    if not feeds:
        return MAX_TICK
    shortest = min(effective_interval(f, settings) for f in feeds)
    return min(max(shortest / TICKS_PER_INTERVAL, MIN_TICK), MAX_TICK)


def poll_trigger(settings: Settings) -> IntervalTrigger:
    tz = ZoneInfo(settings.digest.timezone)
    return IntervalTrigger(seconds=poll_tick(settings).total_seconds(), timezone=tz)


def digest_trigger(settings: Settings) -> BaseTrigger:
    """Daily at digest.time in digest.timezone, or every service.digest_every when set."""
    tz = ZoneInfo(settings.digest.timezone)
    if settings.service.digest_every is not None:
        return IntervalTrigger(seconds=settings.service.digest_every.total_seconds(), timezone=tz)
    hour, minute = (int(p) for p in settings.digest.time.split(":"))
    return DailyTrigger(hour, minute, tz)


def feed_jitter(
    feed: FeedConfig, settings: Settings, rng: random.Random | None = None
) -> timedelta:
    """A random delay for a feed's next poll so feeds drift apart instead of firing together."""
    cap = min(settings.service.jitter, effective_interval(feed, settings) * JITTER_SHARE)
    if cap <= timedelta(0):
        return timedelta(0)
    return timedelta(seconds=(rng or random).uniform(0, cap.total_seconds()))


@dataclass
class FeedDiff:
    """How the feed list changed between two configurations."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retimed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.retimed or self.changed)


def diff_feeds(old: Settings, new: Settings) -> FeedDiff:
    """Added, removed, re-timed (interval) and otherwise changed enabled feeds."""
    before = {f.name: f for f in enabled_feeds(old)}
    after = {f.name: f for f in enabled_feeds(new)}
    out = FeedDiff(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
    )
    for name in sorted(before.keys() & after.keys()):
        if effective_interval(before[name], old) != effective_interval(after[name], new):
            out.retimed.append(name)
        elif before[name] != after[name]:
            out.changed.append(name)
    return out
