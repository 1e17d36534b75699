"""Digest and alert fixtures: settings, an article factory, SMTP server, JSON receiver."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newswatch.config import Settings
from newswatch.siteserver import LocalHTTPServer
from newswatch.storage.articles import insert_article
from newswatch.storage.db import Database
from newswatch.storage.models import Source, Story

T0 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)

TAGS = {
    "armenpress": ("Armenpress", {"country": "AM", "perspective": "armenian"}),
    "apa": ("APA", {"country": "AZ", "perspective": "azerbaijani"}),
    "oc-media": ("OC Media", {"country": "GE", "perspective": "international"}),
    "civilnet": ("CivilNet", {"country": "AM", "perspective": "armenian"}),
}


def make_settings(out: Path, **digest: Any) -> Settings:
    """Settings with the digest written under ``out`` (UTC, 07:00)."""
    base: dict[str, Any] = {"output_dir": str(out), "timezone": "UTC", "time": "07:00"}
    base.update(digest)
    return Settings.model_validate({"default_feeds": False, "digest": base})


@pytest.fixture
def digest_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "out")


@dataclass
class News:
    """Builds sources, stories and articles directly in a test database."""

    db: Database
    sources: dict[str, int] = field(default_factory=dict)
    counter: int = 0

    def source(self, name: str) -> int:
        if name not in self.sources:
            title, tags = TAGS.get(name, (name.title(), {}))
            with self.db.session() as s:
                src = Source(
                    name=name, url=f"https://{name}.example/feed", title=title, tags=dict(tags)
                )
                s.add(src)
                s.flush()
                self.sources[name] = int(src.id)  # type: ignore[arg-type]
        return self.sources[name]

    def story(self, headline: str, category: str, *, reported_at: datetime | None = None) -> int:
        with self.db.session() as s:
            st = Story(
                headline=headline,
                primary_category=category,
                categories=[category],
                reported_at=reported_at,
            )
            s.add(st)
            s.flush()
            return int(st.id)  # type: ignore[arg-type]

    def article(
        self,
        title: str,
        *,
        seen: datetime,
        source: str = "armenpress",
        text: str | None = None,
        categories: tuple[str, ...] = ("diplomacy",),
        relevant: bool = True,
        score: float = 0.7,
        duplicate_of: int | None = None,
        story_id: int | None = None,
        url: str | None = None,
        published: datetime | None = None,
        reasons: tuple[str, ...] = ("terms: armenia, azerbaijan",),
        language: str | None = None,
    ) -> int:
        self.counter += 1
        url = url or f"https://{source}.example/news/{self.counter}"
        body = (
            text
            if text is not None
            else (
                f"{title}. Officials in Yerevan and Baku commented on the matter on Thursday. "
                "Observers said further talks were expected within weeks."
            )
        )
        values = {
            "url_hash": hashlib.sha256(f"{url}#{self.counter}".encode()).hexdigest(),
            "url": url,
            "canonical_url": url,
            "source_id": self.source(source),
            "title": title,
            "text": body,
            "first_seen_at": seen,
            "published_at": published or seen - timedelta(minutes=20),
            "relevant": relevant,
            "score": score if relevant else 0.0,
            "primary_category": categories[0] if (relevant and categories) else None,
            "categories": list(categories) if relevant else [],
            "reasons": list(reasons) if relevant else [],
            "duplicate_of": duplicate_of,
            "story_id": story_id,
            "authors": [],
            "entities": [],
            "meta": {},
            "language": language,
        }
        with self.db.session() as s:
            new_id = insert_article(s, values)
        assert new_id is not None
        return new_id

    def ledger_counts(self) -> dict[int, int]:
        """How many ledger entries each article has."""
        with self.db.session() as s:
            rows = s.execute(
                sa.text("SELECT article_id, count(*) FROM digest_entries GROUP BY article_id")
            )
            return {int(a): int(n) for a, n in rows}


@pytest.fixture
def newsroom(db: Database) -> News:
    return News(db)


@dataclass
class Inbox:
    """Messages an aiosmtpd server received."""

    host: str
    port: int
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    """A local TCP port nobody listens on (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on a free local port."""
    pytest.importorskip("aiosmtpd")
    from aiosmtpd.controller import Controller

    inbox = Inbox("127.0.0.1", free_port())
    # the controller checks readiness by connecting to its port, so it needs a real one
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@dataclass
class Receiver:
    """JSON bodies POSTed to a local HTTP server."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    delivered: list[dict[str, Any]] = field(default_factory=list)  # the posts answered with 2xx


@pytest.fixture
def json_receiver() -> Iterator[Receiver]:
    """A local HTTP server that records JSON POSTs (the target of apprise json:// URLs)."""
    box = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            post, status = json.loads(raw or b"{}"), box.status
            box.posts.append(post)
            if status < 300:
                box.delivered.append(post)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = LocalHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.url = f"json://127.0.0.1:{server.server_address[1]}/hook"
    yield box
    server.shutdown()
    server.server_close()
    thread.join(5)
