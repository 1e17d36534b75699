"""Telegram public channels: the preview page parser, and crawls against a local t.me imitation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from newswatch.config import Settings
from newswatch.crawler.parsing import parse_source
from newswatch.errors import ConfigError
from newswatch.storage.models import Article, Source
from tests.plugins.crawl_fixtures import FAST_CRAWL, Reply
from tests.plugins.telegram_fixtures import Post, channel_html, channel_redirect_page

# distinct statements, so that posts made of different ones are not near-duplicates
SENTENCES = [
    "The Ministry of Foreign Affairs of Armenia reports a new round of peace treaty talks with Azerbaijan.",
    "Border delimitation commissions of Armenia and Azerbaijan met near the Tavush villages.",
    "Baku says the opening of regional communications through Syunik was discussed again.",
    "Yerevan raised the fate of detainees held in Baku and asked for their release.",
    "The foreign ministers of Armenia and Azerbaijan spoke by phone about the draft agreement.",
    "Mediators in Washington offered to host the signing of the peace agreement.",
    "Azerbaijan's parliament, the Milli Majlis, debated the constitution of Armenia.",
    "The National Assembly of Armenia heard a report on the delimitation of the border.",
    "Refugees from Nagorno-Karabakh demanded guarantees of a safe return in Stepanakert.",
    "The European Union monitoring mission patrolled the border near Jermuk.",
    "Officials in Baku accused Yerevan of shelling positions in Nakhchivan.",
    "Armenia's prime minister said the Zangezur corridor would stay under Armenian law.",
    "A group of Azerbaijani experts visited Lachin to assess reconstruction works.",
    "The Minsk Group's dissolution was confirmed at a meeting of the OSCE council.",
]


def _text(n: int) -> str:
    return " ".join(SENTENCES[(n * k) % len(SENTENCES)] for k in (1, 3, 5)) + f" Post {n}."


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")


def _posts(
    first: int, last: int, *, hours_per_post: float = 1.0, newest_hours: float = 1.0
) -> list[Post]:
    return [
        Post(id=i, text=_text(i), when=_ago(newest_hours + (last - i) * hours_per_post))
        for i in range(first, last + 1)
    ]


def test_parser_reads_posts_authors_forwards_previews_and_photos():
    posts = [
        Post(
            10,
            "Statement on the talks\nThe delegations met in Abu Dhabi.",
            "2026-12-01T08:30:00+00:00",
            author="Press Office",
        ),
        Post(
            11,
            "Read the full report https://agency.test/news/1",
            preview=(
                "https://agency.test/news/1",
                "Agency",
                "Border commissions meet",
                "The commissions met.",
            ),
        ),
        Post(
            12,
            "Quoted elsewhere",
            forwarded=("Parliament", "https://t.me/parliament_test/77"),
            reply_to="the earlier post text must not leak",
        ),
        Post(13, "", photos=["https://cdn.test/photo-1.jpg"]),
        Post(14, ""),  # a service message: no text, no photo
    ]
    parsed = parse_source(
        "telegram",
        channel_html("mfa_test", posts, title="MFA Test"),
        "http://127.0.0.1:9/s/mfa_test",
        content_type="text/html; charset=utf-8",
    )
    assert parsed.error is None and parsed.title == "MFA Test"
    by_id = {e.meta["telegram"]["post"]: e for e in parsed.entries}
    assert sorted(by_id) == [10, 11, 12, 13]
    first = by_id[10]
    assert first.url == first.guid == "https://t.me/mfa_test/10"
    assert first.title == "Statement on the talks"
    assert first.text == "Statement on the talks\nThe delegations met in Abu Dhabi."
    assert first.published == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert first.authors == ["Press Office"] and first.canonical_url is None
    link = by_id[11]
    assert link.canonical_url == link.fetch_url == "https://agency.test/news/1"
    assert "Border commissions meet" in link.text and "The commissions met." in link.text
    assert link.meta["telegram"]["preview"]["site"] == "Agency"
    assert link.authors == ["Channel mfa_test"]
    fwd = by_id[12]
    assert fwd.text == "Quoted elsewhere" and "leak" not in fwd.text
    assert fwd.meta["telegram"]["forwarded_from"] == "Parliament"
    assert fwd.meta["telegram"]["forwarded_url"] == "https://t.me/parliament_test/77"
    assert by_id[13].meta["telegram"]["photos"] == ["https://cdn.test/photo-1.jpg"]
    assert parsed.older == "http://127.0.0.1:9/s/mfa_test?before=10"


def test_text_wrapped_deeper_in_an_album_post_is_found():
    album = (
        b'<div class="tgme_widget_message" data-post="mfa_test/8"><div class="tgme_widget_message_bubble">'
        b'<div class="tgme_widget_message_grouped_wrap"><div class="tgme_widget_message_reply">'
        b'<div class="tgme_widget_message_text">quoted</div></div>'
        b'<div class="tgme_widget_message_text">Album caption on the border talks</div></div>'
        b'<a class="tgme_widget_message_date" href="https://t.me/mfa_test/8">'
        b'<time datetime="2026-12-01T08:30:00+00:00"></time></a></div></div>'
    )
    page = channel_html("mfa_test", []).replace(b"</section>", album + b"</section>")
    (entry,) = parse_source("telegram", page, "https://t.me/s/mfa_test").entries
    assert entry.text == "Album caption on the border talks"


def test_a_long_post_with_a_link_is_its_own_report():
    words = " ".join(["The ministry explains its position on the border in detail."] * 8)
    post = Post(5, f"{words} https://agency.test/news/2")
    parsed = parse_source("telegram", channel_html("mfa_test", [post]), "https://t.me/s/mfa_test")
    entry = parsed.entries[0]
    assert (
        entry.canonical_url is None
        and entry.meta["telegram"]["link"] == "https://agency.test/news/2"
    )


@pytest.mark.parametrize(
    ("url", "body", "error"),
    [
        ("https://t.me/mfa_test", channel_redirect_page("mfa_test"), "no public preview"),
        (
            "https://t.me/s/mfa_test",
            b"<html><body><p>Welcome</p></body></html>",
            "not a Telegram channel",
        ),
        ("https://t.me/s/mfa_test", b"", "empty response"),
    ],
)
def test_parser_errors(url, body, error):
    assert error in (parse_source("telegram", body, url).error or "")


@pytest.mark.parametrize(
    "url",
    ["https://t.me/mfa_test", "https://t.me/s/", "ftp://t.me/s/mfa_test", "https://t.me/s/a b"],
)
def test_config_rejects_urls_that_are_not_channel_previews(url):
    with pytest.raises(ValueError, match=r"t.me/s/NAME|http:// or https://|spaces"):
        Settings.model_validate({"feeds": [{"name": "tg", "url": url, "kind": "telegram"}]})


def test_config_accepts_any_host_with_a_channel_path():
    s = Settings.model_validate(
        {
            "feeds": [
                {
                    "name": "tg",
                    "url": "http://127.0.0.1:8080/s/mfa_test",
                    "kind": "telegram",
                    "pages": 2,
                }
            ]
        }
    )
    assert s.feeds[0].pages == 2 and not s.feeds[0].follow_links
    assert (
        ConfigError
    )  # the loader wraps the same message with file and line (tested in test_config)


# --- crawls against a local server -------------------------------------------------------------


@pytest.fixture
def sdb(db):
    """The crawl's database, on each backend."""
    return db


