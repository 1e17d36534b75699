"""Faults and bad input against a real local server: each ends in a recorded error or a
partial result, and none stops the other feeds of the same crawl."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from newswatch.storage.models import Article, ArticleBand, Poll, Source


def _feed(server, name: str, path: str, **kw) -> dict:
    return {"name": name, "url": server.url(path), **kw}


def _source(db, name: str) -> Source:
    with db.session() as s:
        return s.scalar(sa.select(Source).where(Source.name == name))


def _polls(db, name: str) -> list[Poll]:
    with db.session() as s:
        src = s.scalar(sa.select(Source).where(Source.name == name))
        return list(s.scalars(sa.select(Poll).where(Poll.source_id == src.id).order_by(Poll.id)))


@pytest.fixture
def sdb(sqlite_url):
    from newswatch.storage.db import Database

    database = Database.open(sqlite_url)
    yield database
    database.close()


# (route, expected status, words expected in the recorded error)
FAILING = [
    ("/gone.xml", "gone", "410"),
    ("/missing.xml", "error", "404"),
    ("/error500.xml", "error", "500"),
    ("/ratelimited-long.xml", "error", "Retry-After 3600"),
    ("/stall.xml", "error", "timed out"),
    ("/loop-a.xml", "error", "redirect"),
    ("/html-instead.xml", "error", "HTML page"),
    ("/empty.xml", "error", "empty"),
    ("/truncated-body.xml", "error", "truncated"),
    ("/private/feed.xml", "error", "robots.txt"),
]


def test_every_fault_is_recorded_and_others_still_collected(
    fault_server, sdb, make_settings, run_crawl
):
    feeds = [_feed(fault_server, f"bad{i}", path) for i, (path, _, _) in enumerate(FAILING)]
    feeds.append(_feed(fault_server, "good", "/ok.xml"))
    report = run_crawl(make_settings(feeds), sdb)

    assert report.feed("good").status == "ok" and report.feed("good").new == 2
    for i, (path, status, words) in enumerate(FAILING):
        r = report.feed(f"bad{i}")
        assert r.status == status, (path, r)
        assert words.lower() in (r.error or "").lower(), (path, r.error)
        polls = _polls(sdb, f"bad{i}")
        assert len(polls) == 1 and polls[0].error == r.error
        src = _source(sdb, f"bad{i}")
        assert src.consecutive_failures == 1 and src.last_error == r.error
    assert report.totals["feeds_failed"] == len(FAILING)
    # 5xx are retried once (retries: 1); timeouts, 404, 410 and robots.txt refusals are not
    # (a timeout's retry is the next poll)
    assert fault_server.counts["/stall.xml"] == 1 and fault_server.counts["/error500.xml"] == 2
    assert fault_server.counts["/missing.xml"] == 1 and fault_server.counts["/gone.xml"] == 1
    assert "/private/feed.xml" not in fault_server.counts


def test_gone_deactivates_and_is_not_polled_again(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings([_feed(fault_server, "gone", "/gone.xml")])
    run_crawl(settings, sdb)
    src = _source(sdb, "gone")
    assert src.active is False and "410" in src.deactivated_reason and src.next_poll_at is None
    hits = len(fault_server.paths("/gone.xml"))
    report = run_crawl(settings, sdb)
    assert report.feed("gone").status == "inactive"
    assert len(fault_server.paths("/gone.xml")) == hits


@pytest.mark.parametrize(
    "path,permanent", [("/moved301.xml", True), ("/moved308.xml", True), ("/moved302.xml", False)]
)
def test_permanent_redirect_persists_new_url(
    fault_server, sdb, make_settings, run_crawl, path, permanent
):
    settings = make_settings([_feed(fault_server, "mover", path)])
    report = run_crawl(settings, sdb)
    r = report.feed("mover")
    assert r.new == 1
    src = _source(sdb, "mover")
    if permanent:
        assert r.status == "moved" and src.url == fault_server.url("/new-home.xml")
        assert _polls(sdb, "mover")[0].outcome == "moved"
        run_crawl(settings, sdb)  # the next poll goes straight to the new address
        assert fault_server.paths(path) == [path]
    else:
        assert r.status == "ok" and src.url == fault_server.url(path)


def test_conditional_get_sends_validators_and_304_ends_poll(
    fault_server, sdb, make_settings, run_crawl
):
    settings = make_settings([_feed(fault_server, "cond", "/conditional.xml")])
    assert run_crawl(settings, sdb).feed("cond").new == 1
    src = _source(sdb, "cond")
    assert src.etag == '"v1"' and src.last_modified.startswith("Mon, 17 Nov 2025")
    before = len(fault_server.hits)
    second = run_crawl(settings, sdb).feed("cond")
    assert second.status == "not_modified" and second.fetched == 0
    feed_hits = [h for h in fault_server.hits[before:] if h.path == "/conditional.xml"]
    assert feed_hits[0].headers["if-none-match"] == '"v1"'
    assert feed_hits[0].headers["user-agent"].startswith("newswatch/")
    assert feed_hits[0].headers["if-modified-since"].startswith("Mon, 17 Nov 2025")
    assert not [h for h in fault_server.hits[before:] if h.path.startswith("/article/")]


def test_retry_after_is_honoured(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings([_feed(fault_server, "limited", "/ratelimited.xml")])
    t0 = time.monotonic()
    report = run_crawl(settings, sdb)
    assert report.feed("limited").status == "ok" and report.feed("limited").new == 1
    assert fault_server.counts["/ratelimited.xml"] == 2
    assert time.monotonic() - t0 >= 0.9  # waited Retry-After: 1 before the retry


def test_server_errors_are_retried_with_backoff(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings([_feed(fault_server, "err", "/error500.xml")], retries=2)
    run_crawl(settings, sdb)
    assert fault_server.counts["/error500.xml"] == 3


def test_oversize_article_fails_alone(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings([_feed(fault_server, "big", "/oversize-page.xml")])
    r = run_crawl(settings, sdb).feed("big")
    assert r.status == "ok" and r.new == 1 and r.failed == 1


def test_feed_limit_is_separate_from_page_limit(fault_server, sdb, make_settings, run_crawl):
    # the 10,000-entry feed is ~1 MB: over max_page_bytes, under max_feed_bytes
    settings = make_settings([_feed(fault_server, "huge", "/huge.xml")], max_entries_per_feed=5)
    r = run_crawl(settings, sdb).feed("huge")
    assert r.status == "ok" and r.found == 10_000 and r.bytes > 64_000
    assert r.fetched == 5 and r.new == 5 and "max_entries_per_feed" in r.warning
    assert len(fault_server.paths("/article/huge-")) == 5


def test_feed_over_its_limit_is_an_error(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings([_feed(fault_server, "huge", "/huge.xml")], max_feed_bytes=100_000)
    r = run_crawl(settings, sdb).feed("huge")
    assert r.status == "error" and "too large" in r.error


@pytest.mark.parametrize(
    "path,found",
    [("/malformed.xml", 2), ("/invalid-utf8.xml", 2)],
)
def test_damaged_feeds_give_partial_results(
    fault_server, sdb, make_settings, run_crawl, path, found
):
    settings = make_settings([_feed(fault_server, "damaged", path)])
    r = run_crawl(settings, sdb).feed("damaged")
    assert r.status == "ok" and r.found == found and r.warning
    assert r.new == found


def test_article_failures_counted_not_fatal(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings([_feed(fault_server, "mixed", "/article-errors.xml")], retries=0)
    r = run_crawl(settings, sdb).feed("mixed")
    assert r.status == "ok" and (r.new, r.failed, r.fetched) == (1, 2, 1)


def test_robots_blocks_articles_unless_feed_overrides(fault_server, sdb, make_settings, run_crawl):
    feed = _feed(fault_server, "blocked", "/robots-blocked.xml")
    r = run_crawl(make_settings([feed]), sdb).feed("blocked")
    assert (r.new, r.failed) == (1, 1)
    assert "/private/secret-1" not in fault_server.paths()
    with sdb.session() as s:
        s.execute(sa.delete(ArticleBand))  # ingest stores near-duplicate bands per article
        s.execute(sa.delete(Article))
    r = run_crawl(make_settings([{**feed, "robots": False}]), sdb).feed("blocked")
    assert "/private/secret-1" in fault_server.paths()


@pytest.mark.parametrize(
    "path,title",
    [
        ("/cp1251.xml", "В Ереване обсудили мирный договор и делимитацию границы"),
        ("/latin1.xml", "Arménie et Azerbaïdjan : délimitation de la frontière"),
    ],
)
def test_encodings_declared_and_not(fault_server, sdb, make_settings, run_crawl, path, title):
    settings = make_settings([_feed(fault_server, "enc", path)])
    r = run_crawl(settings, sdb, follow=False, record=False).feed("enc")
    assert [e.title for e in r.entries] == [title]


def test_failures_back_off_the_next_poll(fault_server, sdb, make_settings, run_crawl):
    settings = make_settings(
        [_feed(fault_server, "err", "/error500.xml", interval="10m")], retries=0
    )
    gaps = []
    for _ in range(4):
        run_crawl(settings, sdb)
        src = _source(sdb, "err")
        gaps.append((src.next_poll_at - src.last_polled_at).total_seconds())
    # one failure is a blip; from the second on the wait doubles
    assert gaps == [600, 1200, 2400, 4800]


def test_robots_applies_to_every_request_waiting_for_it(
    fault_server, sdb, make_settings, run_crawl
):
    # Scrapy 2.19's own middleware let all but the first waiters through unchecked
    feeds = [_feed(fault_server, f"p{i}", f"/private/feed.xml?n={i}") for i in range(8)]
    report = run_crawl(make_settings(feeds), sdb)
    assert all(f.status == "error" and "robots.txt" in f.error for f in report.feeds)
    assert not fault_server.paths("/private/")


def test_a_feed_whose_request_cannot_be_made_fails_alone(
    fault_server, sdb, make_settings, run_crawl
):
    # a URL Scrapy refuses (config load refuses it too; this is the crawler's own guard)
    settings = make_settings(
        [
            _feed(fault_server, "a-bad", "/ok.xml"),
            _feed(fault_server, "b-good", "/ok.xml"),
            _feed(fault_server, "c-good", "/conditional.xml"),
        ]
    )
    settings.feeds[0].url = "http://127.0.0.1:99999/feed.xml"
    report = run_crawl(settings, sdb)
    bad = report.feed("a-bad")
    assert bad.status == "error" and "Port out of range" in bad.error
    assert report.feed("b-good").status == "ok" and report.feed("b-good").new == 2
    assert report.feed("c-good").status == "ok" and report.feed("c-good").new == 1
    assert [p.outcome for p in _polls(sdb, "a-bad")] == ["error"]
    assert _source(sdb, "a-bad").last_success_at is None


def test_every_stalled_feed_is_tried_once_per_crawl(fault_server, sdb, make_settings, run_crawl):
    # a timeout is not retried within the crawl (retries: 2 still applies to 5xx): the next poll
    # is the retry, so stalled feeds cost one timeout each, side by side
    feeds = [_feed(fault_server, f"stall{i}", f"/stall.xml?n={i}") for i in range(3)]
    report = run_crawl(make_settings(feeds, retries=2), sdb)
    assert all(f.status == "error" and "timed out" in f.error for f in report.feeds)
    deadline = time.monotonic() + 10
    while len(fault_server.paths("/stall.xml")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a retry would follow its timeout at once (backoff 0.05 s)
    assert sorted(fault_server.paths("/stall.xml")) == [f"/stall.xml?n={i}" for i in range(3)]


def test_truncated_gzip_feed_is_a_failed_poll_but_keeps_what_it_read(
    fault_server, sdb, make_settings, run_crawl
):
    settings = make_settings([_feed(fault_server, "gz", "/truncated-gzip.xml")])
    r = run_crawl(settings, sdb).feed("gz")
    assert r.status == "error" and "truncated" in r.error
    assert 0 < r.found < 40 and r.new == r.found
    src = _source(sdb, "gz")
    assert src.consecutive_failures == 1 and "truncated" in src.last_error and src.etag is None


def test_a_poll_stopped_part_way_is_due_again_at_once(fault_server, sdb, make_settings):
    import threading

    from scrapy.crawler import AsyncCrawlerRunner

    from newswatch.crawler.reactor import run_sync
    from newswatch.crawler.runner import crawl, stop_crawls
    from newswatch.storage.models import utcnow
    from newswatch.storage.service_state import due_feeds
    from tests.plugins.crawl_fixtures import FAST_SCRAPY, Reply, article_html, rss

    # one article at a time, each slow: a stop finds most of them still queued
    fault_server.routes["/slow-articles.xml"] = lambda s, h: Reply(
        200,
        rss([(f"Slow {i}", s.url(f"/slow/{i}")) for i in range(6)]),
        {"Content-Type": "application/rss+xml", "ETag": '"partial"'},
    )
    for i in range(6):
        fault_server.routes[f"/slow/{i}"] = lambda s, h: Reply(
            200,
            article_html(h.path[1:].replace("/", "-")),
            {"Content-Type": "text/html"},
            delay=0.5,
        )
    settings = make_settings(
        [_feed(fault_server, "slow", "/slow-articles.xml", interval="30m")],
        timeout=10,
        concurrent_requests=1,
        concurrent_per_host=1,
    )
    runner = AsyncCrawlerRunner()
    result = {}
    worker = threading.Thread(
        target=lambda: result.setdefault(
            "report", run_sync(crawl(settings, sdb, runner=runner, extra_settings=FAST_SCRAPY))
        )
    )
    worker.start()
    deadline = time.monotonic() + 20
    while not fault_server.paths("/slow/") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fault_server.paths("/slow/")
    run_sync(stop_crawls(runner))  # what `newswatch run` does on SIGTERM
    worker.join(20)
    r = result["report"].feed("slow")
    assert r.status == "interrupted" and r.fetched < 6
    src = _source(sdb, "slow")
    assert _polls(sdb, "slow")[-1].outcome == "interrupted"
    assert src.consecutive_failures == 0 and src.etag is None  # a 304 must not hide the rest
    with sdb.session() as s:
        assert due_feeds(s, ["slow"], utcnow()) == ["slow"]
