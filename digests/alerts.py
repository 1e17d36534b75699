"""Instant alerts: rules matched on each stored article, sent through apprise once per story.

The claim (an ``alerts`` row, unique per rule and story) is committed before sending, so a
restart never fires the same alert twice; an alert whose send fails stays recorded as failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import apprise

from newswatch.digests.safety import plain_text, safe_url
from newswatch.digests.summarize import summarize
from newswatch.config import AlertRule, Settings
from newswatch.ingest import IngestResult
from newswatch.storage import ledger
from newswatch.storage.articles import get_article
from newswatch.storage.db import Database
from newswatch.storage.models import Article, Source, Story, utcnow

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


class Alerter:
    """Sends instant alerts; the crawler calls :meth:`on_ingested` after storing an article."""

    def __init__(
        self, settings: Settings, db: Database | None, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.cfg = settings.alerts
        self.db = db
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, db: Database | None) -> Alerter:
        return cls(settings, db)

    @property
    def enabled(self) -> bool:
        return bool(self.cfg.enabled and self.cfg.urls and self.cfg.rules)

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
            if art is None:
                return []
            rules = [r for r in self.cfg.rules if rule_matches(r, art)]
            if not rules:
                return []
            story_id = ledger.ensure_story(s, art)
            for rule in rules:
                outlets = ledger.story_outlets(s, story_id, now - rule.within)
                if outlets < rule.min_outlets:
                    continue
                alert_id = ledger.claim_alert(
                    s, rule=rule.name, story_id=story_id, article_id=art.id, at=now
                )
                if alert_id is not None:
                    fired.append((rule, alert_id, outlets))
            messages = [
                (rule, aid, *self._message(s, rule, art, story_id, n)) for rule, aid, n in fired
            ]
        notices: list[AlertNotice] = []
        for rule, alert_id, title, body in messages:
            ok, error = self._notify(title, body, self.cfg.urls)
            with self.db.session() as s:
                ledger.finish_alert(s, alert_id, ok=ok, error=error)
            notices.append(AlertNotice(rule.name, story_id, art.id or 0, title, body, ok, error))
        return notices

    def retry_failed(self, max_age: timedelta = timedelta(hours=6)) -> list[AlertNotice]:
        """Send again the alerts that failed recently (older ones are no longer news)."""
        if not self.enabled or self.db is None:
            return []
        now = self.clock()
        rules = {r.name: r for r in self.cfg.rules}
        todo: list[tuple[int, str, int, int, str, str]] = []
        with self.db.session() as s:
            for row in ledger.failed_alerts(s, now - max_age):
                rule = rules.get(row.rule)
                art = get_article(s, row.article_id) if row.article_id is not None else None
                if rule is None or art is None or row.id is None:
                    continue
                outlets = ledger.story_outlets(s, row.story_id, now - rule.within)
                title, body = self._message(s, rule, art, row.story_id, outlets)
                todo.append((row.id, rule.name, row.story_id, art.id or 0, title, body))
        notices: list[AlertNotice] = []
        for alert_id, rule_name, story_id, article_id, title, body in todo:
            ok, error = self._notify(title, body, self.cfg.urls)
            with self.db.session() as s:
                ledger.finish_alert(s, alert_id, ok=ok, error=error)
            notices.append(AlertNotice(rule_name, story_id, article_id, title, body, ok, error))
        return notices

    def _message(
        self, s: object, rule: AlertRule, art: Article, story_id: int, outlets: int
    ) -> tuple[str, str]:
        session = s  # a sqlalchemy Session; typed loosely to keep the signature short
        story = session.get(Story, story_id)  # type: ignore[attr-defined]
        src = session.get(Source, art.source_id) if art.source_id else None  # type: ignore[attr-defined]
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
