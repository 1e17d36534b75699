"""Acronyms written in capitals in the profile match only where a text writes them in capitals."""

from __future__ import annotations

import pytest

from newswatch.judge import Judge
from newswatch.judge.explain import Explainer, explainer_for
from newswatch.judge.lexicon import Lexicon, make_term
from newswatch.judge.normalise import capitals, tokens

# Italian "pace" (peace) is spelt like the assembly's English acronym PACE.
ITALIAN_PEACE = [
    "I due governi parlano di pace dopo mesi di tensione.",
    "Pace più vicina: i ministri si incontrano domani a Vienna.",
    "«Pace», ha detto il portavoce, «è la nostra priorità».",
]


@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge.load()


@pytest.fixture(scope="module")
def explainer() -> Explainer:
    return explainer_for(None)


@pytest.mark.parametrize("sentence", ITALIAN_PEACE)
def test_italian_peace_is_not_the_assembly(
    judge: Judge, explainer: Explainer, sentence: str
) -> None:
    assert "org:pace" not in judge.entities(sentence)
    assert "org:pace" not in judge.judge(sentence, sentence, "it").entities
    assert "e:org:pace" not in explainer.matches(sentence, sentence)


def test_the_assembly_in_capitals_is_found(judge: Judge, explainer: Explainer) -> None:
    title = "PACE adopted a resolution on missing persons"
    body = "Delegates in Strasbourg backed the text. The PACE vote was close."
    assert "org:pace" in judge.entities(title)
    assert "org:pace" in judge.judge(title, body, "en").entities
    assert explainer.matches(title, body)["e:org:pace"].quotes == ["PACE"]


def test_only_the_capitalised_occurrence_counts() -> None:
    acronym = make_term("e:org:pace", "en", "PACE=")
    assert acronym is not None and acronym.cased
    lexicon = Lexicon([acronym])
    text = "Pace talks: the PACE rapporteur spoke of pace"
    assert [i for _, i in lexicon.find(tokens(text), text)] == [3]


def test_lower_case_and_title_case_terms_still_match_any_case() -> None:
    terms = [make_term("t:peace", "it", "pace="), make_term("t:brent", "en", "Brent=")]
    present = [t for t in terms if t is not None]
    assert present and not any(t.cased for t in present)
    lexicon = Lexicon(present)
    text = "PACE e Pace e pace; BRENT e brent"
    assert [(t.key, i) for t, i in lexicon.find(tokens(text), text)] == [
        ("t:peace", 0),
        ("t:peace", 2),
        ("t:peace", 4),
        ("t:brent", 5),
        ("t:brent", 7),
    ]


def test_capitals_follow_the_folded_tokens() -> None:
    # folding splits at a zero-width non-joiner and drops accents: the flags stay in step
    text = "ЕС и\u200cNATO — Aİ, Ue, élan"
    assert len(capitals(text)) == len(tokens(text))
    assert capitals(text) == [True, False, True, True, False, False]
