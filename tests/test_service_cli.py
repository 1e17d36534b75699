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
