"""Articles per second with 1 and 2 crawl workers on one Redis frontier and one PostgreSQL database.

Run from the repository root (PostgreSQL and Redis on 127.0.0.1):

    .venv/bin/python bench/scale_workers.py [--feeds 8] [--per-feed 75] [--workers 1 2]

A generated site is served by Twisted's static file server in its own process; each run gets
a fresh database and Redis prefix; workers start first, then the feeds are enqueued, and the
clock stops when every article is stored. Workers report the time they spent waiting on Redis
and on PostgreSQL statements, printed per article.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis
import sqlalchemy as sa

from newswatch.config import load_config
from newswatch.crawler.distributed import connected_workers, enqueue_feeds
from newswatch.storage.db import Database
from tests.plugins.scale_fixtures import site_config, write_site

PG_ADMIN = os.environ.get("NEWSWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("NEWSWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Twisted's static server in its own process, so it does not share the workers' GIL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    for path in root.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"http://demo.invalid/", base.encode()))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "twisted",
            "web",
            "--path",
            str(root),
            "--listen",
            f"tcp:{port}:interface=127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, base
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the static server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (Linux /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def fresh_database(admin: sa.Engine) -> str:
    name = f"nw_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def run(
    n_workers: int, cfg_dir: Path, base: str, feeds: int, total: int, admin: sa.Engine
) -> dict[str, float]:
    db_url = fresh_database(admin)
    prefix = f"nwbench:{uuid.uuid4().hex[:8]}"
    cfg = site_config(
        cfg_dir / f"bench-{n_workers}.yaml", base, db_url, REDIS, feeds, concurrent_requests=32
    )
    settings = load_config(cfg).settings
    db = Database.open(db_url)
    client = redis.Redis.from_url(REDIS)
    logs = [cfg_dir / f"w{n_workers}-{i}" for i in range(n_workers)]
    procs = []
    for log in logs:
        with log.with_suffix(".out").open("w") as out, log.with_suffix(".err").open("w") as err:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "newswatch",
                        "-c",
                        str(cfg),
                        "worker",
                        "--prefix",
                        prefix,
                        "--max-idle",
                        "600",
                    ],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    stdout=out,
                    stderr=err,
                )
            )
    try:
        deadline = time.monotonic() + 60
        while len(connected_workers(client, prefix)) < n_workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(
                    f"workers did not start: {logs[0].with_suffix('.err').read_text()[-2000:]}"
                )
            time.sleep(0.1)
        cpu0 = sum(cpu_seconds(p.pid) for p in procs)
        machine0 = machine_cpu_seconds()
        started = time.perf_counter()
        enqueue_feeds(settings, db, prefix=prefix, client=client)
        with db.engine.connect() as c:
            while int(c.scalar(sa.text("SELECT count(*) FROM articles")) or 0) < total:
                if time.perf_counter() - started > 600:
                    raise RuntimeError("the crawl did not finish in 10 minutes")
                time.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu0
        machine = machine_cpu_seconds() - machine0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
        for k in client.scan_iter(f"{prefix}:*"):
            client.delete(k)
        client.close()
        db.close()
        with admin.connect() as c:
            c.execute(
                sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(db_url).database}" WITH (FORCE)')
            )
    sums = [
        json.loads(log.with_suffix(".out").read_text().strip().splitlines()[-1]) for log in logs
    ]
    return {
        "workers": n_workers,
        "seconds": elapsed,
        "articles_per_s": total / elapsed,
        "redis_ms_per_article": 1000 * sum(s["redis_seconds"] for s in sums) / total,
        "redis_calls_per_article": sum(s["redis_calls"] for s in sums) / total,
        "db_ms_per_article": 1000 * sum(s["db_seconds"] for s in sums) / total,
        "db_statements_per_article": sum(s["db_statements"] for s in sums) / total,
        "worker_cpu_ms_per_article": 1000 * cpu / total,
        "worker_busy": cpu / elapsed / n_workers,
        # PostgreSQL, Redis, the site server and this script: what the workers make others do
        "other_cpu_ms_per_article": 1000 * (machine - cpu) / total,
        "machine_busy": machine / elapsed / (os.cpu_count() or 1),
        "items_per_worker": [s["items"] for s in sums],  # type: ignore[dict-item]
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=8)
    ap.add_argument("--per-feed", type=int, default=75)
    ap.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2, 1, 2],
        help="worker counts to run, in order (alternate them to even out load)",
    )
    args = ap.parse_args()
    for host, port, what in (("127.0.0.1", 5432, "PostgreSQL"), ("127.0.0.1", 6379, "Redis")):
        try:
            socket.create_connection((host, port), timeout=1).close()
        except OSError:
            print(f"skipped: {what} is not running on {host}:{port}")
            return
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with tempfile.TemporaryDirectory(prefix="nw-scale-") as tmp:
        site = Path(tmp) / "site"
        total = len(write_site(site, args.feeds, args.per_feed))
        server, base = serve(site)
        try:
            print(
                f"site: {args.feeds} feeds, {total} articles at {base}; {os.cpu_count()} CPUs, "
                f"load average before: {os.getloadavg()[0]:.1f}"
            )
            results = [run(n, Path(tmp), base, args.feeds, total, admin) for n in args.workers]
        finally:
            server.terminate()
            server.wait(10)
    admin.dispose()
    print(
        f"{'workers':>7} {'seconds':>8} {'art/s':>7} {'redis ms/art':>12} {'redis calls/art':>15} "
        f"{'pg ms/art':>9} {'pg stmts/art':>12} {'cpu ms/art':>10} {'busy':>5} "
        f"{'other cpu ms/art':>16} {'machine':>7}  items per worker"
    )
    for r in results:
        print(
            f"{r['workers']:>7} {r['seconds']:>8.2f} {r['articles_per_s']:>7.1f} {r['redis_ms_per_article']:>12.2f} "
            f"{r['redis_calls_per_article']:>15.1f} {r['db_ms_per_article']:>9.2f} "
            f"{r['db_statements_per_article']:>12.1f} {r['worker_cpu_ms_per_article']:>10.1f} "
            f"{r['worker_busy']:>5.0%} {r['other_cpu_ms_per_article']:>16.1f} "
            f"{r['machine_busy']:>7.0%}  {r['items_per_worker']}"
        )
    print(
        f"load average after: {os.getloadavg()[0]:.1f} (other processes on the machine skew these figures)"
    )
    by_n: dict[int, list[float]] = {}
    for r in results:
        by_n.setdefault(int(r["workers"]), []).append(float(r["articles_per_s"]))
    if 1 in by_n and len(by_n) > 1:
        one = statistics.median(by_n[1])
        for n, rates in sorted(by_n.items()):
            if n > 1:
                print(
                    f"speed-up with {n} workers (medians): {statistics.median(rates) / one:.2f}x "
                    "(goal 1.7x with 2 on 2 cores)"
                )


if __name__ == "__main__":
    main()
