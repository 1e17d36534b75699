"""`newswatch run`, `reload` and `status`: the long-running service and its controls."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
from datetime import UTC, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from newswatch.cli.context import AppState, state
from newswatch.errors import LockHeldError, NewswatchError, StorageError
from newswatch.logs import setup_logging
from newswatch.storage import locks
from newswatch.storage import service_state as state_sql
from newswatch.storage.alerts import alert_health
from newswatch.weburl import mask_secrets


def _lock_error(exc: locks.LockHeld) -> LockHeldError:
    return LockHeldError(
        str(exc),
        hint="stop it first (systemctl stop newswatch / kill -TERM PID), or use another --db",
    )


def _reloader(st: AppState) -> Any:
    """Loads the configuration again from the same file, environment and flags."""

    def load() -> Any:
        fresh = AppState(
            config_path=st.config_path,
            db_url=st.db_url,
            log_format=st.log_format,
            overrides=dict(st.overrides),
        )
        return fresh.loaded.settings

    return load


def _day_start(tz_name: str, now: datetime) -> datetime:
    tz = ZoneInfo(tz_name)
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz).astimezone(UTC)


def _when_in(value: datetime | str | None, tz: ZoneInfo | None = None) -> str:
    """A moment in the configured timezone (digest.timezone), with its abbreviation."""
    if value is None:
        return "-"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz or UTC).strftime("%Y-%m-%d %H:%M:%S %Z")


def _n(count: int, word: str, many: str | None = None) -> str:
    """'1 feed', '2 feeds' (``many`` for irregular plurals)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def status_data(st: AppState) -> dict[str, Any]:
    """Everything `status` shows, from the database (works while the service runs)."""
    settings = st.settings
    db = st.database(create=False)
    now = datetime.now(UTC)
    info = locks.holder(db)
    names = [f.name for f in settings.feeds if f.enabled]
    day_start = _day_start(settings.digest.timezone, now)
    with db.session() as s:
        summary = state_sql.status_summary(s, day_start=day_start, now=now)
        alerts = {
            "enabled": settings.alerts.active,
            **alert_health(s, since=day_start, now=now),
        }
        facts = state_sql.get_state(s, "service")
        next_poll = state_sql.next_poll(s, names)
        due = state_sql.due_feeds(s, names, now)
    service, updated = facts if facts else ({}, None)
    return {
        "running": info is not None,
        "pid": info.pid if info else None,
        "host": info.host if info else None,
        "heartbeat_at": info.heartbeat_at if info else None,
        "service": service,
        "service_updated_at": updated,
        "next_feed_poll": next_poll,
        "feeds_due_now": len(due),
        "alerts": alerts,
        **summary,
    }


