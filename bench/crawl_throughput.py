"""Crawl throughput: articles/s end to end (fetch → extract → judge → dedup → store).

Generates a local site (N article pages from templates, several RSS feeds), serves it from
memory in a separate process, crawls it with the bench profile (robots.txt on, 16 requests
per host, no delay, no AutoThrottle) and prints, from the same run:
  - articles/s end to end, next to the extraction-only rate on the same pages;
  - requests and bytes of a second poll when nothing changed.
Also measures the serving rate of the asyncio server and of a threaded http.server, to show
which one could be the bottleneck.

    .venv/bin/python bench/crawl_throughput.py [--articles 2000] [--feeds 4] [--store-process auto off on]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import multiprocessing as mp
import os
import random
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
        most = "".join(f"<li><a href='/news/{rng.randrange(n_articles)}.html'>Story {k}</a></li>" for k in range(5))
        html = PAGE.format(title=title, i=i, base=base, paras=paras, most_read=most, author=i % 17,
                           day=1 + i % 22, hour=i % 24)
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
            + "".join(entries) + "</channel></rss>"
        ).encode()
    return pages


# --- servers ---------------------------------------------------------------------------------


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


async def _handle(pages: dict[str, bytes], stats: Any, reader: asyncio.StreamReader,
                  writer: asyncio.StreamWriter) -> None:
    """HTTP/1.1 with keep-alive, GET only, ETag/If-None-Match; counts requests and body bytes."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
            body = pages.get(path)
            if body is None:
                status, body, extra = "404 Not Found", b"not found", ""
            else:
                tag = _etag(body)
                if headers.get("if-none-match") == tag:
                    status, body, extra = "304 Not Modified", b"", f"ETag: {tag}\r\n"
                else:
                    ctype = "application/rss+xml" if path.endswith(".xml") else "text/html; charset=utf-8"
                    status, extra = "200 OK", f"ETag: {tag}\r\nContent-Type: {ctype}\r\n"
            with stats.get_lock():
                stats[0] += 1
                stats[1] += len(body)
            writer.write(f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError, IndexError):
        pass
    finally:
        writer.close()


def _async_server_main(n_articles: int, n_feeds: int, port_q: Any, stats: Any) -> None:
    async def main() -> None:
        pages: dict[str, bytes] = {}
        server = await asyncio.start_server(functools.partial(_handle, pages, stats), "127.0.0.1", 0, backlog=512)
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
        self.proc = ctx.Process(target=_async_server_main, args=(n_articles, n_feeds, q, self.stats), daemon=True)
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


def _poll_twice(site: AsyncSiteProcess, args: argparse.Namespace, mode: str, db_url: str) -> dict[str, float]:
    from newswatch.crawler.runner import crawl_sync
    from newswatch.crawler.settings import BENCH_PROFILE
    from newswatch.config import Settings
    from newswatch.storage.db import Database

    db = Database.open(db_url)
    per_feed = -(-args.articles // args.feeds)
    settings = Settings.model_validate({
        "feeds": [{"name": f"bench-{f}", "url": f"{site.base}/feed-{f}.xml"} for f in range(args.feeds)],
        "crawl": {"obey_robots": True, "max_entries_per_feed": max(per_feed, 1), "timeout": 30,
                  "store_process": mode},
    })
    # the clock includes starting the store process (auto and on start it with the crawl)
    t0 = time.perf_counter()
    report = crawl_sync(settings, db, extra_settings=BENCH_PROFILE)
    elapsed = time.perf_counter() - t0
    reqs0, bytes0 = site.counters()
    again = crawl_sync(settings, db, extra_settings=BENCH_PROFILE)
    reqs1, bytes1 = site.counters()
    db.close()
    t = report.totals
    return {"new": t["new"], "failed": t["failed"], "seconds": elapsed, "rate": t["new"] / elapsed,
            "again_requests": reqs1 - reqs0, "again_bytes": bytes1 - bytes0,
            "again_fetched": again.totals["fetched"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--feeds", type=int, default=4)
    ap.add_argument("--store-process", nargs="+", default=["auto", "off"], choices=["auto", "on", "off"],
                    help="crawl.store_process values to measure (auto is the default)")
    args = ap.parse_args()

    from newswatch.crawler.extraction import extract

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    site = AsyncSiteProcess(args.articles, args.feeds)
    print(f"site: {args.articles} articles, {args.feeds} feeds, served from memory at {site.base}")
    tmp = tempfile.TemporaryDirectory()
    results = {}
    for w in args.store_process:
        r = _poll_twice(site, args, w, f"sqlite:///{tmp.name}/bench-{w}.db")
        results[w] = r
        print(f"store_process={w}: first poll {r['new']:.0f} new, {r['failed']:.0f} failed in {r['seconds']:.1f} s; "
              f"second poll (nothing changed): {r['again_requests']:.0f} requests, "
              f"{r['again_bytes']:.0f} body bytes, {r['again_fetched']:.0f} articles fetched")

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
    threaded_rate = serving_rate(f"http://127.0.0.1:{httpd.server_address[1]}", [p for p in local if p.startswith("/news/")])
    httpd.shutdown()

    print()
    for w, r in results.items():
        label = f"end to end, store_process={w}"
        print(f"{label:<50} {r['rate']:8.1f} articles/s   (target ≥ {TARGET:.0f})")
    print(f"{'extraction only, same pages, one process':<50} {extract_rate:8.1f} pages/s")
    print(f"{'asyncio server (separate process)':<50} {async_rate:8.1f} pages/s served")
    print(f"{'threaded http.server (in process)':<50} {threaded_rate:8.1f} pages/s served")
    best = results.get("auto", max(results.values(), key=lambda r: r["rate"]))["rate"]
    print(f"{'end to end with the default (auto)':<50} {best:8.1f} {'PASS' if best >= TARGET else 'BELOW TARGET'}"
          f"   (load average after: {os.getloadavg()[0]:.1f})")
    site.stop()
    tmp.cleanup()


if __name__ == "__main__":
    main()
