"""`newswatch digest` (build, send, resend) and `newswatch alerts test`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer
from rich.console import Console

from newswatch.cli.context import state
from newswatch.errors import DeliveryError, InputError
from newswatch.wording import counted

FORMATS = ("html", "text", "json")


def _parse_now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            "--now: expected an ISO 8601 time such as 2026-11-23T07:00:00+00:00"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_date(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{flag}: expected a date as YYYY-MM-DD") from None


def register(app: typer.Typer) -> None:
    @app.command("digest")
    def digest_cmd(
        ctx: typer.Context,
        day: Annotated[
            str | None,
            typer.Option(
                "--date", metavar="YYYY-MM-DD", help="the day's digest (cut-off at digest.time)"
            ),
        ] = None,
        send: Annotated[
            bool, typer.Option("--send", help="email it, and retry earlier unsent digests")
        ] = False,
        fmt: Annotated[
            str,
            typer.Option(
                "--format",
                help="html prints the file's path; text and json print the digest itself",
            ),
        ] = "html",
        resend: Annotated[
            str | None,
            typer.Option("--resend", metavar="YYYY-MM-DD", help="email that day's digest again"),
        ] = None,
        now: Annotated[
            str | None, typer.Option("--now", hidden=True, help="cut-off time (ISO 8601)")
        ] = None,
    ) -> None:
        """Build the digest of everything not yet reported; print it (text, json) or its HTML file's path."""
        from newswatch.digests import delivery, service

        if fmt not in FORMATS:
            raise InputError("--format: expected html, text or json")
        st = state(ctx)
        settings, db = st.settings, st.database()
        err = Console(stderr=True, highlight=False)
        moment = _parse_now(now)
        if resend:
            label = _parse_date(resend, "--resend").isoformat()
            outcome = delivery.resend(settings, db, label, now=moment)
            if not outcome.ok:
                raise DeliveryError(f"digest {label} not sent: {outcome.error}")
            err.print(f"digest {label} sent again ({outcome.message_id})")
            return
        if day:
            label = _parse_date(day, "--date").isoformat()
            cutoff = min(service.scheduled_cutoff(settings, date.fromisoformat(label)), moment)
        else:
            cutoff = moment
            label = service.label_for(settings, cutoff)
        result = service.build_digest(
            settings, db, cutoff=cutoff, label=label, now=moment, send=send
        )
        if result is None:
            err.print(f"nothing new for {label}: a later digest already covers that time")
            if send:
                for o in delivery.retry_deliveries(settings, db, now=moment):
                    err.print(
                        f"digest {o.label}: {'sent' if o.ok else 'NOT sent: ' + str(o.error)}"
                    )
            return
        if not result.created:
            err.print(
                f"digest {label} already exists: re-rendered it; "
                f"{counted(result.waiting, 'newer article')} wait for the next digest"
            )
        elif result.kind == "catchup":
            err.print(f"catch-up digest {label}: covers every day since the previous digest")
        failed = [o for o in result.deliveries if not o.ok]
        for o in result.deliveries:
            err.print(f"digest {o.label}: {'sent' if o.ok else 'NOT sent: ' + str(o.error)}")
        if send and not settings.digest.recipients:
            err.print("not sent: digest.recipients is empty")
        written = result.files[fmt]
        if fmt == "html":
            typer.echo(str(written))
        else:
            err.print(f"written to {written}")
            typer.echo(written.read_text(encoding="utf-8"), nl=False)
        if failed:
            raise DeliveryError(
                f"{counted(len(failed), 'digest email')} not sent; kept for the next --send"
            )

    alerts_app = typer.Typer(help="Instant alerts.", no_args_is_help=True)
    app.add_typer(alerts_app, name="alerts")

    @alerts_app.command("test")
    def alerts_test(ctx: typer.Context) -> None:
        """Send a test alert to every configured channel."""
        from newswatch.digests.alerts import Alerter

        st = state(ctx)
        alerter = Alerter(st.settings, db=None)
        if not st.settings.alerts.urls:
            raise InputError("no alert channels configured", hint="add apprise URLs to alerts.urls")
        results = alerter.send_test()
        out = Console(highlight=False)
        for channel, ok in results:
            out.print(f"{'ok    ' if ok else 'FAILED'} {channel}")
        if not all(ok for _c, ok in results):
            raise DeliveryError("some alert channels failed")
