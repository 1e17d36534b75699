"""Schedules derived from configuration: daily digest across DST, poll tick, jitter, feed diffs."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config import Settings
from newswatch.scheduler import plan
from newswatch.scheduler.triggers import DailyTrigger


def _fires(trigger: DailyTrigger, start: datetime, days: int) -> list[datetime]:
    """Fire times as the scheduler asks for them: previous fire and a clock just past it."""
    out: list[datetime] = []
    prev, now = None, start
    while now < start + timedelta(days=days):
        nxt = trigger.get_next_fire_time(prev, now)
        assert nxt is not None
        out.append(nxt)
        prev, now = nxt, nxt + timedelta(seconds=1)
    return out


@pytest.mark.parametrize(
    ("zone", "hhmm", "start"),
    [
        (
            "Europe/Paris",
            "02:30",
            datetime(2026, 3, 27, tzinfo=UTC),
        ),  # 02:30 does not exist on 29 March
        (
            "Europe/Paris",
            "02:30",
            datetime(2026, 10, 23, tzinfo=UTC),
        ),  # 02:30 happens twice on 25 October
        ("Europe/Paris", "07:00", datetime(2026, 3, 27, tzinfo=UTC)),
        (
            "America/New_York",
            "01:30",
            datetime(2026, 10, 30, tzinfo=UTC),
        ),  # 1 November repeats 01:xx
        ("America/New_York", "02:15", datetime(2026, 3, 6, tzinfo=UTC)),  # 8 March skips 02:xx
        ("Asia/Yerevan", "07:00", datetime(2026, 3, 27, tzinfo=UTC)),  # no DST at all
    ],
)
def test_daily_trigger_fires_once_per_local_day_across_dst(
    zone: str, hhmm: str, start: datetime
) -> None:
    tz = ZoneInfo(zone)
    hour, minute = map(int, hhmm.split(":"))
    fires = _fires(DailyTrigger(hour, minute, tz), start, days=6)
    local_days = [f.astimezone(tz).date() for f in fires]
    assert len(local_days) == len(set(local_days)), "a day got two digests"
    first = local_days[0]
    assert local_days == [first + timedelta(days=i) for i in range(len(local_days))], (
        "a day was skipped"
    )
    assert all(b > a for a, b in itertools.pairwise(fires))
    for f in fires:
        wall = f.astimezone(tz)
        # the wall time is the configured one, or one hour later when that hour did not exist
        assert (wall.hour, wall.minute) in ((hour, minute), (hour + 1, minute))


def test_apscheduler_crontrigger_doubles_the_autumn_digest() -> None:
    """Why DailyTrigger exists: CronTrigger fires twice when 02:30 repeats."""
    from apscheduler.triggers.cron import CronTrigger

    tz = ZoneInfo("Europe/Paris")
    cron = CronTrigger(hour=2, minute=30, timezone=tz)
    first = cron.get_next_fire_time(None, datetime(2026, 10, 25, 0, 0, tzinfo=UTC))
    assert first is not None
    second = cron.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second is not None and second.astimezone(tz).date() == first.astimezone(tz).date()
    ours = DailyTrigger(2, 30, tz)
    a = ours.get_next_fire_time(None, datetime(2026, 10, 25, 0, 0, tzinfo=UTC))
    assert a is not None
    b = ours.get_next_fire_time(a, a + timedelta(seconds=1))
    assert b is not None and b.astimezone(tz).date() == a.astimezone(tz).date() + timedelta(days=1)


def test_daily_trigger_after_downtime_gives_one_run_for_the_gap() -> None:
    """A scheduler waking days late gets ONE missed run time (as APScheduler collects them), then tomorrow."""
    tz = ZoneInfo("Asia/Yerevan")
    trig = DailyTrigger(7, 0, tz)
    pending = datetime(2026, 11, 20, 7, 0, tzinfo=tz)  # the run planned before the machine slept
    now = datetime(2026, 11, 23, 12, 0, tzinfo=tz)
    run_times = []
    nxt: datetime | None = pending
    while nxt is not None and nxt <= now:  # apscheduler.job.Job._get_run_times
        run_times.append(nxt)
        nxt = trig.get_next_fire_time(nxt, now)
    assert run_times == [pending]
    assert nxt == datetime(2026, 11, 24, 7, 0, tzinfo=tz)


def _settings(**over: object) -> Settings:
    base: dict[str, object] = {"feeds": [], "crawl": {"min_interval": "1s"}}
    base.update(over)
    return Settings.model_validate(base)


def _feed(name: str, interval: str, **kw: object) -> dict[str, object]:
    return {"name": name, "url": f"http://127.0.0.1:9/{name}.xml", "interval": interval, **kw}


def test_poll_tick_is_a_quarter_of_the_shortest_interval_within_bounds() -> None:
    assert plan.poll_tick(_settings(feeds=[_feed("a", "2s"), _feed("b", "1h")])) == timedelta(
        seconds=0.5
    )
    assert plan.poll_tick(_settings(feeds=[_feed("a", "2h")])) == plan.MAX_TICK
    assert plan.poll_tick(_settings(feeds=[])) == plan.MAX_TICK
    # min_interval wins over a shorter feed interval
    s = _settings(feeds=[_feed("a", "1s")], crawl={"min_interval": "5m"})
    assert plan.poll_tick(s) == plan.MAX_TICK
    # disabled feeds do not count
    assert plan.poll_tick(
        _settings(feeds=[_feed("a", "2s", enabled=False), _feed("b", "4m")])
    ) == timedelta(minutes=1)
    assert plan.poll_tick(
        _settings(feeds=[_feed("a", "2s")], service={"poll_tick": "3s"})
    ) == timedelta(seconds=3)


def test_digest_trigger_daily_or_every() -> None:
    daily = plan.digest_trigger(_settings(digest={"time": "06:45", "timezone": "Asia/Baku"}))
    assert isinstance(daily, DailyTrigger) and (daily.hour, daily.minute) == (6, 45)
    assert str(daily.timezone) == "Asia/Baku"
    every = plan.digest_trigger(_settings(service={"digest_every": "5s"}))
    assert isinstance(every, IntervalTrigger) and every.interval == timedelta(seconds=5)


def test_feed_jitter_is_bounded_by_a_share_of_the_interval() -> None:
    s = _settings(feeds=[_feed("fast", "2s"), _feed("slow", "1h")], service={"jitter": "30s"})
    rng = random.Random(7)
    fast = [plan.feed_jitter(s.feeds[0], s, rng) for _ in range(200)]
    slow = [plan.feed_jitter(s.feeds[1], s, rng) for _ in range(200)]
    assert max(fast) <= timedelta(seconds=0.2) and min(fast) >= timedelta(0)
    assert max(slow) <= timedelta(seconds=30) and max(slow) > timedelta(seconds=20)
    assert len(set(slow)) > 150  # spread, not one fixed offset
    assert plan.feed_jitter(
        s.feeds[1], _settings(feeds=[_feed("slow", "1h")], service={"jitter": 0})
    ) == timedelta(0)


def test_diff_feeds() -> None:
    old = _settings(feeds=[_feed("a", "2s"), _feed("b", "1m"), _feed("c", "1m"), _feed("d", "1m")])
    new = _settings(
        feeds=[
            _feed("a", "2s"),
            _feed("b", "5m"),
            _feed("c", "1m", title="C"),
            _feed("e", "1m"),
            _feed("d", "1m", enabled=False),
        ]
    )
    d = plan.diff_feeds(old, new)
    assert (d.added, d.removed, d.retimed, d.changed) == (["e"], ["d"], ["b"], ["c"])
    assert not plan.diff_feeds(old, old)


def test_one_interval_rule_for_the_crawler_and_the_scheduler() -> None:
    """A feed configured at 24 h with crawl.max_interval 12 h: polled every 24 h by both paths,
    before and after a reload (max_interval bounds only the adaptive stretching)."""
    from newswatch.crawler.polling import poll_interval
    from newswatch.storage.models import Source

    settings = Settings.model_validate(
        {
            "feeds": [{"name": "daily", "url": "http://127.0.0.1:9/d.xml", "interval": "24h"}],
            "crawl": {"max_interval": "12h"},
        }
    )
    feed = settings.feeds[0]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    fresh = Source(
        name="daily",
        url=feed.url,
        active=True,
        consecutive_failures=0,
        created_at=now,
        last_new_item_at=now,
    )
    assert plan.effective_interval(feed, settings) == timedelta(hours=24)
    assert poll_interval(fresh, feed, settings.crawl, now) == timedelta(hours=24)
