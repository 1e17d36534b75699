"""Crawl throughput: articles/s end to end (fetch → extract → judge → dedup → store).

Generates a local site (N article pages from templates, several RSS feeds), serves it from
memory in a separate process, crawls it with the bench profile (robots.txt on, 16 requests
per host, no delay, no AutoThrottle) and prints, from the same run:
  - articles/s end to end, next to the extraction-only rate on the same pages;
  - requests and bytes of a second poll when nothing changed.
Also measures the serving rate of the asyncio server and of a threaded http.server, to show
which one could be the bottleneck.

In the same run it crawls the same site, from the same feeds and with the same profile, with
news-please's RssCrawler (bench/tools/newsplease_crawl.py: extraction + JSON files) and prints
newswatch's rate over news-please's against the ≥ 2× target. news-please's pins clash with ours,
so it lives in its own venv (bench/.venv-newsplease, made and filled with pip on first use, or
--newsplease-python); if it cannot be installed the bench says so and reports newswatch alone.

    .venv/bin/python bench/crawl_throughput.py [--articles 2000] [--feeds 4] [--store-process auto off on]
        [--newsplease-python PATH | --no-newsplease]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import json
import multiprocessing as mp
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 110.0  # articles/s end to end on a 2-core machine
RATIO_TARGET = 2.0  # newswatch's articles/s over news-please's, same site and profile, same run
BENCH_DIR = Path(__file__).resolve().parent
NEWSPLEASE_VENV = BENCH_DIR / ".venv-newsplease"

WORDS = (  # noqa: SIM905
    "Armenia Azerbaijan Yerevan Baku Karabakh border delimitation commission peace treaty talks "
    "ministers negotiators detainees trial court prisoners release parliament resolution vote "
    "refugees displaced families housing support demining landmines Aghdam Fuzuli heritage church "
    "monastery UNESCO mission ceasefire troops incident Syunik observers European Union mediators "
    "Washington Brussels Moscow statement agreement constitution recognition territorial integrity"
).split()
FILLER = (  # noqa: SIM905
    "the of and to in a on for with that by from as at which was were has have been will said "
    "officials government report week year new also after before during between while"
).split()


def _paragraph(rng: random.Random) -> str:
    n = rng.randint(40, 70)
    words = [rng.choice(WORDS) if rng.random() < 0.35 else rng.choice(FILLER) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Bench Gazette</title>
<meta name="description" content="{title}">
<meta property="article:published_time" content="2026-11-{day:02d}T{hour:02d}:00:00+00:00">
<link rel="canonical" href="{base}/news/{i}.html">
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><div class="logo">Bench Gazette</div><nav><ul>
<li><a href="/">Home</a></li><li><a href="/politics/">Politics</a></li><li><a href="/region/">Region</a></li>
<li><a href="/world/">World</a></li><li><a href="/opinion/">Opinion</a></li></ul></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Staff Writer {author}</p>
{paras}
</article><aside><h3>Most read</h3><ul>{most_read}</ul></aside></main>
<footer><p>© Bench Gazette. All rights reserved.</p><p><a href="/about">About</a> · <a href="/contact">Contact</a></p></footer>
</body></html>"""


def build_site(n_articles: int, n_feeds: int, base: str) -> dict[str, bytes]:
    """Path → body of every page and feed of the generated site."""
    rng = random.Random(42)
    pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nDisallow: /private/\n"}
    items: list[list[str]] = [[] for _ in range(n_feeds)]
    for i in range(n_articles):
        title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize() + f" ({i})"
        paras = "\n".join(f"<p>{_paragraph(rng)}</p>" for _ in range(rng.randint(6, 10)))
        most = "".join(
            f"<li><a href='/news/{rng.randrange(n_articles)}.html'>Story {k}</a></li>"
            for k in range(5)
        )
        html = PAGE.format(
            title=title,
            i=i,
            base=base,
            paras=paras,
            most_read=most,
            author=i % 17,
            day=1 + i % 22,
            hour=i % 24,
        )
        pages[f"/news/{i}.html"] = html.encode()
        items[i % n_feeds].append(
            f"<item><title>{title}</title><link>{base}/news/{i}.html</link>"
            f"<guid isPermaLink='false'>bench-{i}</guid>"
            f"<pubDate>Mon, {1 + i % 22:02d} Nov 2026 {i % 24:02d}:00:00 GMT</pubDate></item>"
        )
    for f, entries in enumerate(items):
        pages[f"/feed-{f}.xml"] = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Bench Gazette {f}</title><link>{base}/</link><description>bench</description>"
            + "".join(entries)
            + "</channel></rss>"
        ).encode()
    return pages


