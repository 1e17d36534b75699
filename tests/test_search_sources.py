"""Search sources (Google News RSS search, GDELT DOC 2.0) against local servers in their formats."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from newswatch.config import FeedConfig, Settings
from newswatch.storage.models import Article
from tests.plugins.crawl_fixtures import FAST_CRAWL, Reply


@pytest.fixture
def sdb(db):
    """The crawl's database, on each backend."""
    return db


def _articles(db) -> list[Article]:
    with db.session() as s:
        return list(s.scalars(sa.select(Article).order_by(Article.id)))


def _query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


# --- configuration --------------------------------------------------------------------------------


def test_search_urls_are_built_from_the_query_and_read_back_the_same():
    gn = FeedConfig(
        name="gn",
        kind="google-news",
        url="https://news.google.com/rss/search",
        query='"Armenia" Azerbaijan',
        params={"hl": "fr", "gl": "FR", "ceid": "FR:fr"},
    )
    q = parse_qs(urlsplit(gn.url).query)
    assert q == {"q": ['"Armenia" Azerbaijan'], "hl": ["fr"], "gl": ["FR"], "ceid": ["FR:fr"]}
    assert FeedConfig.model_validate(gn.model_dump()).url == gn.url  # idempotent
    gd = FeedConfig(
        name="gd", kind="gdelt", url="http://127.0.0.1:1/api/v2/doc/doc", query="Karabakh"
    )
    assert gd.url.startswith("http://127.0.0.1:1/api/v2/doc/doc?")
    q = parse_qs(urlsplit(gd.url).query)
    assert q["mode"] == ["ArtList"] and q["format"] == ["json"] and q["query"] == ["Karabakh"]
    numbers = FeedConfig(
        name="gd3", kind="gdelt", query="Karabakh", params={"maxrecords": 100, "timespan": "1d"}
    )
    assert (
        parse_qs(urlsplit(numbers.url).query)["maxrecords"] == ["100"]
        and numbers.params["maxrecords"] == "100"
    )
    default = FeedConfig(
        name="gd2", kind="gdelt", url="https://api.gdeltproject.org/api/v2/doc/doc", query="x y"
    )
    assert default.url.startswith("https://api.gdeltproject.org/api/v2/doc/doc?")


@pytest.mark.parametrize(
    ("feed", "error"),
    [
        ({"kind": "gdelt"}, "needs a query"),
        (
            {"kind": "google-news", "url": "https://news.google.com/rss/search?hl=fr"},
            "needs a query",
        ),
        (
            {"kind": "rss", "url": "https://x.test/rss", "query": "Armenia"},
            "query and params are for",
        ),
    ],
)
def test_search_configuration_errors(feed, error):
    with pytest.raises(ValueError, match=error):
        FeedConfig.model_validate({"name": "s", **feed})
    # a full search URL written by hand is fine
    assert FeedConfig(
        name="s", kind="google-news", url="https://news.google.com/rss/search?q=Karabakh"
    ).url


# --- Google News ---------------------------------------------------------------------------------


def google_rss(items: list[tuple[str, str, str, str, datetime]]) -> bytes:
    """The RSS of a Google News search; items are (title, link, publisher, publisher site, date)."""
    body = "".join(
        f"<item><title>{escape(t)} - {escape(p)}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{escape(link.rsplit("/", 1)[-1])}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(f'<a href={link!r}>{t}</a>&nbsp;&nbsp;<font color=#6f6f6f>{p}</font>')}</description>"
        f'<source url="{escape(site)}">{escape(p)}</source></item>'
        for t, link, p, site, when in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator>'
        '<title>"Armenia" - Google News</title><link>https://news.google.com/search?q=Armenia</link>'
        "<language>en-US</language><description>Google News</description>"
        f"{body}</channel></rss>"
    ).encode()


