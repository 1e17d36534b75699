"""`newswatch crawl`: one pass over all enabled (or the named) feeds, reported per feed."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich import box
from rich.console import Console, Group
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from newswatch.cli.context import state
from newswatch.errors import FeedsFailedError, NewswatchError
from newswatch.weburl import mask_secrets

# statuses of a feed that failed in this crawl (a feed deactivated earlier is not polled: "inactive")
FAILED = ("error", "gone", "interrupted")
_STYLE = {
    "ok": "green",
    "not_modified": "dim",
    "moved": "yellow",
    "error": "red",
    "gone": "red",
    "inactive": "dim",
    "interrupted": "yellow",
}


# how a status reads in the table: short enough that the table fits 80 columns uncut
_SHOWN = {"not_modified": "unchanged", "interrupted": "stopped"}


def report_table(report: object, *, title: str = "crawl") -> Group:
    """The per-feed table of a CrawlReport (totals in the footer), then one line per note.

    Notes (errors, warnings, moves) go below the table, where a long message wraps as a
    sentence instead of squeezing every column of an 80-column terminal.
    """
    from newswatch.crawler.report import CrawlReport

    assert isinstance(report, CrawlReport)
    t = report.totals
    table = Table(title=title, show_footer=True, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("feed", footer="total", overflow="fold", max_width=28)
    table.add_column(
        "status", footer=f"{t['feeds'] - t['feeds_failed']}/{t['feeds']} ok", no_wrap=True
    )
    for key, head in (
        ("found", "found"),
        ("skipped", "known"),
        ("new", "new"),
        ("relevant", "relevant"),
        ("duplicate", "dup"),
        ("failed", "failed"),
    ):
        table.add_column(head, justify="right", footer=str(t[key]), no_wrap=True)
    notes = []
    for f in report.feeds:
        note = f.error or f.warning or (f"moved to {f.new_url}" if f.new_url else "")
        table.add_row(
            Text(f.name),
            Text(_SHOWN.get(f.status, f.status), style=_STYLE.get(f.status, "")),
            str(f.found),
            str(f.skipped),
            str(f.new),
            str(f.relevant),
            str(f.duplicate),
            str(f.failed),
        )
        if note:
            line = Text(f"{f.name}: ", style=_STYLE.get(f.status, "") or "yellow")
            line.append(mask_secrets(note), style="")
            notes.append(line)
    return Group(table, *notes)


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    def crawl_cmd(
        ctx: typer.Context,
        feed: Annotated[
            list[str] | None, typer.Option("--feed", "-f", help="poll only this feed (repeatable)")
        ] = None,
    ) -> None:
        """Poll all enabled feeds (or the named ones) once and store new articles."""
        from newswatch.crawler.runner import crawl_sync, select_feeds
        from newswatch.digests.alert_step import alert_step

        app_state = state(ctx)
        settings = app_state.settings
        chosen = select_feeds(settings, feed)
        if not chosen:
            raise NewswatchError(
                "no feeds to crawl"
                + (" (every configured feed is disabled)" if settings.feeds else ""),
                hint="add one with `newswatch feeds add URL` (a feed, or a homepage to search for feeds)",
            )
        db = app_state.database()
        alerts = alert_step(settings, db)  # cron and systemd timers run this: alert here too
        if alerts is not None:
            alerts.retry_due()
        err = Console(stderr=True)
        # a long crawl is its articles (thousands), not its feeds: the bar counts articles, with
        # their rate and the time left; feeds done are in the description
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task(f"0/{len(chosen)} feeds", total=None, rate="")
            feeds_done = 0
            started = time.monotonic()

            def done(r: object) -> None:
                nonlocal feeds_done
                feeds_done += 1
                progress.update(task, description=f"{feeds_done}/{len(chosen)} feeds")

            def articles(finished: int, requested: int) -> None:
                seconds = time.monotonic() - started
                rate = f"{finished / seconds:.1f}/s" if seconds > 0 and finished else ""
                progress.update(task, completed=finished, total=requested, rate=rate)

            report = crawl_sync(
                settings,
                db,
                feed or None,
                progress=done,
                article_progress=articles,
                on_ingested=alerts,
            )
        Console(soft_wrap=True).print(report_table(report))
        if alerts is not None and alerts.summary():
            Console(soft_wrap=True).print(alerts.summary(), highlight=False)
        failed = [f.name for f in report.feeds if f.status in FAILED]
        if failed:
            raise FeedsFailedError(
                f"{len(failed)} of {len(report.feeds)} feed{'s' if len(report.feeds) != 1 else ''} failed: "
                + ", ".join(failed),
                hint="`newswatch feeds status` shows each feed's errors; the other feeds were stored",
            )
