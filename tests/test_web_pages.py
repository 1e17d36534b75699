"""`newswatch serve` over HTTP (a real uvicorn on 127.0.0.1): every route's status and content,
hostile crawled text shown as text, security headers, CSRF-protected feedback, authentication."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote

import lxml.html
import pytest
from pydantic import SecretStr

from newswatch.config import WebConfig
from newswatch.errors import ConfigError
from newswatch.storage.feedback import feedback_for
from newswatch.web.security import CSP, Guard, check_bind
from tests.plugins.web_fixtures import NOW, Site

pytestmark = pytest.mark.usefixtures("site")


def _page(site: Site, path: str, status: int = 200) -> lxml.html.HtmlElement:
    code, headers, body = site.get(path)
    assert code == status, body[:500]
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    # crawled markup never reaches the page as markup, and nothing is loaded from elsewhere
    low = body.lower()
    assert "<script" not in low and "<img" not in low and "onerror=" not in low
    assert "javascript:" not in low and "evil.example" not in low
    assert "\u202e" not in body
    return lxml.html.document_fromstring(body)


def _text(doc: lxml.html.HtmlElement) -> str:
    return " ".join(doc.text_content().split())


def test_home_lists_what_is_new_since_the_last_digest(site: Site) -> None:
    doc = _page(site, "/")
    text = _text(doc)
    assert "What is new since the last digest" in text
    assert "Since the digest of 2026-11-21" in text
    assert "Border commissions meet in Gabala" in text
    # yesterday's stories are in the digest, not on the next one
    assert "Parliament adopts resolution" not in text
    # the entry leads to its story's page, the top development first
    links = doc.xpath("//a[@class='story-link']/@href")
    assert f"/stories/{site.ids['new_story']}" in links
    assert "2 outlets" in text


def test_digest_archive_and_page(site: Site) -> None:
    doc = _page(site, "/digests/")
    assert doc.xpath("//a[@href='/digests/2026-11-21']")
    doc = _page(site, "/digests/2026-11-21")
    text = _text(doc)
    assert "Digest for 21 November 2026" in text
    assert "Trial resumes in Baku" in text  # the hostile title, as text
    assert "Ski resorts report" in text  # off-topic appendix as in the file
    assert "All 4 feeds healthy" in text  # that day's snapshot (one failed poll is no outage)
    assert f"/stories/{site.ids['story']}" in doc.xpath("//a[@class='story-link']/@href")
    _page(site, "/digests/2019-01-01", 404)
    _page(site, "/digests/..%2F..%2Fetc", 404)


def test_story_page_shows_each_side_and_who_is_silent(site: Site) -> None:
    doc = _page(site, f"/stories/{site.ids['story']}")
    text = _text(doc)
    timeline = doc.xpath("//ol[@class='timeline-list']/li")
    assert [li.get("id") for li in timeline] == [
        f"report-{site.ids['reply']}",
        f"report-{site.ids['lead']}",
    ]  # in time order
    assert "APA" in _text(timeline[0]) and "Azerbaijani" in _text(timeline[0])
    assert "Armenpress" in _text(timeline[1]) and "English" in _text(timeline[1])
    sides = [_text(h) for h in doc.xpath("//div[contains(@class,'side-col')]/h3")]
    assert sides == ["Armenian 1", "Azerbaijani 1"]
    assert "Not reported by: International" in text
    # the representative report is the digest's: the earliest full report in English
    assert doc.xpath("//section[contains(@class,'representative')]//a/@href") == [
        f"/articles/{site.ids['reply']}"
    ]
    _page(site, "/stories/999999", 404)


def test_story_in_another_language_has_an_english_gloss(site: Site) -> None:
    doc = _page(site, f"/stories/{site.ids['new_story']}")
    [hy] = doc.xpath(f"//li[@id='report-{site.ids['new_hy']}']")
    assert "Armenian" in _text(hy)
    assert "In English:" in _text(hy)


def test_article_page_highlights_the_matched_words(site: Site) -> None:
    doc = _page(site, f"/articles/{site.ids['lead']}")
    text = _text(doc)
    assert "Why it matched:" in text and "score 0.70" in text
    marked = {m.text_content() for m in doc.xpath("//div[@class='article-text']//mark")}
    why = doc.xpath("string(//p[@class='why'])")
    # every word the reasons quote is marked in the text, and only those
    quoted = set(re.findall(r"“([^”]*)”", why))
    assert "Ruben Vardanyan" in marked and "Ruben Vardanyan" in quoted
    assert {m.casefold() for m in marked} <= {q.casefold() for q in quoted}
    assert doc.xpath(f"//a[@href='/stories/{site.ids['story']}']")
    assert doc.xpath("//a[@href='/digests/2026-11-21']")
    _page(site, "/articles/999999", 404)


def test_article_shows_hostile_text_as_text_and_its_near_duplicates(site: Site) -> None:
    doc = _page(site, f"/articles/{site.ids['hostile']}")
    assert "alert(2)" not in _text(doc)  # the tags (and the script's body) are gone
    assert "The trial of Artsakh detainees resumed" in _text(doc)
    assert doc.xpath("//a[contains(., 'Read at the source')]") == []  # javascript: URL dropped
    assert doc.xpath(f"//section[@id='relatives']//a[@href='/articles/{site.ids['copy']}']")
    doc = _page(site, f"/articles/{site.ids['copy']}")
    assert doc.xpath(f"//section[@id='relatives']//a[@href='/articles/{site.ids['hostile']}']")


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("q=Baku", ["Parliament adopts resolution", "Trial resumes in Baku"], []),
        (
            "q=Baku&side=azerbaijani",
            ["Resolution on prisoners: Baku reacts"],
            ["Parliament adopts"],
        ),
        ("q=Baku&category=detainees", ["Trial resumes in Baku"], ["Parliament adopts"]),
        ("q=&language=hy", ["Սահմանազատման"], ["Border commissions meet"]),
        ("q=season", ["Ski resorts"], []),
        ("q=season&relevant=1", [], ["Ski resorts"]),
        ("q=Baku&since=2026-11-21", [], ["Parliament adopts", "Trial resumes"]),
        ("q=Baku&until=2026-11-20", ["Parliament adopts"], []),
    ],
)
def test_search_with_filters(
    site: Site, query: str, expected: list[str], absent: list[str]
) -> None:
    text = _text(_page(site, "/search?" + query))
    for title in expected:
        assert title in text
    for title in absent:
        assert title not in text


def test_search_pages_and_hostile_queries(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _page(site, "/search?q=" + quote('<script>alert(1)</script> "Baku'))
    assert doc.xpath("//input[@name='q']/@value") == ['<script>alert(1)</script> "Baku']
    _page(site, "/search?q=Baku&since=yesterday", 400)
    _page(site, "/search?q=Baku&since=2026-02-31", 400)
    _page(site, "/search?q=Baku&page=x", 400)
    from newswatch.web import app

    monkeypatch.setattr(app, "PER_PAGE", 1)  # one match a page: links onward and back
    first = _page(site, "/search?q=Baku&relevant=1")
    [onward] = first.xpath("//a[@rel='next']/@href")
    assert "page=2" in onward and "relevant=1" in onward and not first.xpath("//a[@rel='prev']")
    second = _page(site, onward)
    assert second.xpath("//a[@rel='prev']") and second.xpath("//a[@rel='next']")
    assert first.xpath("//li[@class='hit']/a[1]/@href") != second.xpath(
        "//li[@class='hit']/a[1]/@href"
    )
    doc = _page(site, "/search?q=Baku&page=99")
    assert "No match" in _text(doc) and doc.xpath("//a[@rel='prev']")


def test_feeds_page_has_the_facts_of_feeds_status(site: Site) -> None:
    doc = _page(site, "/feeds")
    rows = {
        r.xpath("string(td[1]/strong)"): r for r in doc.xpath("//table[@class='feeds']/tbody/tr")
    }
    assert set(rows) >= {"apa", "armenpress", "oc-media", "civilnet"}
    assert "HTTP 503 bad gateway" in _text(rows["apa"])
    assert rows["apa"].xpath("string(td[4])") == "1"


def test_atom_feed_of_a_filter(site: Site) -> None:
    code, headers, body = site.get("/feed.atom?q=Baku&category=detainees")
    assert code == 200 and headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(body)
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert any("Trial resumes in Baku" in t for t in titles)
    assert not any("Parliament" in t for t in titles)
    assert all("<script" not in (t or "") for t in titles)
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]
    assert all(link.startswith(site.url + "/articles/") for link in links)


def test_stylesheet_is_served_from_the_server(site: Site) -> None:
    code, headers, body = site.get("/static/style.css")
    assert code == 200 and headers["content-type"].startswith("text/css")
    assert ".entry h3" in body and ".side-grid" in body
    assert "http" not in body  # no external asset


def _csrf(site: Site, article: int) -> str:
    doc = _page(site, f"/articles/{article}")
    return str(doc.xpath("//input[@name='csrf']/@value")[0])


def test_feedback_is_stored_shown_and_protected(site: Site) -> None:
    article = site.ids["reply"]
    token = _csrf(site, article)
    code, headers, _b = site.post(
        f"/articles/{article}/feedback", f"csrf={token}&kind=wrong-category&category=diplomacy"
    )
    assert code == 303 and headers["location"].endswith(f"/articles/{article}#feedback")
    text = _text(_page(site, f"/articles/{article}"))
    assert "Wrong category → Diplomacy · local" in text
    # forged, cross-site, unknown and oversized forms are refused and store nothing
    refused = [
        (f"csrf=1.{'0' * 64}&kind=not-relevant", {}),
        ("kind=not-relevant", {}),
        (f"csrf={token}&kind=not-relevant", {"Origin": "https://evil.example"}),
        (f"csrf={token}&kind=not-relevant", {"Origin": "null"}),
        (f"csrf={token}&kind=delete-everything", {}),
        (f"csrf={token}&kind=wrong-category&category=%3Cb%3E", {}),
        (f"csrf={token}&kind=not-relevant&pad=" + "x" * 5000, {}),
    ]
    for body, headers in refused:
        code, _h, _b = site.post(f"/articles/{article}/feedback", body, headers)
        assert code in (400, 403, 413), body
    code, _h, _b = site.post("/articles/999999/feedback", f"csrf={token}&kind=not-relevant")
    assert code == 404
    code, _h, _b = site.get(f"/articles/{article}/feedback")
    assert code == 405
    with site.db.session() as s:
        rows = feedback_for(s, article)
    assert [(r.kind, r.category, r.user) for r in rows] == [
        ("wrong-category", "diplomacy", "local")
    ]
    # the judgement and the digest it was in are kept as they were
    text = _text(_page(site, "/digests/2026-11-21"))
    assert "Resolution on prisoners: Baku reacts" in text


def test_csrf_tokens_are_bound_to_user_and_time() -> None:
    guard = Guard(WebConfig())
    token = guard.csrf_token("ann", now=1000.0)
    assert guard.check_csrf("ann", token, now=1000.0 + 60)
    assert not guard.check_csrf("bob", token, now=1000.0 + 60)
    assert not guard.check_csrf("ann", token, now=1000.0 + 13 * 3600)
    assert not Guard(WebConfig()).check_csrf("ann", token, now=1000.0)  # another start-up


def test_other_addresses_need_authentication() -> None:
    check_bind("127.0.0.1", WebConfig())
    check_bind("::1", WebConfig())
    with pytest.raises(ConfigError, match=r"web.auth"):
        check_bind("0.0.0.0", WebConfig())
    check_bind("0.0.0.0", WebConfig(auth="token", token=SecretStr("s3cret")))
    with pytest.raises(ValueError, match="NEWSWATCH_WEB_TOKEN"):
        WebConfig(auth="token")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("web", "good", "bad"),
    [
        (
            WebConfig(auth="token", token=SecretStr("s3cret")),
            ["Bearer s3cret", _basic("ann", "s3cret")],
            [None, "Bearer nope", _basic("ann", "nope"), "Digest s3cret", "Basic !!!"],
        ),
        (
            WebConfig(auth="basic", user="ann", password=SecretStr("pw")),
            [_basic("ann", "pw")],
            [None, _basic("bob", "pw"), _basic("ann", "no"), "Bearer pw"],
        ),
    ],
)
def test_auth_schemes(web: WebConfig, good: list[str], bad: list[str | None]) -> None:
    guard = Guard(web)
    for header in good:
        assert guard.user(header) is not None, header
    for header in bad:
        assert guard.user(header) is None, header


def test_authenticated_server_refuses_strangers(site: Site) -> None:
    from newswatch.web.app import create_app
    from newswatch.web.server import Background
    from tests.plugins.web_fixtures import fetch, free_port

    settings = site.settings.model_copy(
        update={"web": WebConfig(auth="token", token=SecretStr("s3cret"))}
    )
    port = free_port()
    server = Background(settings, site.db, "127.0.0.1", port, app=create_app(settings, site.db))
    server.start()
    try:
        code, headers, _b = fetch(f"http://127.0.0.1:{port}/")
        assert code == 401 and headers["www-authenticate"].startswith("Basic")
        assert headers["content-security-policy"] == CSP
        code, _h, body = fetch(
            f"http://127.0.0.1:{port}/feeds", headers={"Authorization": "Bearer s3cret"}
        )
        assert code == 200 and "signed in as token" in body
    finally:
        server.stop()


def test_every_page_links_only_to_known_routes(site: Site) -> None:
    known = re.compile(
        r"^(/|/digests/|/digests/[\w.-]+|/stories/\d+|/articles/\d+(#\w+)?|/search(\?.*)?|/feeds"
        r"|/feed\.atom(\?.*)?|/static/style\.css|#[\w-]+|https?://.*|data:,)$"
    )
    for path in (
        "/",
        "/digests/2026-11-21",
        f"/stories/{site.ids['story']}",
        f"/articles/{site.ids['lead']}",
        "/search?q=Baku",
        "/feeds",
    ):
        doc = _page(site, path)
        for href in doc.xpath("//@href | //@action"):
            assert known.match(href) or href.endswith("/feedback"), (path, href)


def test_a_very_common_query_ranks_the_newest_matches_and_says_so(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    if site.db.dialect != "sqlite":
        pytest.skip("the ranking limit is SQLite's (FTS5)")
    from newswatch.storage import browse

    monkeypatch.setattr(browse, "RANKED", 2)
    doc = _page(site, "/search?q=Baku")
    assert "the newest 2 are ranked" in _text(doc)
    ids = [int(h.split("/")[-1]) for h in doc.xpath("//li[@class='hit']/a[1]/@href")]
    assert len(ids) == 2 and min(ids) >= site.ids["hostile"]  # the newest matches


def test_front_page_shows_a_report_stored_after_it_was_built(site: Site) -> None:
    from tests.plugins.digest_fixtures import News

    assert "Ceasefire monitors arrive" not in _text(_page(site, "/"))
    import sqlalchemy as sa

    from newswatch.storage.models import Source

    news = News(site.db)
    with site.db.session() as s:
        news.sources = {src.name: int(src.id or 0) for src in s.scalars(sa.select(Source))}
    news.counter = 1000
    news.article(
        "Ceasefire monitors arrive in Tavush",
        seen=NOW - timedelta(minutes=5),
        categories=("security",),
        language="en",
        text="Monitors arrived in Tavush on the border of Armenia and Azerbaijan. " * 4,
    )
    assert "Ceasefire monitors arrive in Tavush" in _text(_page(site, "/"))
