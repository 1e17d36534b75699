"""`newswatch run`, `reload` and `status` as a user runs them (subprocesses, real database)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newswatch.siteserver import SiteServer
from newswatch.storage import locks
from newswatch.storage.db import Database
from tests.plugins.service_fixtures import run_cli, service_config


def test_second_run_exits_3_naming_the_holder(
    tmp_path: Path, sqlite_url: str, service_site: SiteServer
) -> None:
    cfg = service_config(tmp_path / "newswatch.yaml", site=service_site, db_url=sqlite_url)
    db = Database.open(sqlite_url)
    held = locks.acquire(db)
    try:
        result = run_cli(cfg, "run")
    finally:
        held.release()
        db.close()
    assert result.returncode == 3, result.stderr
    assert f"PID {os.getpid()}" in result.stderr
    assert "hint:" in result.stderr


def test_status_without_a_service(
    tmp_path: Path, sqlite_url: str, service_site: SiteServer
) -> None:
    cfg = service_config(tmp_path / "newswatch.yaml", site=service_site, db_url=sqlite_url)
    text = run_cli(cfg, "status")
    assert text.returncode == 0, text.stderr
    assert "not running" in text.stdout
    assert "last crawl: none" in text.stdout
    data = json.loads(run_cli(cfg, "status", "--json").stdout)
    assert data["running"] is False and data["pid"] is None
    assert data["feeds_due_now"] == 3


def test_reload_needs_a_running_service(
    tmp_path: Path, sqlite_url: str, service_site: SiteServer
) -> None:
    cfg = service_config(tmp_path / "newswatch.yaml", site=service_site, db_url=sqlite_url)
    result = run_cli(cfg, "reload")
    assert result.returncode == 1
    assert "no `newswatch run` holds this database" in result.stderr


def test_reload_reports_an_invalid_file_before_signalling(tmp_path: Path, sqlite_url: str) -> None:
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text(
        f"storage: {{url: '{sqlite_url}'}}\nfeeds:\n  - {{name: a, url: 'ftp://x', interval: soon}}\n"
    )
    result = run_cli(cfg, "reload")
    assert result.returncode == 2
    assert "newswatch.yaml:3" in result.stderr and "interval" in result.stderr


def test_status_speaks_the_configured_timezone_and_counts_right(
    tmp_path: Path, sqlite_url: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from newswatch.cli.service import _n, _print_status

    assert (_n(1, "feed"), _n(2, "feed"), _n(0, "entry", "entries")) == (
        "1 feed",
        "2 feeds",
        "0 entries",
    )
    started = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    data = {
        "running": False,
        "service": {"state": "stopped"},
        "next_feed_poll": started + timedelta(minutes=30),
        "feeds_due_now": 0,
        "pending_deliveries": 0,
        "alerts": {
            "enabled": True,
            "sent": 0,
            "waiting": 1,
            "given_up": 0,
            "next_attempt_at": None,
            "last_error": "tgram://123456:AAbbCCdd/-100 refused",
        },
        "last_crawl": {
            "id": 1,
            "status": "ok",
            "started_at": started,
            "sources": 1,
            "fetched": 1,
            "new": 1,
            "duplicates": 1,
            "failed": 0,
        },
        "last_digest": None,
        "failing_feeds": [],
        "feeds": {"active": 1, "failing": 0, "never_polled": 0, "deactivated": 0},
        "today": {"articles": 1, "relevant": 1, "crawls": 1, "undigested": 0},
    }
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _print_status(data, "Asia/Yerevan")
    text = buf.getvalue()
    assert "2026-11-23 11:00:00 +04" in text and "11:30:00 +04" in text
    assert "AAbbCCdd" not in text and "tgram://****" in text
    assert (
        "1 feed," in text and "1 duplicate," in text and "1 article," in text and "(s)" not in text
    )
