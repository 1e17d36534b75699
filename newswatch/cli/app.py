"""The `newswatch` command line: global options, command registration, error handling."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

# typer vendors click and names the base of its usage errors nowhere else (typer.BadParameter
# and the rest derive from it); the `click` distribution's own classes are never raised here
from typer._click.exceptions import ClickException

from newswatch.cli.context import AppState
from newswatch.errors import ExitCode, NewswatchError
from newswatch.weburl import mask_secrets

app = typer.Typer(
    name="newswatch",
    help="News monitoring and alerting crawler: collect, judge, deduplicate, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True, soft_wrap=True)

# Each module defines ``register(app)``; a module that is missing is simply not offered.
COMMAND_MODULES = (
    "newswatch.cli.config_cmd",
    "newswatch.cli.db_cmd",
    "newswatch.cli.crawl",
    "newswatch.cli.feeds",
    "newswatch.cli.digest",
    "newswatch.cli.demo",
    "newswatch.cli.extract",
    "newswatch.cli.classify",
    "newswatch.cli.backtest",
    "newswatch.cli.data",
    "newswatch.cli.service",
    "newswatch.cli.worker",
    "newswatch.cli.serve",
)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="configuration file (default ./newswatch.yaml or $NEWSWATCH_CONFIG)",
        ),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="database URL (overrides storage.url)")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="show tracebacks and debug logs")
    ] = False,
    log_format: Annotated[
        str | None, typer.Option("--log-format", help="log line format: text or json")
    ] = None,
) -> None:
    ctx.obj = AppState(config_path=config, db_url=db, verbose=verbose, log_format=log_format)
    ctx.call_on_close(ctx.obj.close)
    if log_format and log_format not in ("text", "json"):
        raise typer.BadParameter("expected text or json", param_hint="--log-format")
    from newswatch.logs import setup_logging

    setup_logging(
        log_format or "text", logging.DEBUG if verbose else logging.WARNING, libraries=verbose
    )


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    """Entry point: the one place where errors become exit codes."""
    verbose = "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv)
    try:
        # with standalone_mode off, click returns a command's typer.Exit code instead of exiting
        rc = app(args=argv, standalone_mode=False)
    except NewswatchError as exc:
        if verbose:
            import traceback

            err_console.print(
                mask_secrets("".join(traceback.format_exception(exc))),
                markup=False,
                highlight=False,
            )
        err_console.print("[bold red]error:[/] ", end="", markup=True)
        err_console.print(mask_secrets(str(exc)), markup=False, highlight=False)
        return exc.exit_code
    except typer.Exit as exc:  # a command's own exit code
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except ClickException as exc:  # usage errors: the usage line and what was wrong
        exc.show()
        return exc.exit_code
    return rc if isinstance(rc, int) else ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
