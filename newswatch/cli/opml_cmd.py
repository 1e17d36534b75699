"""`newswatch feeds import` and `feeds export`: OPML subscription lists in and out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from newswatch.cli.context import state
from newswatch.errors import ConfigError
from newswatch.wording import counted

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class ExportFormat(StrEnum):
    opml = "opml"
    yaml = "yaml"


def register(feeds_app: typer.Typer) -> None:
    @feeds_app.command("import")
    def import_(
        ctx: typer.Context,
        file: Annotated[
            Path, typer.Argument(help="an OPML file (from another reader or `feeds export`)")
        ],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="report what would be added; change nothing")
        ] = False,
    ) -> None:
        """Add the feeds of an OPML file to the configuration (folders become a tag)."""
        from newswatch.cli.feeds import _file_and_settings, suggest_name
        from newswatch.feedfile import add_feed
        from newswatch.opml import import_opml

        try:
            body = file.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{file}: cannot read: {exc.strerror or exc}") from exc
        path, settings = _file_and_settings(state(ctx))
        try:
            result = import_opml(body, settings.feeds, suggest_name)
        except ValueError as exc:
            raise ConfigError(
                f"{file}: {exc}", hint="export the list from your reader as OPML"
            ) from exc
        for line in result.duplicates:
            err.print(f"[yellow]duplicate[/] {line}", highlight=False)
        for line in result.invalid:
            err.print(f"[red]invalid[/] {line}", highlight=False)
        for feed in result.feeds:
            if not dry_run:
                add_feed(path, feed)
            done = "would add" if dry_run else "added"
            out.print(
                f"{done} [bold]{feed['name']}[/] ({feed['kind']}) {feed['url']}", highlight=False
            )
        verb = "would be added" if dry_run else f"added to {path}"
        out.print(
            f"{counted(len(result.feeds), 'feed')} {verb}; {counted(len(result.duplicates), 'duplicate')}, "
            f"{len(result.invalid)} invalid"
        )

    @feeds_app.command("export")
    def export(
        ctx: typer.Context,
        format: Annotated[
            ExportFormat, typer.Option("--format", "-f", help="opml or yaml")
        ] = ExportFormat.opml,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="write here (default: stdout)")
        ] = None,
    ) -> None:
        """Write the configured feeds as OPML 2.0 (newswatch's settings in its namespace) or YAML."""
        from newswatch.opml import export_opml

        feeds = state(ctx).settings.feeds
        if format is ExportFormat.opml:
            data = export_opml(feeds)
        else:
            import io

            from ruamel.yaml import YAML

            from newswatch.opml import plain_entry

            buf = io.StringIO()
            YAML(typ="safe", pure=True).dump({"feeds": [plain_entry(f) for f in feeds]}, buf)
            data = buf.getvalue().encode()
        if output is None:
            typer.echo(data.decode("utf-8"), nl=False)
            return
        from newswatch.files import write_atomic

        write_atomic(output, data)
        err.print(f"{counted(len(feeds), 'feed')} written to {output}")
