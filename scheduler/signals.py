"""Signals that reach the service while it starts.

`newswatch run` takes the single-instance lock (from then on `newswatch status` says it is
running) well before the service's loop installs its own handlers: imports, the reactor, the
jobs. A SIGTERM from a service manager in that window would kill the process with the default
action. `StartupSignals` records such signals instead, and `Service.run` acts on them once its
handlers are in place: a stop stays graceful, a SIGHUP still reloads.
"""

from __future__ import annotations

import contextlib
import signal
from types import FrameType

HANDLED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class StartupSignals:
    """Record SIGTERM/SIGINT/SIGHUP until the service's own handlers replace these."""

    def __init__(self) -> None:
        self.received: list[signal.Signals] = []

    def install(self) -> StartupSignals:
        for sig in HANDLED:
            # ValueError outside the main thread: whoever runs us there stops us
            with contextlib.suppress(ValueError):
                signal.signal(sig, self._record)
        return self

    def _record(self, signum: int, _frame: FrameType | None) -> None:
        self.received.append(signal.Signals(signum))

    def take(self) -> list[signal.Signals]:
        """The signals received so far, in order, each handed out once."""
        taken, self.received = self.received, []
        return taken
