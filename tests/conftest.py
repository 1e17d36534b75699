"""Shared fixtures: databases (SQLite always, PostgreSQL when present), local sites, services.

Fixture modules of each area live in ``tests/plugins/*.py`` and are loaded here.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from newswatch.storage.db import Database

TESTS = Path(__file__).parent
pytest_plugins = sorted(
    f"tests.plugins.{p.stem}" for p in (TESTS / "plugins").glob("*.py") if p.stem != "__init__"
)

REQUIRE_SERVICES = os.environ.get("NEWSWATCH_REQUIRE_SERVICES") == "1"
PG_ADMIN_URL = os.environ.get(
    "NEWSWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("NEWSWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")


def missing_service(reason: str) -> None:
    """Skip with a reason, or fail when NEWSWATCH_REQUIRE_SERVICES=1."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (NEWSWATCH_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        default=None,
        help="database backends for the `db_url` fixture: sqlite, postgresql (default: both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = metafunc.config.getoption("--backend") or ["sqlite", "postgresql"]
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped at the end)."""
    if not _port_open("127.0.0.1", 5432):
        missing_service("PostgreSQL is not running on 127.0.0.1:5432")
    import sqlalchemy as sa

    name = f"nw_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        missing_service(f"cannot create a PostgreSQL test database: {exc}")
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database URL on each backend (parametrised: sqlite, postgresql)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'newswatch.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    import sqlalchemy as sa

    schema_db = f"nw_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{schema_db}"'))
    url = sa.make_url(server).set(database=schema_db).render_as_string(hide_password=False)
    yield url
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{schema_db}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An opened, migrated database on each backend."""
    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture
def redis_url() -> str:
    if not _port_open("127.0.0.1", 6379):
        missing_service("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL
