"""`newswatch import`, `export` and `search`: stored articles in and out."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from dateutil import parser as dateparser
from rich.console import Console
from rich.table import Table

from newswatch.cli.context import state
from newswatch.errors import ExitCode, InputError
from newswatch.ingest import Ingestor, RawArticle
from newswatch.storage import articles as store
from newswatch.storage.models import Article

REQUIRED = ("id", "url", "title", "text")


def parse_record(line: str, lineno: int, where: str) -> RawArticle:
    """One JSON Lines record as a RawArticle, or an InputError naming the line."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}:{lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(rec, dict):
        raise InputError(f"{where}:{lineno}: expected a JSON object")
    missing = [k for k in REQUIRED if not isinstance(rec.get(k), str) and k != "id"]
    if "id" not in rec or rec["id"] is None:
        missing.insert(0, "id")
    if missing:
        raise InputError(f"{where}:{lineno}: missing or non-string field(s): {', '.join(missing)}")
    published = None
    if rec.get("published"):
        try:
            published = dateparser.isoparse(str(rec["published"]))
        except ValueError:
            raise InputError(f"{where}:{lineno}: published: expected an ISO 8601 date") from None
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
    return RawArticle(
        url=rec["url"],
        title=rec["title"],
        text=rec["text"],
        source=str(rec.get("source") or "import"),
        published=published,
        published_source="import" if published else None,
        language=rec.get("language"),
        external_id=str(rec["id"]),
    )


def _open(path: str) -> tuple[TextIO, str]:
    if path == "-":
        return sys.stdin, "<stdin>"
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found")
    return p.open(encoding="utf-8"), str(p)


def _export_row(a: Article) -> dict[str, Any]:
    return {
        "id": a.external_id if a.external_id is not None else a.id,
        "url": a.url,
        "title": a.title,
        "relevant": bool(a.relevant),
        "categories": list(a.categories or []),
        "story_id": a.story_id,
        "duplicate_of": a.duplicate_of,
        "updated": a.status == "updated",
    }


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        ctx: typer.Context,
        file: Annotated[str, typer.Argument(help="JSON Lines file, or - for standard input")],
        alerts: Annotated[
            bool,
            typer.Option("--alerts", help="send instant alerts for what matches (a backfill pages nobody by default)"),
        ] = False,
    ) -> None:
        """Ingest {"id","url","title","text","published"?,"language"?,"source"?} lines."""
        from newswatch.digests.alert_step import alert_step

        st = state(ctx)
        ingestor = Ingestor.from_settings(st.settings, st.database())
        step = alert_step(st.settings, st.database()) if alerts else None
        if step is not None:
            step.retry_due()
        handle, where = _open(file)
        counts: dict[str, int] = {}
        errors = 0
        err = Console(stderr=True, soft_wrap=True)
        with handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    result = ingestor.ingest(parse_record(line, lineno, where))
                except InputError as exc:
                    errors += 1
                    err.print(f"[red]error:[/] {exc}", highlight=False)
                    continue
                counts[result.status] = counts.get(result.status, 0) + 1
                if step is not None:
                    step(result)
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing"
        Console(soft_wrap=True).print(f"imported from {where}: {summary}; bad lines: {errors}", highlight=False)
        if step is not None and step.summary():
            Console(soft_wrap=True).print(step.summary(), highlight=False)
        if errors:
            raise typer.Exit(ExitCode.FAILED)

    @app.command("export")
    def export(
        ctx: typer.Context,
        fmt: Annotated[str, typer.Option("--format", help="output format (jsonl)")] = "jsonl",
        since: Annotated[str | None, typer.Option("--since", help="first seen on or after YYYY-MM-DD")] = None,
    ) -> None:
        """Write stored articles as JSON Lines with their judgement and dedup links."""
        if fmt != "jsonl":
            raise typer.BadParameter("only jsonl is supported", param_hint="--format")
        start = None
        if since:
            try:
                start = datetime.fromisoformat(since).replace(tzinfo=UTC)
            except ValueError:
                raise typer.BadParameter("expected YYYY-MM-DD", param_hint="--since") from None
        db = state(ctx).database()
        with db.session() as s:
            for art in store.iter_articles(s, start):
                sys.stdout.write(json.dumps(_export_row(art), ensure_ascii=False) + "\n")

    @app.command("search")
    def search(
        ctx: typer.Context,
        query: Annotated[str, typer.Argument(help="words to look for")],
        limit: Annotated[int, typer.Option("--limit", "-n", help="most results shown")] = 20,
    ) -> None:
        """Full-text search over stored articles, ranked, with snippets."""
        db = state(ctx).database()
        with db.session() as s:
            hits = store.search(s, query, limit=limit)
        if not hits:
            Console().print("no match")
            return
        table = Table("id", "title", "snippet", "url", show_lines=False)
        for h in hits:
            table.add_row(str(h["id"]), h["title"], h["snippet"], h["url"])
        Console(width=200).print(table)
