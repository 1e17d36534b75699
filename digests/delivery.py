"""Deliver recorded digests by email: each sent once, failed sends retried, resent on request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from newswatch.config import Settings
from newswatch.digests import render
from newswatch.digests.mail import build_message, send_message, subject_for
from newswatch.digests.recorded import view_of
from newswatch.errors import DeliveryError, NewswatchError
from newswatch.storage import ledger
from newswatch.storage.db import Database
from newswatch.storage.models import utcnow

log = logging.getLogger(__name__)

EMAIL = "email"


@dataclass
class DeliveryOutcome:
    digest_id: int
    label: str
    channel: str
    ok: bool
    error: str | None = None
    message_id: str | None = None


def _send(settings: Settings, db: Database, digest_id: int, now: datetime) -> tuple[str, str]:
    """Render one digest's email and send it; its (label, Message-ID)."""
    with db.session() as s:
        digest = ledger.get_digest(s, digest_id)
        assert digest is not None
        view = view_of(settings, s, digest)
    msg = build_message(
        settings.digest,
        subject=subject_for(settings.digest, view.label, view.kind),
        text=render.render_text(view),
        html=render.render_html(view, email=True),
        now=now,
    )
    return view.label, send_message(msg, settings.digest.smtp)


def retry_deliveries(
    settings: Settings, db: Database, *, now: datetime | None = None
) -> list[DeliveryOutcome]:
    """Send every digest email that is pending or failed before; each is sent once."""
    if not settings.digest.recipients:
        return []
    now = now or utcnow()
    with db.session() as s:
        due = [(int(d.id or 0), d.digest_id) for d in ledger.due_deliveries(s, EMAIL)]
    out: list[DeliveryOutcome] = []
    for delivery_id, digest_id in due:
        out.append(_attempt(settings, db, delivery_id, digest_id, now))
    return out


def _attempt(
    settings: Settings, db: Database, delivery_id: int, digest_id: int, now: datetime
) -> DeliveryOutcome:
    label = ""
    try:
        label, message_id = _send(settings, db, digest_id, now)
    except NewswatchError as exc:
        log.warning("digest %s not sent: %s", digest_id, exc.message)
        with db.session() as s:
            ledger.record_attempt(s, delivery_id, ok=False, at=now, error=exc.message)
            digest = ledger.get_digest(s, digest_id)
            label = digest.label if digest else label
        return DeliveryOutcome(digest_id, label, EMAIL, False, error=exc.message)
    with db.session() as s:
        ledger.record_attempt(s, delivery_id, ok=True, at=now, message_id=message_id)
    return DeliveryOutcome(digest_id, label, EMAIL, True, message_id=message_id)


def resend(
    settings: Settings, db: Database, label: str, *, now: datetime | None = None
) -> DeliveryOutcome:
    """Send the digest of ``label`` again on purpose (also when it was sent before)."""
    now = now or utcnow()
    if not settings.digest.recipients:
        raise DeliveryError("no recipients to resend to", hint="set digest.recipients")
    with db.session() as s:
        digest = ledger.digest_by_label(s, label)
        if digest is None:
            raise DeliveryError(
                f"no digest for {label}", hint="`newswatch digest --date DATE` builds one"
            )
        # a stored row: its id is set
        delivery = ledger.ensure_delivery(s, digest.id, EMAIL)  # type: ignore[arg-type]
        ids = (delivery.id, digest.id)
    # a stored row: its id is set
    return _attempt(settings, db, ids[0], ids[1], now)  # type: ignore[arg-type]
