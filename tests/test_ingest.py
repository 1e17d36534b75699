"""The shared judge → dedup → store stages on both backends: configuration and bookkeeping."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from newswatch.config import DedupConfig, Settings
from newswatch.ingest import Ingestor, RawArticle, cached_judge
from newswatch.storage import articles as store
from newswatch.storage.db import Database
from newswatch.storage.models import Article, ArticleBand, Source, Story
from newswatch.storage.sources import sync_sources

BODY = (
    "The Chamber adopted a resolution on Nagorno-Karabakh calling for the release of the "
    "detained former leaders held in Baku. Deputies from every group voted in favour. " * 3
)
SPORT = "Pyunik beat Ararat 3-1 in Yerevan on Saturday; the coach praised the young midfield. " * 3


def _sources(db: Database) -> tuple[int, int]:
    with db.session() as s:
        srcs = sync_sources(
            s,
            [
                {"name": "a", "url": "https://a.example/feed"},
                {"name": "b", "url": "https://b.example/rss"},
            ],
        )
        return srcs["a"].id, srcs["b"].id  # type: ignore[return-value]


def test_from_settings_shares_judge_and_hasher_and_takes_thresholds(db: Database) -> None:
    settings = Settings.model_validate(
        {"dedup": {"near_duplicate_threshold": 0.9, "story_threshold": 0.6, "story_window": "24h"}}
    )
    one, two = Ingestor.from_settings(settings, db), Ingestor.from_settings(settings, db)
    assert one.judge is two.judge and one.hasher is two.hasher
    assert one.near_threshold == 0.9 and one.hasher.threshold == 0.9
    assert one.stories.threshold == 0.6 and one.stories.window == timedelta(hours=24)


def test_near_duplicate_threshold_decides_the_link(db: Database) -> None:
    a, b = _sources(db)
    edited = BODY.replace("every group", "all groups but one")
    loose = Ingestor(db, cached_judge(None, ()), dedup=DedupConfig(near_duplicate_threshold=0.5))
    orig = loose.ingest(RawArticle(url="https://a.example/n/1", title="Resolution", text=BODY), a)
    copy = loose.ingest(RawArticle(url="https://b.example/n/1", title="Resolution", text=edited), b)
    assert copy.status == "near_duplicate" and copy.duplicate_of == orig.article_id
    strict = Ingestor(db, cached_judge(None, ()), dedup=DedupConfig(near_duplicate_threshold=0.99))
    other = strict.ingest(
        RawArticle(url="https://b.example/n/2", title="Resolution", text=edited + " Update."), b
    )
    assert other.status == "new" and other.duplicate_of is None


def test_off_topic_article_is_stored_without_story_but_with_bands(db: Database) -> None:
    a, _ = _sources(db)
    res = Ingestor(db, cached_judge(None, ())).ingest(
        RawArticle(url="https://a.example/sport/1", title="Derby", text=SPORT), a
    )
    assert res.status == "new" and res.story_id is None
    assert res.judgement is not None and not res.judgement.relevant
    with db.session() as s:
        art = s.get(Article, res.article_id)
        assert art is not None and art.signature is not None and len(art.signature) == 128 * 4
        bands = s.scalar(
            sa.select(sa.func.count())
            .select_from(ArticleBand)
            .where(ArticleBand.article_id == art.id)
        )
        assert bands == Ingestor(db, cached_judge(None, ())).hasher.bands
        assert s.scalar(sa.select(sa.func.count()).select_from(Story)) == 0


def test_edit_that_makes_an_article_relevant_gives_it_a_story(db: Database) -> None:
    a, _ = _sources(db)
    ing = Ingestor(db, cached_judge(None, ()))
    first = ing.ingest(RawArticle(url="https://a.example/n/5", title="Derby", text=SPORT), a)
    assert first.story_id is None
    edited = ing.ingest(
        RawArticle(url="https://a.example/n/5", title="Resolution on Karabakh", text=BODY), a
    )
    assert edited.status == "updated" and edited.story_id is not None
    with db.session() as s:
        art = s.get(Article, first.article_id)
        assert art is not None and art.relevant and art.story_id == edited.story_id
        # the bands follow the new text: the old body no longer finds it, the new one does
        old_sig = ing.hasher.signature(SPORT)
        new_sig = ing.hasher.signature(BODY)
        assert not store.band_candidates(s, ing.hasher.band_hashes(old_sig))
        assert [c[0] for c in store.band_candidates(s, ing.hasher.band_hashes(new_sig))] == [art.id]


def test_imported_source_is_created_once(db: Database) -> None:
    ing = Ingestor(db, cached_judge(None, ()))
    for n in range(3):
        ing.ingest(
            RawArticle(
                url=f"https://c.example/{n}", title=f"T{n}", text=f"{SPORT} {n}", source="wire"
            )
        )
    with db.session() as s:
        [src] = s.scalars(sa.select(Source).where(Source.name == "wire"))
        assert src.kind == "import"
        assert (
            s.scalar(
                sa.select(sa.func.count()).select_from(Article).where(Article.source_id == src.id)
            )
            == 3
        )


def test_title_only_entries_with_a_stock_title_are_not_copies(db: Database) -> None:
    a, b = _sources(db)
    ing = Ingestor(db, cached_judge(None, ()))
    first = ing.ingest(
        RawArticle(url="https://a.example/live/1", title="Live updates: Karabakh"), a
    )
    other = ing.ingest(
        RawArticle(url="https://b.example/live/7", title="Live updates: Karabakh"), b
    )
    assert first.status == other.status == "new" and other.duplicate_of is None
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(ArticleBand)) == 0
