"""`newswatch import`, `export` and `search`: stored articles in and out."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer
from dateutil import parser as dateparser
from rich.console import Console
from rich.text import Text

from newswatch.cli.context import state
from newswatch.config import parse_duration
from newswatch.errors import ExitCode, InputError
from newswatch.ingest import Ingestor, RawArticle
from newswatch.storage import articles as store
from newswatch.storage.articles import HIGHLIGHT_END, HIGHLIGHT_START
from newswatch.storage.models import Article
from newswatch.weburl import check_http_url

REQUIRED = ("id", "url", "title", "text")
# Longest import line read: an article of a few hundred KB is large; reading a 63 MB line
# whole cost 3.7 GB of memory before the JSON parser even started.
MAX_LINE_BYTES = 8_000_000


def read_lines(
    handle: BinaryIO, limit: int | None = None
) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, problem) for each line; a line too long or not UTF-8 has a problem."""
    limit = MAX_LINE_BYTES if limit is None else limit
    lineno = 0
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest without keeping it
                raw = handle.readline(1 << 20)
            yield lineno, None, f"line longer than {limit // 1_000_000} MB, skipped"
            continue
        try:
            yield lineno, raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            yield (
                lineno,
                None,
                f"not UTF-8 text (byte {raw[exc.start]:#04x} at column {exc.start + 1})",
            )


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
    for key, value in rec.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # "\ud800" in JSON: valid JSON, not storable text
                raise InputError(
                    f"{where}:{lineno}: {key}: contains a lone surrogate (\\u escape of half a character)"
                ) from None
    try:
        check_http_url(rec["url"])
    except ValueError as exc:
        raise InputError(f"{where}:{lineno}: url: {exc}") from None
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


