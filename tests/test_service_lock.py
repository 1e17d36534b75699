"""The single-instance lock: one holder per database, named in the error, freed by kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from newswatch.storage import locks
from newswatch.storage.db import Database


def test_second_acquire_names_the_holder(db: Database) -> None:
    first = locks.acquire(db)
    try:
        with pytest.raises(locks.LockHeld) as err:
            locks.acquire(db)
        assert err.value.info.pid == os.getpid()
        assert f"PID {os.getpid()}" in str(err.value)
        info = locks.holder(db)
        assert info is not None and info.pid == os.getpid()
    finally:
        first.release()
    assert locks.holder(db) is None
    again = locks.acquire(db)
    again.heartbeat()
    again.release()


def test_heartbeat_updates_the_row(db: Database) -> None:
    handle = locks.acquire(db)
    try:
        before = locks.holder(db)
        time.sleep(0.05)
        handle.heartbeat()
        after = locks.holder(db)
        assert before is not None and after is not None
        assert after.heartbeat_at is not None and before.heartbeat_at is not None
        assert after.heartbeat_at > before.heartbeat_at
    finally:
        handle.release()


def test_kill_9_releases_the_lock(db_url: str) -> None:
    Database.open(db_url).close()
    code = textwrap.dedent(
        f"""
        import sys, time
        from newswatch.storage.db import Database
        from newswatch.storage import locks
        h = locks.acquire(Database.open({db_url!r}))
        print("held", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        db = Database.open(db_url)
        with pytest.raises(locks.LockHeld) as err:
            locks.acquire(db)
        assert err.value.info.pid == proc.pid
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        handle = locks.acquire(db)  # the stale row does not block a new holder
        assert locks.holder(db).pid == os.getpid()  # type: ignore[union-attr]
        handle.release()
        db.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sqlite_lock_file_sits_next_to_the_database(sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    handle = locks.acquire(db)
    path = locks.lock_path(db)
    assert path is not None and path.name == "newswatch.db.lock"
    assert path.read_text().split()[0] == str(os.getpid())
    handle.release()
    db.close()
