"""The alert step: run after every stored article, and before a process that stores starts.

`newswatch run` (its crawls and its delivery job), `newswatch crawl`, `newswatch worker` and
`newswatch import --alerts` all build it here, so one set of rules decides, one ledger keeps
each rule to one alert per story however many processes store that story, and whichever of
them runs next sends again what failed (``Alerter.retry_due``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from newswatch.config import Settings
from newswatch.storage.db import Database
from newswatch.storage.models import utcnow

if TYPE_CHECKING:  # the judge and apprise load only where alerts are sent
    from newswatch.digests.alerts import Alerter, AlertNotice
    from newswatch.ingest import IngestResult

log = logging.getLogger(__name__)


class AlertStep:
    """Called with each IngestResult; never raises (the article is stored either way)."""

    def __init__(self, alerter: Alerter) -> None:
        self.alerter = alerter
        self.sent = self.failed = 0
        self._lock = threading.Lock()  # the crawler calls it from several threads

    def __call__(self, result: IngestResult) -> list[AlertNotice]:
        try:
            return self._count(self.alerter.on_ingested(result))
        except Exception:
            log.exception("alerts for article %s failed", result.article_id)
            return []

    def retry_due(self) -> list[AlertNotice]:
        """Send the failed alerts whose back-off has passed (logged, never raised)."""
        try:
            return self._count(self.alerter.retry_due())
        except Exception:
            log.exception("retrying failed alerts failed")
            return []

    def summary(self) -> str | None:
        """What this process sent, for a command's output; None when nothing fired."""
        if not self.sent and not self.failed:
            return None
        failed = f", {self.failed} failed (sent again by the next run)" if self.failed else ""
        return f"alerts: {self.sent} sent{failed}"

    def _count(self, notices: list[AlertNotice]) -> list[AlertNotice]:
        with self._lock:
            for n in notices:
                if n.ok:
                    self.sent += 1
                else:
                    self.failed += 1
        return notices


def alert_step(
    settings: Settings, db: Database, *, clock: Callable[[], datetime] = utcnow
) -> AlertStep | None:
    """The alert step for these settings, or None when alerts are off (apprise is not loaded)."""
    if not settings.alerts.active:
        return None
    from newswatch.digests.alerts import Alerter

    return AlertStep(Alerter(settings, db, clock=clock))


def retry_alerts(settings: Settings, db: Database) -> list[AlertNotice]:
    """Send again the failed alerts that are due (for jobs that store nothing themselves)."""
    step = alert_step(settings, db)
    return step.retry_due() if step is not None else []
