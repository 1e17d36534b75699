"""Engine and session factory; migrations are applied on open."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from newswatch.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.dialects import postgresql, sqlite

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///newswatch.db"
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK = 0x6E77_6D69  # PostgreSQL advisory lock key held while migrating ("nwmi")
# The newest migration in storage/migrations/versions (a test keeps the two in step): a database
# already there opens without loading Alembic, which a long-running service would carry (11 MB).
HEAD_REVISION = "0003"


class DatabaseError(StorageError):
    """The database cannot be opened, migrated or used."""


def _set_wal(cur: Any) -> None:
    """Switch to WAL, retrying while another connection holds the lock.

    SQLite answers a journal-mode change with SQLITE_BUSY at once, without its busy handler,
    when processes open a fresh database together (workers starting side by side).
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _set_wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the pragmas and pool each backend needs."""
    try:
        sa_url = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    if sa_url.get_backend_name() == "sqlite":
        db = sa_url.database
        if db and db != ":memory:":
            parent = Path(db).expanduser().resolve().parent
            if not parent.exists():
                raise DatabaseError(f"folder of the database does not exist: {parent}")
        engine = sa.create_engine(
            sa_url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite's own BEGIN is deferred; take the write lock at the start of a write
        # transaction is not needed for our single-statement upserts.
        return engine
    try:
        return sa.create_engine(sa_url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        # the driver is an optional dependency (newswatch[postgres] brings psycopg)
        extra = "postgres" if sa_url.get_backend_name() == "postgresql" else "all"
        raise DatabaseError(
            f"the database driver for {sa_url.drivername!r} is not installed ({exc.name}): "
            f"pip install 'newswatch[{extra}]'"
        ) from exc


def relax_commit_durability(engine: Engine) -> None:
    """PostgreSQL: commit without waiting for the WAL flush (``synchronous_commit=off``).

    For crawl workers, whose writes a later poll re-collects: a server crash can lose the last
    fraction of a second of commits but never corrupts or reorders them. Not for ledgers.
    """
    if engine.dialect.name != "postgresql":
        return  # SQLite already runs with synchronous=NORMAL under WAL

    def _set(dbapi_conn: Any, _record: object) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute("SET synchronous_commit TO off")
        dbapi_conn.commit()

    event.listen(engine, "connect", _set)
    engine.dispose()  # pooled connections were made without it


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date (idempotent)."""
    from alembic import command

    try:
        with engine.begin() as conn:
            # processes starting together (workers) would otherwise race to create the tables
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            elif conn.dialect.name == "sqlite":
                # pysqlite runs DDL outside any transaction unless one is opened explicitly
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"cannot migrate {engine.url.render_as_string()}: {exc.orig}") from exc


def stored_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None for a new one), read without Alembic."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """An engine plus a session factory; ``Database.open(url)`` migrates first."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str = DEFAULT_URL, *, migrate: bool = True) -> Database:
        engine = make_engine(url)
        try:
            with engine.connect():
                pass
            if migrate and stored_revision(engine) != HEAD_REVISION:
                upgrade(engine)
        except sa.exc.DatabaseError as exc:  # OperationalError, and "file is not a database"
            engine.dispose()
            raise DatabaseError(
                f"cannot open database {engine.url.render_as_string()}: {exc.orig}"
            ) from exc
        return cls(engine)

    @staticmethod
    def missing_file(url: str) -> Path | None:
        """The SQLite file ``url`` names when it does not exist yet (None otherwise)."""
        try:
            sa_url = sa.make_url(url)
        except sa.exc.ArgumentError:
            return None
        db = sa_url.database
        if (
            sa_url.get_backend_name() != "sqlite"
            or not db
            or db == ":memory:"
            or db.startswith("file:")
        ):
            return None
        path = Path(db).expanduser()
        return None if path.exists() else path

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error."""
        with self.sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def insert_for(session: Session, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT (with ON CONFLICT support) for single-statement upserts."""
    from sqlalchemy.dialects import postgresql, sqlite

    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise DatabaseError(f"upserts are written for SQLite and PostgreSQL, not {name}")


def rowcount(result: sa.Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched."""
    # Session.execute() is typed as returning a Result; for DML it is a CursorResult
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)