def _google_routes(server, *, old: bool = False) -> None:
    now = datetime.now(UTC)
    items = [
        (
            "Peace treaty talks resume",
            server.url("/rss/articles/CBMiAAA?oc=5"),
            "Yerevan Wire",
            "https://wire.test",
            now - timedelta(hours=2),
        ),
        (
            "Border commissions meet",
            server.url("/rss/articles/CBMiBBB?oc=5"),
            "Baku Daily",
            "https://daily.test",
            now - timedelta(hours=1),
        ),
        (
            "A page Google does not forward",
            server.url("/rss/articles/CBMiCCC?oc=5"),
            "Somewhere",
            "https://somewhere.test",
            now - timedelta(hours=1),
        ),
    ]
    if old:
        items.append(
            (
                "Old news",
                server.url("/rss/articles/CBMiOLD?oc=5"),
                "Archive",
                "https://archive.test",
                now - timedelta(days=30),
            )
        )
    etag = '"gn-1"'

    def search(s, h):
        if h.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(
            200, google_rss(items), {"Content-Type": "application/xml; charset=UTF-8", "ETag": etag}
        )

    server.routes["/rss/search"] = search
    server.routes["/rss/articles/CBMiAAA"] = lambda s, h: Reply(
        302, b"", {"Location": s.url("/article/wire-talks")}
    )
    # Google also answers with a page that refreshes to the publisher
    server.routes["/rss/articles/CBMiBBB"] = lambda s, h: Reply(
        200,
        f'<html><head><meta http-equiv="refresh" content="0;url={s.url("/article/daily-border")}">'
        f"</head><body></body></html>".encode(),
        {"Content-Type": "text/html"},
    )
    server.routes["/rss/articles/CBMiCCC"] = lambda s, h: Reply(
        200,
        b"<html><body><p>Opening the article</p><script>go()</script></body></html>",
        {"Content-Type": "text/html"},
    )


def _gn_settings(server, **kw) -> Settings:
    feed = {
        "name": "gn-en",
        "kind": "google-news",
        "url": server.url("/rss/search"),
        "query": '"Armenia"',
        "language": "en",
        **kw,
    }
    return Settings.model_validate({"feeds": [feed], "crawl": FAST_CRAWL})


def test_google_news_resolves_links_keeps_publishers_and_polls_conditionally(
    fault_server, sdb, run_crawl
):
    _google_routes(fault_server, old=True)
    report = run_crawl(_gn_settings(fault_server, lookback="7d"), sdb)
    feed = report.feed("gn-en")
    assert feed.found == 3 and feed.new == 2 and feed.failed == 1, feed
    assert "did not redirect to the publisher" in (feed.warning or "")
    (search,) = fault_server.paths("/rss/search")
    assert _query(search) == {"q": '"Armenia"', "hl": "en-US", "gl": "US", "ceid": "US:en"}
    assert "/rss/articles/CBMiOLD" not in fault_server.counts  # older than the look-back
    arts = {a.url: a for a in _articles(sdb)}
    wire = arts[fault_server.url("/article/wire-talks")]
    daily = arts[fault_server.url("/article/daily-border")]
    assert wire.meta["search"] == {
        "engine": "google-news",
        "outlet": "Yerevan Wire",
        "outlet_url": "https://wire.test",
    }
    assert daily.meta["search"]["outlet"] == "Baku Daily"
    assert wire.meta["entry_url"] == fault_server.url("/rss/articles/CBMiAAA?oc=5")

    again = run_crawl(_gn_settings(fault_server, lookback="7d"), sdb)
    assert again.feed("gn-en").status == "not_modified"
    last = [h for h in fault_server.hits if h.path.startswith("/rss/search")][-1]
    assert last.headers.get("if-none-match") == '"gn-1"'


def test_google_news_error_page_is_a_feed_error(fault_server, sdb, run_crawl):
    fault_server.routes["/rss/search"] = lambda s, h: Reply(
        200,
        b"<!DOCTYPE html><html><body>unusual traffic</body></html>",
        {"Content-Type": "text/html"},
    )
    report = run_crawl(_gn_settings(fault_server), sdb)
    feed = report.feed("gn-en")
    assert feed.status == "error" and "not a feed" in feed.error


# --- GDELT ----------------------------------------------------------------------------------------


def gdelt_json(server, arts: list[tuple[str, str, str, str, str, datetime]]) -> bytes:
    """An ArtList answer; ``arts`` are (slug, title, domain, country, language, seen)."""
    return json.dumps(
        {
            "articles": [
                {
                    "url": server.url(f"/article/{slug}"),
                    "url_mobile": "",
                    "title": title,
                    "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
                    "socialimage": "",
                    "domain": domain,
                    "language": language,
                    "sourcecountry": country,
                }
                for slug, title, domain, country, language, seen in arts
            ]
        }
    ).encode()


