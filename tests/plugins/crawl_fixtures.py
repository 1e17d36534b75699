"""Crawl fixtures: the bundled test site, a fault server with misbehaving routes, fast settings."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from newswatch.config import Settings
from newswatch.siteserver import LocalHTTPServer, SiteServer

DATA = Path(__file__).resolve().parents[1] / "data"
SITE = DATA / "site" / "basic"
FEEDS = DATA / "feeds"

# Test speed comes from configuration, never from the code asking whether it is under test.
FAST_CRAWL: dict[str, Any] = {
    "download_delay": 0,
    "autothrottle": False,
    "timeout": 1.0,
    "retries": 1,
    "max_redirects": 3,
    "max_page_bytes": 64_000,
    "max_feed_bytes": 4_000_000,
}
FAST_SCRAPY: dict[str, Any] = {"NEWSWATCH_RETRY_BACKOFF": 0.05, "NEWSWATCH_RETRY_MAX_DELAY": 2.0}


def article_html(slug: str) -> bytes:
    """A distinct, on-topic article page for ``slug`` (so content hashes differ)."""
    paras = "".join(
        f"<p>Report {slug}, paragraph {i}: negotiators from Armenia and Azerbaijan met again to discuss "
        f"the peace treaty, the border commissions and the fate of detainees held in Baku ({slug}-{i}).</p>"
        for i in range(5)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Story {slug}</title></head>"
        f"<body><article><h1>Story {slug} on the Karabakh talks</h1>{paras}</article></body></html>"
    ).encode()


def rss(items: list[tuple[str, str]], title: str = "Fault Wire") -> bytes:
    """An RSS 2.0 document; ``items`` are (title, link)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid isPermaLink='false'>{link}</guid></item>"
        for t, link in items
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
        f"<link>http://fault.test/</link><description>x</description>{body}</channel></rss>"
    ).encode()


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: int | None = None  # a lie, for truncated bodies


Route = Callable[["FaultServer", Hit], Reply]


