"""The `classify` command: judge articles from JSON Lines and print verdicts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from newswatch.errors import ExitCode
from newswatch.judge import Judge, Judgement, ProfileError
from newswatch.wording import counted


class BadLine(ValueError):
    """An input line that is not a usable article."""


def parse_line(raw: str) -> dict[str, Any]:
    """Decode one JSON Lines record and check the fields the judge needs."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(item, dict):
        raise BadLine("expected a JSON object")
    if "id" not in item:
        raise BadLine("missing field 'id'")
    for key in ("title", "text"):
        if not isinstance(item.get(key, ""), str):
            raise BadLine(f"field {key!r} must be a string")
    if not item.get("title") and not item.get("text"):
        raise BadLine("needs a 'title' or a 'text'")
    language = item.get("language")
    if language is not None and not isinstance(language, str):
        raise BadLine("field 'language' must be a string")
    return item


def _explain(console: Console, item: dict[str, Any], verdict: Judgement) -> None:
    mark = "[green]relevant[/]" if verdict.relevant else "[dim]not relevant[/]"
    cats = ", ".join(verdict.categories) or "-"
    console.print(f"[bold]{escape(str(item['id']))}[/] {mark} score={verdict.score:.2f} [{cats}]")
    if item.get("title"):
        console.print(f"  [italic]{escape(item['title'])}[/]")
    for reason in verdict.reasons:
        console.print(f"  • {escape(reason)}")


def classify(
    source: Annotated[
        str, typer.Argument(help="JSON Lines file of articles, or - for stdin")
    ] = "-",
    explain: Annotated[
        bool, typer.Option("--explain", help="print verdicts with their reasons for reading")
    ] = False,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="topic profile YAML instead of the default")
    ] = None,
) -> None:
    """Judge articles ({"id","title","text",...} per line) for relevance and categories."""
    err = Console(stderr=True, soft_wrap=True)
    try:
        judge = Judge.load(profile)
    except ProfileError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(ExitCode.CONFIG) from exc
    out = Console(highlight=False, soft_wrap=True)
    stream: IO[str]
    if source == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(source, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            err.print(f"[red]error:[/] cannot read {escape(source)}: {escape(exc.strerror or '')}")
            raise typer.Exit(ExitCode.CONFIG) from exc
    bad = 0
    try:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                item = parse_line(raw)
            except BadLine as exc:
                bad += 1
                err.print(f"[red]error:[/] line {number}: {escape(str(exc))}")
                continue
            verdict = judge.judge(item.get("title", ""), item.get("text", ""), item.get("language"))
            if explain:
                _explain(out, item, verdict)
            else:
                record = {
                    "id": item["id"],
                    "relevant": verdict.relevant,
                    "score": verdict.score,
                    "categories": verdict.categories,
                    "reasons": verdict.reasons,
                }
                typer.echo(json.dumps(record, ensure_ascii=False))
    finally:
        if stream is not sys.stdin:
            stream.close()
    if bad:
        err.print(f"[red]{counted(bad, 'bad line')} skipped[/]")
        raise typer.Exit(ExitCode.FAILED)


def register(app: typer.Typer) -> None:
    """Add the `classify` command to the application."""
    app.command("classify")(classify)
