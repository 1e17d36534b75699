"""`newswatch db`: schema migrations and copies between databases."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from newswatch.cli.context import state
from newswatch.errors import StorageError
from newswatch.storage.copy import DEFAULT_BATCH, CopyError, CopyReport, copy_database
from newswatch.storage.db import DatabaseError, current_revision


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Database schema and copies.", no_args_is_help=True)
    app.add_typer(db_app, name="db")

    @db_app.command("upgrade")
    def upgrade(ctx: typer.Context) -> None:
        """Bring the database schema up to date (also done on every start)."""
        db = state(ctx).database(migrate=True)
        Console(soft_wrap=True).print(
            f"database {db.engine.url.render_as_string()} at revision {current_revision(db.engine)}",
            highlight=False,
        )

    @db_app.command("migrate")
    def migrate(
        ctx: typer.Context,
        target: Annotated[str, typer.Option("--to", help="database to copy into (migrated first)")],
        source: Annotated[
            str | None,
            typer.Option("--from", help="database to copy (default: the configured storage.url)"),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="replace the rows of a non-empty target")
        ] = False,
        batch: Annotated[
            int, typer.Option("--batch-size", min=1, help="rows per insert batch")
        ] = DEFAULT_BATCH,
    ) -> None:
        """Copy an installation to another database (e.g. SQLite to PostgreSQL) and verify it."""
        console = Console()
        src = source or state(ctx).settings.storage.url
        try:
            report = copy_database(
                src,
                target,
                force=force,
                batch=batch,
                progress=lambda name, n: console.print(f"copied {name}: {n} rows", highlight=False),
            )
        except CopyError as exc:
            if exc.report is not None:
                console.print(_figures(exc.report))
            raise StorageError(str(exc), hint="nothing was changed in the source database") from exc
        except DatabaseError as exc:
            raise StorageError(str(exc), hint="check the --from and --to URLs") from exc
        console.print(_figures(report))
        console.print(
            f"copied {report.rows} rows in {report.seconds:.1f}s; every table verified",
            highlight=False,
        )


def _figures(report: CopyReport) -> Table:
    table = Table(title=f"{report.source} → {report.target}")
    for col in ("table", "source rows", "target rows", "checksum", "verified"):
        table.add_column(col)
    for t in report.tables:
        table.add_row(
            t.name,
            str(t.source_rows),
            str(t.target_rows),
            t.target_sum[:16],
            "yes" if t.ok else "NO",
        )
    return table
