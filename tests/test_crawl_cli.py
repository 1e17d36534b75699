"""`newswatch crawl` end to end: real local site, real database, exit codes."""

from __future__ import annotations

import sqlalchemy as sa
from typer.testing import CliRunner

from newswatch.cli.app import app, main
from newswatch.errors import ConfigError, FeedsFailedError
from newswatch.storage.db import Database
from newswatch.storage.models import Article
from tests.plugins.crawl_fixtures import FAST_CRAWL, site_feeds


def _config(tmp_path, feeds, db_url) -> str:
    from ruamel.yaml import YAML

    path = tmp_path / "newswatch.yaml"
    YAML().dump({"storage": {"url": db_url}, "feeds": feeds, "crawl": dict(FAST_CRAWL)}, path)
    return str(path)


def test_crawl_reports_per_feed_and_stores(tmp_path, test_site, sqlite_url):
    cfg = _config(tmp_path, site_feeds(test_site), sqlite_url)
    result = CliRunner().invoke(app, ["--config", cfg, "crawl"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("herald-rss", "herald-atom", "herald-json", "herald-latest", "herald-sitemap"):
        assert name in result.output
    assert "5/5 ok" in result.output
    total = next(ln for ln in result.output.splitlines() if ln.strip().startswith("total")).split()
    head = next(ln for ln in result.output.splitlines() if ln.strip().startswith("feed")).split()
    figures = dict(zip(head[2:], map(int, total[3:]), strict=True))
    db = Database.open(sqlite_url)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Article)) == 8 == figures["new"]
        relevant = s.scalar(
            sa.select(sa.func.count()).select_from(Article).where(Article.relevant.is_(True))
        )
    db.close()
    assert 0 < figures["relevant"] == relevant  # the summary agrees with what is stored


def test_crawl_with_a_failed_feed_says_so_and_exits_4(
    tmp_path, test_site, fault_server, sqlite_url, capsys
):
    feeds = [
        *site_feeds(test_site)[:1],
        {"name": "broken", "url": fault_server.url("/error500.xml")},
    ]
    cfg = _config(tmp_path, feeds, sqlite_url)
    assert main(["--config", cfg, "crawl", "--feed", "broken"]) == FeedsFailedError.exit_code == 4
    out, err = capsys.readouterr()
    assert "broken" in out and "HTTP 500" in out and "herald-rss" not in out
    assert "1 of 1 feed failed: broken" in err and "feeds status" in err
    assert main(["--config", cfg, "crawl"]) == 4  # the good feed is stored all the same
    assert "1 of 2 feeds failed: broken" in capsys.readouterr().err
    db = Database.open(sqlite_url)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Article)) == 3
    db.close()


def test_crawl_without_feeds_says_how_to_add_one(tmp_path, sqlite_url, capsys):
    cfg = _config(tmp_path, [], sqlite_url)
    assert main(["--config", cfg, "crawl"]) == 1
    err = capsys.readouterr().err
    assert "no feeds to crawl" in err and "newswatch feeds add URL" in err


def test_library_logs_stay_off_stderr_unless_verbose(tmp_path, test_site, sqlite_url, capsys):
    cfg = _config(tmp_path, site_feeds(test_site)[:1], sqlite_url)
    # discovery's crawl switches the store stage off on purpose; Scrapy warned about it on stderr
    assert main(["--config", cfg, "feeds", "add", test_site.url("atom.xml"), "--yes"]) == 0
    assert main(["--config", cfg, "feeds", "check"]) == 0
    err = capsys.readouterr().err
    assert "scrapy" not in err.lower() and "Disabled" not in err
    assert main(["--verbose", "--config", cfg, "feeds", "check"]) == 0
    assert "scrapy.core.engine" in capsys.readouterr().err


def test_crawl_unknown_feed_is_a_usage_error(tmp_path, test_site, sqlite_url, capsys):
    cfg = _config(tmp_path, site_feeds(test_site), sqlite_url)
    result = CliRunner().invoke(app, ["--config", cfg, "crawl", "--feed", "nope"])
    assert isinstance(result.exception, ConfigError)
    assert main(["--config", cfg, "crawl", "--feed", "nope"]) == ConfigError.exit_code
    assert "no feed named 'nope'" in capsys.readouterr().err


def test_crawl_unusable_database_is_a_storage_error(tmp_path, test_site, capsys):
    cfg = _config(tmp_path, site_feeds(test_site), f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert main(["--config", cfg, "crawl"]) == 1
    assert "database" in capsys.readouterr().err
