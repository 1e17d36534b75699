"""Readable, recordable messages for download failures."""

from __future__ import annotations

from http import HTTPStatus

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newswatch.crawler.middlewares import retry_after_seconds


def status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def http_error_message(response: Response) -> str:
    msg = status_text(response.status)
    wait = retry_after_seconds(response.headers.get(b"Retry-After"))
    if response.status in (429, 503) and wait is not None:
        msg += f" (Retry-After {int(wait)} s)"
    return msg


def describe(failure: Failure) -> tuple[str, int | None]:
    """(message, HTTP status if there was a response) for a request's failure."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return http_error_message(exc.response), exc.response.status
    if isinstance(exc, DownloadTimeoutError):
        return f"timed out ({exc})", None
    if isinstance(exc, DownloadCancelledError):
        return f"too large: {exc}", None
    if isinstance(exc, ResponseDataLossError):
        return "connection closed before the whole body arrived (truncated response)", None
    if isinstance(exc, DownloadConnectionRefusedError):
        return "connection refused", None
    if isinstance(exc, CannotResolveHostError):
        return "cannot resolve the host name", None
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request ignored"
        if "redirect" in text.lower():
            text = f"too many redirects ({text})"
        return text, None
    return f"{type(exc).__name__}: {exc}", None