def _print_status(data: dict[str, Any], timezone: str = "UTC") -> None:
    out = Console(highlight=False, soft_wrap=True)
    tz = ZoneInfo(timezone)

    def _when(value: Any) -> str:
        return _when_in(value, tz)

    svc = data["service"]
    if data["running"]:
        out.print(
            f"[bold green]running[/] PID {data['pid']} on {data['host']},"
            f" since {_when(svc.get('started_at'))}"
        )
    else:
        out.print(f"[bold]not running[/] (last state: {svc.get('state', 'never started')})")
    jobs = svc.get("jobs") or {}
    if jobs and data["running"]:
        table = Table("job", "next run", "trigger", title="next runs")
        for job_id, job in sorted(jobs.items()):
            table.add_row(job_id, _when(job.get("next_run")), job.get("trigger", ""))
        out.print(table)
    out.print(
        f"next feed poll: {_when(data['next_feed_poll']) if data['next_feed_poll'] else 'at the next tick'}"
        f" ({data['feeds_due_now']} due now)"
    )
    crawl = data["last_crawl"]
    if crawl:
        out.print(
            f"last crawl: #{crawl['id']} {crawl['status']} at {_when(crawl['started_at'])}:"
            f" {_n(crawl['sources'], 'feed')},"
            f" {crawl['fetched']} fetched, {crawl['new']} new, {_n(crawl['duplicates'], 'duplicate')},"
            f" {crawl['failed']} failed"
        )
    else:
        out.print("last crawl: none")
    dig = data["last_digest"]
    out.print(
        f"last digest: {dig['label']} ({dig['kind']}, {dig['status']}) at {_when(dig['created_at'])}"
        if dig
        else "last digest: none"
    )
    out.print(f"deliveries waiting: {data['pending_deliveries']}")
    a = data["alerts"]
    waiting = f", {a['waiting']} waiting to be sent again" if a["waiting"] else ""
    if a["waiting"] and a["next_attempt_at"] is not None:
        waiting += f" (next try {_when(a['next_attempt_at'])})"
    out.print(
        f"alerts today{'' if a['enabled'] else ' (alerts are off)'}:"
        f" {a['sent']} sent{waiting}, {a['given_up']} given up"
        + (
            f"; last error: {mask_secrets(a['last_error'])}"
            if a["last_error"] and (a["waiting"] or a["given_up"])
            else ""
        )
    )
    f = data["feeds"]
    out.print(
        f"feeds: {f['active']} active, {f['failing']} failing, {f['never_polled']} never polled,"
        f" {f['deactivated']} deactivated"
    )
    for row in data["failing_feeds"]:
        out.print(
            f"  ! {row['name']}: {_n(row['consecutive_failures'], 'failure')},"
            f" last: {mask_secrets(row['last_error'] or '-')}"
        )
    t = data["today"]
    out.print(
        f"today: {_n(t['articles'], 'article')}, {t['relevant']} relevant, {_n(t['crawls'], 'crawl')};"
        f" {t['undigested']} not yet in a digest"
    )


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        ctx: typer.Context,
        role: Annotated[
            str | None,
            typer.Option(
                "--role",
                help="standalone (crawl here) or scheduler (enqueue for `newswatch worker`s)",
            ),
        ] = None,
    ) -> None:
        """Run the service: poll due feeds and build digests until SIGTERM; SIGHUP reloads."""
        st = state(ctx)
        if role is not None:
            if role not in ("standalone", "scheduler"):
                raise typer.BadParameter("expected standalone or scheduler", param_hint="--role")
            st.overrides.setdefault("service", {})["role"] = role
        settings = st.settings
        if settings.service.role == "scheduler":
            from newswatch.crawler.distributed import require_redis_url

            require_redis_url(settings)  # before taking the lock or starting anything
        level = logging.DEBUG if st.verbose else getattr(logging, settings.service.log_level)
        setup_logging(settings.service.log_format, level)
        from newswatch.scheduler.app import quiet_libraries, serve

        quiet_libraries(level)
        db = st.database()
        from newswatch.scheduler.signals import StartupSignals

        # from the lock on, `status` says running: a SIGTERM before the service's own handlers
        # are in place must stop it gracefully, not kill it
        early = StartupSignals().install()
        try:
            lock = locks.acquire(db)
        except locks.LockHeld as exc:
            raise _lock_error(exc) from None
        web = None
        try:
            if settings.service.web_port:
                from newswatch.web.server import Background, warm_in_background

                web = Background(settings, db, settings.web.host, settings.service.web_port)
                web.start()
                warm_in_background(settings, db)
            code = serve(
                settings, db, lock=lock, load_settings=_reloader(st), startup_signals=early
            )
        finally:
            if web is not None:
                web.stop()
            lock.release()
        if code:
            raise typer.Exit(code)

    @app.command("reload")
    def reload(ctx: typer.Context) -> None:
        """Make the running service re-read its configuration (sends SIGHUP to its PID)."""
        st = state(ctx)
        st.settings  # noqa: B018 - a broken file is reported here, before signalling
        info = locks.holder(st.database())
        if info is None or not info.pid:
            raise StorageError(
                "no `newswatch run` holds this database", hint="start it with `newswatch run`"
            )
        if info.host and info.host != socket.gethostname():
            raise NewswatchError(
                f"the service runs on {info.host} (PID {info.pid}); reload it there"
            )
        try:
            os.kill(info.pid, signal.SIGHUP)
        except ProcessLookupError:
            raise StorageError(f"the service (PID {info.pid}) is gone") from None
        Console(stderr=True).print(f"sent SIGHUP to PID {info.pid}", highlight=False)

    @app.command("status")
    def status(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Show the service: next runs, last crawl and digest, feed health, today's counts."""
        st = state(ctx)
        data = status_data(st)
        if as_json:
            typer.echo(json.dumps(data, default=str, indent=2))
        else:
            _print_status(data, st.settings.digest.timezone)
