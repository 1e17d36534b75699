"""Instant alerts: rules matched on each stored article, sent through apprise once per story.

The claim (an ``alerts`` row, unique per rule and story) is committed before sending, so a
restart, or another worker storing the same story, never fires the same alert twice. A send
that fails is tried again by whichever process runs next, after a doubling back-off, until
``alerts.retry_for`` after it fired; each attempt is leased first, so only one process sends it.
A rule's ``within`` window ends when newswatch first saw the report; reports published more than
``digest.lookback`` before they were seen (old news, the digest's rule too) never alert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import apprise
from sqlalchemy.orm import Session

from newswatch.config import AlertRule, Settings
from newswatch.digests.safety import plain_text, safe_url
from newswatch.digests.summarize import summarize
from newswatch.ingest import IngestResult
from newswatch.storage import alerts as alert_ledger
from newswatch.storage.articles import get_article
from newswatch.storage.db import Database
from newswatch.storage.models import AlertSent, Article, Source, Story, utcnow

log = logging.getLogger(__name__)

# statuses of IngestResult that mean a report was stored or changed
TRIGGERS = frozenset({"new", "syndicated", "near_duplicate", "updated"})
MAX_TITLE = 200


@dataclass
class AlertNotice:
    """One alert that fired (``ok`` tells whether every channel accepted it)."""

    rule: str
    story_id: int
    article_id: int
    title: str
    body: str
    ok: bool
    error: str | None = None


def channel_label(url: str) -> str:
    """An apprise URL without its secrets (scheme and host only)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "invalid URL"
    # a bare word in the host slot is often a token (tgram://BOTID:SECRET/…), not a server name
    shown = "." in host or host == "localhost"
    return f"{parts.scheme}://{host}" if shown else f"{parts.scheme}://…"


def _within(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def rule_matches(rule: AlertRule, art: Article) -> bool:
    """Whether an article meets a rule's score, category and cue conditions."""
    if not art.relevant or (art.score or 0.0) < rule.min_score:
        return False
    if rule.categories and not set(rule.categories) & set(art.categories or []):
        return False
    if rule.cues:
        blob = f"{art.title}\n{art.text}".casefold()
        if not any(cue.casefold() in blob for cue in rule.cues):
            return False
    return True


# a send that takes longer than this is taken for dead: another process may try it again
SEND_LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=1)


