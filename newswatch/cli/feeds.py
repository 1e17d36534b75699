"""`newswatch feeds`: add (with discovery), list, remove, check and status of sources."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newswatch.cli.context import AppState, state
from newswatch.config import Settings, config_path, load_config, show_duration
from newswatch.errors import ConfigError, FeedsFailedError, FetchError
from newswatch.weburl import mask_secrets, mask_url

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _ago(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=now.tzinfo)
    secs = int((now - value).total_seconds())
    future = secs < 0
    secs = abs(secs)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            text = f"{secs // size}{unit}"
            break
    else:
        text = f"{secs}s"
    return f"in {text}" if future else f"{text} ago"


def _file_and_settings(app_state: AppState) -> tuple[Path, Settings]:
    """The config file in force (maybe not yet existing) and the settings to fetch with."""
    path = config_path(app_state.config_path)
    if path.exists():
        return path, app_state.settings
    # no file yet: defaults, seeds and NEWSWATCH_* variables, read as if from an empty file
    return path, load_config(os.devnull, overrides=app_state.overrides).settings


def suggest_name(url: str, taken: set[str]) -> str:
    """A feed name from the host: www.example.co.uk → example-co-uk (numbered when taken)."""
    from newswatch.sourceurls import channel_name

    host = (urlsplit(url).hostname or "feed").removeprefix("www.")
    channel = channel_name(url)  # every channel is on t.me: name it after the channel
    base = re.sub(r"[^A-Za-z0-9]+", "-", f"tg-{channel}" if channel else host).strip("-") or "feed"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def _choose(found: list[Any], yes: bool) -> list[Any]:
    if yes or len(found) == 1:
        return found[:1]
    table = Table(title="feeds found")
    for col in ("#", "kind", "entries", "title", "url", "found by"):
        table.add_column(col)
    for i, f in enumerate(found, start=1):
        table.add_row(str(i), f.kind, str(f.entries), f.title or "", f.url, f.how)
    err.print(table)
    answer = typer.prompt("add which? (numbers separated by commas, 'all' or 'none')", default="1")
    if answer.strip().lower() == "none":
        return []
    if answer.strip().lower() == "all":
        return found
    picked = []
    for part in answer.split(","):
        if not part.strip().isdigit() or not 1 <= int(part) <= len(found):
            raise typer.BadParameter(
                f"expected numbers from 1 to {len(found)}, got {part.strip()!r}"
            )
        picked.append(found[int(part) - 1])
    return picked


def register(app: typer.Typer) -> None:
    feeds_app = typer.Typer(
        help="Manage the sources: add, list, remove, check, status.", no_args_is_help=True
    )
    app.add_typer(feeds_app, name="feeds")
    from newswatch.cli.opml_cmd import register as register_opml

    register_opml(feeds_app)  # feeds import / export

    @feeds_app.command("add")
    def add(
        ctx: typer.Context,
        url: Annotated[str, typer.Argument(help="a feed URL, or a homepage to search for feeds")],
        name: Annotated[
            str | None, typer.Option("--name", "-n", help="feed name (default: from the host)")
        ] = None,
        yes: Annotated[
            bool, typer.Option("--yes", "-y", help="add the first feed found without asking")
        ] = False,
    ) -> None:
        """Find the feed(s) at URL and add them to the configuration file (comments kept)."""
        from newswatch.crawler.runner import discover_sync
        from newswatch.feedfile import add_feed, feed_names

        if not re.match(r"^https?://[^/\s]+", url):
            raise typer.BadParameter("expected an http:// or https:// URL", param_hint="URL")
        path, settings = _file_and_settings(state(ctx))
        found, errors = discover_sync(settings, url)
        if not found:
            raise FetchError(
                f"no feed found at {url}", hint="; ".join(errors) or "try the feed's own URL"
            )
        chosen = _choose(found, yes)
        taken = feed_names(path) | {f.name for f in settings.feeds}
        for i, feed in enumerate(chosen):
            feed_name = name if name and i == 0 else suggest_name(feed.url, taken)
            if feed_name in taken:
                raise ConfigError(
                    f"a feed named {feed_name!r} already exists", hint="choose another --name"
                )
            taken.add(feed_name)
            entry: dict[str, Any] = {"name": feed_name, "url": feed.url, "kind": feed.kind}
            if feed.title:
                entry["title"] = feed.title
            add_feed(path, entry)
            out.print(
                f"added [bold]{feed_name}[/] ({feed.kind}, {feed.entries} entries) {feed.url} → {path}"
            )

    @feeds_app.command("list")
    def list_(ctx: typer.Context) -> None:
        """List the configured feeds."""
        loaded = state(ctx).loaded
        table = Table(
            title=f"feeds ({loaded.path if loaded.from_file else 'defaults from seeds/'})",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        for col in ("name", "kind", "on", "every", "checked", "url"):
            table.add_column(col, overflow="fold")
        for f in loaded.settings.feeds:
            table.add_row(
                Text(f.name),
                f.kind,
                "yes" if f.enabled else "no",
                show_duration(f.interval),
                "yes" if f.verified else "no",
                Text(mask_url(f.url)),
            )
        out.print(table)

    @feeds_app.command("remove")
    def remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="feed name")]) -> None:
        """Remove a feed from the configuration file (its stored articles are kept)."""
        from newswatch.feedfile import remove_feed

        path = config_path(state(ctx).config_path)
        remove_feed(path, name)
        out.print(f"removed {name} from {path}")

    @feeds_app.command("check")
    def check(
        ctx: typer.Context,
        name: Annotated[
            str | None, typer.Argument(help="feed name (default: every enabled feed)")
        ] = None,
        show: Annotated[int, typer.Option("--show", help="new entries listed per feed")] = 5,
        verify: Annotated[
            bool,
            typer.Option(
                "--verify", help="mark feeds that pass as verified: true in the config file"
            ),
        ] = False,
    ) -> None:
        """Fetch feeds now and report what would be collected; stores nothing."""
        from newswatch.cli.crawl import report_table
        from newswatch.crawler.runner import crawl_sync

        app_state = state(ctx)
        report = crawl_sync(
            app_state.settings,
            app_state.database(),
            [name] if name else None,
            follow=False,
            record=False,
        )
        for f in report.feeds:  # `feeds check` lists what is new instead of fetching it
            f.new = len(f.entries)
        out.print(report_table(report, title="feeds check (nothing stored)"))
        for f in report.feeds:
            if f.encoding_guessed or f.encoding_note:  # undeclared or mislabelled bytes
                out.print(f"  [yellow]warning[/] {f.name}: {f.encoding_note}", highlight=False)
            for e in f.entries[:show]:
                when = e.published.date().isoformat() if e.published else "no date"
                out.print(
                    f"  {f.name}: [{when}] {e.title or '(no title)'} {e.url}", highlight=False
                )
        failed = [f.name for f in report.feeds if not f.ok]
        if verify:
            from newswatch.feedfile import set_feed_fields

            path = config_path(app_state.config_path)
            for f in report.feeds:
                if f.ok and not app_state.settings.feed(f.name).verified:
                    set_feed_fields(path, f.name, verified=True)
                    out.print(f"marked {f.name} verified in {path}")
        if failed:
            raise FeedsFailedError(
                f"{len(failed)} feed{'s' if len(failed) != 1 else ''} failed the check: {', '.join(failed)}"
            )

    @feeds_app.command("status")
    def status(ctx: typer.Context) -> None:
        """Health of every source: last success, last error, failures, items in 7 days."""
        from newswatch.health import flag
        from newswatch.storage.models import utcnow
        from newswatch.storage.sources import feed_health

        app_state = state(ctx)
        configured = {f.name: f for f in app_state.settings.feeds}
        now = utcnow()
        with app_state.database(create=False).session() as s:
            rows = feed_health(s, now=now)
        # errors and notes go below the table, as sentences: in a column they cut an 80-column table
        table = Table(title="feed status", box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("name", "last success", "fails", "7 days", "next poll", "flag"):
            table.add_column(
                col, overflow="fold", justify="right" if col in ("fails", "7 days") else "left"
            )
        errors, notes = [], []
        for row in rows:
            if row["name"] not in configured and row["kind"] == "import":
                continue
            if row["last_error"]:
                line = Text(
                    f"{row['name']}: ", style="red" if row["consecutive_failures"] else "dim"
                )
                line.append(
                    f"{_ago(row['last_error_at'], now)}: {mask_secrets(row['last_error'])}",
                    style="",
                )
                errors.append(line)
            if row.get("last_note"):
                notes.append(
                    Text(f"{row['name']}: ", style="yellow").append(
                        mask_secrets(row["last_note"]), style=""
                    )
                )
            why = flag(row, configured.get(row["name"]), now)
            table.add_row(
                Text(row["name"]),
                _ago(row["last_success_at"], now),
                str(row["consecutive_failures"]),
                str(row["items_7d"]),
                _ago(row.get("next_poll_at"), now),
                Text(why or "", style="red"),
            )
        out.print(table)
        for heading, lines in (("last errors:", errors), ("notes of the last poll:", notes)):
            if lines:
                out.print(heading, style="bold")
                for line in lines:
                    out.print(line)
