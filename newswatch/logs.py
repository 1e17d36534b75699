"""Logging set-up: readable text or one JSON object per line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from newswatch.weburl import mask_secrets

_STD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields given with ``extra=`` are kept."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for k, v in vars(record).items():
            if k not in _STD and not k.startswith("_"):
                out[k] = (
                    v
                    if isinstance(v, str | int | float | bool | type(None) | list | dict)
                    else str(v)
                )
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class MaskingFormatter(logging.Formatter):
    """Any formatter's lines with URL credentials masked (messages, arguments and tracebacks)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(self.inner.format(record))


class OwnRecordsOnly(logging.Filter):
    """Pass newswatch's records; other libraries' (Scrapy, Twisted, apprise...) only when critical.

    A command reports what went wrong in its own words (a feed's error is in the crawl table);
    Scrapy's warnings about the same failures, or about a pipeline switched off on purpose,
    are noise there. ``--verbose`` shows everything.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == "newswatch" or record.name.startswith(("newswatch.", "__main__"))
        return own or record.levelno >= logging.CRITICAL


def setup_logging(fmt: str = "text", level: int = logging.INFO, *, libraries: bool = True) -> None:
    """Configure the root logger once (idempotent); ``libraries=False`` hides other libraries' logs."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_newswatch", False):
            root.removeHandler(h)
    handler = logging.StreamHandler()
    # a mark on our own handler, so that configuring again replaces it and no other
    handler._newswatch = True  # type: ignore[attr-defined]
    handler.setFormatter(
        MaskingFormatter(
            JsonFormatter()
            if fmt == "json"
            else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    )
    if not libraries:
        handler.addFilter(OwnRecordsOnly())
    root.addHandler(handler)
    root.setLevel(level)
