"""Web fixtures: a small archive with hostile content, served by a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.config import Settings
from newswatch.digests import service
from newswatch.storage.db import Database
from newswatch.storage.models import Source
from newswatch.storage.sources import PollOutcome, record_poll
from tests.plugins.digest_fixtures import T0, News, make_settings

NOW = T0 + timedelta(days=1, hours=6)
HOSTILE = '<script>alert("x")</script><img src="https://evil.example/x.png" onerror="alert(2)">'


@dataclass
class Site:
    """A served archive: its URL, settings, database and the ids the tests look for."""

    url: str
    settings: Settings
    db: Database
    ids: dict[str, int] = field(default_factory=dict)

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        return fetch(self.url + path, headers=headers)

    def post(
        self, path: str, body: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        return fetch(self.url + path, data=body.encode(), headers=headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """(status, headers with lower-case names, body); redirects are returned, not followed."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with _OPENER.open(req, timeout=30) as resp:
            return (
                resp.status,
                {k.lower(): v for k, v in resp.headers.items()},
                resp.read().decode(),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill(db: Database, out: Path) -> tuple[Settings, dict[str, int]]:
    """A digest of yesterday (a story reported by two sides), and new reports since."""
    news = News(db)
    ids: dict[str, int] = {}
    ids["story"] = news.story(
        "Parliament adopts resolution on prisoners held in Baku", "resolutions"
    )
    ids["reply"] = news.article(
        "Resolution on prisoners: Baku reacts",
        seen=T0 + timedelta(minutes=30),
        source="apa",
        story_id=ids["story"],
        categories=("resolutions",),
        language="en",
    )
    ids["lead"] = news.article(
        "Parliament adopts resolution on prisoners held in Baku",
        seen=T0 + timedelta(hours=1),
        story_id=ids["story"],
        categories=("resolutions",),
        language="en",
        text=(
            "Lawmakers adopted a resolution on the Armenian prisoners held in Baku.\n"
            "The text calls on Azerbaijan to release Ruben Vardanyan and the other detainees."
        ),
    )
    ids["hostile"] = news.article(
        HOSTILE + "Trial resumes in Baku",
        seen=T0 + timedelta(hours=2),
        source="oc-media",
        categories=("detainees",),
        url="javascript:alert(3)",
        text=HOSTILE + "The trial of Artsakh detainees resumed in Baku on Monday.\u202eevil",
    )
    ids["copy"] = news.article(
        "Trial resumes in Baku (copy)",
        seen=T0 + timedelta(hours=2, minutes=5),
        source="civilnet",
        categories=("detainees",),
        duplicate_of=ids["hostile"],
    )
    ids["offtopic"] = news.article(
        "Ski resorts report their busiest season", seen=T0 + timedelta(hours=3), relevant=False
    )
    settings = make_settings(out, include_offtopic=True)
    with db.session() as s:
        record_poll(
            s,
            s.get(Source, news.source("apa")),
            PollOutcome("error", status=503, error="HTTP 503 <b>bad gateway</b>"),
            now=T0 + timedelta(hours=5),
        )
    service.build_digest(settings, db, cutoff=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    ids["new_story"] = news.story("Border commissions meet in Gabala", "peace-treaty")
    ids["new_am"] = news.article(
        "Border commissions meet in Gabala",
        seen=T0 + timedelta(days=1, hours=1),
        source="armenpress",
        story_id=ids["new_story"],
        categories=("peace-treaty",),
        language="en",
        text="The border commissions of Armenia and Azerbaijan met in Gabala on Friday. " * 4,
    )
    ids["new_hy"] = news.article(
        "Սահմանազատման հանձնաժողովները հանդիպեցին Գաբալայում",
        seen=T0 + timedelta(days=1, hours=2),
        source="civilnet",
        story_id=ids["new_story"],
        categories=("peace-treaty",),
        language="hy",
        text="Հայաստանի և Ադրբեջանի սահմանազատման հանձնաժողովները հանդիպեցին Գաբալայում։ " * 3,
    )
    return settings, ids


@pytest.fixture(scope="module")
def web_db_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """One database per module and backend (building the archive once keeps the tests fast)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    import sqlalchemy as sa

    from tests.conftest import PG_ADMIN_URL

    name = f"nw_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextlib.contextmanager
def serve_site(url: str, out: Path) -> Iterator[Site]:
    """The filled archive at ``url`` served on a free port until the block ends."""
    from newswatch.web.app import create_app
    from newswatch.web.server import Background

    db = Database.open(url)
    settings, ids = fill(db, out)
    port = free_port()
    server = Background(
        settings, db, "127.0.0.1", port, app=create_app(settings, db, clock=lambda: NOW)
    )
    server.start()
    try:
        yield Site(f"http://127.0.0.1:{port}", settings, db, ids)
    finally:
        server.stop()
        db.close()


@pytest.fixture(scope="module")
def site(web_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve_site(web_db_url, tmp_path_factory.mktemp("out")) as served:
        yield served
