"""Digest content: category order, stories grouped, duplicates folded, off-topic hidden."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from newswatch.digests import service
from newswatch.storage.db import Database
from tests.plugins.digest_fixtures import T0, News, make_settings

CUT = T0 + timedelta(days=1)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_sections_follow_category_order(db: Database, newsroom: News, tmp_path: Path) -> None:
    for i, cat in enumerate(
        ["diplomacy", "security", "peace-treaty", "detainees", "resolutions", "heritage"]
    ):
        newsroom.article(
            f"Report {i} about {cat}", seen=T0 + timedelta(hours=1 + i), categories=(cat,)
        )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    data = _json(result.files["json"])
    keys = [s["key"] for s in data["sections"]]
    assert keys == ["resolutions", "detainees", "peace-treaty", "heritage", "security", "diplomacy"]
    html = result.files["html"].read_text(encoding="utf-8")
    positions = [html.index(f'id="sec-{k}"') for k in keys]
    assert positions == sorted(positions)
    assert data["category_counts"] == {k: 1 for k in keys}


def test_duplicates_fold_into_their_original(db: Database, newsroom: News, tmp_path: Path) -> None:
    orig = newsroom.article(
        "Parliament backs resolution on Karabakh",
        seen=T0 + timedelta(hours=1),
        categories=("resolutions",),
    )
    newsroom.article(
        "Parliament backs resolution (copy)",
        seen=T0 + timedelta(hours=2),
        source="apa",
        duplicate_of=orig,
        categories=("resolutions",),
    )
    newsroom.article(
        "Parliament backs resolution (another copy)",
        seen=T0 + timedelta(hours=3),
        source="oc-media",
        duplicate_of=orig,
        categories=("resolutions",),
    )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    data = _json(result.files["json"])
    [section] = data["sections"]
    [entry] = section["entries"]
    assert entry["headline"] == "Parliament backs resolution on Karabakh"
    assert [o["name"] for o in entry["outlets"]] == ["armenpress", "apa", "oc-media"]
    assert [o["tags"] for o in entry["outlets"]] == [
        ["Armenian", "AM"],
        ["Azerbaijani", "AZ"],
        ["International", "GE"],
    ]
    assert data["new_stories"] == 1
    with db.session() as s:
        import sqlalchemy as sa

        kinds = sorted(k for (k,) in s.execute(sa.text("SELECT kind FROM digest_entries")))
    assert kinds == ["duplicate", "duplicate", "new"]


LONG = (
    "The Baku Military Court opened the trial of eight former Karabakh leaders on Tuesday. "
    "Prosecutors read out the charges against the defendants for most of the first day. "
    "Relatives of the detainees were not allowed into the courtroom, lawyers said. "
    "The next hearing was set for the following week."
)
RUSSIAN = (
    "Военный суд Баку во вторник начал процесс над восемью бывшими лидерами Карабаха. "
    "Прокуроры большую часть первого дня зачитывали обвинения подсудимым. "
    "Родственников задержанных не пустили в зал суда, сообщили адвокаты."
)


def test_entry_is_shown_by_one_representative_report(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    """Headline, link, summary and date come from the earliest full report in the reader's
    language, although a stub and a report in Russian came first; outlets collapse."""
    story = newsroom.story("Detainees' trial opens in Baku", "detainees")
    newsroom.article(
        "Trial opens",
        seen=T0 + timedelta(hours=1),
        story_id=story,
        text="Trial opens.",
        categories=("detainees",),
        language="en",
    )
    newsroom.article(
        "В Баку начался суд над бывшими лидерами Карабаха",
        seen=T0 + timedelta(hours=2),
        source="civilnet",
        story_id=story,
        text=RUSSIAN,
        categories=("detainees",),
        language="ru",
    )
    best = newsroom.article(
        "Baku court opens trial of former Karabakh leaders",
        seen=T0 + timedelta(hours=3),
        source="oc-media",
        story_id=story,
        text=LONG,
        categories=("detainees",),
        language="en",
    )
    newsroom.article(
        "Baku trial: day one",
        seen=T0 + timedelta(hours=4),
        source="oc-media",
        story_id=story,
        text=LONG.replace("Tuesday", "Tuesday morning"),
        categories=("detainees",),
        language="en",
    )
    newsroom.article(
        "Unrelated heritage report", seen=T0 + timedelta(hours=5), categories=("heritage",)
    )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    data = _json(result.files["json"])
    detainees = data["sections"][0]
    assert detainees["key"] == "detainees"
    [entry] = detainees["entries"]
    assert entry["lead_id"] == best
    assert entry["headline"] == "Baku court opens trial of former Karabakh leaders"
    assert entry["url"] == f"https://oc-media.example/news/{best}"
    assert entry["summary"][0].startswith("The Baku Military Court opened the trial")
    assert all(sentence in LONG for sentence in entry["summary"])
    assert entry["published_at"] == (T0 + timedelta(hours=3, minutes=-20)).isoformat()
    # three outlets, four reports: OC Media's two reports are one line, the representative's
    assert entry["outlet_count"] == 3 and entry["report_count"] == 4
    assert [o["name"] for o in entry["outlets"]] == ["oc-media", "armenpress", "civilnet"]
    assert entry["outlets"][0]["reports"] == 2
    assert entry["outlets"][0]["url"] == f"https://oc-media.example/news/{best}"
    assert entry["outlets"][2]["language"] == "Russian"
    with db.session() as s:
        from newswatch.storage.models import Story

        assert s.get(Story, story).reported_at is not None


def test_outlets_are_capped_and_counted(db: Database, newsroom: News, tmp_path: Path) -> None:
    story = newsroom.story("Treaty signed", "peace-treaty")
    for i in range(12):
        for _copy in range(3):  # one outlet reporting a story many times is still one outlet
            newsroom.article(
                f"Treaty signed ({i})",
                seen=T0 + timedelta(minutes=10 * i + 1),
                source=f"outlet{i}",
                story_id=story,
                categories=("peace-treaty",),
            )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    [entry] = _json(result.files["json"])["sections"][0]["entries"]
    assert entry["outlet_count"] == 12 and entry["report_count"] == 36
    assert len(entry["outlets"]) == 12 and entry["more_outlets"] == 4
    text = result.files["text"].read_text(encoding="utf-8")
    assert "(12 outlets, 36 reports in all)" in text and "+4 more outlets" in text
    assert text.count("  - Outlet") == 7  # the representative's outlet leads, 7 more are listed
    html = result.files["html"].read_text(encoding="utf-8")
    assert html.count('<li><a href="https://outlet') == 7
    # "+4 more" links to the story's own page, which lists all twelve outlets
    page = result.files[f"story-{entry['key']}"]
    assert f'<a href="{page.name}">+4 more outlets</a>' in html
    story = page.read_text(encoding="utf-8")
    assert story.count('<li><a href="https://outlet') == 11 and "more outlets" not in story
    assert 'href="index.html">All digests</a>' in story


def test_offtopic_is_ledgered_but_hidden_unless_asked(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    newsroom.article("Football cup final", seen=T0 + timedelta(hours=1), relevant=False)
    newsroom.article(
        "Peace treaty text agreed", seen=T0 + timedelta(hours=2), categories=("peace-treaty",)
    )
    result = service.build_digest(make_settings(tmp_path / "a"), db, cutoff=CUT)
    assert result is not None
    html = result.files["html"].read_text(encoding="utf-8")
    assert "Football cup final" not in html and "Peace treaty text agreed" in html
    assert len(newsroom.ledger_counts()) == 2
    # the same ledger rendered with the appendix switched on
    shown = service.build_digest(
        make_settings(tmp_path / "b", include_offtopic=True), db, cutoff=CUT
    )
    assert shown is not None and not shown.created
    assert "Football cup final" in shown.files["html"].read_text(encoding="utf-8")


def test_update_lists_only_the_new_outlets(db: Database, newsroom: News, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    story = newsroom.story("Demining teams clear villages", "humanitarian")
    newsroom.article(
        "Demining teams clear villages",
        seen=T0 + timedelta(hours=1),
        story_id=story,
        categories=("humanitarian",),
    )
    first = service.build_digest(settings, db, cutoff=CUT)
    assert first is not None
    later = newsroom.article(
        "More villages cleared of mines",
        seen=CUT + timedelta(hours=3),
        source="apa",
        story_id=story,
        categories=("humanitarian",),
    )
    second = service.build_digest(settings, db, cutoff=CUT + timedelta(days=1))
    assert second is not None
    data = _json(second.files["json"])
    assert data["sections"] == [] and data["update_count"] == 1 and data["new_stories"] == 0
    [update] = data["updates"]
    assert update["update"] is True
    assert [o["name"] for o in update["outlets"]] == ["apa"]
    assert update["article_ids"] == [later]
    assert "Updates to earlier stories" in second.files["html"].read_text(encoding="utf-8")


def test_copy_of_an_already_reported_article_is_an_update(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    orig = newsroom.article(
        "Ceasefire violation reported", seen=T0 + timedelta(hours=1), categories=("security",)
    )
    assert service.build_digest(settings, db, cutoff=CUT) is not None
    newsroom.article(
        "Ceasefire violation reported (reprint)",
        seen=CUT + timedelta(hours=1),
        source="apa",
        duplicate_of=orig,
        categories=("security",),
    )
    second = service.build_digest(settings, db, cutoff=CUT + timedelta(days=1))
    assert second is not None
    data = _json(second.files["json"])
    assert data["new_stories"] == 0 and data["update_count"] == 1


def test_summary_is_extractive_and_short(db: Database, newsroom: News, tmp_path: Path) -> None:
    text = (
        "The National Assembly voted on Tuesday to adopt a resolution on the Karabakh detainees. "
        "The weather in the capital was mild. "
        "Deputies said the resolution asks for the release of the detainees held in Baku. "
        "A reception followed in the evening. "
        "Sports results were announced later. "
        "The resolution passed with a large majority of deputies."
    )
    newsroom.article(
        "Assembly adopts resolution on detainees",
        seen=T0 + timedelta(hours=1),
        text=text,
        categories=("resolutions",),
    )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    [entry] = _json(result.files["json"])["sections"][0]["entries"]
    summary = entry["summary"]
    assert 1 <= len(summary) <= 3
    assert summary[0].startswith("The National Assembly voted")
    assert all(s in text for s in summary)
    assert "The weather in the capital was mild." not in summary
    assert "Sports results were announced later." not in summary


def test_update_summary_says_only_what_is_new(db: Database, newsroom: News, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    story = newsroom.story("Prisoner exchange agreed", "detainees")
    old = (
        "Armenia and Azerbaijan agreed to exchange detainees on Monday, officials said. "
        "The exchange was mediated by international partners in the region."
    )
    newsroom.article(
        "Prisoner exchange agreed",
        seen=T0 + timedelta(hours=1),
        story_id=story,
        text=old,
        categories=("detainees",),
    )
    assert service.build_digest(settings, db, cutoff=CUT) is not None
    new = old + " The detainees crossed the border at the Margara checkpoint on Wednesday morning."
    newsroom.article(
        "Prisoner exchange completed",
        seen=CUT + timedelta(hours=2),
        source="apa",
        story_id=story,
        text=new,
        categories=("detainees",),
    )
    second = service.build_digest(settings, db, cutoff=CUT + timedelta(days=1))
    assert second is not None
    [update] = _json(second.files["json"])["updates"]
    assert update["summary"] == [
        "The detainees crossed the border at the Margara checkpoint on Wednesday morning."
    ]
    # re-rendering later gives the same view
    again = service.build_digest(settings, db, cutoff=CUT + timedelta(days=1))
    assert again is not None and not again.created
    assert _json(again.files["json"])["updates"][0]["summary"] == update["summary"]


def test_sentences_split_armenian_and_russian_punctuation() -> None:
    from newswatch.digests.summarize import sentences

    hy = "Խորհրդարանը ընդունեց բանաձևը։ Քվեարկությունը տեղի ունեցավ երեկ։"
    ru = "Суд в Баку продолжил процесс. Следующее заседание назначено на понедельник!"
    assert len(sentences(hy)) == 2 and sentences(hy)[0].endswith("։")
    assert sentences(ru) == [
        "Суд в Баку продолжил процесс.",
        "Следующее заседание назначено на понедельник!",
    ]


def test_copy_with_its_own_story_still_folds_into_original(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    orig = newsroom.article(
        "Aid convoy reaches Lachin road", seen=T0 + timedelta(hours=1), categories=("humanitarian",)
    )
    other_story = newsroom.story("Some other grouping", "humanitarian")
    newsroom.article(
        "Aid convoy (copy)",
        seen=T0 + timedelta(hours=2),
        source="apa",
        duplicate_of=orig,
        story_id=other_story,
        categories=("humanitarian",),
    )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    [section] = _json(result.files["json"])["sections"]
    [entry] = section["entries"]
    assert [o["name"] for o in entry["outlets"]] == ["armenpress", "apa"]


def test_old_entries_of_a_first_poll_are_stored_not_reported(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    old = newsroom.article(
        "Archive: talks in Brussels",
        seen=T0 + timedelta(hours=1),
        published=T0 - timedelta(days=480),
        categories=("diplomacy",),
    )
    newsroom.article(
        "Border commissions meet", seen=T0 + timedelta(hours=2), categories=("peace-treaty",)
    )
    result = service.build_digest(make_settings(tmp_path / "a"), db, cutoff=CUT)
    assert result is not None
    data = _json(result.files["json"])
    assert data["new_stories"] == 1
    assert "Archive: talks" not in result.files["html"].read_text(encoding="utf-8")
    # claimed once, as backlog: it will not come back in the next digest either
    assert newsroom.ledger_counts()[old] == 1
    with db.session() as s:
        import sqlalchemy as sa

        kinds = dict(s.execute(sa.text("SELECT article_id, kind FROM digest_entries")).all())
    assert kinds[old] == "backlog"
    assert (
        service.build_digest(make_settings(tmp_path / "a"), db, cutoff=CUT + timedelta(days=1))
        is not None
    )
    assert newsroom.ledger_counts()[old] == 1


def test_backfill_reports_old_entries_when_the_look_back_is_off(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    newsroom.article(
        "Archive: talks in Brussels",
        seen=T0 + timedelta(hours=1),
        published=T0 - timedelta(days=480),
        categories=("diplomacy",),
    )
    result = service.build_digest(make_settings(tmp_path, lookback=None), db, cutoff=CUT)
    assert result is not None
    assert "Archive: talks in Brussels" in result.files["html"].read_text(encoding="utf-8")


def test_interval_digests_say_so(db: Database, newsroom: News, tmp_path: Path) -> None:
    newsroom.article("Border commissions meet", seen=T0 + timedelta(hours=2))
    settings = make_settings(tmp_path, timezone="Asia/Yerevan")
    now = T0 + timedelta(hours=6)
    result = service.build_digest(
        settings, db, cutoff=now, label="2026-11-20 17:00:00", now=now, interval=True
    )
    assert result is not None and result.kind == "interval"
    text = result.files["text"].read_text(encoding="utf-8")
    # the first interval digest starts at its first report (11:00 UTC = 13:00 in Yerevan)
    assert text.startswith("Interval digest, 20 November 2026, 13:00–17:00 Asia/Yerevan\n")


def test_an_old_entry_found_on_a_later_poll_is_still_new(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    from newswatch.storage.models import Source
    from newswatch.storage.sources import PollOutcome, record_poll

    first = newsroom.article(
        "Archive: talks in Brussels", seen=T0, published=T0 - timedelta(days=480)
    )
    with db.session() as s:
        # the feed's first poll ended a minute after that article was stored
        record_poll(
            s,
            s.get(Source, newsroom.source("armenpress")),
            PollOutcome("ok", duration_ms=60_000, items_new=1),
            now=T0 + timedelta(minutes=1),
        )
    late = newsroom.article(
        "Late-indexed report on the border commissions",
        seen=T0 + timedelta(hours=3),
        published=T0 - timedelta(days=5),
        categories=("peace-treaty",),
    )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=CUT)
    assert result is not None
    html = result.files["html"].read_text(encoding="utf-8")
    assert "Late-indexed report" in html and "Archive: talks" not in html
    with db.session() as s:
        import sqlalchemy as sa

        kinds = dict(s.execute(sa.text("SELECT article_id, kind FROM digest_entries")).all())
    assert kinds[first] == "backlog" and kinds[late] == "new"
