"""The view of a recorded digest, rebuilt from its ledger: for re-renders, emails and web pages.

``view_options`` is what every view is built with, so a first build and a re-render agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from newswatch.config import Settings
from newswatch.digests.build import DigestMeta, build_view, reported_sentences
from newswatch.digests.view import DigestView, HealthRow
from newswatch.judge.explain import explainer_for
from newswatch.storage import ledger
from newswatch.storage.models import Digest


def meta_of(d: Digest) -> DigestMeta:
    """The facts of a digest row that its view shows (label, kind, window)."""
    return DigestMeta(d.id or 0, d.label, d.kind, d.window_start, d.window_end, d.created_at)


def base_url(settings: Settings) -> str:
    """Where the digest files are read from, ending in "/": absolute links start with it."""
    url = settings.digest.base_url or settings.digest.output_dir.resolve().as_uri()
    return url if url.endswith("/") else url + "/"


def view_options(settings: Settings) -> dict[str, Any]:
    """What every view of a digest is built with (the same for a first build and a re-render)."""
    return {
        "include_offtopic": settings.digest.include_offtopic,
        "timezone": settings.digest.timezone,
        "explainer": explainer_for(settings.judge.profile),
        "reader_language": settings.digest.language,
        # the page sits beside index.html; only a published base makes a link that works in email
        "archive_url": (base_url(settings) if settings.digest.base_url else "") + "index.html",
    }


def view_of(
    settings: Settings,
    session: Session,
    digest: Digest,
    *,
    explainer: Any = None,
    entry_maker: Any = None,
) -> DigestView:
    """The view of a recorded digest, rebuilt from its ledger entries.

    ``explainer`` and ``entry_maker`` replace the profile's explainer and ``make_entry`` (the
    web pages pass ones that keep their answers).
    """
    # a stored row: its id is set
    items = ledger.digest_items(session, digest.id)  # type: ignore[arg-type]
    stories = ledger.stories_by_id(
        session, (a.story_id for _k, a in items if a.story_id is not None)
    )
    view = build_view(
        meta_of(digest),
        items,
        sources=ledger.sources_by_id(session),
        stories=stories,
        # a stored row: its id is set
        reported_text=earlier_text(session, items, digest.id),  # type: ignore[arg-type]
        **{**view_options(settings), **({"explainer": explainer} if explainer else {})},
        entry_maker=entry_maker,
    )
    counts = digest.counts or {}
    view.sources_polled = int(counts.get("sources_polled", 0))
    view.feeds_total = int(counts.get("feeds_total", 0))
    view.feeds_unhealthy = [HealthRow(**h) for h in counts.get("feeds_unhealthy", [])]
    view.alerts_unsent = counts.get("alerts_unsent")
    return view


def earlier_text(
    session: Session, items: list[tuple[str, Any]], digest_id: int
) -> dict[int, set[str]]:
    """What earlier digests said about the stories this one updates."""
    updated = {a.story_id for k, a in items if k == "update" and a.story_id is not None}
    return reported_sentences(ledger.reported_texts(session, updated, before_digest=digest_id))