class FaultServer:
    """A real HTTP server on 127.0.0.1 whose routes misbehave on purpose; it logs every hit."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.routes: dict[str, Route] = {}
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                hit = Hit("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                reply = server._dispatch(hit)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    length = (
                        reply.content_length
                        if reply.content_length is not None
                        else len(reply.body)
                    )
                    self.send_header("Content-Length", str(length))
                    if reply.content_length is not None:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = LocalHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def _dispatch(self, hit: Hit) -> Reply:
        with self._lock:
            self.hits.append(hit)
            self.counts[hit.path] = self.counts.get(hit.path, 0) + 1
        route = self.routes.get(hit.path.split("?")[0])
        if route is None:
            if hit.path.startswith("/article/"):
                return Reply(
                    200,
                    article_html(hit.path.rsplit("/", 1)[-1]),
                    {"Content-Type": "text/html; charset=utf-8"},
                )
            if hit.path == "/robots.txt":
                return Reply(
                    200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
                )
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return route(self, hit)

    def paths(self, prefix: str = "") -> list[str]:
        return [h.path for h in self.hits if h.path.startswith(prefix)]

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _xml(body: bytes, **headers: str) -> Reply:
    return Reply(200, body, {"Content-Type": "application/rss+xml", **headers})


def _static(name: str, content_type: str = "application/xml") -> Route:
    return lambda s, h: Reply(200, (FEEDS / name).read_bytes(), {"Content-Type": content_type})


def _conditional(s: FaultServer, h: Hit) -> Reply:
    etag, modified = '"v1"', "Mon, 17 Nov 2025 10:00:00 GMT"
    if h.headers.get("if-none-match") == etag:
        return Reply(304, b"", {"ETag": etag})
    return _xml(
        rss([("Conditional one", s.url("/article/cond-1"))]),
        ETag=etag,
        **{"Last-Modified": modified},
    )


def _rate_limited(s: FaultServer, h: Hit) -> Reply:
    if s.counts[h.path] == 1:
        return Reply(429, b"slow down", {"Retry-After": "1", "Content-Type": "text/plain"})
    return _xml(rss([("After the wait", s.url("/article/ratelimited-1"))]))


def _truncated_gzip(s: FaultServer, h: Hit) -> Reply:
    full = gzip.compress(rss([(f"Gz {i}", s.url(f"/article/gz-{i}")) for i in range(40)]))
    part = full[: len(full) // 2]
    return Reply(200, part, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})


def _invalid_utf8(s: FaultServer, h: Hit) -> Reply:
    doc = rss(
        [("Valid item", s.url("/article/utf8-1")), ("Broken @@ item", s.url("/article/utf8-2"))]
    )
    return _xml(doc.replace(b"@@", b"\xff\xfe"))


def _huge(s: FaultServer, h: Hit) -> Reply:
    return _xml(rss([(f"Entry {i}", s.url(f"/article/huge-{i}")) for i in range(10_000)]))


def _default_routes() -> dict[str, Route]:
    return {
        "/ok.xml": lambda s, h: _xml(
            rss([("Good one", s.url("/article/ok-1")), ("Good two", s.url("/article/ok-2"))])
        ),
        "/conditional.xml": _conditional,
        "/gone.xml": lambda s, h: Reply(410, b"gone", {"Content-Type": "text/plain"}),
        "/missing.xml": lambda s, h: Reply(404, b"missing", {"Content-Type": "text/plain"}),
        "/error500.xml": lambda s, h: Reply(500, b"boom", {"Content-Type": "text/plain"}),
        "/moved301.xml": lambda s, h: Reply(301, b"", {"Location": s.url("/new-home.xml")}),
        "/moved308.xml": lambda s, h: Reply(308, b"", {"Location": s.url("/new-home.xml")}),
        "/moved302.xml": lambda s, h: Reply(302, b"", {"Location": s.url("/new-home.xml")}),
        "/new-home.xml": lambda s, h: _xml(rss([("Moved one", s.url("/article/moved-1"))])),
        "/ratelimited.xml": _rate_limited,
        "/ratelimited-long.xml": lambda s, h: Reply(429, b"", {"Retry-After": "3600"}),
        "/stall.xml": lambda s, h: Reply(
            200, rss([]), {"Content-Type": "application/rss+xml"}, delay=3.0
        ),
        "/oversize-page.xml": lambda s, h: _xml(
            rss([("Big page", s.url("/big-page.html")), ("Small page", s.url("/article/small-1"))])
        ),
        "/big-page.html": lambda s, h: Reply(
            200,
            b"<html><body>" + b"<p>filler</p>" * 20_000 + b"</body></html>",
            {"Content-Type": "text/html"},
        ),
        "/loop-a.xml": lambda s, h: Reply(302, b"", {"Location": s.url("/loop-b.xml")}),
        "/loop-b.xml": lambda s, h: Reply(302, b"", {"Location": s.url("/loop-a.xml")}),
        "/html-instead.xml": lambda s, h: Reply(
            200,
            b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>",
            {"Content-Type": "text/html; charset=utf-8"},
        ),
        "/truncated-gzip.xml": _truncated_gzip,
        "/truncated-body.xml": lambda s, h: Reply(
            200,
            rss([("Cut", s.url("/article/cut-1"))])[:60],
            {"Content-Type": "application/rss+xml"},
            content_length=5000,
        ),
        "/malformed.xml": lambda s, h: _xml(
            (FEEDS / "bozo.xml")
            .read_bytes()
            .replace(b"http://wire.test/bozo/", s.url("/article/bozo-").encode())
        ),
        "/empty.xml": lambda s, h: Reply(200, b"", {"Content-Type": "application/rss+xml"}),
        "/invalid-utf8.xml": _invalid_utf8,
        "/huge.xml": _huge,
        "/cp1251.xml": _static("cp1251-undeclared.xml", "application/xml"),
        "/latin1.xml": _static("latin1.xml", "application/xml"),
        "/robots-blocked.xml": lambda s, h: _xml(
            rss([("Private", s.url("/private/secret-1")), ("Public", s.url("/article/public-1"))])
        ),
        "/private/feed.xml": lambda s, h: _xml(
            rss([("Private feed item", s.url("/article/pf-1"))])
        ),
        "/article-errors.xml": lambda s, h: _xml(
            rss(
                [
                    ("Works", s.url("/article/fine-1")),
                    ("Missing", s.url("/nothing-here.html")),
                    ("Fails", s.url("/error500.xml")),
                ]
            )
        ),
    }


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """The fault server with its default routes; tests may add or replace routes."""
    server = FaultServer()
    server.routes.update(_default_routes())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def test_site() -> Iterator[SiteServer]:
    """The bundled test site (tests/data/site/basic) on a free port."""
    with SiteServer(SITE) as server:
        yield server


def site_feeds(site: SiteServer) -> list[dict[str, Any]]:
    """One source of every kind on the test site."""
    return [
        {"name": "herald-rss", "url": site.url("rss.xml"), "kind": "rss", "language": "en"},
        {"name": "herald-atom", "url": site.url("atom.xml"), "kind": "atom"},
        {"name": "herald-json", "url": site.url("feed.json"), "kind": "json"},
        {
            "name": "herald-latest",
            "url": site.url("listing.html"),
            "kind": "html",
            "selectors": {"links": "li.story a", "date": "./following-sibling::span"},
        },
        {
            "name": "herald-sitemap",
            "url": site.url("sitemap-index.xml"),
            "kind": "sitemap",
            "lookback": "3650d",
        },
    ]


@pytest.fixture
def run_crawl() -> Callable[..., Any]:
    """crawl_sync with the fast retry profile (many crawls per process share one reactor)."""
    from newswatch.crawler.runner import crawl_sync

    def run(settings: Settings, db: Any, feeds: list[str] | None = None, **kw: Any) -> Any:
        extra = {**FAST_SCRAPY, **kw.pop("extra_settings", {})}
        return crawl_sync(settings, db, feeds, extra_settings=extra, **kw)

    return run


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """Settings with the given feeds and fast, polite-but-quick crawl options."""

    def build(feeds: list[dict[str, Any]], **crawl: Any) -> Settings:
        return Settings.model_validate({"feeds": feeds, "crawl": {**FAST_CRAWL, **crawl}})

    return build
