"""`newswatch config check`: the effective configuration or its errors."""

from __future__ import annotations

import typer
from rich.console import Console
from ruamel.yaml import YAML

from newswatch.cli.context import state
from newswatch.config import masked_dump


def register(app: typer.Typer) -> None:
    config_app = typer.Typer(help="Inspect the configuration.", no_args_is_help=True)
    app.add_typer(config_app, name="config")

    @config_app.command("check")
    def check(ctx: typer.Context) -> None:
        """Validate the configuration and print it in effect (secrets masked)."""
        loaded = state(ctx).loaded
        where = str(loaded.path) if loaded.from_file else "built-in defaults and seeds/ (no file)"
        Console(stderr=True).print(f"configuration OK: {where}", highlight=False)
        yaml = YAML()
        yaml.default_flow_style = False
        import sys

        yaml.dump(masked_dump(loaded.settings), sys.stdout)
