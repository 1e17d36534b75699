"""Two `newswatch import` processes on one database: every article and story stored once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from newswatch.storage.db import Database
from newswatch.storage.models import Article, Story
from tests.test_stories import DRONE, SHOOTING, VERDICT, _count


def _concurrent_items() -> list[dict[str, str]]:
    """Three developments told by several outlets, copies, and off-topic filler between them."""
    follow = (
        "Ruben Vardanyan's lawyers appealed on Wednesday against the twenty-year sentence the military "
        "court in Baku handed the former Nagorno-Karabakh state minister.\nArmenia repeated its call for "
        "the release of the Armenian detainees held in Azerbaijan and criticised the closed-door trial."
    )
    shooting_2 = (
        "Shots were fired overnight at Armenian army positions near Khoznavar in the Syunik region, "
        "Armenia's Defence Ministry reported on Tuesday, saying Azerbaijani units were responsible.\n"
        "A contract soldier suffered a leg wound and was treated in Goris; Baku rejected the account."
    )
    items = [
        {
            "id": "v1",
            "url": "https://news.am/v/1",
            "title": "Vardanyan gets 20 years",
            "text": VERDICT,
            "source": "news.am",
        },
        {
            "id": "s1",
            "url": "https://news.am/s/1",
            "title": "Soldier wounded in Syunik",
            "text": SHOOTING,
            "source": "news.am",
        },
        {
            "id": "v2",
            "url": "https://asbarez.com/v/2?utm_source=tw",
            "title": "Baku jails Vardanyan",
            "text": VERDICT,
            "source": "asbarez",
        },
        {
            "id": "d1",
            "url": "https://apa.az/d/1",
            "title": "Drone crashes near Gazakh",
            "text": DRONE,
            "source": "apa.az",
        },
        {
            "id": "v3",
            "url": "https://civilnet.am/v/3",
            "title": "Vardanyan appeals",
            "text": follow,
            "source": "civilnet",
        },
        {
            "id": "s2",
            "url": "https://armenpress.am/s/2",
            "title": "Border shooting near Khoznavar",
            "text": shooting_2,
            "source": "armenpress",
        },
        {
            "id": "d2",
            "url": "https://report.az/d/2",
            "title": "UAV from Armenia falls in Gazakh",
            "text": DRONE,
            "source": "report.az",
        },
    ]
    out: list[dict[str, str]] = []
    for n, item in enumerate(items):
        out.append(item)
        for k in range(6):
            i = n * 6 + k
            out.append(
                {
                    "id": f"f{i}",
                    "url": f"https://sport.example/{i}",
                    "title": f"Match report {i}",
                    "text": f"Team {i} beat rivals {i + 3} to {i % 4} in the league on Saturday before {1000 + i} fans. "
                    f"The coach praised the defence and said the squad of {20 + i} players would rest.",
                    "source": "sport",
                }
            )
    return out


def _newswatch(db_url: str, *args: str) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", db_url, *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_writers_importing_one_file_store_everything_once(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    items = _concurrent_items()
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    procs = [_newswatch(db_url, "import", str(path)) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    assert _count(db, Article) == len(items)
    export = _newswatch(db_url, "export")
    out, err = export.communicate(timeout=120)
    assert export.returncode == 0, err
    rows = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert sorted(rows) == sorted(i["id"] for i in items)
    with db.session() as s:
        by_ext = {a.external_id: a for a in s.scalars(sa.select(Article))}
        assert _count(db, Story) == 3
    for group in (("v1", "v2", "v3"), ("s1", "s2"), ("d1", "d2")):
        assert (
            len({rows[k]["story_id"] for k in group}) == 1
            and rows[group[0]]["story_id"] is not None
        )
    assert (
        rows["v2"]["duplicate_of"] == by_ext["v1"].id
        and rows["d2"]["duplicate_of"] == by_ext["d1"].id
    )
    assert rows["v3"]["duplicate_of"] is None and rows["s2"]["duplicate_of"] is None
    assert all(
        r["story_id"] is None and not r["relevant"] for k, r in rows.items() if k.startswith("f")
    )
    assert not any(r["updated"] for r in rows.values())


def test_interleaved_writers_group_as_one_writer_would(tmp_path: Path) -> None:
    """Writer B stores whole articles while writer A chooses stories before taking the lock.

    A writer that had stored little used to weigh every word as rare (its word statistics held
    only its own reports) and put the drone report into the shooting story; writers now count
    what the others stored too. The seeds include interleavings that failed that way.
    """
    import random

    from newswatch.ingest import Ingestor, RawArticle, cached_judge

    items = _concurrent_items()

    def raw(i: dict[str, str]) -> RawArticle:
        return RawArticle(
            url=i["url"], title=i["title"], text=i["text"], source=i["source"], external_id=i["id"]
        )

    for seed in range(28, 46):
        rng = random.Random(seed)
        db = Database.open(f"sqlite:///{tmp_path / f'{seed}.db'}")
        a, b = Ingestor(db, cached_judge(None, ())), Ingestor(db, cached_judge(None, ()))
        behind = list(items)
        prepare = a.stories.prepare

        def prepare_while_b_stores(s, feats, prepare=prepare, rng=rng, behind=behind, b=b):  # type: ignore[no-untyped-def]
            prepared = prepare(s, feats)
            while behind and rng.random() < 0.6:
                b.ingest(raw(behind.pop(0)))
            return prepared

        a.stories.prepare = prepare_while_b_stores  # type: ignore[method-assign]
        for item in items:
            a.ingest(raw(item))
            if behind and rng.random() < 0.5:
                b.ingest(raw(behind.pop(0)))
        while behind:
            b.ingest(raw(behind.pop(0)))
        with db.session() as s:
            story_of = {x.external_id: x.story_id for x in s.scalars(sa.select(Article))}
        assert _count(db, Story) == 3, seed
        for group in (("v1", "v2", "v3"), ("s1", "s2"), ("d1", "d2")):
            assert len({story_of[k] for k in group}) == 1, (seed, group)
        db.close()
