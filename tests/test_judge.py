"""Labelled cases for the judge: categories, look-alikes, inflection, reasons and dev-set floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluation.judge import evaluate, read_labelled
from newswatch.categories import CATEGORIES
from newswatch.judge import Judge

DATA = Path(__file__).parent / "data" / "judge"

# Floors: measured on the dev set (relevance F1 1.00, category macro-F1 0.91) minus a margin.
RELEVANCE_F1_FLOOR = 0.95
CATEGORY_MACRO_F1_FLOOR = 0.85


@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge.load()


CATEGORY_CASES = [
    (
        "resolutions",
        "en",
        "Irish Dáil passes motion on Nagorno-Karabakh prisoners",
        (
            "Members of the Irish parliament adopted a motion that urges Azerbaijan to free the "
            "Armenians it holds, among them former leaders of Nagorno-Karabakh. The resolution was "
            "approved without a vote after a debate in which deputies from all parties spoke."
        ),
    ),
    (
        "detainees",
        "ru",
        "Апелляционный суд оставил в силе приговор Рубену Варданяну",
        (
            "Апелляционный суд в Баку отклонил жалобу защиты Рубена Варданяна, осужденного на "
            "двадцать лет лишения свободы. Бывший госминистр Карабаха находится под стражей с 2023 года."
        ),
    ),
    (
        "peace-treaty",
        "az",
        "Sülh sazişinin imzalanması üçün hazırlıq gedir",
        (
            "Azərbaycan və Ermənistan arasında paraflanmış sülh sazişinin imzalanması üçün "
            "danışıqlar davam edir. Bakı Ermənistan konstitusiyasının dəyişdirilməsini tələb edir."
        ),
    ),
    (
        "displacement",
        "hy",
        "Արցախից տեղահանվածները պահանջում են վերադարձի իրավունք",
        (
            "Արցախից բռնի տեղահանված փախստականների կազմակերպությունները Երևանում հանդիպում են "
            "անցկացրել և պահանջել երաշխավորել հայրենիք անվտանգ վերադարձի իրավունքը։"
        ),
    ),
    (
        "humanitarian",
        "tr",
        "Karabağ'da mayın temizleme çalışmaları hızlandı",
        (
            "Azerbaycan'ın Karabağ bölgesinde mayın temizleme çalışmaları hızlandı. ANAMA, bu yıl "
            "binlerce hektar alanın mayınlardan arındırıldığını ve insani yardım aldığını açıkladı."
        ),
    ),
    (
        "heritage",
        "fr",
        "Un monastère arménien du Haut-Karabakh endommagé",
        (
            "Des images satellites montrent qu'un monastère arménien du Haut-Karabakh a été "
            "partiellement détruit. Des historiens demandent l'envoi d'une mission de l'UNESCO."
        ),
    ),
    (
        "security",
        "de",
        "Schüsse an der Grenze: Aserbaidschan beschuldigt Armenien",
        (
            "Das Verteidigungsministerium in Baku erklärte, armenische Truppen hätten Stellungen "
            "der aserbaidschanischen Armee beschossen. Eriwan bestritt den Schusswechsel."
        ),
    ),
    (
        "diplomacy",
        "en",
        "Mirzoyan and Bayramov meet in Geneva",
        (
            "Armenian Foreign Minister Ararat Mirzoyan met his Azerbaijani counterpart Jeyhun "
            "Bayramov in Geneva for talks on normalisation of relations and the South Caucasus "
            "peace process, the foreign ministries said after the meeting."
        ),
    ),
]


@pytest.mark.parametrize(("category", "language", "title", "text"), CATEGORY_CASES)
def test_category_cases(judge: Judge, category: str, language: str, title: str, text: str) -> None:
    verdict = judge.judge(title, text, language)
    assert verdict.relevant
    assert verdict.categories[0] == category
    assert any(r.startswith(f"cue[{category}]") for r in verdict.reasons)


NEAR_MISSES = [
    (
        "other Washington peace deal",
        "Congo and Rwanda sign peace agreement at the White House",
        (
            "The foreign ministers of Rwanda and the Democratic Republic of Congo signed a peace "
            "agreement in Washington, promising to end support for armed groups around Goma."
        ),
    ),
    (
        "other prisoner swap",
        "Обмен пленными между Россией и Украиной",
        (
            "Россия и Украина обменялись военнопленными при посредничестве ОАЭ. Украина вернула "
            "домой 150 военных."
        ),
    ),
    (
        "other parliament resolution",
        "Parliament adopts resolution on Armenian Genocide",
        (
            "Lawmakers voted for a resolution recognising the 1915 killings of Armenians in the "
            "Ottoman Empire as genocide; Turkey condemned the vote."
        ),
    ),
    (
        "Armenian economy",
        "Armenia's central bank holds rate",
        (
            "The Central Bank of Armenia kept its refinancing rate unchanged as inflation eased and "
            "the dram strengthened against the dollar. Tourism and IT supported growth."
        ),
    ),
    (
        "Azerbaijani energy",
        "SOCAR raises gas exports to Europe",
        (
            "Azerbaijan's state oil company SOCAR increased gas exports to Italy and Greece, and "
            "President Ilham Aliyev opened a new solar plant near Baku."
        ),
    ),
    (
        "football club named after Karabakh",
        "Qarabağ FK Çempionlar Liqasında qalib gəldi",
        (
            "Qarabağ FK evdə Benfikanı 2:0 hesabı ilə məğlub edib. Baş məşqçi Qurban Qurbanov "
            "futbolçularını təbrik edib, stadionda 30 min azarkeş olub."
        ),
    ),
    (
        "both countries in sport",
        "Armenia and Azerbaijan wrestlers shine in Budapest",
        (
            "Wrestlers from Armenia and Azerbaijan won two gold medals each at the European "
            "championship in Budapest, the national team coaches said."
        ),
    ),
]


@pytest.mark.parametrize(("kind", "title", "text"), NEAR_MISSES)
def test_near_misses_rejected(judge: Judge, kind: str, title: str, text: str) -> None:
    verdict = judge.judge(title, text)
    assert not verdict.relevant, kind
    assert verdict.categories == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Новости о Карабахе и Степанакерте", "place:karabakh"),
        ("Karabağ'da ve Qarabağda yeni yollar", "place:karabakh"),
        ("Արցախում մնացել են քչերը", "place:karabakh"),
        ("Xankəndidə yeni universitet", "place:stepanakert"),
        ("დაკავებულია რუბენ ვარდანიანი", "person:ruben-vardanyan"),
        ("Процесс над Рубеном Варданяном", "person:ruben-vardanyan"),
        ("Лачинского коридора больше нет", "place:lachin-corridor"),
        ("Die Washingtoner Erklärung vom August", "event:washington-declaration"),
        ("NAGORNO-KARABAKH", "place:karabakh"),
        ("глава наблюдательной миссии ЕС в Армении", "org:euma"),
        ("уход российских миротворцев", "org:russian-peacekeepers"),
        ("Bakıda və Xankəndidə", "place:baku"),
        ("Гарабағда вә Ханкәндидә", "place:karabakh"),
        ("Ханкәндидә јени университет", "place:stepanakert"),
        ("زوار قره‌باغ", "place:karabakh"),
    ],
)
def test_inflected_and_cross_script_forms_match(judge: Judge, text: str, entity: str) -> None:
    assert entity in judge.entities(text)


def test_entity_catalogue_has_labels_for_every_id(judge: Judge) -> None:
    labels = judge.entity_labels()
    assert labels["person:ruben-vardanyan"] == "Ruben Vardanyan"
    assert judge.entities("Vardanyan Рубен Варданян") <= set(labels)


def test_unrelated_words_do_not_match_entities(judge: Judge) -> None:
    assert judge.entities("A bakery in Minsk sells bread and susan plants") == set()


def test_judgement_carries_reasons_and_details(judge: Judge) -> None:
    verdict = judge.judge(
        "Vardanyan verdict", "A Baku court sentenced Ruben Vardanyan, former Artsakh minister."
    )
    assert verdict.relevant and 0.5 <= verdict.score <= 1.0
    assert any(r.startswith("terms[en]:") and "Vardanyan" in r for r in verdict.reasons)
    assert "person:ruben-vardanyan" in verdict.entities
    assert verdict.details["cues"]["detainees"]
    assert set(verdict.details["evidence"]) >= {"topic", "cues", "negatives", "raw"}


def test_categories_follow_shared_order(judge: Judge) -> None:
    assert judge.categories == CATEGORIES


def test_topic_deep_in_long_text_is_found(judge: Judge) -> None:
    filler = "The weather in the capital will stay warm and dry this week. " * 60
    verdict = judge.judge(
        "Daily briefing",
        filler + "In Baku, the trial of former Nagorno-Karabakh leaders continued on Monday.",
    )
    assert verdict.relevant
    assert verdict.categories[0] == "detainees"


def test_dev_set_quality_stays_above_floor(judge: Judge) -> None:
    report = evaluate(judge, read_labelled(DATA / "dev.jsonl"))
    assert report.relevance.f1 >= RELEVANCE_F1_FLOOR
    assert report.macro_f1 >= CATEGORY_MACRO_F1_FLOOR


ROUND_UP = (
    "The dollar traded at 386 drams and the euro at 447 drams, the central bank said. "
    "Inflation slowed to 3.5 percent, the stock exchange index gained and tourism revenue "
    "hit a record.\n\n"
) * 2


def test_round_up_with_a_topic_paragraph_is_relevant(judge: Judge) -> None:
    verdict = judge.judge(
        "Daily round-up",
        ROUND_UP + "Prime Minister Pashinyan said the peace treaty with Azerbaijan is ready.",
    )
    assert verdict.relevant
    assert verdict.categories[0] == "peace-treaty"
    assert verdict.details["negatives"] == {}


def test_round_up_without_the_topic_is_not(judge: Judge) -> None:
    verdict = judge.judge(
        "Daily round-up", ROUND_UP + "The national team plays Montenegro next week."
    )
    assert not verdict.relevant


def test_look_alike_counts_only_next_to_topic_words(judge: Judge) -> None:
    verdict = judge.judge(
        "Armenia and Azerbaijan clash in Euro qualifier",
        "Armenia and Azerbaijan clash in a Euro qualifier at the national stadium; the head "
        "coach says his striker is fit for the football match.",
    )
    assert not verdict.relevant
    assert "sport" in verdict.details["negatives"]


ELECTION = [
    (
        "Armenia will hold parliamentary elections in June, and the campaign has started across "
        "the country, with rallies in Yerevan, Gyumri and Vanadzor drawing thousands of supporters."
    ),
    (
        "The ruling party leads the polls with about 25 percent, ahead of two opposition alliances "
        "led by a businessman and by a former president."
    ),
    (
        "Candidates promise higher pensions, new jobs, cheaper mortgages and better roads. The "
        "economy grew by six percent last year, but voters complain about prices and salaries."
    ),
    (
        "The electoral commission registered fourteen parties and two alliances. Parties need four "
        "percent of the vote to enter parliament, and alliances eight percent."
    ),
    (
        "Opposition leaders accuse the government of using administrative resources and of "
        "pressure on the Armenian Apostolic Church, whose leadership criticised the prime minister."
    ),
    (
        "International observers from the OSCE and the Council of Europe will monitor the vote, as "
        "they did in 2021 when the ruling party won a majority."
    ),
    (
        "Prime Minister Nikol Pashinyan has led the country since 2018. His critics blame him for "
        "the loss of Nagorno-Karabakh to Azerbaijan in 2023."
    ),
    "Polling stations open at 8 am and close at 8 pm; preliminary results come next morning.",
]


def test_passing_mention_after_the_lead_is_not_the_story(judge: Judge) -> None:
    verdict = judge.judge("Armenia heads to the polls", "\n\n".join(ELECTION))
    assert not verdict.relevant


def test_a_topic_paragraph_after_the_lead_is_the_story(judge: Judge) -> None:
    paragraphs = list(ELECTION)
    paragraphs[6] = (
        "In Baku, the military court sentenced former Nagorno-Karabakh leader Arayik "
        "Harutyunyan to life in prison, a verdict Yerevan called political."
    )
    verdict = judge.judge("Armenia heads to the polls", "\n\n".join(paragraphs))
    assert verdict.relevant and verdict.categories[0] == "detainees"
