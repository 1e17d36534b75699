"""Where the crawler may go: http(s) only, and no private address reached from a public source."""

from __future__ import annotations

import base64
import ipaddress

import pytest
import sqlalchemy as sa

from newswatch.crawler.guard import is_private, refusal
from newswatch.crawler.runner import discover_sync
from newswatch.storage.models import Article
from tests.plugins.crawl_fixtures import FAST_SCRAPY, Reply, rss


def ips(*texts: str) -> list:
    return [ipaddress.ip_address(t) for t in texts]


@pytest.mark.parametrize(
    "address,private",
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("172.16.5.4", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("::1", True),
        ("fe80::1", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("224.0.0.1", True),
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:93.184.216.34", False),
    ],
)
def test_private_addresses(address, private):
    assert is_private(ipaddress.ip_address(address)) is private


@pytest.mark.parametrize(
    "origin,target,allow,refused",
    [
        (["93.184.216.34"], ["10.0.0.5"], False, True),  # public feed → intranet
        (
            ["93.184.216.34"],
            ["93.184.216.35", "127.0.0.1"],
            False,
            True,
        ),  # any private address counts
        (["93.184.216.34"], ["93.184.216.35"], False, False),  # public → public
        (["127.0.0.1"], ["10.0.0.5"], False, False),  # a feed on a private address may lead there
        (["93.184.216.34"], ["169.254.169.254"], True, False),  # crawl.allow_private_links
        ([], ["127.0.0.1"], False, True),  # an origin that did not resolve counts as public
    ],
)
def test_refusal_rule(origin, target, allow, refused):
    why = refusal(ips(*origin), ips(*target), allow_private=allow)
    assert (why is not None) is refused
    if refused:
        assert "private address" in why


@pytest.fixture
def sdb(sqlite_url):
    from newswatch.storage.db import Database

    database = Database.open(sqlite_url)
    yield database
    database.close()


def _public_localhost(host: str) -> list[str]:
    # the feed's host name "resolves" to a public address for the guard; Scrapy still connects
    # to the real localhost, so the whole crawl runs against the local server
    return ["93.184.216.34"] if host == "localhost" else ["127.0.0.1"]


@pytest.fixture
def internal_links(fault_server):
    port = fault_server.base_url.rsplit(":", 1)[1]
    fault_server.routes["/public.xml"] = lambda s, h: Reply(
        200,
        rss(
            [
                ("Internal admin", s.url("/article/admin-page")),  # 127.0.0.1: loopback
                (
                    "Redirected",
                    f"http://localhost:{port}/to-internal",
                ),  # public, then redirected inside
                ("Fine", f"http://localhost:{port}/article/public-story"),
            ]
        ),
        {"Content-Type": "application/rss+xml"},
    )
    fault_server.routes["/to-internal"] = lambda s, h: Reply(
        302, b"", {"Location": s.url("/article/redirected")}
    )
    return f"http://localhost:{port}/public.xml"


@pytest.mark.parametrize("allow", [False, True])
def test_public_feed_may_not_lead_to_private_addresses(
    fault_server, sdb, make_settings, run_crawl, internal_links, allow
):
    settings = make_settings([{"name": "public", "url": internal_links}], allow_private_links=allow)
    report = run_crawl(
        settings, sdb, extra_settings={**FAST_SCRAPY, "NEWSWATCH_RESOLVER": _public_localhost}
    )
    r = report.feed("public")
    assert r.status == "ok"
    with sdb.session() as s:
        stored = sorted(s.scalars(sa.select(Article.url)))
    if allow:
        assert "/article/admin-page" in fault_server.paths() and r.new == 3
    else:
        assert "/article/admin-page" not in fault_server.paths()  # never requested
        assert "/article/redirected" not in fault_server.paths()  # nor after a redirect
        assert r.new == 1 and r.failed == 2
        assert [u.rsplit("/", 1)[1] for u in stored] == ["public-story"]


def test_feed_on_a_private_address_may_link_there(
    fault_server, sdb, make_settings, run_crawl, internal_links
):
    # the usual case of an intranet (and of every test): the feed itself is on 127.0.0.1
    settings = make_settings([{"name": "local", "url": fault_server.url("/public.xml")}])
    r = run_crawl(
        settings, sdb, extra_settings={**FAST_SCRAPY, "NEWSWATCH_RESOLVER": _public_localhost}
    ).feed("local")
    assert r.status == "ok" and r.new == 3


def test_discovery_offers_and_follows_only_http_links(fault_server, make_settings, tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss([("Local file", "http://x.test/1")]))
    feed = base64.b64encode(rss([("Data URL", "http://x.test/2")])).decode()
    fault_server.routes["/home"] = lambda s, h: Reply(
        200,
        (
            "<html><head>"
            f"<link rel='alternate' type='application/rss+xml' href='file://{secret}'>"
            f"<link rel='alternate' type='application/rss+xml' href='data:application/rss+xml;base64,{feed}'>"
            "<link rel='alternate' type='application/rss+xml' href='ftp://127.0.0.1:9/feed.xml'>"
            "<link rel='alternate' type='application/rss+xml' href='/ok.xml'>"
            "</head><body>home</body></html>"
        ).encode(),
        {"Content-Type": "text/html; charset=utf-8"},
    )
    settings = make_settings([])
    found, errors = discover_sync(settings, fault_server.url("/home"), extra_settings=FAST_SCRAPY)
    urls = [f.url for f in found]
    assert fault_server.url("/ok.xml") in urls
    assert all(u.startswith("http://") for u in urls)
    assert sum("not http(s)" in e for e in errors) == 3


def test_feed_links_of_other_schemes_are_not_followed(
    fault_server, sdb, make_settings, run_crawl, tmp_path
):
    secret = tmp_path / "secret.html"
    secret.write_text("<html><body><p>internal</p></body></html>")
    fault_server.routes["/schemes.xml"] = lambda s, h: Reply(
        200,
        rss(
            [
                ("File", f"file://{secret}"),
                ("Data", "data:text/html;base64,PHA+aGk8L3A+"),
                ("Ftp", "ftp://127.0.0.1:9/x"),
                ("Script", "javascript:alert(1)"),
                ("Fine", s.url("/article/fine-9")),
            ]
        ),
        {"Content-Type": "application/rss+xml"},
    )
    r = run_crawl(
        make_settings([{"name": "mixed", "url": fault_server.url("/schemes.xml")}]), sdb
    ).feed("mixed")
    assert r.status == "ok" and r.new == 1 and r.failed == 0
    with sdb.session() as s:
        assert [u.rsplit("/", 1)[1] for u in s.scalars(sa.select(Article.url))] == ["fine-9"]
