"""A small threaded HTTP server for a folder of static pages (the demo site, test sites).

Pages may spell absolute links with the placeholder prefix ``http://demo.invalid/``; the
server rewrites it to its own base URL when serving text files, so a bundled site works on
whatever free port it gets.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

PLACEHOLDER = b"http://demo.invalid/"
_TEXT = {".xml", ".html", ".htm", ".txt", ".json", ".rss", ".atom"}
_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class _Handler(SimpleHTTPRequestHandler):
    base_url = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix.lower() not in _TEXT or not path.is_file():
            return super().send_head()
        body = path.read_bytes().replace(PLACEHOLDER, self.base_url.encode())
        mtime = path.stat().st_mtime
        etag = f'"{int(mtime)}-{len(body)}"'
        if self.headers.get("If-None-Match") == etag:
            # decided before any status line is written: one response, not 200 and 304 mixed
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(path.suffix.lower(), "text/plain"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(mtime)))
        self.send_header("ETag", etag)
        self.end_headers()
        import io

        return io.BytesIO(body)


class LocalHTTPServer(ThreadingHTTPServer):
    """A threaded server whose accept queue holds a crawl's burst of connections.

    The standard library's queue of 5 overflows when a crawler opens a dozen connections at
    once on a busy machine; the dropped connection is retried by the kernel a second later,
    after a short download timeout has already given up on it.
    """

    request_queue_size = 128
    daemon_threads = True


class SiteServer:
    """Serve ``root`` on 127.0.0.1 (a free port unless given) in a background thread."""

    def __init__(self, root: str | Path, port: int = 0) -> None:
        self.root = Path(root)

        class _Bound(_Handler):  # a class per server: base_url is set on it below
            pass

        handler = functools.partial(_Bound, directory=str(self.root))
        self.httpd = LocalHTTPServer(("127.0.0.1", port), handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}/"
        _Bound.base_url = self.base_url
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="siteserver", daemon=True
        )

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
