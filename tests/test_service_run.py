"""`newswatch run` end to end: polling, status, reload on SIGHUP, graceful stop, busy database."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from newswatch.siteserver import SiteServer
from tests.plugins.service_fixtures import (
    SERVICE_ARTICLES,
    ServiceProcess,
    SmtpSink,
    rows,
    run_cli,
    scalar,
    service_config,
    wait_for,
)

pytestmark = pytest.mark.slow


def _articles(db_url: str) -> int:
    return int(scalar(db_url, "SELECT count(*) FROM articles") or 0)


def _crawls(db_url: str) -> int:
    return int(scalar(db_url, "SELECT count(*) FROM crawl_runs WHERE status = 'ok'") or 0)


def _log_events(proc: ServiceProcess) -> list[dict[str, object]]:
    out = []
    for line in proc.output().splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_run_polls_reloads_and_stops_gracefully(
    tmp_path: Path,
    db_url: str,
    service_site: SiteServer,
    smtp_sink: SmtpSink,
    service_process: Callable[..., ServiceProcess],
) -> None:
    cfg_path = tmp_path / "newswatch.yaml"
    cfg = service_config(cfg_path, site=service_site, db_url=db_url, smtp_port=smtp_sink.port)
    yaml = YAML()
    data = yaml.load(cfg.read_text())
    third = data["feeds"].pop()  # added later by a reload
    yaml.dump(data, cfg.open("w"))
    proc = service_process(cfg)
    wait_for(lambda: _articles(db_url) == 10, timeout=60, what="the first two feeds' articles")

    status = json.loads(run_cli(cfg, "status", "--json").stdout)
    assert status["running"] and status["pid"] == proc.pid
    assert {"poll", "digest", "heartbeat", "deliveries"} <= set(status["service"]["jobs"])
    assert status["last_crawl"]["status"] in ("ok", "running")
    text = run_cli(cfg, "status").stdout
    assert f"PID {proc.pid}" in text and "next runs" in text

    second = run_cli(cfg, "run")
    assert second.returncode == 3 and f"PID {proc.pid}" in second.stderr

    # an invalid file is rejected by the running service, which keeps going
    good = cfg.read_text()
    cfg.write_text(good.replace("interval: 2s", "interval: whenever", 1))
    proc.signal(signal.SIGHUP)
    wait_for(
        lambda: "new configuration rejected" in proc.output(), timeout=20, what="the rejection"
    )
    crawls = _crawls(db_url)
    wait_for(lambda: _crawls(db_url) > crawls, timeout=20, what="polling to go on")

    # add the third feed; remove the first; the reload command signals the lock holder
    data = yaml.load(good)
    removed = data["feeds"].pop(0)["name"]
    data["feeds"].append(third)
    yaml.dump(data, cfg.open("w"))
    result = run_cli(cfg, "reload")
    assert result.returncode == 0 and f"PID {proc.pid}" in result.stderr
    wait_for(
        lambda: _articles(db_url) == len(SERVICE_ARTICLES),
        timeout=60,
        what="the added feed's articles",
    )
    reloads = [e for e in _log_events(proc) if e.get("event") == "reload" and e.get("added")]
    assert (
        reloads and reloads[-1]["added"] == [third["name"]] and reloads[-1]["removed"] == [removed]
    )
    polled_before = scalar(db_url, "SELECT last_polled_at FROM sources WHERE name = :n", n=removed)
    # two more crawls of the remaining feeds (2 s interval): the removed one would be in them
    crawls = _crawls(db_url)
    wait_for(lambda: _crawls(db_url) >= crawls + 2, timeout=30, what="two more polls")
    assert (
        scalar(db_url, "SELECT last_polled_at FROM sources WHERE name = :n", n=removed)
        == polled_before
    )

    started = time.monotonic()
    assert proc.stop(timeout=60) == 0
    assert time.monotonic() - started < 30
    crawl_lines = [e for e in _log_events(proc) if e.get("event") == "crawl"]
    assert crawl_lines and {"feeds", "fetched", "new", "duplicates", "failed", "seconds"} <= set(
        crawl_lines[0]
    )
    assert scalar(db_url, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == 0
    after = json.loads(run_cli(cfg, "status", "--json").stdout)
    assert after["running"] is False and after["service"]["state"] == "stopped"


def test_sigterm_during_a_crawl_keeps_its_items(
    tmp_path: Path,
    sqlite_url: str,
    service_site: SiteServer,
    service_process: Callable[..., ServiceProcess],
) -> None:
    # one request at a time with a delay: the crawl takes several seconds
    cfg = service_config(
        tmp_path / "newswatch.yaml",
        site=service_site,
        db_url=sqlite_url,
        crawl={"download_delay": 0.3, "concurrent_per_host": 1},
    )
    proc = service_process(cfg)
    wait_for(
        lambda: 0 < _articles(sqlite_url) < 8, timeout=60, interval=0.02, what="a crawl under way"
    )
    assert proc.stop(timeout=60) == 0
    polled = rows(sqlite_url, "SELECT name, last_polled_at FROM sources")
    assert polled and all(p.last_polled_at is not None for p in polled), (
        "the stopped crawl was cut short"
    )
    assert scalar(sqlite_url, "SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1") == "ok"
    assert "stopping the crawl" in proc.output()


def test_briefly_locked_sqlite_database(
    tmp_path: Path,
    sqlite_url: str,
    service_site: SiteServer,
    service_process: Callable[..., ServiceProcess],
) -> None:
    cfg = service_config(tmp_path / "newswatch.yaml", site=service_site, db_url=sqlite_url)
    proc = service_process(cfg)
    wait_for(
        lambda: _articles(sqlite_url) == len(SERVICE_ARTICLES), timeout=60, what="the first crawl"
    )
    before = _crawls(sqlite_url)
    conn = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=30)
    conn.execute("BEGIN EXCLUSIVE")
    time.sleep(4)
    conn.rollback()
    conn.close()
    wait_for(lambda: _crawls(sqlite_url) >= before + 2, timeout=60, what="polling after the lock")
    assert proc.proc is not None and proc.proc.poll() is None
    assert proc.stop() == 0


def test_postgresql_connections_dropped(
    tmp_path: Path,
    pg_url: str,
    service_site: SiteServer,
    service_process: Callable[..., ServiceProcess],
) -> None:
    """All the service's sessions killed (as by a server restart): jobs retry, the lock is re-taken."""
    import sqlalchemy as sa

    db_url = pg_url
    cfg = service_config(tmp_path / "newswatch.yaml", site=service_site, db_url=db_url)
    proc = service_process(cfg)
    wait_for(lambda: _articles(db_url) == len(SERVICE_ARTICLES), timeout=60, what="the first crawl")
    name = sa.make_url(db_url).database
    engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        killed = conn.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": name},
        ).scalar()
    engine.dispose()
    assert killed and killed >= 1
    before = _crawls(db_url)
    wait_for(lambda: _crawls(db_url) >= before + 2, timeout=60, what="polling after the drop")
    status = json.loads(run_cli(cfg, "status", "--json").stdout)
    assert status["running"] and status["pid"] == proc.pid, "the advisory lock was not taken again"
    assert proc.stop() == 0
