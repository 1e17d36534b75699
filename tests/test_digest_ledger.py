"""Exactly once: re-runs, crashes, missed days and concurrent claims lose or repeat nothing."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from newswatch.digests import service
from newswatch.storage import ledger
from newswatch.storage.db import Database
from newswatch.storage.models import Digest
from tests.plugins.digest_fixtures import T0, News, make_settings


def _digests(db: Database) -> list[Digest]:
    with db.session() as s:
        return list(reversed(ledger.list_digests(s)))


def test_each_article_in_exactly_one_digest_across_days(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    ids = []
    for day in range(3):
        for h in (1, 9, 20):
            ids.append(
                newsroom.article(
                    f"Day {day} hour {h} report", seen=T0 + timedelta(days=day, hours=h)
                )
            )
        now = T0 + timedelta(days=day + 1, minutes=5)
        result = service.run_daily_digest(settings, db, now=now)
        assert result is not None and result.kind == "daily"
        assert result.counts["new_stories"] == 3
    assert newsroom.ledger_counts() == {i: 1 for i in ids}
    windows = [(d.window_start, d.window_end) for d in _digests(db)]
    assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(windows))


def test_rerun_same_day_does_not_repeat(db: Database, newsroom: News, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    newsroom.article("Morning report", seen=T0 + timedelta(hours=1))
    now = T0 + timedelta(days=1, minutes=1)
    first = service.run_daily_digest(settings, db, now=now)
    assert first is not None
    newsroom.article("Arrives after the cut-off", seen=now + timedelta(minutes=30))
    assert service.run_daily_digest(settings, db, now=now + timedelta(hours=1)) is None
    # the command line re-renders the day's digest instead of making a second one
    again = service.build_digest(settings, db, cutoff=now + timedelta(hours=2))
    assert again is not None and not again.created and again.digest_id == first.digest_id
    assert again.waiting == 1
    assert len(_digests(db)) == 1
    nxt = service.run_daily_digest(settings, db, now=now + timedelta(days=1))
    assert nxt is not None and nxt.counts["new_stories"] == 1


def test_crash_after_render_before_commit_loses_nothing(
    db: Database, newsroom: News, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)
    ids = [newsroom.article(f"Report {i}", seen=T0 + timedelta(hours=i + 1)) for i in range(3)]
    now = T0 + timedelta(days=1)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(ledger, "finish_digest", crash)
    with pytest.raises(RuntimeError):
        service.run_daily_digest(settings, db, now=now)
    monkeypatch.undo()
    assert newsroom.ledger_counts() == {}
    assert _digests(db) == []
    assert not list(settings.digest.output_dir.glob("digest-*"))
    assert not (settings.digest.output_dir / "index.html").exists()
    result = service.run_daily_digest(settings, db, now=now + timedelta(minutes=10))
    assert result is not None and result.created
    assert newsroom.ledger_counts() == {i: 1 for i in ids}
    assert result.counts["new_stories"] == 3


def test_missed_days_make_one_catchup_digest(db: Database, newsroom: News, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    newsroom.article("Before the gap", seen=T0 + timedelta(hours=2))
    assert service.run_daily_digest(settings, db, now=T0 + timedelta(days=1)) is not None
    gap = [
        newsroom.article(f"During the gap {d}", seen=T0 + timedelta(days=d, hours=3))
        for d in (1, 2, 3)
    ]
    result = service.run_daily_digest(settings, db, now=T0 + timedelta(days=4, hours=1))
    assert result is not None
    assert result.kind == "catchup" and result.label == "2026-11-24"
    assert result.counts["new_stories"] == 3
    digests = _digests(db)
    assert len(digests) == 2
    assert digests[1].window_start == T0 + timedelta(days=1)
    assert digests[1].window_end == T0 + timedelta(days=4)
    assert all(newsroom.ledger_counts()[i] == 1 for i in gap)
    html = result.files["html"].read_text(encoding="utf-8")
    assert "Catch-up digest, 21 November 2026, 07:00 – 24 November 2026, 07:00 UTC" in html
    assert "covers the whole gap" in html


def test_late_article_with_old_first_seen_is_still_reported(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    newsroom.article("On time", seen=T0 + timedelta(hours=2))
    assert service.run_daily_digest(settings, db, now=T0 + timedelta(days=1)) is not None
    # stored after that digest, but stamped inside its window (e.g. a worker's slow clock)
    late = newsroom.article("Late arrival", seen=T0 + timedelta(hours=5))
    result = service.run_daily_digest(settings, db, now=T0 + timedelta(days=2))
    assert result is not None and result.counts["new_stories"] == 1
    assert newsroom.ledger_counts()[late] == 1


def test_concurrent_claim_of_same_article_is_refused(db: Database, newsroom: News) -> None:
    art = newsroom.article("Claimed once", seen=T0 + timedelta(hours=1))

    def claim(label: str) -> None:
        with db.session() as s:
            digest = ledger.open_digest(
                s, label=label, window_end=T0 + timedelta(days=1), created_at=T0
            )
            ledger.claim_entries(s, digest, [(art, None, "new")])

    claim("a")
    with pytest.raises(sa.exc.IntegrityError):
        claim("b")
    assert [d.label for d in _digests(db)] == ["a"]


def test_empty_day_still_records_its_window(db: Database, newsroom: News, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    result = service.run_daily_digest(settings, db, now=T0 + timedelta(hours=1))
    assert result is not None and result.counts["new_stories"] == 0
    assert "Nothing new on the topic" in result.files["html"].read_text(encoding="utf-8")
    nxt = service.run_daily_digest(settings, db, now=T0 + timedelta(days=1, hours=1))
    assert nxt is not None and nxt.kind == "daily"


def test_two_runs_at_once_report_each_article_once(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    import threading

    ids = [
        newsroom.article(f"Report {i}", seen=T0 + timedelta(minutes=10 * i + 1)) for i in range(20)
    ]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(10)
            service.build_digest(
                make_settings(tmp_path / f"o{i}"),
                db,
                cutoff=T0 + timedelta(days=1),
                label=f"run-{i}",
            )
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert newsroom.ledger_counts() == {i: 1 for i in ids}
    assert len(_digests(db)) == 1
