"""Storage parity on SQLite and PostgreSQL: racing upserts, search, bands, migrations, time zones."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from newswatch.storage import articles as store
from newswatch.storage.db import Database, alembic_config, current_revision, upgrade
from newswatch.storage.models import Article, Digest, DigestEntry, Source
from tests import queries

YEREVAN = timezone(timedelta(hours=4))


def _article(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "url_hash": f"{i:064x}",
        "url": f"https://armenpress.example/news/{i}",
        "canonical_url": f"https://armenpress.example/news/{i}",
        "title": f"Report {i}",
        "text": f"Body of report {i}.",
        **extra,
    }


def _race(db: Database, writers: int, work: Any) -> list[list[Any]]:
    """Run ``work(session)`` in ``writers`` threads released together; each thread's results."""
    barrier = threading.Barrier(writers)
    results: list[list[Any]] = [[] for _ in range(writers)]
    errors: list[Exception] = []

    def run(k: int) -> None:
        try:
            barrier.wait()
            results[k] = work(db)
        except Exception as exc:  # reported below: a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_racing_writers_store_each_article_once(db: Database) -> None:
    items = [_article(i) for i in range(60)]

    def work(db: Database) -> list[int | None]:
        out = []
        for row in items:
            # one transaction per article, as the crawler's store stage does
            with db.session() as s:
                out.append(store.insert_article(s, row))
        return out

    results = _race(db, 4, work)
    new_ids = [i for r in results for i in r if i is not None]
    assert len(new_ids) == len(set(new_ids)) == 60
    with db.session() as s:
        assert queries.count_articles(s) == 60
        stored = set(s.scalars(sa.select(Article.id)))
    assert stored == set(new_ids)


def test_racing_writers_on_the_same_guid(db: Database) -> None:
    with db.session() as s:
        s.add(Source(name="azatutyun", url="https://azatutyun.example/rss"))
    with db.session() as s:
        sid = s.scalar(sa.select(Source.id))

    def work(db: Database) -> list[int | None]:
        out = []
        for i in range(30):
            # each writer saw another URL for the same feed entry (tracking parameters, mirrors)
            row = _article(threading.get_ident() * 1000 + i, source_id=sid, guid_hash=f"{i:064x}")
            with db.session() as s:
                out.append(store.insert_article(s, row))
        return out

    results = _race(db, 3, work)
    assert len([i for r in results for i in r if i is not None]) == 30
    with db.session() as s:
        assert queries.count_articles(s) == 30


def test_insert_returns_none_for_a_stored_article(db: Database) -> None:
    with db.session() as s:
        first = store.insert_article(s, _article(1))
    with db.session() as s:
        assert store.insert_article(s, _article(1, title="changed")) is None
        assert first is not None and store.get_article(s, first).title == "Report 1"  # type: ignore[union-attr]


def test_search_ranks_and_follows_edits(db: Database) -> None:
    texts = [
        (
            "Lachin corridor reopened",
            "Trucks with humanitarian aid crossed the Lachin corridor at dawn.",
        ),
        ("Demining near Aghdam", "Sappers cleared fields near Aghdam; mines remain a danger."),
        (
            "Peace treaty talks",
            "Foreign ministers met to discuss the peace treaty draft and border delimitation.",
        ),
        ("Trial in Baku", "The military court in Baku heard the case of former Artsakh leaders."),
    ]
    with db.session() as s:
        ids = [
            store.insert_article(s, _article(i, title=t, text=x)) for i, (t, x) in enumerate(texts)
        ]
    with db.session() as s:
        hits = store.search(s, "Lachin corridor")
        assert [h["id"] for h in hits] == [ids[0]]
        # matches are marked with characters no text holds, so callers can escape the rest
        snippet = hits[0]["snippet"]
        assert (
            f"{store.HIGHLIGHT_START}Lachin{store.HIGHLIGHT_END}" in snippet and "[" not in snippet
        )
        assert {h["id"] for h in store.search(s, "treaty")} == {ids[2]}
        # operators and quotes in user input are words, not syntax
        for odd in ('"Baku" & !court\'s: (', "NEAR(a b)", "Baku*", "-"):
            assert all(h["id"] in ids for h in store.search(s, odd))
        assert [h["id"] for h in store.search(s, "court Baku")] == [ids[3]]
        assert store.search(s, "") == []
        store.update_article(s, ids[1], {"text": "Sappers finished the work near Fuzuli."})  # type: ignore[arg-type]
    with db.session() as s:
        assert store.search(s, "Aghdam")[0]["id"] == ids[1]  # still in the title
        assert [h["id"] for h in store.search(s, "Fuzuli")] == [ids[1]]
        assert store.search(s, "mines") == []


def test_search_finds_armenian_and_azerbaijani_words(db: Database) -> None:
    with db.session() as s:
        a = store.insert_article(s, _article(1, title="Ստեփանակերտ", text="Լեռնային Ղարաբաղ հայեր"))
        b = store.insert_article(s, _article(2, title="Xankəndi", text="Azərbaycan Respublikası"))
    with db.session() as s:
        assert [h["id"] for h in store.search(s, "Ստեփանակերտ")] == [a]
        assert [h["id"] for h in store.search(s, "Azərbaycan")] == [b]


