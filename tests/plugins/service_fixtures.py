"""Fixtures for end-to-end service tests: the test site, an SMTP sink, `newswatch run` processes."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ruamel.yaml import YAML

from newswatch.siteserver import SiteServer
from newswatch.storage.db import Database

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
SERVICE_SITE = TESTS / "data" / "service_site"
SERVICE_FEEDS = ("caucasus-wire", "south-desk", "regional-monitor")
SERVICE_ARTICLES = sorted(
    f"{feed}/{p.name}" for feed in SERVICE_FEEDS for p in (SERVICE_SITE / feed).glob("*.html")
)


def wait_for(
    cond: Callable[[], Any], timeout: float = 30, interval: float = 0.05, what: str = "condition"
) -> Any:
    """Poll ``cond`` until it returns something truthy; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


@dataclass
class SmtpSink:
    """A local SMTP server; ``delay`` holds each DATA before accepting (a slow mail server).

    A message counts as delivered only when the client is still connected once the delay is
    over (aiosmtpd cancels the handler otherwise), like a mail server that drops a message whose
    sender vanished before the reply.
    """

    port: int = 0
    delay: float = 0.0
    messages: list[Any] = field(default_factory=list)
    dropped: int = 0
    in_data: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.in_data.set()
        if self.delay:
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                # aiosmtpd cancels the handler when the client's connection drops
                self.dropped += 1
                raise
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    with socket.socket() as probe:  # aiosmtpd's Controller needs a real port number up front
        probe.bind(("127.0.0.1", 0))
        sink.port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def service_site() -> Iterator[SiteServer]:
    with SiteServer(SERVICE_SITE) as site:
        yield site


def service_config(
    path: Path,
    *,
    site: SiteServer,
    db_url: str,
    smtp_port: int | None = None,
    **sections: dict[str, Any],
) -> Path:
    """Write a newswatch.yaml polling the test site with second-scale intervals."""
    cfg: dict[str, Any] = {
        "storage": {"url": db_url},
        "feeds": [
            {"name": n, "url": site.url(f"{n}.xml"), "interval": "2s"} for n in SERVICE_FEEDS
        ],
        "crawl": {
            "min_interval": "1s",
            "download_delay": 0,
            "autothrottle": False,
            "obey_robots": False,
            "timeout": 10,
            "retries": 0,
        },
        "digest": {"output_dir": str(path.parent / "digests-out"), "timezone": "UTC"},
        "service": {
            "poll_tick": "0.5s",
            "jitter": 0,
            "heartbeat": "1s",
            "stop_timeout": "30s",
            "log_format": "json",
        },
    }
    if smtp_port is not None:
        cfg["digest"].update(
            {
                "recipients": ["desk@example.org"],
                "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "timeout": 30},
            }
        )
    for key, value in sections.items():
        cfg.setdefault(key, {})
        if isinstance(cfg[key], dict):
            cfg[key].update(value)
        else:
            cfg[key] = value
    with path.open("w", encoding="utf-8") as fh:
        YAML().dump(cfg, fh)
    Database.open(db_url).close()  # the schema exists before the test starts reading it
    return path


class ServiceProcess:
    """`newswatch run` in a subprocess, its output in files next to the config."""

    def __init__(self, config: Path, *, log_name: str = "run") -> None:
        self.config = config
        self.log = config.parent / f"{log_name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def env() -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env["PYTHONPATH"] = str(ROOT)
        return env

    def start(self) -> ServiceProcess:
        fh = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch", "--config", str(self.config), "run"],
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=self.config.parent,
            env=self.env(),
        )
        fh.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)

    def kill9(self) -> None:
        self.signal(signal.SIGKILL)
        assert self.proc is not None
        self.proc.wait(10)

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM and wait; the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def run_cli(config: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """One `newswatch` command in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "newswatch", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=config.parent,
        env=ServiceProcess.env(),
        check=False,  # the caller checks the exit code
    )


@pytest.fixture
def service_process() -> Iterator[Callable[..., ServiceProcess]]:
    """A factory of `newswatch run` processes, all killed at the end of the test."""
    started: list[ServiceProcess] = []

    def make(config: Path, **kw: Any) -> ServiceProcess:
        proc = ServiceProcess(config, **kw).start()
        started.append(proc)
        return proc

    yield make
    for proc in started:
        proc.cleanup()


def scalar(db_url: str, sql: str, **params: Any) -> Any:
    """One value from the database (a fresh connection each time; the service writes meanwhile)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def rows(db_url: str, sql: str, **params: Any) -> list[Any]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params).all())
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database of its own (for tests that only make sense on PostgreSQL)."""
    import uuid

    from tests.conftest import PG_ADMIN_URL

    name = f"nw_svc_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
