"""Source parsers on hand-built documents: feed versions, encodings, links, listings, sitemaps."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.config import Selectors
from newswatch.crawler.parsing import (
    parse_feed,
    parse_json_feed,
    parse_listing,
    parse_sitemap,
    parse_source,
)

FEEDS = Path(__file__).parent / "data" / "feeds"
SITE = Path(__file__).parent / "data" / "site" / "basic"
BASE = "http://site.test/feeds/main.xml"


@pytest.mark.parametrize(
    "name,title,url",
    [
        (
            "rss091.xml",
            "Yerevan talks on border delimitation",
            "http://wire.test/2025/border-talks.html",
        ),
        ("rss10-rdf.xml", "Mine clearance resumes in Fuzuli district", "http://wire.test/rdf/1"),
        ("atom03.xml", "Heritage experts ask for a UNESCO mission", "http://wire.test/atom03/1"),
        (
            "latin1.xml",
            "Arménie et Azerbaïdjan : délimitation de la frontière",
            "http://wire.test/fr/1",
        ),
        (
            "cp1251-undeclared.xml",
            "В Ереване обсудили мирный договор и делимитацию границы",
            "http://wire.test/ru/1",
        ),
    ],
)
def test_feed_versions_and_encodings(name, title, url):
    parsed = parse_feed((FEEDS / name).read_bytes(), BASE, content_type="application/xml")
    assert parsed.error is None
    assert [(e.title, e.url) for e in parsed.entries] == [(title, url)]


def test_rss2_links_guids_and_dates():
    body = (SITE / "rss.xml").read_bytes().replace(b"http://demo.invalid/", b"http://site.test/")
    entries = parse_feed(body, "http://site.test/rss.xml").entries
    assert [e.url for e in entries] == [
        "http://site.test/news/belgium-resolution.html",
        "http://site.test/news/baku-trial.html",  # relative link resolved against the feed URL
        "http://site.test/news/peace-text.html",  # no <link>: the GUID is a URL
    ]
    assert entries[0].guid == "herald-1001"
    assert entries[0].published == datetime(2025, 7, 17, 10, 0, tzinfo=UTC)
    assert entries[2].published is None  # missing dates stay missing


def test_atom10_entries():
    body = (SITE / "atom.xml").read_bytes()
    entries = parse_feed(body, "http://demo.invalid/atom.xml").entries
    assert [e.guid for e in entries] == ["urn:test-herald:2001", "urn:test-herald:2002"]
    assert entries[0].summary == "Housing support has not kept up with rents."


def test_bozo_feed_keeps_recoverable_entries():
    parsed = parse_feed((FEEDS / "bozo.xml").read_bytes(), BASE)
    assert parsed.error is None and parsed.warning
    assert [e.url for e in parsed.entries] == ["http://wire.test/bozo/1", "http://wire.test/bozo/2"]


@pytest.mark.parametrize(
    "body,words",
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>hello</body></html>", "HTML page"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", "no RSS or Atom"),
    ],
)
def test_not_a_feed(body, words):
    parsed = parse_feed(body, BASE)
    assert parsed.error and words in parsed.error and parsed.entries == []


def test_json_feed_10_and_11():
    v10 = parse_json_feed((FEEDS / "jsonfeed10.json").read_bytes(), "http://wire.test/feed.json")
    assert [e.url for e in v10.entries] == ["http://wire.test/json/1", "http://wire.test/json/2"]
    assert v10.entries[0].published == datetime(2025, 1, 10, 5, 0, tzinfo=UTC)
    v11 = parse_json_feed((SITE / "feed.json").read_bytes(), "http://demo.invalid/feed.json")
    assert v11.warning is None
    assert [e.guid for e in v11.entries] == ["herald-3001"]  # the linkless item is dropped


@pytest.mark.parametrize("body", [b"{not json", b'{"version": "x"}', b"\xff\xfe{}"])
def test_json_feed_errors(body):
    assert parse_json_feed(body, BASE).error


def test_dispatch_sniffs_json_served_as_rss():
    body = (FEEDS / "jsonfeed10.json").read_bytes()
    assert len(parse_source("rss", body, "http://wire.test/feed").entries) == 2


def test_listing_css_and_xpath_selectors():
    body = (SITE / "listing.html").read_bytes()
    css = parse_listing(
        body,
        "http://site.test/listing.html",
        Selectors(links="li.story a", date="./following-sibling::span"),
    )
    assert [e.url for e in css.entries][:2] == [
        "http://site.test/news/heritage-monitoring.html",
        "http://site.test/news/lisbon-weather.html",
    ]
    assert css.entries[0].title == "Scholars call for monitoring of Armenian churches in Karabakh"
    assert css.entries[0].published == datetime(2025, 4, 11, tzinfo=UTC)
    xp = parse_listing(
        body, "http://site.test/listing.html", Selectors(links="//li[@class='story']/a/@href")
    )
    assert [e.url for e in xp.entries] == [e.url for e in css.entries]


def test_listing_without_matches_is_an_error():
    parsed = parse_listing(
        b"<html><body><p>nothing</p></body></html>", BASE, Selectors(links="a.story")
    )
    assert parsed.error and "no article links" in parsed.error
    assert parse_listing(b"<html></html>", BASE, Selectors(links="a[")).error


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://site.test/a</loc><news:news><news:publication><news:name>S</news:name></news:publication>
<news:publication_date>2026-11-22T10:00:00Z</news:publication_date><news:title>Fresh</news:title></news:news></url>
<url><loc>http://site.test/b</loc><lastmod>2026-10-01</lastmod></url>
<url><loc>http://site.test/c</loc></url>
</urlset>"""


def test_news_sitemap_lookback_and_news_fields():
    since = datetime(2026, 11, 20, tzinfo=UTC)
    parsed = parse_sitemap(NEWS_SITEMAP, "http://site.test/sitemap.xml", since=since)
    assert [(e.url, e.title) for e in parsed.entries] == [
        ("http://site.test/a", "Fresh"),
        ("http://site.test/c", None),
    ]
    assert parsed.entries[0].published == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert "1 entries older" in parsed.warning
    assert len(parse_sitemap(NEWS_SITEMAP, "http://site.test/s.xml").entries) == 3


def test_sitemap_index_children_and_errors():
    body = (SITE / "sitemap-index.xml").read_bytes()
    parsed = parse_sitemap(
        body, "http://demo.invalid/sitemap-index.xml", since=datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert parsed.children == ["http://demo.invalid/news-sitemap.xml"] and parsed.entries == []
    assert parse_sitemap(b"", BASE).error
    assert "root element" in parse_sitemap(b"<rss><channel/></rss>", BASE).error


def test_gzipped_sitemap_file_is_unpacked():
    parsed = parse_source("sitemap", gzip.compress(NEWS_SITEMAP), "http://site.test/sitemap.xml.gz")
    assert len(parsed.entries) == 3
    assert parse_source(
        "sitemap", gzip.compress(NEWS_SITEMAP)[:40], "http://site.test/s.xml.gz"
    ).error


@pytest.mark.parametrize(
    "content_type", [None, "application/xml", "text/xml", "application/rss+xml"]
)
def test_undeclared_windows_1251_whatever_the_content_type(content_type):
    parsed = parse_feed(
        (FEEDS / "cp1251-undeclared.xml").read_bytes(), BASE, content_type=content_type
    )
    assert parsed.title == "Новости Кавказа"