def _gd_settings(server, **kw) -> Settings:
    feed = {
        "name": "gdelt-hy",
        "kind": "gdelt",
        "url": server.url("/api/v2/doc/doc"),
        "query": "(Armenia OR Karabakh) sourcelang:armenian",
        **kw,
    }
    return Settings.model_validate({"feeds": [feed], "crawl": FAST_CRAWL})


def test_gdelt_articles_keep_country_and_language(fault_server, sdb, run_crawl):
    now = datetime.now(UTC)
    arts = [
        ("gd-1", "Talks in Yerevan", "wire.test", "Armenia", "Armenian", now - timedelta(hours=3)),
        (
            "gd-2",
            "Statement in Baku",
            "daily.test",
            "Azerbaijan",
            "Azerbaijani",
            now - timedelta(hours=2),
        ),
        ("gd-old", "Long ago", "archive.test", "France", "French", now - timedelta(days=40)),
    ]
    fault_server.routes["/api/v2/doc/doc"] = lambda s, h: Reply(
        200, gdelt_json(s, arts), {"Content-Type": "application/json; charset=utf-8"}
    )
    report = run_crawl(_gd_settings(fault_server), sdb)
    feed = report.feed("gdelt-hy")
    assert feed.ok and feed.found == 2 and feed.new == 2, feed
    (hit,) = fault_server.paths("/api/v2/doc/doc")
    q = _query(hit)
    assert (
        q["mode"] == "ArtList"
        and q["format"] == "json"
        and q["query"].startswith("(Armenia OR Karabakh)")
    )
    stored = {a.url.rsplit("/", 1)[-1]: a for a in _articles(sdb)}
    assert set(stored) == {"gd-1", "gd-2"}
    assert stored["gd-1"].meta["search"] == {
        "engine": "gdelt",
        "outlet": "wire.test",
        "language": "hy",
        "language_name": "Armenian",
        "country": "AM",
        "country_name": "Armenia",
    }
    assert (
        stored["gd-2"].meta["search"]["country"] == "AZ"
        and stored["gd-2"].meta["search"]["language"] == "az"
    )


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (
            b"Your search contained a keyword that was too short.\n",
            "error",
            "GDELT refused the query",
        ),
        (b"{}", "ok", None),
        (b"", "error", "empty response"),
    ],
)
def test_gdelt_refusals_and_empty_answers(fault_server, sdb, run_crawl, body, status, error):
    fault_server.routes["/api/v2/doc/doc"] = lambda s, h: Reply(
        200, body, {"Content-Type": "text/plain"}
    )
    feed = run_crawl(_gd_settings(fault_server), sdb).feed("gdelt-hy")
    assert feed.status == status and feed.found == 0
    if error:
        assert error in feed.error


# --- the digest names the publisher ----------------------------------------------------------------


def test_digest_outlets_of_a_search_source_are_its_publishers():
    from newswatch.digests.entries import outlet_lines
    from newswatch.storage.models import Source

    src = Source(
        id=1, name="gn-en", url="https://news.google.com/rss/search", kind="google-news", tags={}
    )
    tg = Source(
        id=2,
        name="mfa-tg",
        url="https://t.me/s/mfa_test",
        kind="telegram",
        title="MFA (Telegram)",
        tags={"perspective": "armenian", "country": "AM"},
    )
    now = datetime.now(UTC)
    a = Article(
        id=1,
        source_id=1,
        url="https://wire.test/a",
        title="a",
        first_seen_at=now,
        meta={"search": {"engine": "google-news", "outlet": "Yerevan Wire"}},
    )
    b = Article(
        id=2,
        source_id=1,
        url="https://daily.test/b",
        title="b",
        first_seen_at=now,
        meta={"search": {"engine": "gdelt", "outlet": "daily.test", "country": "AZ"}},
    )
    c = Article(
        id=3,
        source_id=2,
        url="https://t.me/mfa_test/5",
        title="c",
        first_seen_at=now,
        meta={"telegram": {"channel": "mfa_test", "post": 5}},
    )
    lines = {o.title: o for o in outlet_lines([a, b, c], {1: src, 2: tg}, a)}
    assert set(lines) == {"Yerevan Wire", "daily.test", "MFA (Telegram)"}
    assert lines["daily.test"].tags == ["AZ"]
    assert (
        lines["MFA (Telegram)"].tags == ["Armenian", "AM"] and lines["MFA (Telegram)"].perspective
    )