def retry_delay(backoff: timedelta, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed send: ``backoff`` doubled each time, capped."""
    factor: int = 2 ** max(attempts - 1, 0)  # typeshed: int ** int may be a float
    return min(backoff * factor, MAX_BACKOFF)


def window_end(art: Article, at: datetime, within: timedelta) -> datetime:
    """Where a rule's ``within`` window ends: when newswatch first saw the report.

    Measured from the sighting, not from the clock, so a crawl from cron, a retry hours later
    or a worker that stores late all count the same outlets. A report seen long before it
    triggers (an update of an old report) is measured from ``at`` instead.
    """
    seen = art.first_seen_at
    if seen is None or seen > at or at - seen > within:
        return at
    return seen


def is_old_news(art: Article, now: datetime, lookback: timedelta | None) -> bool:
    """Published (or, without a date, first seen) before the look-back: never alerted."""
    if lookback is None:
        return False
    when = art.published_at or art.first_seen_at
    return when is not None and when < now - lookback


class Alerter:
    """Decides and sends instant alerts for stored articles, and sends failed ones again.

    Every path that stores articles reaches it through ``digests.alert_step``.
    """

    def __init__(
        self, settings: Settings, db: Database | None, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.cfg = settings.alerts
        # one look-back for "is this old news": the digest's, which also keeps a feed's archive
        # out of its first digest (null there means report everything, and alert on anything)
        self.lookback = settings.digest.lookback
        self.db = db
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, db: Database | None) -> Alerter:
        return cls(settings, db)

    @property
    def enabled(self) -> bool:
        return self.cfg.active

    def on_ingested(self, result: IngestResult) -> list[AlertNotice]:
        """Check the rules against a stored article; the alerts that fired now."""
        if (
            not self.enabled
            or self.db is None
            or result.article_id is None
            or result.status not in TRIGGERS
        ):
            return []
        now = self.clock()
        fired: list[tuple[AlertRule, int, int]] = []
        with self.db.session() as s:
            art = get_article(s, result.article_id)
            if art is None or is_old_news(art, now, self.lookback):
                return []
            rules = [r for r in self.cfg.rules if rule_matches(r, art)]
            if not rules:
                return []
            story_id = alert_ledger.ensure_story(s, art)
            for rule in rules:
                outlets = self._outlets(s, rule, art, story_id, now)
                if outlets < rule.min_outlets:
                    continue
                alert_id = alert_ledger.claim_alert(
                    s,
                    rule=rule.name,
                    story_id=story_id,
                    article_id=art.id,
                    at=now,
                    lease=SEND_LEASE,
                )
                if alert_id is not None:
                    fired.append((rule, alert_id, outlets))
            messages = [
                (rule, aid, *self._message(s, rule, art, story_id, n)) for rule, aid, n in fired
            ]
        # the claims are committed: another process that stores this story now sends nothing
        return [
            self._send(alert_id, rule.name, story_id, art.id or 0, title, body, attempts=1)
            for rule, alert_id, title, body in messages
        ]

    def retry_due(self) -> list[AlertNotice]:
        """Send again the alerts whose back-off has passed; give up those no longer news."""
        if not self.enabled or self.db is None:
            return []
        now = self.clock()
        rules = {r.name: r for r in self.cfg.rules}
        with self.db.session() as s:
            due = [(int(row.id or 0), row.fired_at) for row in alert_ledger.due_alerts(s, now)]
        notices: list[AlertNotice] = []
        for alert_id, fired_at in due:
            with self.db.session() as s:
                if fired_at is None or fired_at < now - self.cfg.retry_for:
                    alert_ledger.expire_alert(s, alert_id)
                    log.warning(
                        "alert %s not sent within %s: given up", alert_id, self.cfg.retry_for
                    )
                    continue
                if not alert_ledger.lease_alert(s, alert_id, now=now, lease=SEND_LEASE):
                    continue  # another process is sending it
                row = s.get(AlertSent, alert_id)
                rule = rules.get(row.rule) if row is not None else None
                art = get_article(s, row.article_id) if row and row.article_id is not None else None
                if row is None or rule is None or art is None:
                    # the rule was removed from the configuration, or the report deleted
                    alert_ledger.expire_alert(s, alert_id)
                    continue
                outlets = self._outlets(s, rule, art, row.story_id, fired_at)
                title, body = self._message(s, rule, art, row.story_id, outlets)
                story_id, article_id, attempts = row.story_id, art.id or 0, row.attempts
            notices.append(
                self._send(
                    alert_id, rule.name, story_id, article_id, title, body, attempts=attempts
                )
            )
        return notices

    @staticmethod
    def _outlets(s: Session, rule: AlertRule, art: Article, story_id: int, at: datetime) -> int:
        end = window_end(art, at, rule.within)
        return alert_ledger.story_outlets(s, story_id, end - rule.within, end)

    def _send(
        self,
        alert_id: int,
        rule: str,
        story_id: int,
        article_id: int,
        title: str,
        body: str,
        *,
        attempts: int,
    ) -> AlertNotice:
        ok, error = self._notify(title, body, self.cfg.urls)
        retry_at = None if ok else self.clock() + retry_delay(self.cfg.retry_backoff, attempts)
        assert self.db is not None
        with self.db.session() as s:
            alert_ledger.finish_alert(s, alert_id, ok=ok, error=error, retry_at=retry_at)
        if not ok:
            log.warning(
                "alert %r for story %s not sent (%s); again after %s",
                rule,
                story_id,
                error,
                retry_at,
            )
        return AlertNotice(rule, story_id, article_id, title, body, ok, error)

    def _message(
        self, s: Session, rule: AlertRule, art: Article, story_id: int, outlets: int
    ) -> tuple[str, str]:
        story = s.get(Story, story_id)
        src = s.get(Source, art.source_id) if art.source_id else None
        headline = (
            plain_text(story.headline if story and story.headline else art.title) or "(untitled)"
        )
        if len(headline) > MAX_TITLE:
            headline = headline[: MAX_TITLE - 1] + "…"
        title = f"[{rule.name}] {headline}"
        outlet = plain_text(src.title or src.name) if src else "unknown outlet"
        lines = [
            f"{', '.join(art.categories or []) or 'uncategorised'} · "
            f"{outlets} outlet{'s' if outlets != 1 else ''} within {_within(rule.within)}",
            f"{outlet}: {safe_url(art.url) or '(no link)'}",
        ]
        lead = summarize(plain_text(art.title), plain_text(art.text), max_sentences=1)
        if lead:
            lines.append(lead[0])
        return title, "\n".join(lines)

    def _notify(self, title: str, body: str, urls: list[str]) -> tuple[bool, str | None]:
        notifier = apprise.Apprise()
        added = [u for u in urls if notifier.add(u)]
        if not added:
            return False, "no valid alert URL"
        ok = bool(notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
        if len(added) < len(urls):
            return False, f"{len(urls) - len(added)} alert URL(s) not understood by apprise"
        return ok, None if ok else "apprise could not deliver to every channel"

    def send_test(self) -> list[tuple[str, bool]]:
        """Send a test message to each channel separately; (channel, ok) per URL."""
        out: list[tuple[str, bool]] = []
        for url in self.cfg.urls:
            ok, _err = self._notify(
                "newswatch test alert", "Alerts from newswatch reach this channel.", [url]
            )
            out.append((channel_label(url), ok))
        return out
