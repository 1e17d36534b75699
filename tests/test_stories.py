"""Identity, near-duplicates and stories through the shared ingest path, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.evaluation.dedup import load_labelled
from newswatch.digests.build import classify
from newswatch.ingest import Ingestor, RawArticle, cached_judge
from newswatch.storage import ledger
from newswatch.storage.db import Database
from newswatch.storage.models import Article, ArticleBand, Story

DATA = Path(__file__).parent / "data" / "stories"
T0 = datetime(2025, 7, 17, 9, 0, tzinfo=UTC)

VERDICT = (
    "A military court in Baku sentenced Ruben Vardanyan, the former state minister of Nagorno-Karabakh, "
    "to twenty years in prison on Monday after a trial held largely behind closed doors.\n"
    "His lawyers said they would appeal and called the charges of financing terrorism fabricated.\n"
    "Vardanyan, who was detained in September 2023 while trying to leave for Armenia, told the court "
    "he had been denied access to the case files for months.\n"
    "Armenia's foreign ministry condemned the verdict and urged international bodies to press Baku "
    "for the release of all Armenian detainees held in Azerbaijan.\n"
    "Rights groups said the proceedings fell far short of fair-trial standards."
)
SHOOTING = (
    "Armenia's Defence Ministry said on Tuesday that Azerbaijani units opened fire on Armenian "
    "positions near the village of Khoznavar in Syunik province overnight.\n"
    "One contract soldier was wounded in the leg and taken to hospital in Goris, the ministry said, "
    "adding that Armenian forces returned fire.\n"
    "Baku denied the report and accused Yerevan of provocation along the border.\n"
    "Residents of Khoznavar said the shooting lasted about forty minutes."
)
DRONE = (
    "Azerbaijan's Defence Ministry said an unmanned aerial vehicle crashed near Gazakh district "
    "after crossing from the direction of Tavush, and that the wreckage was being examined.\n"
    "No casualties were reported. The ministry said the drone carried surveillance equipment and "
    "demanded an explanation from Yerevan.\n"
    "Armenian officials said they had no information about the aircraft and that no army unit in "
    "Tavush had launched a drone that evening."
)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _ingestor(db: Database, clock: Clock | None = None) -> Ingestor:
    return Ingestor(db, cached_judge(None, ()), clock=clock or Clock())


def _count(db: Database, model: type) -> int:
    with db.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_syndicated_copy_with_new_headline_is_linked_and_shares_the_story(db: Database) -> None:
    ing = _ingestor(db)
    orig = ing.ingest(
        RawArticle(
            url="https://news.am/a/1",
            title="Vardanyan gets 20 years",
            text=VERDICT,
            source="news.am",
        )
    )
    # A republication: new headline, an agency byline in front, the last sentence dropped.
    copy_text = "By Azatutyun staff.\n" + VERDICT.rsplit("\n", 1)[0]
    copy = ing.ingest(
        RawArticle(
            url="https://azatutyun.am/x/9",
            title="Baku court jails former Karabakh minister",
            text=copy_text,
            source="azatutyun",
        )
    )
    assert orig.status == "new" and orig.story_id is not None
    assert (
        copy.status == "near_duplicate" and copy.similarity is not None and copy.similarity >= 0.7
    )
    assert copy.duplicate_of == orig.article_id and copy.story_id == orig.story_id
    # Word for word from another outlet; a copy of the copy still points at the earliest original.
    third = ing.ingest(
        RawArticle(url="https://third.example/c", title="Verdict", text=VERDICT, source="third")
    )
    assert third.status == "syndicated" and third.duplicate_of == orig.article_id
    fourth = ing.ingest(
        RawArticle(url="https://fourth.example/d", title="Verdict", text=copy_text, source="fourth")
    )
    assert fourth.status == "near_duplicate" and fourth.duplicate_of == orig.article_id
    with db.session() as s:
        story = s.get(Story, orig.story_id)
        assert (
            story is not None
            and story.article_count == 4
            and story.headline == "Vardanyan gets 20 years"
        )
        assert story.lead_article_id == orig.article_id
        assert s.scalar(
            sa.select(sa.func.count())
            .select_from(ArticleBand)
            .where(ArticleBand.article_id == copy.article_id)
        )


@pytest.mark.parametrize(
    "second",
    [
        {"url": "https://news.am/a/1?utm_source=rss&utm_medium=feed&fbclid=x"},
        {"url": "https://news.am/amp/a/1", "canonical_url": "https://news.am/a/1"},
        {"url": "https://news.am/a/1-vardanyan", "guid": "guid-1"},  # same GUID, new address
        {"url": "https://news.am/print/1", "guid": "guid-2"},  # GUID churn, same body in the outlet
    ],
)
def test_one_article_per_url_guid_or_body(db: Database, second: dict[str, str]) -> None:
    ing = _ingestor(db)
    first = ing.ingest(
        RawArticle(
            url="https://news.am/a/1",
            title="Verdict",
            text=VERDICT,
            source="news.am",
            guid="guid-1",
        )
    )
    again = ing.ingest(RawArticle(title="Verdict", text=VERDICT, source="news.am", **second))  # type: ignore[arg-type]
    assert first.status == "new"
    assert again.status == "unchanged" and again.article_id == first.article_id
    assert _count(db, Article) == 1


def test_title_edit_updates_the_article_with_a_diff(db: Database) -> None:
    clock = Clock()
    ing = _ingestor(db, clock)
    first = ing.ingest(
        RawArticle(
            url="https://news.am/a/2", title="Vardanyan sentenced", text=VERDICT, source="news.am"
        )
    )
    clock.now = T0 + timedelta(hours=2)
    corrected = VERDICT.replace("twenty years", "twenty years and a fine")
    edit = ing.ingest(
        RawArticle(
            url="https://news.am/a/2",
            title="Vardanyan sentenced to 20 years",
            text=corrected,
            source="news.am",
        )
    )
    assert edit.status == "updated" and edit.article_id == first.article_id
    assert _count(db, Article) == 1
    with db.session() as s:
        art = s.get(Article, first.article_id)
        assert (
            art is not None
            and art.status == "updated"
            and art.title == "Vardanyan sentenced to 20 years"
        )
        assert (
            art.text == corrected and art.updated_at == clock.now and art.story_id == first.story_id
        )
        ch = art.changes or {}
        assert ch["title_changed"] and ch["old_title"] == "Vardanyan sentenced"
        assert ch["text_changed"] and ch["words_added"] >= 3 and ch["edits"] == 1
        assert any(line.startswith("+") and "fine" in line for line in ch["diff"])
    # The same edit polled again changes nothing.
    assert (
        ing.ingest(
            RawArticle(
                url="https://news.am/a/2",
                title="Vardanyan sentenced to 20 years",
                text=corrected,
                source="news.am",
            )
        ).status
        == "unchanged"
    )


def test_removed_article_is_never_added_again(db: Database) -> None:
    ing = _ingestor(db)
    first = ing.ingest(
        RawArticle(
            url="https://news.am/a/3", title="Verdict", text=VERDICT, source="news.am", guid="g3"
        )
    )
    assert first.article_id is not None
    with db.session() as s:
        source_id = s.get(Article, first.article_id).source_id  # type: ignore[union-attr]
    assert ing.remove("https://news.am/a/3?utm_source=x", source_id=source_id) == first.article_id
    for raw in (
        RawArticle(url="https://news.am/a/3", title="Verdict", text=VERDICT, source="news.am"),
        RawArticle(
            url="https://news.am/a/3",
            title="Verdict (corrected)",
            text=VERDICT + "\nMore.",
            source="news.am",
        ),
        RawArticle(
            url="https://news.am/moved/3",
            title="Verdict",
            text=VERDICT,
            source="news.am",
            guid="g3",
        ),
    ):
        assert ing.ingest(raw).status == "removed"
    with db.session() as s:
        [art] = s.scalars(sa.select(Article))
        assert art.status == "removed" and art.title == "Verdict"


def test_unrelated_reports_of_one_day_and_category_make_two_stories(db: Database) -> None:
    clock = Clock()
    ing = _ingestor(db, clock)
    a = ing.ingest(
        RawArticle(
            url="https://news.am/s/1",
            title="Soldier wounded in Syunik shooting",
            text=SHOOTING,
            source="news.am",
            published=T0,
        )
    )
    clock.now = T0 + timedelta(hours=3)
    b = ing.ingest(
        RawArticle(
            url="https://apa.az/s/2",
            title="Drone crashes near Gazakh",
            text=DRONE,
            source="apa.az",
            published=clock.now,
        )
    )
    assert a.judgement is not None and b.judgement is not None
    assert a.judgement.relevant and b.judgement.relevant
    assert set(a.judgement.categories) & set(b.judgement.categories)  # same section of the digest
    assert a.story_id is not None and b.story_id is not None and a.story_id != b.story_id
    assert a.duplicate_of is None and b.duplicate_of is None


def test_cross_language_reports_of_one_development_make_one_story(db: Database) -> None:
    labelled = {
        a.features.article_id: a.features for a in load_labelled([DATA / "developments_a.yaml"])
    }
    clock = Clock()
    ing = _ingestor(db, clock)
    stories = set()
    for key in ("be-res-1", "be-res-2", "be-res-3"):  # English, French, Russian
        f = labelled[key]
        clock.now = f.when
        res = ing.ingest(
            RawArticle(
                url=f"https://{f.source}/{key}",
                title=f.title,
                text=f.text,
                source=f.source,
                language=f.language,
                published=f.published,
            )
        )
        assert res.status == "new" and res.judgement is not None and res.judgement.entities
        stories.add(res.story_id)
    assert len(stories) == 1 and None not in stories
    with db.session() as s:
        story = s.get(Story, stories.pop())
        assert story is not None and story.article_count == 3
        assert story.entities.get("place:karabakh") == 3 and "resolutions" in story.categories


def test_new_report_of_a_reported_story_is_an_update_in_the_digest(db: Database) -> None:
    clock = Clock()
    ing = _ingestor(db, clock)
    first = ing.ingest(
        RawArticle(
            url="https://news.am/v/1",
            title="Vardanyan sentenced",
            text=VERDICT,
            source="news.am",
            published=T0,
        )
    )
    assert first.story_id is not None
    with db.session() as s:
        ledger.mark_stories_reported(s, [first.story_id], T0 + timedelta(hours=1))
    clock.now = T0 + timedelta(hours=5)
    follow = (
        "Ruben Vardanyan's defence filed an appeal on Wednesday against the twenty-year sentence handed "
        "down by the military court in Baku, his lawyers said.\nThe former Nagorno-Karabakh state minister "
        "remains in detention; Armenia again called for the release of all Armenian detainees in Azerbaijan.\n"
        "The appeal argues the trial was held behind closed doors and denied him access to the case files."
    )
    later = ing.ingest(
        RawArticle(
            url="https://civilnet.am/v/2",
            title="Vardanyan appeals verdict",
            text=follow,
            source="civilnet",
            published=clock.now,
        )
    )
    assert later.status == "new" and later.story_id == first.story_id
    with db.session() as s:
        art = s.get(Article, later.article_id)
        assert art is not None
        stories = ledger.stories_by_id(s, [first.story_id])
        [(kind, _)] = classify([art], stories, set())
    assert kind == "update"


def test_copies_and_stories_are_found_after_a_restart(db_url: str) -> None:
    first_run = Database.open(db_url)
    orig = _ingestor(first_run).ingest(
        RawArticle(url="https://news.am/r/1", title="Verdict", text=VERDICT, source="news.am")
    )
    first_run.close()
    second_run = Database.open(db_url)  # a new process: nothing cached in memory
    try:
        copy_text = "By wire staff.\n" + VERDICT.rsplit("\n", 1)[0]
        copy = _ingestor(second_run).ingest(
            RawArticle(
                url="https://wire.example/r/2",
                title="Court jails Vardanyan",
                text=copy_text,
                source="wire",
            )
        )
    finally:
        second_run.close()
    assert copy.status == "near_duplicate" and copy.duplicate_of == orig.article_id
    assert copy.story_id == orig.story_id is not None


def test_a_story_started_by_another_writer_while_choosing_is_joined(db: Database) -> None:
    """The story is chosen before the write lock; what another writer stored meanwhile counts.

    Writer A chooses a story for the Russian report while none exists; before A takes the lock,
    writer B stores the English report of the same development, which starts a story. A must
    join B's story, not start a second one for the same development.
    """
    labelled = {
        a.features.article_id: a.features for a in load_labelled([DATA / "developments_a.yaml"])
    }
    clock = Clock()
    a, b = _ingestor(db, clock), _ingestor(db, clock)

    def raw(key: str) -> RawArticle:
        f = labelled[key]
        return RawArticle(
            url=f"https://{f.source}/{key}",
            title=f.title,
            text=f.text,
            source=f.source,
            language=f.language,
            published=f.published,
        )

    clock.now = labelled["be-res-3"].when
    prepare = a.stories.prepare
    stored_meanwhile = []

    def prepare_then_other_writer(s, feats):  # type: ignore[no-untyped-def]
        prepared = prepare(s, feats)
        stored_meanwhile.append(b.ingest(raw("be-res-1")))
        return prepared

    a.stories.prepare = prepare_then_other_writer  # type: ignore[method-assign]
    late = a.ingest(raw("be-res-3"))
    (first,) = stored_meanwhile
    assert first.status == "new" and first.story_id is not None
    assert late.status == "new" and late.story_id == first.story_id
    assert _count(db, Story) == 1
