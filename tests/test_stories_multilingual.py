"""Cross-language stories and categories on hand-written short reports (title + lead only).

Reports of one development from outlets of both sides, in different scripts, share canonical
entities, the kind of event and the day named; related-but-distinct developments (a resolution
and the reply to it, two shootings on different days) stay apart; look-alikes stay out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswatch.dedup.features import extract_dates, report_dates
from newswatch.ingest import Ingestor, IngestResult, RawArticle, cached_judge
from newswatch.judge import Judge
from newswatch.storage.db import Database

T0 = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def judge() -> Judge:
    return cached_judge(None, ())


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Ruben Vardanyan appeared in court", "person:ruben-vardanyan"),
        ("Суд над Рубеном Варданяном продолжился", "person:ruben-vardanyan"),
        ("Ռուբեն Վարդանյանի գործով նիստը հետաձգվեց", "person:ruben-vardanyan"),
        ("Roads around Stepanakert were closed", "place:stepanakert"),
        ("Пътят към Келбаджарския район е затворен", "place:kalbajar"),
        ("Xankəndi şəhərində yeni məktəb açılıb", "place:stepanakert"),
        ("В Ханкенди открылась новая школа", "place:stepanakert"),
        ("Милли Меджлис обсудил бюджет", "org:milli-majlis"),
        ("Azərbaycan parlamenti bəyanat yaydı", "org:milli-majlis"),
        ("Le Sénat français a voté mardi", "org:french-senate"),
        ("Fransa Senatı səs verdi", "org:french-senate"),
        ("Ֆրանսիայի Սենատը քվեարկեց", "org:french-senate"),
        ("Бакинский военный суд огласил решение", "org:baku-military-court"),
        ("Bakı Hərbi Məhkəməsində iclas keçirilib", "org:baku-military-court"),
        ("Avropa İttifaqının vasitəçiliyi ilə görüş keçirilib", "org:european-union"),
        ("Зустріч відбулася за посередництва Євросоюзу", "org:european-union"),
        (
            "Die Gespräche fanden unter Vermittlung der Europäischen Union statt",
            "org:european-union",
        ),
        ("Շառլ Միշելը հանդիպեց երկու առաջնորդներին", "person:charles-michel"),
        ("AŞPA-nın sessiyasında səsvermə keçirilib", "org:pace"),
        ("Сесія ПАРЄ розпочалася у понеділок", "org:pace"),
    ],
)
def test_one_entity_across_scripts_and_spellings(judge: Judge, text: str, entity: str) -> None:
    assert entity in judge.entities(text)


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("He was sentenced to 15 years", "act:verdict"),
        ("Его приговорили к 15 годам лишения свободы", "act:verdict"),
        ("Ona 15 il həbs cəzası verilib", "act:verdict"),
        ("Il a été condamné à 15 ans de prison", "act:verdict"),
        ("Baku handed over four soldiers", "act:release"),
        ("Баку передал Еревану четырёх военнослужащих", "act:release"),
        ("Dörd hərbçi Ermənistana təhvil verilib", "act:release"),
        ("The building was demolished on Friday", "act:demolition"),
        ("В Ханкенди снесли здание", "act:demolition"),
        ("Both sides accepted the terms for a ceasefire", "act:ceasefire"),
        ("Стороны договорились о приостановке боевых действий", "act:ceasefire"),
        ("Antiterror tədbirlərinin dayandırılması barədə razılıq əldə edilib", "act:ceasefire"),
        ("Azərbaycan beş hərbçini Ermənistana təhvil verib", "act:release"),
        ("Azərbaycan iki mülki şəxsi azad edib", "act:release"),
        ("Türkiye iki esiri teslim etti", "act:release"),
        ("Азербайджан передав Вірменії полонених", "act:release"),
        ("Nazirlik bəyanatı rədd edib", "act:reply"),
        ("Mövqelərimiz atəşə tutulub, düşmən atəş açıb", "act:shooting"),
        ("Парламент принял заявление в ответ на резолюцию", "act:reply"),
        ("أصدر البرلمان بيانا ردا على قرار مجلس الشيوخ", "act:reply"),
        ("Sürücü minanın qurbanı olub", "act:explosion"),
    ],
)
def test_kind_of_event_in_any_language(judge: Judge, text: str, act: str) -> None:
    assert act in judge.entities(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("On 4 March the commission met", "date:4.3"),
        ("Commission met on March 4", "date:4.3"),
        ("4 марта комиссия собралась", "date:4.3"),
        ("Martın 4-də komissiya toplanıb", "date:4.3"),
        ("Le 4 mars, la commission s'est réunie", "date:4.3"),
        ("Մարտի 4-ին հանձնաժողովը հավաքվեց", "date:4.3"),
        ("4 Mart'ta komisyon toplandı", "date:4.3"),
    ],
)
def test_day_and_month_give_one_key_in_any_language(text: str, key: str) -> None:
    assert key in extract_dates(text)


def test_dates_need_a_month_name() -> None:
    assert extract_dates("In 2023 some 100 people and 12 buses") == []


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("The ministry confirmed on March 13 that the toll had risen", ["date:13.3"]),
        ("Об этом 13 марта сообщили в министерстве", ["date:13.3"]),
        ("13 марта написали местные СМИ", ["date:13.3"]),
        ("Nazirlik 13 mart tarixində bildirib", ["date:13.3"]),
        ("13 mart tarixində Xankəndidə partlayış olub, nazirlik bildirib", []),  # far from it
        ("Минобороны сообщило, что утром 14 марта открыли огонь", []),  # the reported content
        ("Shelling resumed on 14 March, the ministry said on 14 March", []),  # named as event too
        ("Le 14 mars, les tirs ont repris", []),
        ("Stepanakert, 14 March, local radio. Shelling resumed", ["date:14.3"]),  # a dateline
        ("ГОРИС, 14 марта. Обстрел возобновился", ["date:14.3"]),
        ("Officials in the region, 14 March: nothing new", []),  # four words: not a dateline
    ],
)
def test_day_a_report_came_out_is_not_the_events_day(text: str, reported: list[str]) -> None:
    assert report_dates(text) == reported


def _ingest(
    ing: Ingestor, clock: Clock, hours: float, url: str, title: str, text: str, language: str
) -> IngestResult:
    clock.now = T0 + timedelta(hours=hours)
    host = url.split("/")[2]
    res = ing.ingest(
        RawArticle(
            url=url,
            title=title,
            text=text,
            source=host,
            published=clock.now,
            language=language,
        )
    )
    assert res.judgement is not None and res.judgement.relevant, (title, res.judgement)
    return res


def test_one_verdict_reported_in_three_languages_is_one_story(db: Database) -> None:
    clock = Clock()
    ing = Ingestor(db, cached_judge(None, ()), clock=clock)
    en = _ingest(
        ing,
        clock,
        0,
        "https://example-en.test/a/1",
        "Baku court jails former Karabakh minister Vardanyan for 15 years",
        "The Baku Military Court on 12 March sentenced Ruben Vardanyan, once state minister of "
        "Nagorno-Karabakh, to 15 years in prison. Armenia's foreign ministry called the trial unfair.",
        "en",
    )
    ru = _ingest(
        ing,
        clock,
        2,
        "https://example-ru.test/b/2",
        "Рубен Варданян приговорён к 15 годам",
        "Бакинский военный суд 12 марта вынес приговор бывшему госминистру Карабаха Рубену "
        "Варданяну: 15 лет лишения свободы. Защита намерена обжаловать решение.",
        "ru",
    )
    hy = _ingest(
        ing,
        clock,
        3,
        "https://example-hy.test/c/3",
        "Ռուբեն Վարդանյանին դատապարտեցին 15 տարվա ազատազրկման",
        "Բաքվի ռազմական դատարանը մարտի 12-ին Ռուբեն Վարդանյանին դատապարտեց 15 տարվա "
        "ազատազրկման։ Հայաստանի ԱԳՆ-ն դատապարտել է դատավճիռը։",
        "hy",
    )
    assert en.story_id is not None
    assert ru.story_id == en.story_id and hy.story_id == en.story_id


def test_next_days_toll_update_joins_the_blast(db: Database) -> None:
    """A follow-up names the day it was reported, not the day of the blast: still one story."""
    clock = Clock()
    ing = Ingestor(db, cached_judge(None, ()), clock=clock)
    blast = _ingest(
        ing,
        clock,
        0,
        "https://example-en.test/x/1",
        "Explosion at a fuel depot near Stepanakert",
        "A powerful explosion hit a fuel depot outside Stepanakert on 12 March; rescuers said "
        "dozens of people were taken to hospital with burns.",
        "en",
    )
    toll = _ingest(
        ing,
        clock,
        24,
        "https://example-ru.test/x/2",
        "Число погибших при взрыве склада топлива в Степанакерте выросло до 31",
        "Жертвами взрыва на складе горючего под Степанакертом стали 31 человек, 13 марта "
        "сообщили в местном минздраве.",
        "ru",
    )
    assert blast.story_id is not None and toll.story_id == blast.story_id


def test_resolution_and_the_reply_next_day_are_two_stories(db: Database) -> None:
    clock = Clock()
    ing = Ingestor(db, cached_judge(None, ()), clock=clock)
    vote_en = _ingest(
        ing,
        clock,
        0,
        "https://example-en.test/r/1",
        "French Senate adopts resolution on Karabakh",
        "The French Senate on 12 March adopted a resolution calling for sanctions against "
        "Azerbaijan over Nagorno-Karabakh, by 290 votes to 1.",
        "en",
    )
    vote_fr = _ingest(
        ing,
        clock,
        1,
        "https://example-fr.test/r/2",
        "Le Sénat adopte une résolution sur le Haut-Karabakh",
        "Le Sénat français a adopté le 12 mars une proposition de résolution demandant des "
        "sanctions contre l'Azerbaïdjan, par 290 voix contre 1.",
        "fr",
    )
    reply_az = _ingest(
        ing,
        clock,
        26,
        "https://example-az.test/r/3",
        "Milli Məclis Fransa Senatının qətnaməsini pisləyib",
        "Milli Məclis Fransa Senatının Qarabağla bağlı qətnaməsini pisləyən bəyanat qəbul edib və "
        "hökumətə Fransa ilə münasibətlərə yenidən baxmağı tövsiyə edib.",
        "az",
    )
    reply_ru = _ingest(
        ing,
        clock,
        27,
        "https://example-ru.test/r/4",
        "Милли Меджлис осудил резолюцию Сената Франции",
        "Милли Меджлис принял заявление, в котором осудил резолюцию французского сената по "
        "Карабаху, и призвал правительство пересмотреть отношения с Парижем.",
        "ru",
    )
    assert vote_en.story_id is not None and vote_fr.story_id == vote_en.story_id
    assert reply_az.story_id is not None and reply_ru.story_id == reply_az.story_id
    assert reply_az.story_id != vote_en.story_id


def test_reply_that_opens_with_yesterdays_resolution_stays_apart(db: Database) -> None:
    """The reply recalls the vote first ("yesterday the Senate adopted..."): still the reply."""
    clock = Clock()
    ing = Ingestor(db, cached_judge(None, ()), clock=clock)
    vote = _ingest(
        ing,
        clock,
        0,
        "https://example-en.test/y/1",
        "French Senate adopts resolution on Karabakh",
        "The French Senate adopted a resolution calling for sanctions against Azerbaijan over "
        "Nagorno-Karabakh, by 290 votes to 1.",
        "en",
    )
    reply = _ingest(
        ing,
        clock,
        22,
        "https://example-az.test/y/2",
        "",
        "Dünən Fransa Senatı Qarabağla bağlı qətnamə qəbul edib. Milli Məclis bu gün plenar "
        "iclasda qətnaməni pisləyən bəyanat qəbul edib.",
        "az",
    )
    assert vote.story_id is not None and reply.story_id is not None
    assert reply.story_id != vote.story_id


def test_two_shootings_on_different_days_are_two_stories(db: Database) -> None:
    clock = Clock()
    ing = Ingestor(db, cached_judge(None, ()), clock=clock)
    first = _ingest(
        ing,
        clock,
        0,
        "https://example-en.test/s/1",
        "Shooting on the Armenia-Azerbaijan border near Sotk",
        "Armenia's Defence Ministry said Azerbaijani units opened fire on its positions near Sotk "
        "on the night of 12 March; one soldier was wounded.",
        "en",
    )
    second = _ingest(
        ing,
        clock,
        50,
        "https://example-ru.test/s/2",
        "Новый обстрел на армяно-азербайджанской границе",
        "Минобороны Армении сообщило, что утром 14 марта азербайджанские подразделения открыли "
        "огонь по позициям у Джермука; пострадавших нет.",
        "ru",
    )
    assert first.story_id is not None and second.story_id is not None
    assert first.story_id != second.story_id


def test_offensive_and_the_ceasefire_next_day_are_two_stories(db: Database) -> None:
    clock = Clock()
    ing = Ingestor(db, cached_judge(None, ()), clock=clock)
    attack_en = _ingest(
        ing,
        clock,
        0,
        "https://example-en.test/o/1",
        "Azerbaijan launches offensive in Nagorno-Karabakh",
        "Azerbaijan's defence ministry announced a military operation in Nagorno-Karabakh on "
        "12 March; shelling was reported on the outskirts of Stepanakert.",
        "en",
    )
    attack_ru = _ingest(
        ing,
        clock,
        2,
        "https://example-ru.test/o/2",
        "Азербайджан начал военную операцию в Карабахе",
        "Минобороны Азербайджана 12 марта объявило о военной операции в Нагорном Карабахе; "
        "в пригородах Степанакерта слышны взрывы.",
        "ru",
    )
    truce_en = _ingest(
        ing,
        clock,
        27,
        "https://example-en.test/o/3",
        "Karabakh ceasefire agreed a day after the offensive",
        "A day after Azerbaijan's military operation in Nagorno-Karabakh began, the sides agreed "
        "to a ceasefire, with Russian peacekeepers mediating near Stepanakert.",
        "en",
    )
    truce_ru = _ingest(
        ing,
        clock,
        28,
        "https://example-ru.test/o/4",
        "В Карабахе договорились о прекращении огня",
        "Через сутки после начала военной операции Азербайджана в Нагорном Карабахе стороны "
        "договорились о прекращении огня при посредничестве российских миротворцев.",
        "ru",
    )
    assert attack_en.story_id is not None and attack_ru.story_id == attack_en.story_id
    assert truce_en.story_id is not None and truce_ru.story_id == truce_en.story_id
    assert truce_en.story_id != attack_en.story_id


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Rwanda and Congo sign peace deal in Washington",
            (
                "The foreign ministers of Rwanda and the Democratic Republic of Congo signed a peace "
                "agreement at the State Department, ending months of fighting in the east of Congo."
            ),
        ),
        (
            "Russia and Ukraine swap prisoners of war",
            (
                "Russia and Ukraine each released 150 prisoners of war in an exchange mediated by the "
                "United Arab Emirates, the Ukrainian president said."
            ),
        ),
        (
            "Україна розміновує звільнені території Харківщини",
            "Сапери ДСНС за тиждень знешкодили понад 900 вибухонебезпечних предметів на Харківщині.",
        ),
        (
            "Qarabağ FK beat Benfica in the Champions League",
            "Qarabağ won 3-2 in Lisbon thanks to a late goal; the Baku side tops its group.",
        ),
    ],
)
def test_look_alikes_stay_out(judge: Judge, title: str, text: str) -> None:
    assert not judge.judge(title, text, None).relevant


@pytest.mark.parametrize(
    ("title", "text", "category"),
    [
        (
            "Баку передал Еревану четырёх военнослужащих",
            (
                "Азербайджан передал Армении четырёх армянских военнослужащих, задержанных на границе "
                "в прошлом месяце, сообщила госкомиссия по делам военнопленных."
            ),
            "detainees",
        ),
        (
            "Xankəndidə köhnə binalar sökülür",
            "Xankəndi şəhərində qondarma rejim dövründə tikilmiş binaların söküntüsünə başlanılıb.",
            "heritage",
        ),
        (
            "Aliyev and Pashinyan hold talks in Abu Dhabi",
            (
                "President Ilham Aliyev and Prime Minister Nikol Pashinyan met in Abu Dhabi for talks on "
                "the peace agreement and the delimitation of the border."
            ),
            "peace-treaty",
        ),
        (
            "Суд ООН обязал Баку обеспечить проезд по Лачинскому коридору",
            (
                "Международный суд ООН постановил, что Азербайджан должен обеспечить беспрепятственное "
                "передвижение людей и грузов по Лачинскому коридору; решение суда обязательно."
            ),
            "humanitarian",
        ),
    ],
)
def test_primary_category_by_what_the_report_is_about(
    judge: Judge, title: str, text: str, category: str
) -> None:
    verdict = judge.judge(title, text, None)
    assert verdict.relevant and verdict.categories[0] == category, verdict.details
