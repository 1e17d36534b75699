"""`newswatch feeds …`: discovery, round-trip edits of the config file, check, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from ruamel.yaml import YAML
from typer.testing import CliRunner

from newswatch.cli.app import app, main
from newswatch.cli.feeds import suggest_name
from newswatch.config import FeedConfig, load_config
from newswatch.health import flag
from newswatch.storage.db import Database
from newswatch.storage.models import Article, Poll, Source
from tests.plugins.crawl_fixtures import FAST_CRAWL, site_feeds

ENV = {"COLUMNS": "200", "NEWSWATCH_CONFIG": ""}

USER_FILE = """\
# my newswatch settings
storage:
  url: {db}   # local file

crawl: {crawl}

feeds:
  # the outlet I read first
  - name: herald-rss
    url: {rss}
  - {{name: herald-json, url: "{json}", kind: json}}
"""


def _write(tmp_path, site, db):
    path = tmp_path / "newswatch.yaml"
    crawl = (
        "{" + ", ".join(f"{k}: {v}" for k, v in FAST_CRAWL.items()).replace("False", "false") + "}"
    )
    path.write_text(
        USER_FILE.format(db=db, crawl=crawl, rss=site.url("rss.xml"), json=site.url("feed.json"))
    )
    return path


def _run(*args, input=None):
    return CliRunner().invoke(app, list(args), env=ENV, input=input)


def test_add_feed_url_keeps_comments_and_order(tmp_path, test_site, sqlite_url):
    path = _write(tmp_path, test_site, sqlite_url)
    result = _run(
        "--config", str(path), "feeds", "add", test_site.url("atom.xml"), "--name", "herald-atom"
    )
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.startswith("# my newswatch settings")
    assert "# local file" in text and "# the outlet I read first" in text
    assert f'url: "{test_site.url("feed.json")}"' in text  # quotes kept
    names = [f.name for f in load_config(path).settings.feeds]
    assert names == ["herald-rss", "herald-json", "herald-atom"]
    assert load_config(path).settings.feed("herald-atom").kind == "atom"


def test_add_homepage_discovers_and_asks(tmp_path, test_site, sqlite_url):
    path = _write(tmp_path, test_site, sqlite_url)
    result = _run("--config", str(path), "feeds", "add", test_site.url(""), input="2\n")
    assert result.exit_code == 0, result.output
    assert "link-alternate" in result.output and "common-path" in result.output
    added = load_config(path).settings.feeds[-1]
    assert added.name == "127-0-0-1" and added.url in (
        test_site.url("atom.xml"),
        test_site.url("feed.json"),
    )


def test_add_yes_creates_file_with_defaults_kept(tmp_path, test_site, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSWATCH_CRAWL_DOWNLOAD_DELAY", "0")
    monkeypatch.setenv("NEWSWATCH_CRAWL_AUTOTHROTTLE", "false")
    result = CliRunner().invoke(
        app, ["feeds", "add", test_site.url(""), "--yes"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    settings = load_config(tmp_path / "newswatch.yaml").settings
    names = [f.name for f in settings.feeds]
    assert "armenpress" in names  # the seed feeds stay in effect
    assert settings.feeds[-1].url == test_site.url("rss.xml")  # the announced feed comes first


def test_add_nothing_found_is_an_error(tmp_path, fault_server, test_site, sqlite_url, capsys):
    path = _write(tmp_path, test_site, sqlite_url)
    before = path.read_text()
    assert (
        main(
            ["--config", str(path), "feeds", "add", fault_server.url("/html-instead.xml"), "--yes"]
        )
        == 1
    )
    assert "no feed found" in capsys.readouterr().err
    assert path.read_text() == before


def test_list_and_remove(tmp_path, test_site, sqlite_url):
    path = _write(tmp_path, test_site, sqlite_url)
    listed = _run("--config", str(path), "feeds", "list")
    assert "herald-rss" in listed.output and "herald-json" in listed.output
    assert _run("--config", str(path), "feeds", "remove", "herald-rss").exit_code == 0
    assert "# my newswatch settings" in path.read_text()
    assert [f.name for f in load_config(path).settings.feeds] == ["herald-json"]
    missing = _run("--config", str(path), "feeds", "remove", "nope")
    assert missing.exit_code != 0


def test_check_reports_and_stores_nothing(tmp_path, test_site, sqlite_url):
    path = _write(tmp_path, test_site, sqlite_url)
    result = _run("--config", str(path), "feeds", "check", "herald-rss")
    assert result.exit_code == 0, result.output
    assert "Belgian chamber backs resolution" in result.output
    db = Database.open(sqlite_url)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Poll)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Source)) == 0
    db.close()


def test_check_failure_exits_non_zero(tmp_path, fault_server, sqlite_url, capsys):
    path = tmp_path / "c.yaml"
    YAML().dump(
        {
            "storage": {"url": sqlite_url},
            "crawl": dict(FAST_CRAWL),
            "feeds": [{"name": "gone", "url": fault_server.url("/gone.xml")}],
        },
        path,
    )
    assert main(["--config", str(path), "feeds", "check"]) == 4
    assert "1 feed failed the check: gone" in capsys.readouterr().err


def test_status_shows_errors_and_counts(tmp_path, test_site, fault_server, sqlite_url):
    path = tmp_path / "s.yaml"
    feeds = [
        *site_feeds(test_site)[:1],
        {"name": "broken", "url": fault_server.url("/error500.xml")},
    ]
    YAML().dump(
        {"storage": {"url": sqlite_url}, "crawl": {**FAST_CRAWL, "retries": 0}, "feeds": feeds},
        path,
    )
    assert (
        type(_run("--config", str(path), "crawl").exception).__name__ == "FeedsFailedError"
    )  # one failed
    result = _run("--config", str(path), "feeds", "status")
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("broken:"))
    assert "HTTP 500" in line
    rss_line = next(ln for ln in result.output.splitlines() if "herald-rss" in ln)
    assert " 3 " in rss_line  # items in the last 7 days


def test_health_flags():
    now = datetime(2026, 11, 23, tzinfo=UTC)
    feed = FeedConfig(name="f", url="http://x.test/", interval="1h")
    base = {
        "active": True,
        "consecutive_failures": 0,
        "last_success_at": now - timedelta(hours=1),
        "last_new_item_at": now - timedelta(hours=5),
        "created_at": now - timedelta(days=60),
    }
    assert flag(base, feed, now) is None
    assert (
        flag(
            {**base, "consecutive_failures": 3, "last_success_at": now - timedelta(hours=30)},
            feed,
            now,
        )
        == "failing for 30 h"
    )
    assert (
        flag({**base, "consecutive_failures": 3, "last_success_at": None}, feed, now)
        == "failing, never succeeded"
    )
    assert flag({**base, "last_new_item_at": now - timedelta(days=3)}, feed, now).startswith(
        "silent for 3 d"
    )
    assert flag({**base, "active": False}, feed, now) == "deactivated"


def test_suggest_name():
    assert suggest_name("https://www.example.co.uk/feed", set()) == "example-co-uk"
    assert suggest_name("https://news.am/rss", {"news-am"}) == "news-am-2"


def test_check_verify_marks_passing_feeds(tmp_path, test_site, fault_server, sqlite_url):
    path = tmp_path / "v.yaml"
    path.write_text(
        "# keep this comment\n"
        f"storage: {{url: '{sqlite_url}'}}\n"
        "feeds:\n"
        f"  - {{name: good, url: '{test_site.url('rss.xml')}', verified: false}}\n"
        f"  - {{name: bad, url: '{fault_server.url('/gone.xml')}', verified: false}}\n"
    )
    result = _run("--config", str(path), "feeds", "check", "--verify")
    assert result.exit_code != 0  # one feed failed the check
    feeds = {f.name: f.verified for f in load_config(path).settings.feeds}
    assert feeds == {"good": True, "bad": False}
    assert path.read_text().startswith("# keep this comment")


def test_credentials_in_a_feed_url_are_basic_auth_and_never_shown(
    tmp_path, fault_server, sqlite_url
):
    import base64

    from tests.plugins.crawl_fixtures import Reply, article_html, rss

    def private(s, h):
        if (
            h.headers.get("authorization")
            != "Basic " + base64.b64encode(b"reader:p@ss/word").decode()
        ):
            return Reply(
                401, b"who are you?", {"Content-Type": "text/plain", "WWW-Authenticate": "Basic"}
            )
        return Reply(
            200,
            rss([("Members only", s.url("/members/1"))]),
            {"Content-Type": "application/rss+xml"},
        )

    fault_server.routes["/members.xml"] = private
    fault_server.routes["/members/1"] = lambda s, h: (
        private(s, h)
        if private(s, h).status == 401
        else Reply(200, article_html("members-1"), {"Content-Type": "text/html"})
    )
    host = fault_server.base_url.removeprefix("http://")
    path = tmp_path / "a.yaml"
    YAML().dump(
        {
            "storage": {"url": sqlite_url},
            "crawl": dict(FAST_CRAWL),
            "feeds": [
                {"name": "members", "url": f"http://reader:p%40ss%2Fword@{host}/members.xml"},
                {"name": "denied", "url": f"http://reader:wrong@{host}/members.xml?token=tok123"},
            ],
        },
        path,
    )
    crawled = _run("--config", str(path), "crawl")
    assert "members" in crawled.output
    outputs = [crawled.output]
    for command in (["feeds", "list"], ["feeds", "status"]):
        result = _run("--config", str(path), *command)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    status = outputs[-1]
    assert "HTTP 401" in next(ln for ln in status.splitlines() if ln.startswith("denied:"))
    assert "reader:****@" in outputs[1] and "token=****" in outputs[1]
    for text in outputs:
        assert "p%40ss" not in text and "wrong" not in text and "tok123" not in text
    db = Database.open(sqlite_url)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Article)) == 1
    db.close()


def test_first_add_into_a_hand_written_file_adds_only_that_feed(
    tmp_path, test_site, sqlite_url, monkeypatch
):
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"# mine\nstorage:\n  url: {sqlite_url}\ncrawl: {{download_delay: 0, autothrottle: false}}\n"
    )
    result = _run(
        "--config", str(path), "feeds", "add", test_site.url("rss.xml"), "--name", "herald"
    )
    assert result.exit_code == 0, result.output
    doc = YAML(typ="safe").load(path.read_text())
    assert doc["default_feeds"] is True and [f["name"] for f in doc["feeds"]] == ["herald"]
    assert path.read_text().startswith("# mine")
    names = [f.name for f in load_config(path).settings.feeds]
    assert "armenpress" in names and names[-1] == "herald"  # the defaults stay in effect
    # a default feed is removed by a disabled entry of its name, still without copying the others
    assert _run("--config", str(path), "feeds", "remove", "armenpress").exit_code == 0
    doc = YAML(typ="safe").load(path.read_text())
    assert [(f["name"], f.get("enabled", True)) for f in doc["feeds"]] == [
        ("herald", True),
        ("armenpress", False),
    ]
    assert not load_config(path).settings.feed("armenpress").enabled


def test_file_errors_name_the_files_line_beside_the_defaults(tmp_path):
    import pytest

    from newswatch.errors import ConfigError

    path = tmp_path / "newswatch.yaml"
    path.write_text("default_feeds: true\nfeeds:\n  - name: mine\n    url: http://a..b/feed\n")
    with pytest.raises(ConfigError, match=r"newswatch.yaml:4: feeds\[0\].url"):
        load_config(path)


def test_output_fits_80_columns(tmp_path, test_site, fault_server, sqlite_url):
    path = tmp_path / "w.yaml"
    feeds = [
        *site_feeds(test_site)[:1],
        {
            "name": "a-rather-long-feed-name-for-a-wire",
            "url": fault_server.url("/error500.xml") + "?x=" + "y" * 60,
            "interval": "30m",
        },
        {"name": "quiet", "url": fault_server.url("/conditional.xml"), "interval": "2h"},
    ]
    YAML().dump(
        {"storage": {"url": sqlite_url}, "crawl": {**FAST_CRAWL, "retries": 0}, "feeds": feeds},
        path,
    )
    env = {**ENV, "COLUMNS": "80"}
    outputs = {}
    for command in (
        ["crawl"],
        ["crawl"],
        ["feeds", "list"],
        ["feeds", "status"],
        ["feeds", "check"],
    ):
        outputs[" ".join(command)] = (
            CliRunner().invoke(app, ["--config", str(path), *command], env=env).output
        )
    for command, text in outputs.items():
        for line in text.splitlines():
            assert len(line) <= 80, (command, line)
        assert "…" not in text, (command, text)
    assert "unchanged" in outputs["crawl"]  # the second crawl: 304
    assert " 30m " in outputs["feeds list"] and " 2h " in outputs["feeds list"]