# --- servers ---------------------------------------------------------------------------------


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


async def _handle(
    pages: dict[str, bytes], stats: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """HTTP/1.1 with keep-alive, GET only, ETag/If-None-Match; counts requests and body bytes."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {
                k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
            }
            body = pages.get(path)
            if body is None:
                status, body, extra = "404 Not Found", b"not found", ""
            else:
                tag = _etag(body)
                if headers.get("if-none-match") == tag:
                    status, body, extra = "304 Not Modified", b"", f"ETag: {tag}\r\n"
                else:
                    ctype = (
                        "application/rss+xml"
                        if path.endswith(".xml")
                        else "text/html; charset=utf-8"
                    )
                    status, extra = "200 OK", f"ETag: {tag}\r\nContent-Type: {ctype}\r\n"
            with stats.get_lock():
                stats[0] += 1
                stats[1] += len(body)
            writer.write(
                f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError, IndexError):
        pass
    finally:
        writer.close()


def _async_server_main(n_articles: int, n_feeds: int, port_q: Any, stats: Any) -> None:
    async def main() -> None:
        pages: dict[str, bytes] = {}
        server = await asyncio.start_server(
            functools.partial(_handle, pages, stats), "127.0.0.1", 0, backlog=512
        )
        port = server.sockets[0].getsockname()[1]
        # pages name their own base URL, so the port is known before the site is built
        pages.update(build_site(n_articles, n_feeds, f"http://127.0.0.1:{port}"))
        port_q.put(port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class AsyncSiteProcess:
    """The generated site served from memory by an asyncio server in its own process."""

    def __init__(self, n_articles: int, n_feeds: int) -> None:
        ctx = mp.get_context("spawn")
        self.stats = ctx.Array("q", 2)
        q: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        self.proc = ctx.Process(
            target=_async_server_main, args=(n_articles, n_feeds, q, self.stats), daemon=True
        )
        self.proc.start()
        self.port = q.get(timeout=60)
        self.base = f"http://127.0.0.1:{self.port}"

    def counters(self) -> tuple[int, int]:
        return int(self.stats[0]), int(self.stats[1])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(5)


def _threaded_server(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def serving_rate(base: str, paths: list[str], workers: int = 16) -> float:
    """Pages/s a pool of blocking clients gets from a server (an upper bound for the crawl)."""

    def get(path: str) -> int:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return len(r.read())

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, paths))
    return len(paths) / (time.perf_counter() - t0)


# --- the benchmark ---------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process's threads and its finished children (the store process).

    On a shared machine the wall clock moves with everyone's load; CPU time per article moves
    less and says how much work each tool does for one article.
    """
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _poll_twice(
    site: AsyncSiteProcess, args: argparse.Namespace, mode: str, db_url: str
) -> dict[str, float]:
    from newswatch.config import Settings
    from newswatch.crawler.runner import crawl_sync
    from newswatch.crawler.settings import BENCH_PROFILE
    from newswatch.storage.db import Database

    db = Database.open(db_url)
    per_feed = -(-args.articles // args.feeds)
    settings = Settings.model_validate(
        {
            "feeds": [
                {"name": f"bench-{f}", "url": f"{site.base}/feed-{f}.xml"}
                for f in range(args.feeds)
            ],
            "crawl": {
                "obey_robots": True,
                "max_entries_per_feed": max(per_feed, 1),
                "timeout": 30,
                "store_process": mode,
            },
        }
    )
    # the clock includes starting the store process (auto and on start it with the crawl)
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    report = crawl_sync(settings, db, extra_settings=BENCH_PROFILE)
    elapsed = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    reqs0, bytes0 = site.counters()
    again = crawl_sync(settings, db, extra_settings=BENCH_PROFILE)
    reqs1, bytes1 = site.counters()
    db.close()
    t = report.totals
    return {
        "new": t["new"],
        "failed": t["failed"],
        "seconds": elapsed,
        "rate": t["new"] / elapsed,
        "cpu": cpu,
        "again_requests": reqs1 - reqs0,
        "again_bytes": bytes1 - bytes0,
        "again_fetched": again.totals["fetched"],
    }


# --- news-please, side by side ----------------------------------------------------------------


def newsplease_python(path: str | None) -> str | None:
    """The interpreter of a venv holding news-please; makes bench/.venv-newsplease on first use."""
    if path is None:
        py = NEWSPLEASE_VENV / "bin" / "python"
        if not py.exists():
            print(
                f"news-please: creating {NEWSPLEASE_VENV} and installing news-please with pip (first use)"
            )
            made = subprocess.run(
                [sys.executable, "-m", "venv", str(NEWSPLEASE_VENV)],
                check=False,
                capture_output=True,
                text=True,
            )
            if made.returncode != 0:
                print(
                    f"news-please: SKIPPED, could not create the venv: {made.stderr.strip()[-300:]}"
                )
                return None
        path = str(py)
    if not Path(path).exists():
        print(f"news-please: SKIPPED, no interpreter at {path}")
        return None
    probe = subprocess.run(
        [path, "-c", "import newsplease"], check=False, capture_output=True, text=True
    )
    if probe.returncode != 0:
        pip = subprocess.run(
            [path, "-m", "pip", "install", "--quiet", "news-please"],
            check=False,
            capture_output=True,
            text=True,
        )
        if pip.returncode != 0:
            print(
                f"news-please: SKIPPED, pip install news-please failed: {pip.stderr.strip()[-300:]}"
            )
            return None
    return path


def run_newsplease(
    python: str, site: AsyncSiteProcess, args: argparse.Namespace
) -> dict[str, Any] | None:
    """news-please's crawl of the same feeds; its own clock starts after imports, like ours."""
    with tempfile.TemporaryDirectory() as work:
        t0 = time.perf_counter()
        try:
            done = subprocess.run(
                [
                    python,
                    str(BENCH_DIR / "tools" / "newsplease_crawl.py"),
                    "--base",
                    site.base,
                    "--feeds",
                    str(args.feeds),
                    "--workdir",
                    work,
                ],
                check=False,
                capture_output=True,
                text=True,
                timeout=3600,
            )
        except subprocess.TimeoutExpired:
            print("news-please: SKIPPED, its crawl did not finish within an hour")
            return None
        wall = time.perf_counter() - t0
    if done.returncode != 0 or not done.stdout.strip():
        print(
            f"news-please: SKIPPED, its crawl failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"
        )
        return None
    r: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    r["process_seconds"] = wall
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--feeds", type=int, default=4)
    ap.add_argument(
        "--store-process",
        nargs="+",
        default=["auto", "off"],
        choices=["auto", "on", "off"],
        help="crawl.store_process values to measure (auto is the default)",
    )
    ap.add_argument(
        "--newsplease-python",
        default=None,
        help=f"python of a venv with news-please (default: {NEWSPLEASE_VENV}, made on first use)",
    )
    ap.add_argument("--no-newsplease", action="store_true", help="measure newswatch alone")
    args = ap.parse_args()
    np_python = None if args.no_newsplease else newsplease_python(args.newsplease_python)

    from newswatch.crawler.extraction import extract

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    site = AsyncSiteProcess(args.articles, args.feeds)
    print(f"site: {args.articles} articles, {args.feeds} feeds, served from memory at {site.base}")
    tmp = tempfile.TemporaryDirectory()
    results = {}
    for w in args.store_process:
        r = _poll_twice(site, args, w, f"sqlite:///{tmp.name}/bench-{w}.db")
        results[w] = r
        print(
            f"store_process={w}: first poll {r['new']:.0f} new, {r['failed']:.0f} failed in {r['seconds']:.1f} s; "
            f"second poll (nothing changed): {r['again_requests']:.0f} requests, "
            f"{r['again_bytes']:.0f} body bytes, {r['again_fetched']:.0f} articles fetched"
        )

    np_result = None
    if np_python is not None:
        reqs0, _ = site.counters()
        np_result = run_newsplease(np_python, site, args)
        reqs1, _ = site.counters()
        if np_result is not None:
            print(
                f"news-please {np_result['version']} (RssCrawler, crawler mode): {np_result['with_text']} articles "
                f"with body text of {np_result['stored']} stored in {np_result['seconds']:.1f} s "
                f"({np_result['process_seconds']:.1f} s with interpreter start and imports), "
                f"{reqs1 - reqs0} requests"
            )

    # extraction alone on the same pages, in the same run
    paths = [f"/news/{i}.html" for i in range(args.articles)]
    pages = [urllib.request.urlopen(site.base + p, timeout=10).read() for p in paths[:400]]
    t0 = time.perf_counter()
    for i, body in enumerate(pages):
        extract(body, f"{site.base}{paths[i]}", declared_encoding="utf-8")
    extract_rate = len(pages) / (time.perf_counter() - t0)

    async_rate = serving_rate(site.base, paths[:1000])
    local = build_site(min(args.articles, 1000), 1, "http://127.0.0.1:1")
    httpd = _threaded_server(local)
    threaded_rate = serving_rate(
        f"http://127.0.0.1:{httpd.server_address[1]}", [p for p in local if p.startswith("/news/")]
    )
    httpd.shutdown()

    print()
    for w, r in results.items():
        label = f"end to end, store_process={w}"
        print(f"{label:<50} {r['rate']:8.1f} articles/s   (target ≥ {TARGET:.0f})")
    print(f"{'extraction only, same pages, one process':<50} {extract_rate:8.1f} pages/s")
    print(f"{'asyncio server (separate process)':<50} {async_rate:8.1f} pages/s served")
    print(f"{'threaded http.server (in process)':<50} {threaded_rate:8.1f} pages/s served")
    best = results.get("auto", max(results.values(), key=lambda r: r["rate"]))["rate"]
    print(
        f"{'end to end with the default (auto)':<50} {best:8.1f} {'PASS' if best >= TARGET else 'BELOW TARGET'}"
        f"   (load average after: {os.getloadavg()[0]:.1f})"
    )
    if np_result is not None:
        print_comparison(results, np_result)
    site.stop()
    tmp.cleanup()


def print_comparison(results: dict[str, dict[str, float]], np_result: dict[str, Any]) -> None:
    np_rate = np_result["with_text"] / np_result["seconds"]
    rows = [
        (
            f"newswatch, store_process={w}",
            r["new"],
            r["seconds"],
            r["rate"],
            r["rate"] / np_rate,
            r["cpu"] / max(r["new"], 1),
        )
        for w, r in results.items()
    ]
    rows.append(
        (
            f"news-please {np_result['version']} (RssCrawler)",
            np_result["with_text"],
            np_result["seconds"],
            np_rate,
            None,
            np_result["cpu"] / max(np_result["with_text"], 1),
        )
    )
    print()
    print(
        f"{'tool':<40} {'articles':>8} {'seconds':>8} {'articles/s':>10} {'ratio':>6} {'CPU ms/article':>15}"
    )
    for tool, n, sec, rate, ratio, cpu in rows:
        print(
            f"{tool:<40} {n:>8.0f} {sec:>8.1f} {rate:>10.1f} {'' if ratio is None else f'{ratio:.2f}×':>6}"
            f" {1000 * cpu:>15.1f}"
        )
    same = {int(r["new"]) for r in results.values()} == {int(np_result["with_text"])}
    if not same:
        print(
            "WARNING: the tools did not end with the same number of articles; the ratio compares unequal work"
        )
    mode = "auto" if "auto" in results else max(results, key=lambda w: results[w]["rate"])
    ratio = results[mode]["rate"] / np_rate
    verdict = "NOT COMPARABLE" if not same else "PASS" if ratio >= RATIO_TARGET else "BELOW TARGET"
    label = f"newswatch ({'default ' if mode == 'auto' else ''}{mode}) / news-please"
    print(f"{label:<50} {ratio:8.2f}× {verdict}   (target ≥ {RATIO_TARGET:.0f}×)")


if __name__ == "__main__":
    main()
