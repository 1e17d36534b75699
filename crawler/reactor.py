"""The one Twisted asyncio reactor of the process: installed once, run as the main loop or in a thread.

``run_on_reactor()`` serves a process whose main loop is the reactor (the service).
``run_sync()`` serves plain code (the CLI, tests): it keeps the reactor running in a background
thread for the life of the process, because a Twisted reactor starts only once.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar, cast

from scrapy.utils.reactor import install_reactor as _scrapy_install_reactor
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed

from newswatch.errors import ExitCode

__all__ = ["install_reactor", "reactor_loop", "run_on_reactor", "run_sync"]
T = TypeVar("T")

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
_lock = threading.Lock()
_thread: threading.Thread | None = None


def install_reactor() -> None:
    """Install Twisted's asyncio reactor unless it is already installed (idempotent)."""
    with _lock:
        if is_reactor_installed():
            if not is_asyncio_reactor_installed():
                from twisted.internet import reactor

                raise RuntimeError(
                    f"a different Twisted reactor ({type(reactor).__name__}) is already installed; "
                    "call crawler.reactor.install_reactor() before importing twisted.internet.reactor"
                )
            return
        _scrapy_install_reactor(ASYNCIO_REACTOR)


def run_on_reactor(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Install the asyncio reactor, run ``main()`` to completion on it, return its result.

    For a process whose main loop is the reactor (the service): Scrapy and APScheduler share it.
    """
    reactor = _reactor()
    from twisted.internet.defer import Deferred
    from twisted.python.failure import Failure

    outcome: list[Any] = []

    def finished(result: Any) -> None:
        outcome.append(result)
        reactor.stop()

    def start() -> None:
        Deferred.fromFuture(asyncio.ensure_future(main())).addBoth(finished)

    reactor.callWhenRunning(start)
    # the service installs its own SIGTERM/SIGINT/SIGHUP handlers: Twisted's would stop the
    # reactor at once and lose the in-flight crawl
    reactor.run(installSignalHandlers=False)
    result = outcome[0] if outcome else ExitCode.FAILED
    if isinstance(result, Failure):
        result.raiseException()
    return int(result)


def reactor_loop() -> asyncio.AbstractEventLoop:
    """The asyncio loop of the reactor, started in a daemon thread when nobody runs it."""
    global _thread
    reactor = _reactor()
    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop
    with _lock:
        if reactor.running or (_thread is not None and _thread.is_alive()):
            return loop
        ready = threading.Event()
        reactor.callWhenRunning(ready.set)
        _thread = threading.Thread(
            target=reactor.run,
            kwargs={"installSignalHandlers": False},
            name="newswatch-reactor",
            daemon=True,
        )
        _thread.start()
        atexit.register(_stop_reactor)
    if not ready.wait(30):
        raise RuntimeError("the Twisted reactor did not start")
    return loop


def _stop_reactor() -> None:
    reactor = _reactor()
    if reactor.running:
        reactor.callFromThread(reactor.stop)


class _Reactor(Protocol):
    """What newswatch uses of Twisted's AsyncioSelectorReactor (whose methods are untyped)."""

    running: bool
    _asyncioEventloop: asyncio.AbstractEventLoop

    def run(self, installSignalHandlers: bool = True) -> None: ...
    def stop(self) -> None: ...
    def callWhenRunning(self, fn: Callable[[], object]) -> object: ...
    def callFromThread(self, fn: Callable[[], object]) -> None: ...


def _reactor() -> _Reactor:
    """The asyncio reactor, installed first if need be (before anything imports it)."""
    install_reactor()
    from twisted.internet import reactor

    # twisted.internet.reactor is typed as a module attribute, not as the reactor installed
    return cast(_Reactor, reactor)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The loop running in this thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the reactor's loop from ordinary code and wait for its result."""
    loop = reactor_loop()
    if loop.is_running() and _running_loop() is loop:
        coro.close()
        raise RuntimeError("called from the reactor thread; await the coroutine instead")
    future: Future[T] = asyncio.run_coroutine_threadsafe(coro, loop)
    while True:
        try:
            # a timeout keeps the main thread responsive to Ctrl-C while it waits
            return future.result(timeout=0.5)
        except TimeoutError:
            continue
