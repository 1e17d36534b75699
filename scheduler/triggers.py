"""A daily trigger that fires exactly once per local day, across DST changes.

APScheduler 3's ``CronTrigger`` fires twice on the day a wall-clock hour repeats (autumn) and
can return the same instant again; a digest must be built once per day, so this trigger walks
local dates instead of wall-clock fields.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 has no types: Any
    """Fire at ``hour:minute`` local time once per day in ``timezone``.

    A repeated wall-clock time (clocks going back) fires at its first occurrence; a time that
    does not exist (clocks going forward) fires as the same offset later, e.g. 02:30 → 03:30.
    """

    def __init__(self, hour: int, minute: int, timezone: tzinfo) -> None:
        self.hour = hour
        self.minute = minute
        self.timezone = timezone

    def fire_time_on(self, day: date) -> datetime:
        """The instant of the fire time on one local date (in ``timezone``)."""
        # fold=0 picks the first of a repeated time and maps a skipped time forward
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.timezone)
        return local.astimezone(UTC).astimezone(self.timezone)

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        day = now.astimezone(self.timezone).date()
        if previous_fire_time is not None:
            day = max(day, previous_fire_time.astimezone(self.timezone).date() + timedelta(days=1))
        while True:
            fire = self.fire_time_on(day)
            if fire >= now:
                return fire
            day += timedelta(days=1)

    def __str__(self) -> str:
        return f"daily at {self.hour:02d}:{self.minute:02d} ({self.timezone})"

    def __repr__(self) -> str:
        return f"<DailyTrigger {self.hour:02d}:{self.minute:02d} timezone={self.timezone!s}>"
