"""The publisher's own calendar day for a timestamp its page states in UTC: a bare day stored as
European midnight, or a time read in the zone of the country the site's domain names."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

__all__ = ["STATED_UTC", "in_country_zone", "local_midnight"]

# the offset a page wrote as Z, GMT, UTC or +00:00 (a naive time is only taken as UTC)
STATED_UTC = timezone(timedelta(0), "UTC")

# midnight in UTC+1 or UTC+2 (Europe's zones, summer and winter), written in UTC; an earlier
# hour on the dot is as likely a post scheduled in the Americas' afternoon
_EARLIEST_MIDNIGHT = 22

# the standard offset of countries whose whole territory keeps one zone (or nearly: the
# capital's), by country-code domain; daylight saving moves it an hour, which only matters
# within an hour of midnight
_ZONES: dict[str, float] = {
    **dict.fromkeys(("de", "at", "ch", "fr", "it", "es", "nl", "be", "lu", "pl", "cz"), 1),
    **dict.fromkeys(("sk", "hu", "si", "hr", "dk", "se", "no"), 1),
    **dict.fromkeys(("fi", "ee", "lv", "lt", "gr", "ro", "bg", "ua"), 2),
    **dict.fromkeys(("tr", "by"), 3),
    **dict.fromkeys(("jp", "kr"), 9),
    "cn": 8,
    "in": 5.5,
    **dict.fromkeys(("ar", "uy"), -3),
    **dict.fromkeys(("bo", "ve", "py", "cl"), -4),
    **dict.fromkeys(("pe", "co", "ec"), -5),
}


def local_midnight(value: datetime) -> datetime:
    """A UTC time on the hour late in the evening (2022-11-06T23:00:00Z) is a bare day stored
    as midnight in a zone east of Greenwich: the same instant, at that zone's offset."""
    on_the_hour = (value.minute, value.second, value.microsecond) == (0, 0, 0)
    if value.utcoffset() != timedelta(0) or not on_the_hour or value.hour < _EARLIEST_MIDNIGHT:
        return value
    return value.astimezone(timezone(timedelta(hours=24 - value.hour)))


def in_country_zone(value: datetime | None, url: str | None) -> datetime | None:
    """A time the page states in UTC, read in the zone of its country's domain (the day its
    readers were given); other times as they are."""
    if value is None or value.tzinfo is not STATED_UTC:
        return value
    host = urlsplit(url or "").hostname or ""
    hours = _ZONES.get(host.rsplit(".", 1)[-1])
    if hours is None:
        return value
    return value.astimezone(timezone(timedelta(hours=hours)))
