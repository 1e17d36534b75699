"""`newswatch serve`: read the archive, the stories and each side's reporting in a browser."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from newswatch.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[
            str | None,
            typer.Option(
                "--host",
                help="address to listen on (default web.host, 127.0.0.1); another needs web.auth",
            ),
        ] = None,
        port: Annotated[
            int, typer.Option("--port", min=1, max=65535, help="port to listen on")
        ] = 8080,
    ) -> None:
        """Serve the digests, stories, articles, search and feed health as web pages."""
        from newswatch.web.server import require_web
        from newswatch.web.server import serve as run_server

        require_web()
        st = state(ctx)
        settings = st.settings
        where = host or settings.web.host
        Console(stderr=True, soft_wrap=True).print(
            f"serving on http://{where}:{port}/ (Ctrl-C stops)", highlight=False
        )
        run_server(settings, st.database(), where, port)
