"""Run the pages under uvicorn: in the foreground (`newswatch serve`) or beside the service.

Starlette and uvicorn are the ``web`` extra; without them the command says which extra to install.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from newswatch.config import Settings
from newswatch.errors import NewswatchError, require_extra
from newswatch.storage.db import Database
from newswatch.web.security import check_bind

log = logging.getLogger(__name__)
FEATURE = "the web pages (newswatch serve, service.web_port)"


def require_web() -> None:
    require_extra("starlette", "web", FEATURE)
    require_extra("uvicorn", "web", FEATURE)


def _server(settings: Settings, db: Database, host: str, port: int, app: Any = None) -> Any:
    require_web()
    check_bind(host, settings.web)
    import uvicorn

    from newswatch.web.app import create_app

    class Server(uvicorn.Server):
        """uvicorn's server, with a requested stop that ends the command like `newswatch run`.

        After a clean shutdown uvicorn raises the signal it caught again, so the process dies by
        SIGTERM (exit -15) instead of exiting 0; the signal is kept here and not handed back.
        """

        stopped_by: int | None = None

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True  # a second Ctrl-C: stop without waiting for requests
            self.should_exit = True
            self.stopped_by = self.stopped_by or sig

    config = uvicorn.Config(
        app or create_app(settings, db),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        # the proxy's X-Forwarded-* are trusted only from the machine itself
        forwarded_allow_ips="127.0.0.1",
        lifespan="off",
    )
    return Server(config)


def warm_in_background(settings: Settings, db: Database) -> threading.Thread:
    """Prepare the front page and the latest digest beside the server starting."""
    from newswatch.storage.models import utcnow
    from newswatch.web.pages import warm_up

    def run() -> None:
        try:
            warm_up(settings, db, utcnow())
        except Exception:  # a page that fails will say so when asked for; never stop serving
            log.warning("warming the pages up failed", exc_info=True)

    thread = threading.Thread(target=run, name="newswatch-web-warm", daemon=True)
    thread.start()
    return thread


def serve(settings: Settings, db: Database, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn handles the signals in the main thread)."""
    server = _server(settings, db, host, port)
    warm_in_background(settings, db)
    server.run()
    if not server.started:
        raise NewswatchError(
            f"could not serve on {host}:{port}", hint="is the port already in use?"
        )
    if server.stopped_by == signal.SIGINT:
        raise KeyboardInterrupt  # exit 130, as for any command stopped with Ctrl-C


class Background:
    """The pages served from a thread beside `newswatch run` (its own event loop)."""

    def __init__(
        self, settings: Settings, db: Database, host: str, port: int, *, app: Any = None
    ) -> None:
        self.server = _server(settings, db, host, port, app)
        self.thread = threading.Thread(target=self.server.run, name="newswatch-web", daemon=True)
        self.where = f"http://{host}:{port}/"

    def start(self, timeout: float = 10.0) -> None:
        self.thread.start()
        # uvicorn offers no event to wait on: watch its own flag, with a deadline
        deadline = time.monotonic() + timeout
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            self.stop()
            raise NewswatchError(
                f"the web pages could not start on {self.where}", hint="is service.web_port in use?"
            )
        log.info("web pages at %s", self.where)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
