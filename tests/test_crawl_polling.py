"""Adaptive polling: back-off after failures, slower polls for quiet feeds, within bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswatch.config import CrawlConfig, FeedConfig
from newswatch.crawler.polling import next_poll_at, outcome_of, poll_interval
from newswatch.crawler.report import FeedState
from newswatch.storage.models import Source

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FEED = FeedConfig(name="f", url="http://x.test/feed", interval="30m")
CRAWL = CrawlConfig(min_interval="5m", max_interval="12h", failure_backoff_cap="24h")


def _src(**kw) -> Source:
    base = {
        "name": "f",
        "url": "http://x.test/feed",
        "active": True,
        "consecutive_failures": 0,
        "last_new_item_at": NOW - timedelta(minutes=10),
        "created_at": NOW - timedelta(days=30),
    }
    return Source(**{**base, **kw})


@pytest.mark.parametrize(
    "failures,expected",
    [
        (0, timedelta(minutes=30)),
        (1, timedelta(minutes=30)),
        (2, timedelta(hours=1)),
        (3, timedelta(hours=2)),
        (6, timedelta(hours=16)),
        (7, timedelta(hours=24)),
        (60, timedelta(hours=24)),
    ],
)
def test_failure_backoff_is_exponential_and_capped(failures, expected):
    assert poll_interval(_src(consecutive_failures=failures), FEED, CRAWL, NOW) == expected


@pytest.mark.parametrize(
    "silent,expected",
    [
        (timedelta(hours=1), timedelta(minutes=30)),
        (timedelta(hours=8), timedelta(hours=2)),
        (timedelta(days=10), timedelta(hours=12)),
    ],
)
def test_quiet_feeds_are_polled_less_often_up_to_max(silent, expected):
    assert poll_interval(_src(last_new_item_at=NOW - silent), FEED, CRAWL, NOW) == expected


def test_never_published_counts_from_creation_and_min_interval_holds():
    src = _src(last_new_item_at=None, created_at=NOW - timedelta(hours=4))
    assert poll_interval(src, FEED, CRAWL, NOW) == timedelta(hours=1)
    fast = FeedConfig(name="f", url="http://x.test/feed", interval="1m")
    assert poll_interval(_src(), fast, CRAWL, NOW) == timedelta(minutes=5)


def test_configured_interval_above_max_is_kept():
    slow = FeedConfig(name="f", url="http://x.test/feed", interval="1d")
    assert poll_interval(
        _src(last_new_item_at=NOW - timedelta(days=30)), slow, CRAWL, NOW
    ) == timedelta(days=1)


def test_inactive_source_has_no_next_poll():
    assert next_poll_at(_src(active=False), FEED, CRAWL, NOW) is None
    assert next_poll_at(_src(), FEED, CRAWL, NOW) == NOW + timedelta(minutes=30)


def test_outcome_keeps_validators_only_on_success():
    st = FeedState(cfg=FEED, source_id=1, url=FEED.url)
    st.resp_etag, st.report.found, st.report.new = '"e"', 4, 2
    ok = outcome_of(st)
    assert (ok.outcome, ok.etag, ok.items_found, ok.items_new) == ("ok", '"e"', 4, 2)
    st.fail("HTTP 500 Internal Server Error", http_status=500)
    bad = outcome_of(st)
    assert (bad.outcome, bad.etag, bad.status) == ("error", None, 500)
