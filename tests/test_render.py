"""render: true — a listing whose links exist only after JavaScript runs, through system Chromium."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from newswatch.config import Settings
from newswatch.errors import ConfigError, MissingExtraError
from newswatch.storage.models import Article
from tests.conftest import missing_service
from tests.plugins.crawl_fixtures import FAST_CRAWL, Reply

JS_LISTING = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Latest</title></head>
<body><ul id="latest"></ul>
<script>
  // the links come from a script, as on sites built by a JavaScript framework
  setTimeout(function () {
    var list = document.getElementById("latest");
    ["js-talks", "js-border"].forEach(function (slug) {
      var li = document.createElement("li"); li.className = "story";
      var a = document.createElement("a"); a.href = "/article/" + slug; a.textContent = "Story " + slug;
      li.appendChild(a); list.appendChild(li);
    });
  }, 50);
</script></body></html>"""


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        missing_service("Chromium is not installed (apt-get install chromium)")
    return found  # type: ignore[return-value]


@pytest.fixture
def sdb(sqlite_url):
    from newswatch.storage.db import Database

    database = Database.open(sqlite_url)
    yield database
    database.close()


def _settings(server, *, render: bool, **crawl) -> Settings:
    feed = {
        "name": "js-site",
        "url": server.url("/latest"),
        "kind": "html",
        "render": render,
        "selectors": {"links": "li.story a"},
    }
    return Settings.model_validate(
        {"feeds": [feed], "crawl": {**FAST_CRAWL, "timeout": 20.0, **crawl}}
    )


def test_rendered_listing_finds_links_made_by_javascript(fault_server, sdb, run_crawl):
    browser = _chromium()
    pytest.importorskip("scrapy_playwright")
    fault_server.routes["/latest"] = lambda s, h: Reply(
        200, JS_LISTING, {"Content-Type": "text/html; charset=utf-8"}
    )

    plain = run_crawl(_settings(fault_server, render=False), sdb).feed("js-site")
    assert plain.status == "error" and "may need render: true" in plain.error

    report = run_crawl(
        _settings(fault_server, render=True, browser=browser, render_timeout=15), sdb
    )
    feed = report.feed("js-site")
    assert feed.ok and feed.found == 2 and feed.new == 2, feed
    with sdb.session() as s:
        urls = set(s.scalars(sa.select(Article.url)))
    assert urls == {fault_server.url("/article/js-talks"), fault_server.url("/article/js-border")}


def test_links_that_never_appear_fail_within_the_time_budget(fault_server, sdb, run_crawl):
    browser = _chromium()
    pytest.importorskip("scrapy_playwright")
    fault_server.routes["/latest"] = lambda s, h: Reply(
        200, b"<html><body><p>No links, ever</p></body></html>", {"Content-Type": "text/html"}
    )
    feed = run_crawl(
        _settings(fault_server, render=True, browser=browser, render_timeout=1), sdb
    ).feed("js-site")
    assert feed.status == "error" and "Timeout" in feed.error


def test_render_needs_html_and_a_browser():
    with pytest.raises(ValueError, match="render: true is for kind: html"):
        Settings.model_validate(
            {"feeds": [{"name": "x", "url": "https://x.test/rss", "render": True}]}
        )
    from newswatch.crawler.render import render_settings

    s = Settings.model_validate(
        {
            "feeds": [
                {
                    "name": "x",
                    "url": "https://x.test/",
                    "kind": "html",
                    "render": True,
                    "selectors": {"links": "a"},
                }
            ],
            "crawl": {"browser": "/nonexistent/chromium"},
        }
    )
    pytest.importorskip("scrapy_playwright")
    with pytest.raises(ConfigError, match=r"apt-get install chromium|crawl.browser"):
        render_settings(s.crawl, s.feeds)
    assert render_settings(s.crawl, [s.feeds[0].model_copy(update={"render": False})]) == {}


def test_missing_extra_is_named(monkeypatch):
    import sys

    from newswatch.crawler.render import render_settings

    monkeypatch.setitem(sys.modules, "scrapy_playwright", None)  # as if not installed
    s = Settings.model_validate(
        {
            "feeds": [
                {
                    "name": "x",
                    "url": "https://x.test/",
                    "kind": "html",
                    "render": True,
                    "selectors": {"links": "a"},
                }
            ]
        }
    )
    with pytest.raises(MissingExtraError, match=r"newswatch\[render\]"):
        render_settings(s.crawl, s.feeds)


def test_browser_selectors():
    from newswatch.crawler.render import browser_selector

    assert browser_selector("li.story a") == "li.story a"
    assert browser_selector("h2 a::attr(href)") == "h2 a"
    assert browser_selector("//li/a") == "xpath=//li/a"


def test_the_browser_keeps_the_crawls_forbidden_schemes_off() -> None:
    """Rendering takes over http(s) only; file:, data:, ftp: stay switched off."""
    from newswatch.config import Settings
    from newswatch.crawler.render import with_render
    from newswatch.crawler.settings import scrapy_settings

    settings = Settings.model_validate(
        {
            "feeds": [
                {
                    "name": "js",
                    "url": "http://127.0.0.1:9/",
                    "kind": "html",
                    "render": True,
                    "selectors": {"links": "a"},
                }
            ]
        }
    )
    conf = with_render(scrapy_settings(settings), settings.crawl, settings.feeds)
    handlers = conf["DOWNLOAD_HANDLERS"]
    assert handlers["file"] is None and handlers["data"] is None and handlers["ftp"] is None
    assert "playwright" in handlers["https"]
