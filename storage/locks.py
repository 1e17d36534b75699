"""Single-instance lock of ``newswatch run``, one per database.

The operating system decides who holds it, so a process killed with ``kill -9`` loses it at once:
SQLite uses ``fcntl.flock`` on ``<database>.lock``; PostgreSQL a session advisory lock on a
dedicated connection. The ``service_lock`` row only tells others who the holder is (PID, host,
heartbeat), for messages, ``newswatch reload`` and ``newswatch status``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import col

from newswatch.errors import LockHeldError
from newswatch.storage.db import Database
from newswatch.storage.models import ServiceLock, table_of, utcnow

DEFAULT_NAME = "run"
# holder() probes by taking the lock for an instant; a starting service retries past such probes
ACQUIRE_TRIES = 5
PROBE_WAIT = 0.1


@dataclass
class LockInfo:
    """Who holds (or last held) the lock."""

    name: str
    pid: int | None
    host: str | None
    acquired_at: datetime | None = None
    heartbeat_at: datetime | None = None


class LockHeld(LockHeldError):
    """Another process holds the lock; ``info`` names it when known."""

    def __init__(self, info: LockInfo) -> None:
        self.info = info
        who = f"PID {info.pid}" if info.pid else "another process"
        if info.host and info.host != socket.gethostname():
            who += f" on {info.host}"
        super().__init__(f"the database is in use by another `newswatch run` ({who})")


def _advisory_key(db: Database, name: str) -> int:
    """A signed 64-bit key, stable for (lock name); advisory locks are per database already."""
    digest = hashlib.sha256(f"newswatch:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_path(db: Database) -> Path | None:
    """``<database>.lock`` for a SQLite file database, else None."""
    if db.dialect != "sqlite":
        return None
    name = db.engine.url.database
    if not name or name == ":memory:":
        return None
    return Path(name).expanduser().resolve().with_name(Path(name).name + ".lock")


def _upsert_row(db: Database, name: str, pid: int, host: str) -> None:
    now = utcnow()
    values: dict[str, Any] = {
        "name": name,
        "pid": pid,
        "host": host,
        "acquired_at": now,
        "heartbeat_at": now,
    }
    table = table_of(ServiceLock)
    ins = postgresql.insert(table) if db.dialect == "postgresql" else sqlite.insert(table)
    stmt = ins.values(**values).on_conflict_do_update(
        index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}
    )
    with db.engine.begin() as conn:
        conn.execute(stmt)


def _read_row(db: Database, name: str) -> LockInfo | None:
    with db.session() as s:
        row = s.get(ServiceLock, name)
        if row is None:
            return None
        return LockInfo(name, row.pid or None, row.host or None, row.acquired_at, row.heartbeat_at)


class ServiceLockHandle:
    """A held lock: keep it alive with ``heartbeat()``, give it back with ``release()``."""

    def __init__(
        self,
        db: Database,
        name: str,
        *,
        file: IO[str] | None = None,
        conn: Connection | None = None,
    ) -> None:
        self.db = db
        self.name = name
        self.pid = os.getpid()
        self.host = socket.gethostname()
        self._file = file
        self._conn = conn
        self._key = _advisory_key(db, name)

    def heartbeat(self) -> None:
        """Refresh the row; on PostgreSQL, re-take the advisory lock if its connection was lost."""
        if self.db.dialect == "postgresql":
            self._ensure_advisory()
        with self.db.engine.begin() as conn:
            conn.execute(
                sa.update(ServiceLock)
                .where(col(ServiceLock.name) == self.name, col(ServiceLock.pid) == self.pid)
                .values(heartbeat_at=utcnow())
            )

    def _ensure_advisory(self) -> None:
        try:
            assert self._conn is not None
            self._conn.execute(sa.text("SELECT 1"))
            return
        except sa.exc.DBAPIError:
            # the server restarted or the connection dropped: the lock went with it
            try:
                if self._conn is not None:
                    self._conn.invalidate()
                    self._conn.close()
            except sa.exc.DBAPIError:
                pass
            self._conn = None
        conn = _advisory_connection(self.db)
        if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar():
            conn.close()
            raise LockHeld(_read_row(self.db, self.name) or LockInfo(self.name, None, None))
        self._conn = conn
        _upsert_row(self.db, self.name, self.pid, self.host)

    def release(self) -> None:
        """Delete the row and drop the OS or advisory lock (idempotent)."""
        try:
            with self.db.engine.begin() as conn:
                conn.execute(
                    sa.delete(ServiceLock).where(
                        col(ServiceLock.name) == self.name, col(ServiceLock.pid) == self.pid
                    )
                )
        except sa.exc.DBAPIError:
            pass  # the lock itself is what matters; a stale row is ignored by holder()
        if self._conn is not None:
            try:
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._conn.close()
            except sa.exc.DBAPIError:
                pass
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _advisory_connection(db: Database) -> Connection:
    return db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def _lock_file(path: Path, tries: int = 1) -> IO[str] | None:
    """The open, locked lock file, or None when another process holds it."""
    fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while the lock is held
    for attempt in range(tries):
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fh
        except BlockingIOError:
            if attempt + 1 < tries:
                time.sleep(PROBE_WAIT)
    fh.close()
    return None


def _file_holder(path: Path, name: str) -> LockInfo:
    try:
        pid_s, _, host = path.read_text(encoding="utf-8").strip().partition(" ")
        return LockInfo(name, int(pid_s), host or None)
    except (OSError, ValueError):
        return LockInfo(name, None, None)


def acquire(db: Database, name: str = DEFAULT_NAME) -> ServiceLockHandle:
    """Take the lock or raise :class:`LockHeld` naming the holder."""
    pid, host = os.getpid(), socket.gethostname()
    if db.dialect == "postgresql":
        conn = _advisory_connection(db)
        key = _advisory_key(db, name)
        for _ in range(ACQUIRE_TRIES):
            if conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                break
            time.sleep(PROBE_WAIT)
        else:
            conn.close()
            raise LockHeld(_read_row(db, name) or LockInfo(name, None, None))
        handle = ServiceLockHandle(db, name, conn=conn)
    else:
        path = lock_path(db)
        fh = None
        if path is not None:
            fh = _lock_file(path, tries=ACQUIRE_TRIES)
            if fh is None:
                info = _file_holder(path, name)
                if info.pid is None:
                    info = _read_row(db, name) or info
                raise LockHeld(info)
            # who holds it, readable even while the database itself is busy
            fh.seek(0)
            fh.truncate()
            fh.write(f"{pid} {host}\n")
            fh.flush()
        handle = ServiceLockHandle(db, name, file=fh)
    try:
        _upsert_row(db, name, pid, host)
    except BaseException:
        handle.release()
        raise
    return handle


def holder(db: Database, name: str = DEFAULT_NAME) -> LockInfo | None:
    """Who holds the lock now, or None when nobody does (probes without keeping it)."""
    if db.dialect == "postgresql":
        key = _advisory_key(db, name)
        with _advisory_connection(db) as conn:
            free = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            if free:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                return None
        return _read_row(db, name) or LockInfo(name, None, None)
    path = lock_path(db)
    if path is None:
        return _read_row(db, name)
    fh = _lock_file(path)
    if fh is not None:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
        return None
    info = _file_holder(path, name)
    row = _read_row(db, name)
    if row is not None and (info.pid is None or row.pid == info.pid):
        return row
    return info
