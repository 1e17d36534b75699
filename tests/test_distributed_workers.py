"""Two worker processes on one Redis frontier and one PostgreSQL database store every article once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from newswatch.config import load_config
from newswatch.crawler.distributed import connected_workers, enqueue_feeds, frontier_size, keys
from newswatch.siteserver import SiteServer
from newswatch.storage.db import Database
from tests.plugins.scale_fixtures import site_config, write_site

ROOT = Path(__file__).resolve().parents[1]
FEEDS, PER_FEED = 4, 80
pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[SiteServer, list[str]]]:
    paths = write_site(tmp_path / "site", FEEDS, PER_FEED)
    with SiteServer(tmp_path / "site") as server:
        yield server, paths


def _worker(cfg: Path, prefix: str, lease: int, log: Path) -> subprocess.Popen[str]:
    # files, not pipes: nobody reads a pipe while the worker runs, and a full one would stall it
    with log.with_suffix(".out").open("w") as out, log.with_suffix(".err").open("w") as err:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newswatch",
                "-c",
                str(cfg),
                "worker",
                "--prefix",
                prefix,
                "--lease",
                str(lease),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=err,
            text=True,
        )


def _wait(check: object, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _stored(db: Database) -> list[str]:
    with db.engine.connect() as c:
        return list(c.scalars(sa.text("SELECT url FROM articles")))


def _stop(proc: subprocess.Popen[str], log: Path) -> dict[str, object]:
    """SIGTERM (graceful), then the worker's summary line."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    lines = [ln for ln in log.with_suffix(".out").read_text().splitlines() if ln.startswith("{")]
    assert lines, f"no summary from the worker (exit {proc.returncode}):\n{_tail(log)}"
    return json.loads(lines[-1])


def _tail(log: Path) -> str:
    return log.with_suffix(".err").read_text(errors="replace")[-3000:]


def _run(
    site: tuple[SiteServer, list[str]],
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    prefix: str,
    *,
    kill_after: int | None,
) -> None:
    server, paths = site
    cfg = site_config(tmp_path / "newswatch.yaml", server.base_url, pg_url, redis_url, FEEDS)
    settings = load_config(cfg).settings
    db = Database.open(pg_url)
    client = redis.Redis.from_url(redis_url)
    logs = [tmp_path / f"worker{i}" for i in range(2)]
    workers = [_worker(cfg, prefix, 3, log) for log in logs]
    try:
        _wait(
            lambda: (
                len({n.rsplit(":", 1)[1] for n in connected_workers(client, prefix)}) == 2
                or any(w.poll() is not None for w in workers)
            ),
            60,
            "two workers on the frontier",
        )
        assert all(w.poll() is None for w in workers), [_tail(log) for log in logs]

        # records another program left on the frontier are skipped, not fatal
        junk = json.dumps({"url": server.url("feed-0.xml")})
        client.sadd(keys(prefix)["start_urls"], b"not json", junk)
        # what the scheduler role does
        assert enqueue_feeds(settings, db, prefix=prefix, client=client) == FEEDS
        if kill_after is not None:
            _wait(lambda: len(_stored(db)) >= kill_after, 60, f"{kill_after} stored articles")
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(10)
            assert len(_stored(db)) < len(paths), (
                "the crawl ended before the kill: nothing was tested"
            )

            def finished() -> bool:
                # the scheduler keeps enqueuing due feeds; polls re-read feeds until all is stored
                enqueue_feeds(settings, db, prefix=prefix, client=client)
                return len(_stored(db)) >= len(paths)

            _wait(finished, 120, "the surviving worker to finish", every=1.0)
        else:
            _wait(lambda: len(_stored(db)) >= len(paths), 120, "every article")
        # the frontier drained: nothing left in flight that could still store a second copy
        _wait(
            lambda: (
                frontier_size(client, prefix)["requests"] == 0
                and frontier_size(client, prefix)["feeds"] == 0
            ),
            60,
            "an empty frontier",
        )

        stored = _stored(db)
        expected = {server.url(p) for p in paths}
        assert len(stored) == len(expected)
        assert set(stored) == expected
        with db.engine.connect() as c:
            polled = set(
                c.scalars(
                    sa.text("SELECT s.name FROM polls p JOIN sources s ON s.id = p.source_id")
                )
            )
        assert polled == {f"outlet-{f}" for f in range(FEEDS)}
        first = 1 if kill_after is not None else 0
        summaries = [_stop(w, log) for w, log in zip(workers[first:], logs[first:], strict=True)]
        if kill_after is None:
            assert sum(int(s["items"]) for s in summaries) >= len(paths)  # type: ignore[call-overload]
            assert all(int(s["items"]) > 0 for s in summaries), summaries  # type: ignore[call-overload]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait(timeout=30)
        client.close()
        db.close()


def test_two_workers_store_every_article_once(
    site: tuple[SiteServer, list[str]],
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    redis_prefix: str,
) -> None:
    _run(site, tmp_path, pg_url, redis_url, redis_prefix, kill_after=None)


def test_killing_a_worker_midway_loses_and_doubles_nothing(
    site: tuple[SiteServer, list[str]],
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    redis_prefix: str,
) -> None:
    _run(site, tmp_path, pg_url, redis_url, redis_prefix, kill_after=40)
