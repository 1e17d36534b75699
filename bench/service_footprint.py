"""Footprint of `newswatch run`: RSS over many scheduled crawls, then RSS and CPU while idle.

Compressed time: N feeds polled every ~0.1 s against a local site; after the first crawl the
site answers 304 to the conditional GETs. After the crawls the service is reloaded (SIGHUP) with
hour-long intervals and sits idle; its CPU time over the idle window is measured.

    /work/venv/bin/python bench/service_footprint.py [--crawls 1000] [--feeds 20] [--idle 10]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newswatch.siteserver import SiteServer

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><article><h1>{title}</h1>
<p>Negotiators from Armenia and Azerbaijan met again on {n} to discuss the text of a peace treaty.</p>
<p>Outlet {feed} reports that the border commissions agreed on a schedule for further work.</p>
<p>Observers expect another round of talks on the delimitation of the border next month.</p>
</article></body></html>
"""


def make_site(root: Path, feeds: int, per_feed: int) -> None:
    for f in range(feeds):
        items = []
        for i in range(per_feed):
            path = f"f{f}/a{i}.html"
            (root / f"f{f}").mkdir(parents=True, exist_ok=True)
            (root / path).write_text(
                PAGE.format(title=f"Talks round {f}-{i}", n=f"day {i}", feed=f), encoding="utf-8"
            )
            items.append(
                f"<item><title>Talks round {f}-{i}</title><link>http://demo.invalid/{path}</link>"
                f"<guid>f{f}-a{i}</guid></item>"
            )
        (root / f"f{f}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>f{f}</title>{"".join(items)}</channel></rss>',
            encoding="utf-8",
        )


def write_config(path: Path, site: SiteServer, db_url: str, feeds: int, interval: str) -> None:
    cfg = {
        "storage": {"url": db_url},
        "feeds": [
            {"name": f"f{f}", "url": site.url(f"f{f}.xml"), "interval": interval}
            for f in range(feeds)
        ],
        "crawl": {
            # max_interval = the interval keeps adaptive polling from stretching quiet feeds
            "min_interval": "0.05s",
            "max_interval": interval,
            "download_delay": 0,
            "autothrottle": False,
            "obey_robots": False,
            "concurrent_per_host": 16,
            "concurrent_requests": 32,
            "retries": 0,
        },
        "digest": {"output_dir": str(path.parent / "digests"), "time": "03:00"},
        "service": {"jitter": 0, "heartbeat": "30s", "log_level": "WARNING"},
    }
    with path.open("w", encoding="utf-8") as fh:
        YAML().dump(cfg, fh)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages split among the processes that map them."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Child processes (the store process of a crawl, while it runs)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def crawls(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(sa.text("SELECT count(*) FROM crawl_runs WHERE status = 'ok'")).scalar()
            or 0
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--crawls", type=int, default=1000)
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--per-feed", type=int, default=3, help="articles per feed (fetched once)")
    ap.add_argument("--interval", default="0.1s")
    ap.add_argument("--idle", type=float, default=10.0, help="seconds of idle measurement")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        make_site(tmp / "site", args.feeds, args.per_feed)
        db_url = f"sqlite:///{tmp / 'bench.db'}"
        from newswatch.storage.db import Database

        Database.open(db_url).close()
        engine = sa.create_engine(db_url)
        with SiteServer(tmp / "site") as site:
            cfg = tmp / "newswatch.yaml"
            write_config(cfg, site, db_url, args.feeds, args.interval)
            env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
            env["PYTHONPATH"] = str(ROOT)
            log = (tmp / "run.log").open("wb")
            proc = subprocess.Popen(
                [sys.executable, "-m", "newswatch", "--config", str(cfg), "run"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
            started = time.monotonic()
            marks = sorted({max(1, args.crawls * k // 10) for k in range(1, 11)})
            samples: list[tuple[int, float]] = []
            try:
                for mark in marks:
                    while (n := crawls(engine)) < mark:
                        if proc.poll() is not None:
                            raise SystemExit(
                                f"service exited: {(tmp / 'run.log').read_text()[-2000:]}"
                            )
                        time.sleep(0.2)
                    samples.append((n, rss_mb(proc.pid)))
                elapsed = time.monotonic() - started
                write_config(cfg, site, db_url, args.feeds, "1h")
                os.kill(proc.pid, signal.SIGHUP)
                time.sleep(2)  # let the reload and any last crawl settle
                cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
                time.sleep(args.idle)
                idle_cpu = cpu_seconds(proc.pid) - cpu0
                idle_wall = time.monotonic() - t0
                idle_rss = rss_mb(proc.pid)
                idle_children = children(proc.pid)
                tree_pss = sum(pss_mb(p) for p in [proc.pid, *idle_children])
                helpers = [
                    f"{Path(f'/proc/{c}/cmdline').read_text().strip(chr(0)).split(chr(0))[-1][:60]!r} "
                    f"{rss_mb(c):.0f} MB RSS"
                    for c in idle_children
                ]
            finally:
                proc.send_signal(signal.SIGTERM)
                code = proc.wait(60)
                log.close()
        with engine.connect() as conn:
            polls = conn.execute(
                sa.text("SELECT outcome, count(*) FROM polls GROUP BY outcome")
            ).all()
        engine.dispose()

    print(
        f"feeds: {args.feeds}, interval {args.interval}, crawls: {samples[-1][0]} in {elapsed:.1f} s "
        f"({samples[-1][0] / elapsed:.1f} crawls/s)"
    )
    print("polls by outcome: " + ", ".join(f"{o}={c}" for o, c in polls))
    print("RSS (MB) by crawls done: " + ", ".join(f"{n}:{mb:.0f}" for n, mb in samples))
    first, last = samples[0][1], samples[-1][1]
    mid = samples[len(samples) // 2][1]
    print(
        f"RSS growth from {samples[len(samples) // 2][0]} to {samples[-1][0]} crawls: {last - mid:+.1f} MB "
        f"(from the first mark: {last - first:+.1f} MB)"
    )
    print(f"idle RSS: {idle_rss:.0f} MB (goal <= 150)")
    print(
        f"child processes while idle: {len(idle_children)} {helpers} (a crawl's store process "
        f"ends with its crawl); PSS of the service and its children: {tree_pss:.0f} MB"
    )
    print(
        f"idle CPU: {idle_cpu:.3f} s over {idle_wall:.1f} s = {100 * idle_cpu / idle_wall:.2f} % of one core"
    )
    print(f"exit code after SIGTERM: {code}")


if __name__ == "__main__":
    main()
