"""Run a coroutine on the asyncio reactor that Scrapy and APScheduler share, in one process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any


def run(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Install the asyncio reactor, run ``main()`` to completion on it, return its result."""
    from newswatch.crawler.runner import install_reactor

    install_reactor()  # before anything imports twisted.internet.reactor
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred
    from twisted.python.failure import Failure

    outcome: list[Any] = []

    def finished(result: Any) -> None:
        outcome.append(result)
        reactor.stop()  # type: ignore[attr-defined]

    def start() -> None:
        Deferred.fromFuture(asyncio.ensure_future(main())).addBoth(finished)

    reactor.callWhenRunning(start)  # type: ignore[attr-defined]
    # the service installs its own SIGTERM/SIGINT/SIGHUP handlers: Twisted's would stop the
    # reactor at once and lose the in-flight crawl
    reactor.run(installSignalHandlers=False)  # type: ignore[attr-defined]
    result = outcome[0] if outcome else 1
    if isinstance(result, Failure):
        result.raiseException()
    return int(result)