def _open(path: str) -> tuple[BinaryIO, str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found")
    try:
        return p.open("rb"), str(p)
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None


EXPORT_FIELDS = (
    "id",
    "url",
    "title",
    "text",
    "published",
    "first_seen",
    "source",
    "language",
    "relevant",
    "score",
    "categories",
    "reasons",
    "story_id",
    "story",
    "duplicate_of",
    "updated",
)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _export_row(a: Article, source: str | None, story: str | None) -> dict[str, Any]:
    return {
        "id": a.external_id if a.external_id is not None else a.id,
        "url": a.url,
        "title": a.title,
        "text": a.text,
        "published": _iso(a.published_at),
        "first_seen": _iso(a.first_seen_at),
        "source": source,
        "language": a.language,
        "relevant": bool(a.relevant),
        "score": a.score,
        "categories": list(a.categories or []),
        "reasons": list(a.reasons or []),
        "story_id": a.story_id,
        "story": story,
        "duplicate_of": a.duplicate_of,
        "updated": a.status == "updated",
    }


def parse_since(text: str, now: datetime) -> datetime:
    """``--since``: a date (2026-11-01), a datetime (2026-11-01T08:00, UTC unless given) or a
    duration back from now (36h, 7d)."""
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            "expected a date (2026-11-01), a datetime (2026-11-01T08:00) or a duration (36h, 7d)",
            param_hint="--since",
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _csv_value(value: Any) -> Any:
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return json.dumps(value, ensure_ascii=False)  # records (feedback) stay readable
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _highlighted(snippet: str) -> Text:
    """A search snippet as Rich text, its matches in bold; stored text is never read as markup."""
    out = Text()
    for i, part in enumerate(re.split(f"[{HIGHLIGHT_START}{HIGHLIGHT_END}]", snippet)):
        out.append(part, style="bold" if i % 2 else "")
    return out


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        ctx: typer.Context,
        file: Annotated[str, typer.Argument(help="JSON Lines file, or - for standard input")],
        alerts: Annotated[
            bool,
            typer.Option(
                "--alerts",
                help="send instant alerts for what matches (a backfill pages nobody by default)",
            ),
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
            for lineno, line, problem in read_lines(handle):
                if line is None:
                    errors += 1
                    err.print(f"[red]error:[/] {where}:{lineno}: {problem}", highlight=False)
                    continue
                if not line.strip():
                    continue
                try:
                    result = ingestor.ingest(parse_record(line, lineno, where))
                except InputError as exc:
                    errors += 1
                    err.print("[red]error:[/] ", end="")
                    err.print(str(exc), markup=False, highlight=False)
                    continue
                counts[result.status] = counts.get(result.status, 0) + 1
                if step is not None:
                    step(result)
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing"
        Console(soft_wrap=True).print(
            f"imported from {where}: {summary}; bad lines: {errors}", highlight=False
        )
        if step is not None and step.summary():
            Console(soft_wrap=True).print(step.summary(), highlight=False)
        if errors:
            raise typer.Exit(ExitCode.FAILED)

    @app.command("export")
    def export(
        ctx: typer.Context,
        fmt: Annotated[
            str, typer.Option("--format", help="jsonl (one object per line) or csv")
        ] = "jsonl",
        since: Annotated[
            str | None,
            typer.Option(
                "--since",
                help="first seen since a date, a datetime (UTC unless given) or a duration ago (7d)",
            ),
        ] = None,
        corrected: Annotated[
            bool,
            typer.Option(
                "--corrected", help="only articles readers gave feedback on (a labelled set)"
            ),
        ] = False,
    ) -> None:
        """Write stored articles (text, source, judgement, story, dedup links, feedback) as JSON Lines/CSV."""
        from newswatch.storage.feedback import all_feedback

        if fmt not in ("jsonl", "csv"):
            raise typer.BadParameter("expected jsonl or csv", param_hint="--format")
        start = parse_since(since, datetime.now(UTC)) if since else None
        db = state(ctx).database(create=False)
        writer = (
            csv.DictWriter(sys.stdout, fieldnames=[*EXPORT_FIELDS, "feedback"], lineterminator="\n")
            if fmt == "csv"
            else None
        )
        if writer is not None:
            writer.writeheader()
        with db.session() as s:
            feedback: dict[int, list[dict[str, Any]]] = {}
            for f in all_feedback(s):
                at = f.created_at.isoformat() if f.created_at else None
                entry = {"kind": f.kind, "category": f.category, "user": f.user, "at": at}
                feedback.setdefault(f.article_id, []).append(entry)
            for art, source, story in store.export_rows(s, start):
                notes = feedback.get(int(art.id or 0), [])
                if corrected and not notes:
                    continue
                row = {**_export_row(art, source, story), "feedback": notes}
                if writer is not None:
                    writer.writerow({k: _csv_value(v) for k, v in row.items()})
                else:
                    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")

    @app.command("search")
    def search(
        ctx: typer.Context,
        query: Annotated[str, typer.Argument(help="words to look for")],
        limit: Annotated[int, typer.Option("--limit", "-n", help="most results shown")] = 20,
    ) -> None:
        """Full-text search over stored articles, ranked, with snippets."""
        db = state(ctx).database(create=False)
        with db.session() as s:
            hits = store.search(s, query, limit=limit)
        if not hits:
            Console().print("no match")
            return
        # a block per hit reads at any width (a four-column table needed 200 columns); copies with
        # the same title and snippet (syndicated, or stored twice) are one block
        console = Console(soft_wrap=True, highlight=False)
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for h in hits:
            key = (
                " ".join((h["title"] or "").lower().split()),
                " ".join((h["snippet"] or "").lower().split()),
            )
            groups.setdefault(key, []).append(h)
        for i, same in enumerate(groups.values()):
            first = same[0]
            if i:
                console.print()
            head = Text(f"{first['id']}  ", style="dim")
            head.append(first["title"] or "(no title)", style="bold")
            if len(same) > 1:
                head.append(
                    f"  (+{len(same) - 1} like it: {', '.join(str(h['id']) for h in same[1:])})",
                    style="dim",
                )
            console.print(head)
            console.print(Text("    ").append_text(_highlighted(first["snippet"] or "")))
            console.print(Text("    " + first["url"], style="dim"))