def test_band_lookups(db: Database) -> None:
    with db.session() as s:
        ids = [store.insert_article(s, _article(i, signature=bytes([i]) * 8)) for i in range(4)]
        a, b, c, d = (int(i) for i in ids)  # type: ignore[arg-type]
        big = 2**63 - 1
        store.add_bands(s, a, [(0, big), (1, -big), (2, 7)])
        store.add_bands(s, b, [(0, big), (1, 5), (2, 8)])
        store.add_bands(s, c, [(0, 1), (1, -big), (2, 9)])
        store.add_bands(s, d, [(0, 2), (1, 3), (2, 7)])
        store.add_bands(s, a, [(0, big), (1, -big), (2, 7)])  # idempotent
    with db.session() as s:
        found = {
            i: sig
            for i, sig, _ in store.band_candidates(s, [(0, big), (1, -big), (2, 7)], exclude=a)
        }
        assert set(found) == {b, c, d}
        assert found[b] == bytes([1]) * 8
        assert store.band_candidates(s, [(2, big)]) == []  # same hash in another band is no match
        assert store.band_candidates(s, []) == []
        assert len(store.band_candidates(s, [(0, big), (1, -big), (2, 7)], limit=2)) == 2
        assert s.scalar(sa.text("SELECT count(*) FROM article_bands")) == 12


def test_migrations_down_and_up(db: Database) -> None:
    head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
    assert current_revision(db.engine) == head
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    names = set(sa.inspect(db.engine).get_table_names())
    assert names <= {"alembic_version"}
    assert current_revision(db.engine) is None
    upgrade(db.engine)
    upgrade(db.engine)  # idempotent
    assert current_revision(db.engine) == head
    assert {"articles", "sources", "digest_entries", "article_bands"} <= set(
        sa.inspect(db.engine).get_table_names()
    )
    with db.session() as s:
        new = store.insert_article(s, _article(1, title="Peace treaty"))
    with db.session() as s:
        assert store.search(s, "treaty")[0]["id"] == new


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 11, 23, 9, 15, 30, 250001, tzinfo=YEREVAN),
        datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 11, 23, 5, 15, 30),  # naive means UTC
    ],
)
def test_utc_datetime_round_trip(db: Database, given: datetime) -> None:
    with db.session() as s:
        aid = store.insert_article(s, _article(1, published_at=given, first_seen_at=given))
    expected = given if given.tzinfo else given.replace(tzinfo=UTC)
    with db.session() as s:
        if db.dialect == "postgresql":
            # the session's zone must not leak into what we read
            s.execute(sa.text("SET TIME ZONE 'Asia/Baku'"))
        art = store.get_article(s, aid)  # type: ignore[arg-type]
        assert art is not None and art.published_at == expected
        assert art.published_at.utcoffset() == timedelta(0)
        # bounds given in another zone compare as instants
        assert [a.id for a in store.articles_between(s, expected.astimezone(YEREVAN), None)] == [
            aid
        ]
        assert store.articles_between(s, expected + timedelta(microseconds=1), None) == []


def test_digest_ledger_takes_each_article_once(db: Database) -> None:
    with db.session() as s:
        aid = store.insert_article(s, _article(1))
        one, two = Digest(label="2026-11-22"), Digest(label="2026-11-23")
        s.add_all([one, two])
        s.flush()
        s.add(DigestEntry(digest_id=one.id, article_id=aid))
    with pytest.raises(sa.exc.IntegrityError), db.session() as s:
        s.add(DigestEntry(digest_id=two.id, article_id=aid))
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DigestEntry)) == 1


def test_processes_starting_together_migrate_once(db_url: str) -> None:
    """Workers start side by side on a fresh database; each one's migration must succeed."""
    from newswatch.storage.db import make_engine

    engines = [make_engine(db_url) for _ in range(4)]

    def work(_: Database) -> list[str | None]:
        engine = engines.pop()
        try:
            upgrade(engine)
            return [current_revision(engine)]
        finally:
            engine.dispose()

    results = _race(None, 4, work)  # type: ignore[arg-type]
    assert len({r[0] for r in results}) == 1 and results[0][0] is not None


def test_relaxed_commits_still_store(db: Database) -> None:
    from newswatch.storage.db import relax_commit_durability

    relax_commit_durability(db.engine)
    with db.session() as s:
        aid = store.insert_article(s, _article(1))
        if db.dialect == "postgresql":
            assert s.scalar(sa.text("SHOW synchronous_commit")) == "off"
    with db.session() as s:
        assert store.get_article(s, aid) is not None  # type: ignore[arg-type]


def test_racing_digests_claim_each_article_once(db: Database) -> None:
    from newswatch.storage import ledger

    with db.session() as s:
        for i in range(40):
            store.insert_article(s, _article(i, relevant=True))
    end = datetime(2100, 1, 1, tzinfo=UTC)

    def work(db: Database) -> list[int]:
        try:
            with db.session() as s:
                digest = ledger.open_digest(s, label="race", window_end=end, created_at=end)
                todo = ledger.unreported_articles(s, end)
                ledger.claim_entries(s, digest, [(int(a.id), None, "new") for a in todo])  # type: ignore[arg-type]
                return [int(a.id) for a in todo]  # type: ignore[arg-type]
        except sa.exc.IntegrityError:
            return []  # the other run claimed them first; this one rolled back whole

    results = _race(db, 3, work)
    claimed = [a for r in results for a in r]
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 40
    with db.session() as s:
        rows = s.execute(sa.select(DigestEntry.article_id)).scalars().all()
    assert sorted(rows) == sorted(claimed)
