"""`newswatch db migrate`: SQLite → PostgreSQL → SQLite copies lose nothing and are verified."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from newswatch.cli.app import main
from newswatch.storage.copy import CopyError, copy_database
from newswatch.storage.db import Database
from newswatch.storage.models import Article
from tests.plugins.scale_fixtures import dump, fill_installation


def _open(url: str) -> Database:
    return Database.open(url)


def test_round_trip_sqlite_pg_sqlite_is_equal(tmp_path: Path, pg_url: str) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    back = f"sqlite:///{tmp_path / 'back.db'}"
    db = _open(first)
    counts = fill_installation(db)
    original = dump(db)
    db.close()

    there = copy_database(first, pg_url, batch=7)
    home = copy_database(pg_url, back, batch=7)

    assert there.ok and home.ok
    assert {t.name: t.target_rows for t in there.tables if t.name in counts} == counts
    assert [t.target_sum for t in there.tables] == [t.target_sum for t in home.tables]
    for end in (pg_url, back):
        copy = _open(end)
        assert dump(copy) == original
        copy.close()


def test_copied_postgresql_keeps_working(tmp_path: Path, pg_url: str) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    db = _open(first)
    fill_installation(db, articles=12)
    db.close()
    copy_database(first, pg_url)

    pg = _open(pg_url)
    with pg.session() as s:
        # sequences were moved past the copied ids, so new rows get fresh ones
        art = Article(
            url_hash="f" * 64,
            url="https://x.example/new",
            canonical_url="https://x.example/new",
            title="Peace treaty text initialled",
            text="Armenia Azerbaijan peace treaty",
        )
        s.add(art)
        s.flush()
        assert art.id == 13
    from newswatch.storage.articles import search

    with pg.session() as s:
        hits = search(s, "military court")
        assert len(hits) == 12
        assert search(s, "initialled")[0]["id"] == 13
    pg.close()


@pytest.mark.parametrize("force", [False, True])
def test_non_empty_target_needs_force(tmp_path: Path, force: bool) -> None:
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    for url, n in ((a, 5), (b, 9)):
        db = _open(url)
        fill_installation(db, articles=n)
        db.close()
    if not force:
        with pytest.raises(CopyError, match="not empty"):
            copy_database(a, b)
        target = _open(b)
        with target.engine.connect() as c:
            assert c.scalar(sa.select(sa.func.count()).select_from(Article)) == 9
        target.close()
        return
    report = copy_database(a, b, force=True)
    assert report.ok
    assert {t.name: t.target_rows for t in report.tables}["articles"] == 5
    target = _open(b)
    from newswatch.storage.articles import search

    with target.session() as s:
        # the FTS index follows the replaced rows
        assert len(search(s, "military court")) == 5
    target.close()


def test_same_database_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with pytest.raises(CopyError, match="same database"):
        copy_database(url, url)


def test_cli_prints_figures_and_refuses_non_empty(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = f"sqlite:///{tmp_path / 'a.db'}"
    db = _open(src)
    fill_installation(db, articles=8)
    db.close()
    cfg = tmp_path / "none.yaml"
    cfg.write_text("feeds: []\n")

    assert main(["-c", str(cfg), "db", "migrate", "--from", src, "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "articles" in out and "every table verified" in out
    assert "copied articles: 8 rows" in out

    assert main(["-c", str(cfg), "db", "migrate", "--from", src, "--to", pg_url]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["-c", str(cfg), "db", "migrate", "--from", src, "--to", pg_url, "--force"]) == 0
