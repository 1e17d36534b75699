"""Prometheus metrics of the service, served only when service.metrics_port is set.

prometheus-client is an optional dependency (``newswatch[metrics]``): without it the counters are
kept by stand-ins that do nothing, and asking for the endpoint is an error that names the extra.
"""

from __future__ import annotations

from typing import Any

from newswatch.errors import MissingExtraError

try:
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
except ModuleNotFoundError:  # the metrics extra is not installed
    CollectorRegistry = None  # type: ignore[assignment,misc]  # stand-in: the extra is missing

    class _Unrecorded:
        """Accepts a metric's calls and records nothing."""

        def __init__(self, *_args: Any, **_kwargs: Any) -> None:
            pass

        def labels(self, *_args: Any, **_kwargs: Any) -> _Unrecorded:
            return self

        def inc(self, *_args: Any) -> None:
            pass

        def set(self, *_args: Any) -> None:
            pass

        def observe(self, *_args: Any) -> None:
            pass

    # stand-ins with the library's names, so the service counts whether or not the extra is there
    Counter = Gauge = Histogram = _Unrecorded  # type: ignore[assignment,misc]


class Metrics:
    """The service's counters on their own registry (several services may share a process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry() if CollectorRegistry is not None else None
        r = self.registry
        self.crawls = Counter("newswatch_crawls", "crawl runs finished", ["outcome"], registry=r)
        self.crawl_seconds = Histogram(
            "newswatch_crawl_seconds", "duration of a crawl run", registry=r
        )
        self.articles = Counter(
            "newswatch_articles", "articles handled by crawls", ["result"], registry=r
        )
        self.feeds_due = Gauge("newswatch_feeds_due", "feeds in the last crawl batch", registry=r)
        self.digests = Counter("newswatch_digests", "digest jobs", ["outcome"], registry=r)
        self.job_failures = Counter(
            "newswatch_job_failures", "failed jobs", ["job", "transient"], registry=r
        )
        self.reloads = Counter(
            "newswatch_reloads", "configuration reloads", ["outcome"], registry=r
        )
        self.feeds = Gauge("newswatch_feeds_configured", "enabled feeds", registry=r)
        self._server: object | None = None

    def serve(self, port: int, addr: str = "127.0.0.1") -> None:
        """Start the /metrics HTTP endpoint in a background thread."""
        if self.registry is None:
            raise MissingExtraError(
                "service.metrics_port (Prometheus metrics)", "prometheus_client", "metrics"
            )
        self._server = start_http_server(port, addr=addr, registry=self.registry)

    def stop(self) -> None:
        server = self._server
        if isinstance(server, tuple):
            httpd, thread = server
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=5)
        self._server = None
