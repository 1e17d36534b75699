"""Story grouping across outlets and languages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.evaluation.dedup import LabelledArticle, load_labelled, pairwise_scores
from newswatch.dedup import (
    DocStats,
    StoryFeatures,
    add_member,
    assign_story,
    cluster,
    new_story,
    story_score,
)
from newswatch.dedup.features import (
    extract_numbers,
    keywords,
    lead_act_of,
    opens_with_yesterday,
    sequel_of,
    subject_of,
)
from newswatch.dedup.stories import DEFAULT_THRESHOLD

DATA = Path(__file__).parent / "data" / "stories"
WINDOW = timedelta(hours=72)


@pytest.fixture(scope="module")
def labelled() -> list[LabelledArticle]:
    return load_labelled(DATA.glob("*.yaml"))


@pytest.fixture(scope="module")
def by_id(labelled: list[LabelledArticle]) -> dict[str, StoryFeatures]:
    return {str(a.features.article_id): a.features for a in labelled}


def story_of(*articles: StoryFeatures):  # type: ignore[no-untyped-def]
    s = new_story(1, articles[0])
    for a in articles[1:]:
        add_member(s, a)
    return s


def test_labelled_set_is_big_and_varied_enough(labelled: list[LabelledArticle]) -> None:
    sizes: dict[str, int] = {}
    langs: dict[str, set[str]] = {}
    for a in labelled:
        sizes[a.story] = sizes.get(a.story, 0) + 1
        langs.setdefault(a.story, set()).add(str(a.features.language))
    multi = [s for s, n in sizes.items() if n >= 3]
    assert len(multi) >= 12 and all(3 <= sizes[s] <= 6 for s in multi)
    assert len([s for s, n in sizes.items() if n == 1]) >= 20
    assert len({lang for s in multi for lang in langs[s]}) >= 3


def test_cross_language_reports_form_one_story(labelled: list[LabelledArticle]) -> None:
    reports = [a.features for a in labelled if a.story == "washington-declaration"]
    assert len({a.language for a in reports}) >= 4
    groups = cluster(reports, threshold=DEFAULT_THRESHOLD, window=WINDOW)
    assert len(groups) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("vard-1", "s-euljekjian"),  # both detainees, same day, both in Baku
        ("frna-3", "nl-3"),  # two parliaments, same category, same day, same language
        ("syunik-1", "s-syunik-road"),  # same province, same day
        ("demine-3", "kalbajar-3"),  # ANAMA in both, same day, humanitarian
    ],
)
def test_unrelated_same_day_same_category_reports_stay_apart(
    labelled: list[LabelledArticle], by_id: dict[str, StoryFeatures], a: str, b: str
) -> None:
    stats = DocStats.from_articles(x.features for x in labelled)
    score, reasons = story_score(by_id[a], story_of(by_id[b]), window=WINDOW, stats=stats)
    assert score < DEFAULT_THRESHOLD, reasons


def test_whole_labelled_set_keeps_developments_apart(labelled: list[LabelledArticle]) -> None:
    groups = cluster([a.features for a in labelled], threshold=DEFAULT_THRESHOLD, window=WINDOW)
    assert sorted(i for g in groups for i in g) == sorted(a.features.article_id for a in labelled)
    labels = {a.features.article_id: a.story for a in labelled}
    merged = [g for g in groups if len({labels[i] for i in g}) > 1]
    assert merged == []
    assert pairwise_scores(groups, labels).recall > 0.8


def test_report_outside_window_starts_a_new_story(by_id: dict[str, StoryFeatures]) -> None:
    a = by_id["vard-2"]
    assert a.published is not None
    late = replace(a, article_id="late", published=a.published + timedelta(days=5))
    s = story_of(by_id["vard-1"])
    score, reasons = story_score(late, s, window=WINDOW)
    assert score == 0.0 and "outside window" in reasons[0]
    assert story_score(a, s, window=WINDOW)[0] > DEFAULT_THRESHOLD


def test_assign_story_picks_the_matching_story(by_id: dict[str, StoryFeatures]) -> None:
    stories = [
        story_of(by_id["frna-1"], by_id["frna-2"]),
        story_of(by_id["nl-1"], by_id["nl-2"]),
        story_of(by_id["syunik-1"]),
    ]
    t = DEFAULT_THRESHOLD
    assert assign_story(by_id["nl-4"], stories, threshold=t, window=WINDOW) is stories[1]
    assert assign_story(by_id["frna-3"], stories, threshold=t, window=WINDOW) is stories[0]
    assert assign_story(by_id["s-tavush-drone"], stories, threshold=t, window=WINDOW) is None
    assert assign_story(by_id["nl-4"], [], threshold=t, window=WINDOW) is None


def _article(i: int, entities: set[str], text: str, when: datetime) -> StoryFeatures:
    return StoryFeatures(
        article_id=i,
        title=f"Report {i}",
        text=text,
        language="en",
        published=when,
        first_seen=when,
        categories=["security"],
        entities=entities,
        source=f"site{i}.example",
    )


def test_shared_country_names_alone_do_not_make_a_story() -> None:
    t0 = datetime(2026, 2, 4, 8, tzinfo=UTC)
    countries = {"place:armenia", "place:azerbaijan"}
    events = [
        "a shepherd was detained near the border line",
        "gunfire damaged a school roof overnight",
        "a drone was seen over farmland",
        "engineers repaired a power line after shelling",
        "police found an unexploded shell in a garden",
        "a bus route was suspended for security reasons",
        "soldiers reinforced a checkpoint on the highway",
        "a farmer's tractor struck an old mine",
        "residents reported loudspeaker broadcasts at night",
        "an observation post was moved closer to houses",
    ]
    reports = [
        _article(i, countries | {f"place:village-{i}", f"person:official-{i}"}, text, t0)
        for i, text in enumerate(events)
    ]
    groups = cluster(reports, threshold=DEFAULT_THRESHOLD, window=WINDOW)
    assert len(groups) == 10


def test_near_identical_wording_joins_even_without_entities(
    by_id: dict[str, StoryFeatures],
) -> None:
    a = replace(by_id["long-vard"], entities=set())
    copy = replace(a, article_id="copy", title="Court jails Vardanyan", source="wire.example")
    score, reasons = story_score(copy, story_of(a), window=WINDOW)
    assert score >= 0.9 and "near-duplicate text" in reasons


def test_story_bookkeeping_tracks_members_counts_and_span(
    by_id: dict[str, StoryFeatures],
) -> None:
    s = story_of(by_id["vard-1"], by_id["vard-2"], by_id["vard-5"])
    assert s.entities["person:ruben-vardanyan"] == 3
    assert s.first_seen == by_id["vard-1"].when and s.last_seen == by_id["vard-5"].when
    assert "diplomacy" in s.categories and len(s.titles) == 3
    for i in range(10):
        add_member(s, replace(by_id["vard-3"], article_id=f"x{i}"))
    assert len(s.members) == 8 and s.members[-1].article_id == "x9"


def test_idf_weights_common_entities_down(labelled: list[LabelledArticle]) -> None:
    stats = DocStats.from_articles(a.features for a in labelled)
    common = stats.idf(stats.entity_df["place:azerbaijan"])
    rare = stats.idf(stats.entity_df["person:laurent-wauquiez"])
    assert 0 < common < 0.5 < rare <= 1.0


def test_cross_language_reports_join_on_names_when_entities_are_missing(
    labelled: list[LabelledArticle], by_id: dict[str, StoryFeatures]
) -> None:
    stats = DocStats.from_articles(x.features for x in labelled)
    en = replace(by_id["wash-1"], entities=set())
    ru = replace(by_id["wash-3"], entities=set())
    score, reasons = story_score(ru, story_of(en), window=WINDOW, stats=stats)
    assert score >= DEFAULT_THRESHOLD, reasons
    assert any(r.startswith("names") for r in reasons)
    other = replace(by_id["s-lavrov-comment"], entities=set())
    assert story_score(other, story_of(en), window=WINDOW, stats=stats)[0] < DEFAULT_THRESHOLD


def test_doc_stats_round_trip_and_sliding_window(labelled: list[LabelledArticle]) -> None:
    feats = [a.features for a in labelled]
    stats = DocStats.from_articles(feats)
    again = DocStats.from_dict(json.loads(json.dumps(stats.to_dict())))
    assert again == stats
    for a in feats[10:]:
        again.remove(a)
    assert again == DocStats.from_articles(feats[:10])


def test_keywords_feed_story_text_comparison(
    labelled: list[LabelledArticle], by_id: dict[str, StoryFeatures]
) -> None:
    stats = DocStats.from_articles(a.features for a in labelled)
    kw = keywords(by_id["long-vard"], stats, top=15)
    assert len(kw) == 15 and "vardanyan" in kw
    summary = story_of(by_id["long-vard"])
    summary.members, summary.keywords = [], kw  # storage may keep keywords, not texts
    score, reasons = story_score(by_id["vard-1"], summary, window=WINDOW, stats=stats)
    assert any(r.startswith("text") for r in reasons) and score >= DEFAULT_THRESHOLD


def test_pairwise_scores_count_pairs() -> None:
    labels: dict[int | str, str] = {1: "a", 2: "a", 3: "a", 4: "b"}
    got = pairwise_scores([[1, 2], [3, 4]], labels)
    assert (got.true_pairs, got.predicted_pairs) == (3, 2)
    assert got.precision == 0.5 and got.recall == pytest.approx(1 / 3)
    assert pairwise_scores([[1, 2, 3], [4]], labels).f1 == 1.0


def test_numbers_match_across_separator_conventions() -> None:
    got = extract_numbers("In 2023 100,000 left; 250 000 dollars, 250.000 Euro, 1,5 Mio; 4-5 July")
    assert got == ["2023", "100000", "250000", "250000", "1.5"]


def test_a_day_of_the_month_counts_once_as_its_date() -> None:
    t0 = datetime(2026, 10, 5, 9, tzinfo=UTC)
    ru = _report(1, "", "Баку 4 октября передал Еревану 17 военнопленных", [], t0)
    hy = _report(2, "", "Հոկտեմբերի 4-ին Ադրբեջանը Հայաստանին հանձնեց 17 գերու", [], t0)
    assert ru.numbers == {"17", "date:4.10"}
    assert hy.numbers == {"17", "date:4.10"}
    assert _report(3, "", "Killed on 12 March: 12 soldiers", [], t0).numbers == {"12", "date:12.3"}


@pytest.mark.parametrize(
    ("entities", "lead"),
    [
        (["place:karabakh", "act:offensive", "act:ceasefire"], "act:ceasefire"),
        (["act:shooting", "act:ceasefire"], "act:ceasefire"),
        (["act:trial", "act:verdict", "person:ruben-vardanyan"], "act:verdict"),
        (["act:reply", "act:resolution"], "act:reply"),
        (["act:resolution", "act:reply"], "act:resolution"),
        (["org:french-senate", "place:karabakh"], None),
    ],
)
def test_lead_act_is_the_first_kind_named_unless_an_outcome_of_it_is_named(
    entities: list[str], lead: str | None
) -> None:
    assert lead_act_of(entities) == lead


@pytest.mark.parametrize(
    ("title", "text", "recalled"),
    [
        ("", "Dünən Fransa Senatı qətnamə qəbul edib. Milli Məclis buna cavab verib.", True),
        ("", "Вчера Сенат Франции принял резолюцию. Сегодня Баку ответил.", True),
        ("Hier, le Sénat a voté une résolution", "Bakou a répondu mardi.", True),
        ("Baku answers the Senate", "Yesterday the Senate voted; today Baku answered.", False),
        ("", "The Senate adopted a resolution. Baku condemned it yesterday.", False),
    ],
)
def test_an_opening_about_the_day_before_is_recalled(title: str, text: str, recalled: bool) -> None:
    assert opens_with_yesterday(title, text) is recalled


def test_after_a_recalled_opening_the_next_act_and_body_are_the_reports_own() -> None:
    entities = ["org:french-senate", "act:resolution", "org:milli-majlis", "act:reply"]
    assert lead_act_of(entities) == "act:resolution"
    assert lead_act_of(entities, recalled=True) == "act:reply"
    assert subject_of(entities, recalled=True) == "org:milli-majlis"
    # with nothing after it, the recalled item is all there is
    assert lead_act_of(["act:resolution"], recalled=True) == "act:resolution"


def test_a_resolution_that_condemns_is_not_a_reply_to_itself() -> None:
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    senate = ["org:french-senate", "place:karabakh"]
    vote = replace(
        _report(
            1,
            "French Senate adopts resolution",
            "The Senate voted 290 to 1 on Karabakh.",
            [*senate, "act:resolution"],
            t0,
        ),
        subject="org:french-senate",
    )
    condemns = replace(
        _report(
            2,
            "Senate text condemns the offensive",
            "The resolution condemns the offensive and was adopted by 290 votes to 1.",
            [*senate, "act:reply"],
            t0 + timedelta(hours=5),
        ),
        subject="org:french-senate",
    )
    _, reasons = story_score(condemns, new_story(1, vote), window=WINDOW)
    assert "one event answers or ends the other" not in reasons
    answer = replace(condemns, subject="org:milli-majlis")
    _, reasons = story_score(answer, new_story(1, vote), window=WINDOW)
    assert "one event answers or ends the other" in reasons


def test_sequels_are_related_either_way_round() -> None:
    assert sequel_of("act:ceasefire", "act:offensive")
    assert sequel_of("act:resolution", "act:reply")
    assert not sequel_of("act:release", "act:talks")
    assert not sequel_of("act:reply", "act:reply")


def _report(i: int, title: str, text: str, entities: list[str], when: datetime) -> StoryFeatures:
    return StoryFeatures(
        article_id=i,
        title=title,
        text=text,
        language="en",
        published=when,
        first_seen=when,
        categories=["security"],
        entities=set(entities),
        source=f"site{i}.example",
        lead_act=lead_act_of(entities),
    )


def test_ceasefire_that_recalls_the_offensive_does_not_join_it() -> None:
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    actors = ["place:karabakh", "place:stepanakert", "org:azerbaijan-mod"]
    offensive = _report(
        1,
        "Azerbaijan launches offensive in Karabakh",
        "Azerbaijan's defence ministry said an offensive began near Stepanakert on Monday.",
        [*actors, "act:offensive"],
        t0,
    )
    ceasefire = _report(
        2,
        "Karabakh ceasefire agreed a day after offensive began",
        "A day after Azerbaijan's defence ministry launched an offensive near Stepanakert, "
        "both sides agreed to a ceasefire.",
        ["act:offensive", *actors, "act:ceasefire"],
        t0 + timedelta(hours=26),
    )
    assert ceasefire.lead_act == "act:ceasefire"
    score, reasons = story_score(ceasefire, new_story(1, offensive), window=WINDOW)
    assert "one event answers or ends the other" in reasons
    assert score < DEFAULT_THRESHOLD
