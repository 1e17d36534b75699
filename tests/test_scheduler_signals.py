"""A SIGTERM that reaches `newswatch run` while it starts (the lock already held, its own
handlers not yet in place) stops it gracefully instead of killing it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newswatch.config import Settings
from newswatch.scheduler.service import Service
from newswatch.scheduler.signals import HANDLED, StartupSignals
from newswatch.storage import locks
from newswatch.storage.db import Database


def test_signals_received_while_starting_are_acted_on_once_running(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'nw.db'}")
    previous = {sig: signal.getsignal(sig) for sig in HANDLED}
    crawls: list[list[str]] = []

    async def crawl(settings: Settings, db: Database, feeds: list[str], **_: object) -> None:
        crawls.append(feeds)

    try:
        early = StartupSignals().install()
        os.kill(os.getpid(), signal.SIGTERM)  # recorded, not the default action (death)
        assert early.received == [signal.SIGTERM]
        service = Service(
            Settings.model_validate({"default_feeds": False}),
            db,
            crawl=crawl,
            digest=lambda settings, db, *, now: None,
            deliveries=lambda settings, db: None,
            plan_next=lambda settings, db, names, now: None,
            startup_signals=early,
        )
        # without the recorded SIGTERM the service would serve until the timeout
        assert asyncio.run(asyncio.wait_for(service.run(), 30)) == 0
        assert early.take() == []  # handed out once
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        db.close()


def test_run_stops_gracefully_on_a_sigterm_right_after_taking_the_lock(tmp_path: Path) -> None:
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text(
        f"storage:\n  url: sqlite:///{tmp_path / 'nw.db'}\n"
        f"digest:\n  output_dir: {tmp_path / 'digests'}\n"
        "default_feeds: false\n",
        encoding="utf-8",
    )
    db = Database.open(f"sqlite:///{tmp_path / 'nw.db'}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--config", str(cfg), "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        # the moment `newswatch status` would first say "running": the service is still
        # importing the crawler and starting its jobs
        while locks.holder(db) is None:
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the service never took its lock"
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"exited {proc.returncode} on SIGTERM:\n{output}"
        assert "Traceback" not in output
        assert locks.holder(db) is None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        db.close()
