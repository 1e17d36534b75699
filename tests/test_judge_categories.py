"""The primary category on short reports: what a report is mainly about, in many languages."""

from __future__ import annotations

import pytest

from newswatch.judge import Judge
from newswatch.judge.evidence import drop_nested_cues
from newswatch.judge.lexicon import Lexicon, make_term
from newswatch.judge.normalise import tokens


@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge.load()


# Both sides' leaders at one table are the peace process (the corpus labels bare talks of the two
# so); a meeting framed by something else - a forum's sidelines, a prize, one side refusing to
# come - is other diplomacy.
LEADERS_MEET = [
    (
        "diplomacy",
        "en",
        "Aliyev and Pashinyan meet on the sidelines of a forum in Abu Dhabi",
        (
            "Azerbaijani President Ilham Aliyev and Armenian Prime Minister Nikol Pashinyan met "
            "on the sidelines of a forum in Abu Dhabi, the presidential press service said."
        ),
    ),
    (
        "peace-treaty",
        "ru",
        "Пашинян и Алиев провели переговоры в Дубае",
        (
            "Премьер-министр Армении Никол Пашинян и президент Азербайджана Ильхам Алиев провели "
            "переговоры в Дубае. Подробности встречи не сообщаются."
        ),
    ),
    (
        "peace-treaty",
        "ru",
        "Пашинян и Алиев обсудили делимитацию границы",
        (
            "Премьер-министр Армении Никол Пашинян и президент Азербайджана Ильхам Алиев на "
            "встрече в Дубае обсудили делимитацию границы и взаимное признание территориальной "
            "целостности."
        ),
    ),
    (
        "peace-treaty",
        "az",
        "Əliyev və Paşinyan görüşüb",
        (
            "Prezident İlham Əliyev və Baş nazir Nikol Paşinyan görüşüb. Tərəflər bir-birinin "
            "ərazi bütövlüyünü tanıdıqlarını və Alma-Ata Bəyannaməsinə sadiq olduqlarını bildiriblər."
        ),
    ),
    (
        "peace-treaty",
        "hy",
        "Փաշինյանը և Ալիևը հանդիպել են",
        (
            "Վարչապետ Նիկոլ Փաշինյանը և Ադրբեջանի նախագահ Իլհամ Ալիևը հանդիպել են Դուբայում, "
            "հայտնում է կառավարության մամուլի ծառայությունը։"
        ),
    ),
    (
        "diplomacy",
        "en",
        "Pashinyan and Aliyev named laureates of a peace prize",
        (
            "Armenian Prime Minister Nikol Pashinyan and Azerbaijani President Ilham Aliyev held "
            "talks in Abu Dhabi after a ceremony at which both were named this year's laureates."
        ),
    ),
    (
        "diplomacy",
        "ru",
        "Алиев отказался от участия во встрече с Пашиняном",
        (
            "Президент Азербайджана Ильхам Алиев отказался от участия во встрече с "
            "премьер-министром Армении Николом Пашиняном в Гранаде, сообщили в Баку."
        ),
    ),
]


SUBJECT_FIRST = [
    # Prisoners handed over after the clash they were taken in: the handover is the news.
    (
        "detainees",
        "en",
        "",
        (
            "Baku handed over five Armenian prisoners of war, captured during the September "
            "clash on the border between the military of the two countries, to Yerevan."
        ),
    ),
    # The World Court decides unanimously too: its decision on mine laying is not a resolution.
    (
        "humanitarian",
        "ru",
        "Суд ООН единогласно отказал Баку по делу о минировании",
        (
            "Международный суд ООН единогласно отказал Азербайджану в просьбе обязать Армению "
            "прекратить минирование в Карабахе."
        ),
    ),
    (
        "humanitarian",
        "az",
        "",
        (
            "Qarabağda minalanmış ərazilər hələ də təhlükə yaradır: ANAMA bu il daha çox ərazinin "
            "minalardan təmizləndiyini bildirib."
        ),
    ),
    (
        "displacement",
        "ar",
        "",
        (
            "أمرت محكمة العدل الدولية أذربيجان قراراً بضمان عودة الأرمن الذين نزحوا من ناغورنو "
            "كاراباخ إلى منازلهم."
        ),
    ),
    # A new state's language: Kazakh, Bulgarian, Czech, Bosnian reports of the same subjects.
    (
        "peace-treaty",
        "kk",
        "Армения мен Әзербайжан бейбітшілік келісіміне қол қойды",
        "Армения мен Әзербайжан арасындағы бейбітшілік келісіміне қол қойылды.",
    ),
    (
        "detainees",
        "bg",
        "Баку освободи арменски затворници",
        "Азербайджан освободи четирима арменски затворници, задържани след сблъсъка в Карабах.",
    ),
    (
        "heritage",
        "cs",
        "V Karabachu zbořen arménský kostel",
        "Satelitní snímky ukazují, že arménský kostel v Náhorním Karabachu byl zbořen.",
    ),
    (
        "displacement",
        "bs",
        "Izbjeglice iz Karabaha traže pravo na povratak",
        "Raseljeni Armenci iz Nagorno-Karabaha traže pravo na povratak u svoje domove.",
    ),
    # Figures "released" after a blast are not a release of detainees: the blast is the news.
    (
        "security",
        "en",
        "",
        (
            "Investigators in Yerevan released new figures on Monday: 40 people died in the "
            "explosion at an ammunition store in Nagorno-Karabakh."
        ),
    ),
    # Protesters cutting the only road are the blockade.
    (
        "humanitarian",
        "fr",
        "",
        (
            "Des manifestants azerbaïdjanais maintiennent le blocage de la route entre "
            "l'Arménie et le Haut-Karabakh pour la troisième journée."
        ),
    ),
    # A parliament calling on its government is a resolution, whoever it answers.
    (
        "resolutions",
        "pl",
        "",
        (
            "Parlament Armenii wezwał rząd do przyjęcia ustawy o uznaniu ludobójstwa i "
            "potępił działania Azerbejdżanu w Górskim Karabachu."
        ),
    ),
    # Turkey-Armenia special envoys meeting: normalisation, other diplomacy.
    (
        "diplomacy",
        "en",
        "",
        (
            "The special envoys of Turkey and Armenia will hold their second round of talks in "
            "Vienna next month, the Turkish Foreign Ministry said."
        ),
    ),
]


# LEADERS_MEET: the leaders' meeting is the peace process unless something else frames it.
@pytest.mark.parametrize(("category", "language", "title", "text"), LEADERS_MEET + SUBJECT_FIRST)
def test_primary_category_is_the_subject(
    judge: Judge, category: str, language: str, title: str, text: str
) -> None:
    verdict = judge.judge(title, text, language)
    assert verdict.relevant
    assert verdict.categories[0] == category


def test_a_kind_of_event_that_is_a_cue_swallows_the_cue_words_inside_it() -> None:
    terms = [
        make_term("e:act:offensive", "en", "military operation"),
        make_term("e:act:resolution", "en", "adopted a resolution"),
        make_term("c:security:military", "en", "military"),
        make_term("c:resolutions:motion", "en", "resolution"),
    ]
    lexicon = Lexicon([t for t in terms if t is not None])
    text = "a military operation after parliament adopted a resolution"
    hits = lexicon.find(tokens(text), text)
    kept = {t.key for t, _ in drop_nested_cues(hits, frozenset({"e:act:offensive"}))}
    # "military operation" is one security cue; "adopted a resolution" is no category's cue,
    # so the motion word inside it still counts.
    assert kept == {"e:act:offensive", "e:act:resolution", "c:resolutions:motion"}