def _channel_route(posts: list[Post], per_page: int = 3):
    """Serve ``posts`` like t.me: the newest page, and older ones with ?before=ID."""

    def route(server, hit):
        before = None
        if "before=" in hit.path:
            before = int(hit.path.split("before=")[1].split("&")[0])
        shown = sorted((p for p in posts if before is None or p.id < before), key=lambda p: p.id)[
            -per_page:
        ]
        return Reply(
            200, channel_html("mfa_test", shown), {"Content-Type": "text/html; charset=utf-8"}
        )

    return route


def _settings(server, **feed) -> Settings:
    cfg = {
        "name": "mfa-tg",
        "url": server.url("/s/mfa_test"),
        "kind": "telegram",
        "language": "en",
        "tags": {"perspective": "armenian", "country": "AM"},
        **feed,
    }
    return Settings.model_validate({"feeds": [cfg], "crawl": FAST_CRAWL})


def _articles(db) -> list[Article]:
    with db.session() as s:
        return list(s.scalars(sa.select(Article).order_by(Article.id)))


def test_crawl_stores_posts_and_pages_back_within_the_budget(fault_server, sdb, run_crawl):
    fault_server.routes["/s/mfa_test"] = _channel_route(_posts(1, 12))
    report = run_crawl(_settings(fault_server, pages=3), sdb)
    feed = report.feed("mfa-tg")
    assert feed.ok and feed.found == 9 and feed.new == 9, feed
    assert fault_server.paths("/s/mfa_test") == [
        "/s/mfa_test",
        "/s/mfa_test?before=10",
        "/s/mfa_test?before=7",
    ]
    arts = _articles(sdb)
    assert {a.url for a in arts} == {f"https://t.me/mfa_test/{i}" for i in range(4, 13)}
    assert all(a.meta["telegram"]["channel"] == "mfa_test" for a in arts)
    assert all(f"Post {a.meta['telegram']['post']}." in a.text for a in arts)
    assert not [
        p for p in fault_server.paths() if p.startswith("/article/")
    ]  # posts are not fetched

    # the next poll stops at the first page that brings nothing new
    fault_server.hits.clear()
    fault_server.routes["/s/mfa_test"] = _channel_route(_posts(1, 13))
    report = run_crawl(_settings(fault_server, pages=3), sdb)
    assert report.feed("mfa-tg").new == 1
    assert fault_server.paths("/s/mfa_test") == ["/s/mfa_test", "/s/mfa_test?before=11"]


