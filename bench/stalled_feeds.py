"""Stalled feeds: how long one crawl takes when some feeds never answer and others are broken.

Serves N feeds that stall past the download timeout and M that answer HTTP 500 from a local
server, crawls them once with the default retry settings (``crawl.retries: 3``) and a short
timeout, and prints the wall time next to the timeout. A timeout is not retried within a crawl
(the next poll is the retry), so the crawl should take about one timeout, not 4x.

    .venv/bin/python bench/stalled_feeds.py [--stalled 3] [--broken 11] [--timeout 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", type=int, default=3)
    parser.add_argument("--broken", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()

    from newswatch.config import Settings
    from newswatch.crawler.runner import crawl_sync
    from newswatch.siteserver import LocalHTTPServer
    from newswatch.storage.db import Database

    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *a: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/stall"):
                release.wait(args.timeout * 6)  # longer than any number of retries would wait
                body, status = b"<rss version='2.0'><channel></channel></rss>", 200
            elif self.path == "/robots.txt":
                body, status = b"User-agent: *\n", 200
            else:
                body, status = b"broken", 500
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

    # one server per feed, each on its own loopback address: feeds of different sites do not
    # share the per-host concurrency, as on the internet
    servers, feeds = [], []
    for i in range(args.stalled + args.broken):
        server = LocalHTTPServer((f"127.0.0.{i + 2}", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        base = f"http://127.0.0.{i + 2}:{server.server_address[1]}"
        kind = "stall" if i < args.stalled else "broken"
        feeds.append({"name": f"{kind}-{i}", "url": f"{base}/{kind}/{i}.xml"})
    settings = Settings.model_validate(
        {
            "feeds": feeds,
            "crawl": {
                "timeout": args.timeout,
                "download_delay": 0,
                "autothrottle": False,
            },  # retries: default
        }
    )
    from newswatch.crawler.extraction import warm_up

    warm_up()  # loading the models (once per process) is not what is measured
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{tmp}/bench.db")
        started = time.monotonic()
        report = crawl_sync(settings, db)
        seconds = time.monotonic() - started
        db.close()
    release.set()
    for server in servers:
        server.shutdown()
    failed = sum(1 for f in report.feeds if not f.ok)
    print(
        f"feeds: {args.stalled} stalled + {args.broken} broken; retries {settings.crawl.retries}; "
        f"timeout {args.timeout:.1f} s"
    )
    print(
        f"crawl: {seconds:.1f} s wall ({seconds / args.timeout:.1f}x the timeout); {failed} feeds failed"
    )
    # the 5xx feeds are retried (1 + 2 + 4 s of back-off by default): that is their own cost


if __name__ == "__main__":
    main()
