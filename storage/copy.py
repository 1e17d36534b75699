"""Copy a whole installation between databases (``newswatch db migrate``), then verify it.

The target is migrated with the same Alembic revisions, tables are copied in foreign-key order
in batches, PostgreSQL sequences are moved past the copied ids, and each table is compared by
row count and by a checksum over every row's canonical JSON in primary-key order. The source
should not be written to while it is copied.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import newswatch.storage.models  # noqa: F401  (registers the tables)
from newswatch.storage.db import Database, DatabaseError

DEFAULT_BATCH = 1000


class CopyError(DatabaseError):
    """The copy was refused or did not verify (``report`` then holds the figures)."""

    def __init__(self, message: str, report: CopyReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class TableReport:
    """Row counts and checksums of one table on both sides."""

    name: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass
class CopyReport:
    """What ``copy_database`` copied and whether every table verified."""

    source: str
    target: str
    tables: list[TableReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)


def tables() -> list[sa.Table]:
    """Our tables, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _pk_order(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        # repr is exact for doubles; NaN/inf are not JSON
        return repr(value) if math.isfinite(value) else str(value)
    return value


def row_json(row: Mapping[str, Any] | sa.RowMapping) -> str:
    """One row as canonical JSON: sorted keys, UTC ISO times, hex bytes."""
    return json.dumps(
        {k: _canonical(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False, default=str
    )


def _order(conn: Connection, table: sa.Table) -> list[Any]:
    """Primary-key order that is byte order on every backend (PostgreSQL collations differ)."""
    out: list[Any] = []
    for col in _pk_order(table):
        text = isinstance(col.type, sa.String) and conn.dialect.name == "postgresql"
        out.append(col.collate("C") if text else col)
    return out


def _rows(conn: Connection, table: sa.Table, batch: int) -> Iterator[Sequence[sa.RowMapping]]:
    result = conn.execution_options(yield_per=batch).execute(
        sa.select(table).order_by(*_order(conn, table))
    )
    yield from result.mappings().partitions(batch)


def table_checksum(
    conn: Connection, table: sa.Table, batch: int = DEFAULT_BATCH
) -> tuple[int, str]:
    """Row count and SHA-256 of the rows' canonical JSON in primary-key order."""
    digest = hashlib.sha256()
    count = 0
    for part in _rows(conn, table, batch):
        for row in part:
            digest.update(row_json(row).encode("utf-8"))
            digest.update(b"\n")
            count += 1
    return count, digest.hexdigest()


def row_counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0) for t in tables()
    }


def _self_refs(table: sa.Table) -> list[str]:
    """Columns that reference the same table (copied in a second pass, so order never matters)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _copy_table(src: Connection, dst: Connection, table: sa.Table, batch: int) -> None:
    selfs = _self_refs(table)
    pk = [c.name for c in _pk_order(table)]
    later: list[dict[str, Any]] = []
    for part in _rows(src, table, batch):
        rows = [dict(r) for r in part]
        for row in rows:
            refs = {c: row[c] for c in selfs if row[c] is not None}
            if refs:
                later.append({**{f"_pk_{k}": row[k] for k in pk}, **refs})
                for c in refs:
                    row[c] = None
        dst.execute(table.insert(), rows)
    if later:
        for col in selfs:
            items = [r for r in later if col in r]
            if not items:
                continue
            stmt = (
                table.update()
                .where(*[table.c[k] == sa.bindparam(f"_pk_{k}") for k in pk])
                .values({col: sa.bindparam(col)})
            )
            dst.execute(
                stmt, [{**{f"_pk_{k}": r[f"_pk_{k}"] for k in pk}, col: r[col]} for r in items]
            )


def reset_sequences(conn: Connection) -> None:
    """Move each PostgreSQL id sequence past the largest copied id."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        cols = _pk_order(table)
        if len(cols) != 1 or not isinstance(cols[0].type, sa.Integer):
            continue
        seq = conn.scalar(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": cols[0].name}
        )
        if seq is None:
            continue
        conn.execute(
            sa.text(
                f'SELECT setval(:seq, coalesce(max("{cols[0].name}"), 1), max("{cols[0].name}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"seq": seq},
        )


def clear(conn: Connection) -> None:
    """Delete every row of our tables, children first."""
    for table in reversed(tables()):
        for col in _self_refs(table):
            conn.execute(table.update().values({col: None}))
        conn.execute(table.delete())


def copy_database(
    source_url: str,
    target_url: str,
    *,
    force: bool = False,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every table from ``source_url`` into a migrated ``target_url``, then verify."""
    import time

    started = time.perf_counter()
    if sa.make_url(source_url) == sa.make_url(target_url):
        raise CopyError("the source and the target are the same database")
    src = Database.open(source_url)
    try:
        dst = Database.open(target_url)
        try:
            report = CopyReport(
                src.engine.url.render_as_string(), dst.engine.url.render_as_string()
            )
            with src.engine.connect() as s, dst.engine.begin() as d:
                counts = row_counts(d)
                filled = {k: v for k, v in counts.items() if v}
                if filled and not force:
                    listed = ", ".join(f"{k}={v}" for k, v in sorted(filled.items()))
                    raise CopyError(
                        f"the target database is not empty ({listed}); use --force to replace it"
                    )
                if filled:
                    clear(d)
                for table in tables():
                    _copy_table(s, d, table, batch)
                    if progress is not None:
                        progress(
                            table.name,
                            int(d.scalar(sa.select(sa.func.count()).select_from(table)) or 0),
                        )
                reset_sequences(d)
            with src.engine.connect() as s, dst.engine.connect() as d:
                for table in tables():
                    n_src, sum_src = table_checksum(s, table, batch)
                    n_dst, sum_dst = table_checksum(d, table, batch)
                    report.tables.append(TableReport(table.name, n_src, n_dst, sum_src, sum_dst))
        finally:
            dst.close()
    finally:
        src.close()
    report.seconds = time.perf_counter() - started
    if not report.ok:
        bad = ", ".join(t.name for t in report.tables if not t.ok)
        raise CopyError(f"the copy does not verify for: {bad}", report)
    return report