def test_first_poll_does_not_page_past_the_lookback(fault_server, sdb, run_crawl):
    # three posts a page, one a day: the first page already reaches back past 3 days
    fault_server.routes["/s/mfa_test"] = _channel_route(_posts(1, 12, hours_per_post=36))
    report = run_crawl(_settings(fault_server, pages=5), sdb)
    assert report.feed("mfa-tg").new == 3
    assert fault_server.paths("/s/mfa_test") == ["/s/mfa_test"]


def test_channel_without_public_preview_is_a_feed_error(fault_server, sdb, run_crawl):
    fault_server.routes["/s/mfa_test"] = lambda s, h: Reply(
        302, b"", {"Location": s.url("/mfa_test")}
    )
    fault_server.routes["/mfa_test"] = lambda s, h: Reply(
        200, channel_redirect_page("mfa_test"), {"Content-Type": "text/html; charset=utf-8"}
    )
    report = run_crawl(_settings(fault_server), sdb)
    feed = report.feed("mfa-tg")
    assert (
        feed.status == "error" and "no public preview" in feed.error and "/mfa_test" in feed.error
    )
    with sdb.session() as s:
        src = s.scalar(sa.select(Source).where(Source.name == "mfa-tg"))
        assert src.consecutive_failures == 1 and "no public preview" in src.last_error


def test_link_posts_fetch_the_article_when_configured(fault_server, sdb, run_crawl):
    link = fault_server.url("/article/treaty-talks")
    broken = fault_server.url("/nothing-here.html")
    posts = [
        Post(
            1,
            f"Our report on the talks {link}",
            when=_ago(2),
            preview=(link, "Agency", "Talks on the peace treaty", "Armenia and Azerbaijan met."),
        ),
        Post(2, f"Border commissions of Armenia and Azerbaijan met {broken}", when=_ago(1)),
    ]
    fault_server.routes["/s/mfa_test"] = _channel_route(posts)
    report = run_crawl(_settings(fault_server, follow_links=True, pages=1), sdb)
    assert report.feed("mfa-tg").new == 2
    arts = {a.guid: a for a in _articles(sdb)}
    fetched = arts["https://t.me/mfa_test/1"]
    assert fetched.url == link and "paragraph 4" in fetched.text  # the article, not the post
    assert fetched.meta["telegram"]["post"] == 1
    kept = arts["https://t.me/mfa_test/2"]  # its article is missing: the post itself is kept
    assert kept.url == "https://t.me/mfa_test/2" and "Border commissions" in kept.text


# --- discovery ---------------------------------------------------------------------------------


def test_channel_links_of_a_page():
    from newswatch.crawler.parsing.telegram import channel_links

    hrefs = [
        "https://t.me/mfa_test",
        "https://t.me/s/mfa_test",
        "https://telegram.me/gov_test/15",
        "https://t.me/joinchat/abc",
        "https://t.me/+invite",
        "/s/mirror_test",
        "https://example.test/x",
    ]
    assert channel_links("http://127.0.0.1:9/", hrefs) == [
        "https://t.me/s/mfa_test",
        "https://t.me/s/gov_test",
        "http://127.0.0.1:9/s/mirror_test",
    ]


@pytest.mark.parametrize("given", ["/s/mfa_test", "/"])
def test_feeds_add_offers_the_channel_a_homepage_links(fault_server, tmp_path, sqlite_url, given):
    from typer.testing import CliRunner

    from newswatch.cli.app import app
    from newswatch.config import load_config

    fault_server.routes["/s/mfa_test"] = _channel_route(_posts(1, 3))
    fault_server.routes["/"] = lambda s, h: Reply(
        200,
        b'<html><body><a href="/s/mfa_test">Our channel</a><a href="/about">About</a></body></html>',
        {"Content-Type": "text/html; charset=utf-8"},
    )
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"storage: {{url: '{sqlite_url}'}}\ncrawl: {{download_delay: 0, autothrottle: false}}\nfeeds: []\n"
    )
    result = CliRunner().invoke(
        app,
        ["--config", str(path), "feeds", "add", fault_server.url(given), "--yes"],
        env={"COLUMNS": "200", "NEWSWATCH_CONFIG": ""},
    )
    assert result.exit_code == 0, result.output
    feed = load_config(path).settings.feeds[-1]
    assert (feed.name, feed.kind, feed.url) == (
        "tg-mfa-test",
        "telegram",
        fault_server.url("/s/mfa_test"),
    )
    assert feed.title == "Channel mfa_test"
    if given != "/":  # a channel given directly is taken as it is, nothing else is tried
        assert not fault_server.paths("/feed") and not fault_server.paths("/rss")


def test_a_ministry_post_and_the_agency_report_of_it_form_one_story(fault_server, sdb, run_crawl):
    from tests.plugins.crawl_fixtures import article_html, rss

    link = fault_server.url("/article/delimitation-round")
    fault_server.routes["/agency.xml"] = lambda s, h: Reply(
        200,
        rss([("Story delimitation-round on the Karabakh talks", link)]),
        {"Content-Type": "application/rss+xml"},
    )
    page = article_html("delimitation-round").decode()
    lead = (
        "Report delimitation-round, paragraph 0: negotiators from Armenia and Azerbaijan met again to discuss "
        "the peace treaty, the border commissions and the fate of detainees held in Baku"
    )
    post = Post(
        7,
        f"Statement of the ministry on today's round. {link}",
        when=_ago(0.5),
        preview=(link, "Agency", "Story delimitation-round on the Karabakh talks", lead),
    )
    fault_server.routes["/s/mfa_test"] = _channel_route([post])
    assert "Story delimitation-round" in page
    settings = Settings.model_validate(
        {
            "feeds": [
                {"name": "agency", "url": fault_server.url("/agency.xml"), "language": "en"},
                {
                    "name": "mfa-tg",
                    "url": fault_server.url("/s/mfa_test"),
                    "kind": "telegram",
                    "language": "en",
                    "pages": 1,
                },
            ],
            "crawl": FAST_CRAWL,
        }
    )
    report = run_crawl(settings, sdb)
    assert report.feed("agency").new == 1 and report.feed("mfa-tg").new == 1
    arts = {a.url: a for a in _articles(sdb)}
    agency, tg = arts[link], arts["https://t.me/mfa_test/7"]
    assert tg.meta["telegram"]["link"] == link
    assert agency.story_id is not None and tg.story_id == agency.story_id


def test_cli_crawl_then_feeds_status_shows_channels(fault_server, tmp_path, sqlite_url):
    from typer.testing import CliRunner

    from newswatch.cli.app import app

    fault_server.routes["/s/mfa_test"] = _channel_route(_posts(1, 2))
    fault_server.routes["/s/closed_test"] = lambda s, h: Reply(
        302, b"", {"Location": s.url("/closed_test")}
    )
    fault_server.routes["/closed_test"] = lambda s, h: Reply(
        200, channel_redirect_page("closed_test"), {"Content-Type": "text/html"}
    )
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text(
        f"storage: {{url: '{sqlite_url}'}}\n"
        "crawl: {download_delay: 0, autothrottle: false, retries: 0, timeout: 2}\n"
        "feeds:\n"
        f"  - {{name: mfa-tg, url: '{fault_server.url('/s/mfa_test')}', kind: telegram, pages: 1}}\n"
        f"  - {{name: closed-tg, url: '{fault_server.url('/s/closed_test')}', kind: telegram}}\n"
    )
    env = {"COLUMNS": "250", "NEWSWATCH_CONFIG": ""}
    crawled = CliRunner().invoke(app, ["--config", str(cfg), "crawl"], env=env)
    assert "mfa-tg" in crawled.output and "no public preview" in crawled.output, crawled.output
    status = CliRunner().invoke(app, ["--config", str(cfg), "feeds", "status"], env=env)
    assert status.exit_code == 0, status.output
    # the table fits 80 columns (no borders); errors are sentences below it
    rows = {line.split()[0]: line for line in status.output.splitlines() if "-tg " in line}
    mfa = re.search(r"mfa-tg\s+(\S+ ago)\s+(\d+)\s+(\d+)", rows["mfa-tg"])
    assert mfa is not None and mfa.group(2) == "0" and mfa.group(3) == "2", status.output
    closed = re.search(r"closed-tg\s+-\s+(\d+)\s+(\d+)", rows["closed-tg"])
    assert closed is not None and closed.group(1) == "1" and closed.group(2) == "0", status.output
    errors = status.output.split("last errors:", 1)[1]
    assert "closed-tg" in errors and "no public preview" in errors and "mfa-tg" not in errors


def test_posts_of_a_channel_without_a_language_are_detected(fault_server, sdb, run_crawl):
    text = (
        "Министерство иностранных дел Армении сообщило, что делегации Армении и Азербайджана обсудили "
        "проект мирного договора, делимитацию границы и открытие региональных коммуникаций."
    )
    fault_server.routes["/s/mfa_test"] = _channel_route([Post(3, text, when=_ago(1))])
    settings = _settings(fault_server, pages=1)
    settings.feeds[0].language = None
    assert run_crawl(settings, sdb).feed("mfa-tg").new == 1
    (art,) = _articles(sdb)
    assert art.language == "ru"
