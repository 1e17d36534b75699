"""Storage on both backends: migrations, UTC times, idempotent upserts, health, search."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa

from newswatch.storage import articles as store
from newswatch.storage.db import Database, current_revision
from newswatch.storage.models import Article, Source
from newswatch.storage.sources import (
    PollOutcome,
    feed_health,
    known_identities,
    record_poll,
    sync_sources,
)
from tests import queries


def _article(n: int, source_id: int | None = None, **kw: object) -> dict[str, object]:
    values: dict[str, object] = {
        "url_hash": f"{n:064x}",
        "url": f"https://example.org/a/{n}",
        "canonical_url": f"https://example.org/a/{n}",
        "source_id": source_id,
        "title": f"Article {n}",
        "text": f"Body of article number {n} about the Lachin corridor.",
    }
    values.update(kw)
    return values


def test_migrated_to_head(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from newswatch.storage.db import HEAD_REVISION, alembic_config, stored_revision

    # the constant that lets an up-to-date database open without Alembic names the real head
    assert (
        ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head() == HEAD_REVISION
    )
    assert current_revision(db.engine) == stored_revision(db.engine) == HEAD_REVISION
    Database.open(db.engine.url.render_as_string(hide_password=False)).close()  # idempotent


def test_an_up_to_date_database_opens_without_alembic(db: Database) -> None:
    import subprocess
    import sys

    url = db.engine.url.render_as_string(hide_password=False)
    code = (
        "import sys; from storage.db import Database; Database.open(sys.argv[1]).close(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_times_are_utc_aware(db: Database) -> None:
    yerevan = timezone(timedelta(hours=4))
    with db.session() as s:
        new_id = store.insert_article(
            s, _article(1, published_at=datetime(2025, 8, 8, 18, 0, tzinfo=yerevan))
        )
    with db.session() as s:
        art = s.get(Article, new_id)
        assert art is not None and art.published_at == datetime(2025, 8, 8, 14, 0, tzinfo=UTC)
        assert art.published_at.tzinfo is not None and art.first_seen_at is not None


def test_upsert_is_idempotent_and_returns_id_only_once(db: Database) -> None:
    with db.session() as s:
        src = sync_sources(s, [{"name": "a", "url": "https://a.example/feed"}])["a"]
        first = store.insert_article(s, _article(7, src.id, guid_hash="g7"))
        again = store.insert_article(s, _article(7, src.id, guid_hash="g7"))
        same_guid = store.insert_article(s, _article(8, src.id, guid_hash="g7"))
    assert isinstance(first, int) and again is None and same_guid is None
    with db.session() as s:
        assert queries.count_articles(s) == 1


def test_two_writers_never_duplicate(db: Database) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    results: list[int | None] = []
    lock = threading.Lock()

    def writer() -> None:
        other = Database.open(url, migrate=False)
        try:
            for n in range(40):
                with other.session() as s:
                    got = store.insert_article(s, _article(n))
                with lock:
                    results.append(got)
        finally:
            other.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in results if r is not None) == 40
    with db.session() as s:
        assert queries.count_articles(s) == 40


def test_sync_sources_keeps_health_and_moves(db: Database) -> None:
    with db.session() as s:
        src = sync_sources(
            s, [{"name": "f", "url": "https://old.example/feed", "tags": {"country": "AM"}}]
        )["f"]
        record_poll(
            s, src, PollOutcome("moved", status=301, new_url="https://new.example/feed", etag='"x"')
        )
    with db.session() as s:
        src = sync_sources(
            s, [{"name": "f", "url": "https://old.example/feed", "tags": {"country": "AM"}}]
        )["f"]
        assert (
            src.url == "https://new.example/feed"
        )  # a redirect is remembered over the old config URL
        assert src.etag == '"x"'
        record_poll(s, src, PollOutcome("error", status=500, error="HTTP 500"))
        record_poll(s, src, PollOutcome("gone", status=410, error="410 Gone"))
    with db.session() as s:
        src = s.scalar(sa.select(Source).where(Source.name == "f"))
        assert src is not None and src.consecutive_failures == 2 and not src.active
        health = feed_health(s)
        assert health[0]["name"] == "f" and health[0]["last_error"] == "410 Gone"
        assert health[0]["tags"] == {"country": "AM"}


def test_known_identities(db: Database) -> None:
    with db.session() as s:
        src = sync_sources(s, [{"name": "a", "url": "https://a.example/feed"}])["a"]
        store.insert_article(s, _article(1, src.id, guid_hash="g1"))
        urls, guids = known_identities(s, src.id, [f"{1:064x}", f"{2:064x}"], ["g1", "g2"])
    assert urls == {f"{1:064x}"} and guids == {"g1"}


def test_bands_and_search(db: Database) -> None:
    with db.session() as s:
        a = store.insert_article(
            s, _article(1, text="The Belgian Chamber adopted a resolution on Karabakh.")
        )
        b = store.insert_article(s, _article(2, text="Football: Pyunik won the league in Yerevan."))
        assert a and b
        store.add_bands(s, a, [(0, 11), (1, 12)])
        store.add_bands(s, a, [(0, 11)])
        store.add_bands(s, b, [(0, 99), (1, 12)])
        cands = store.band_candidates(s, [(0, 11), (1, 12)], exclude=a)
        assert [c[0] for c in cands] == [b]
        hits = store.search(s, "resolution Karabakh")
        assert [h["id"] for h in hits] == [a]
        assert "Karabakh" in hits[0]["snippet"]


def test_models_match_migrations(db: Database) -> None:
    """Every model change comes with a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = [d for d in compare_metadata(ctx, SQLModel.metadata) if "fts" not in repr(d)]
    assert diffs == []
