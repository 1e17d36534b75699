"""`newswatch extract`: run article extraction on saved HTML files and print JSON lines."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Annotated

import typer

from newswatch.errors import ExitCode, ExtractionError

_GZIP_MAGIC = b"\x1f\x8b"


def read_page(path: Path) -> bytes:
    """Bytes of a saved page, transparently un-gzipping .gz files (ExtractionError if unreadable)."""
    try:
        data = path.read_bytes()
        if data[:2] == _GZIP_MAGIC or path.suffix == ".gz":
            return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        raise ExtractionError(f"{path}: {exc}") from exc
    return data


def extract_command(
    paths: Annotated[list[Path], typer.Argument(help="Saved HTML files (plain or .gz).")],
    url: Annotated[
        str | None, typer.Option("--url", help="URL the pages were fetched from.")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add which candidate won for each value and why.")
    ] = False,
) -> None:
    """Extract title, text, date, authors and language from saved pages, one JSON per line."""
    from newswatch.crawler.extraction import extract  # heavy imports only when the command runs

    failed = 0
    for path in paths:
        try:
            page = read_page(path)
        except ExtractionError as exc:  # one unreadable page does not stop the others
            failed += 1
            typer.echo(f"error: {exc}", err=True)
            continue
        result = extract(page, url)
        typer.echo(json.dumps(result.as_json(str(path), explain=explain), ensure_ascii=False))
    if failed:
        raise typer.Exit(ExitCode.FAILED)


def register(app: typer.Typer) -> None:
    """Add the `extract` command to the application."""
    app.command("extract")(extract_command)
