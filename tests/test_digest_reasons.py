"""Reasons quote the article's own words, glosses come from the profile, summaries repeat nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newswatch.digests.entries import shorten
from newswatch.digests.safety import plain_text
from newswatch.digests.summarize import summarize
from newswatch.judge.explain import explainer_for, language_name, quoted

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-dev" / "items.jsonl"

# our own samples: an English report, an Armenian one, a Russian one, one with a comma in a term
SAMPLES = [
    (
        "Belgian lawmakers adopt resolution on Karabakh",
        (
            "The Chamber of Representatives unanimously adopted a resolution on Tuesday.\n"
            "It calls for the release of Ruben Vardanyan and other former leaders held in Baku."
        ),
        ["resolutions", "detainees"],
    ),
    (
        "Բաքվի ռազմական դատարանը դատապարտեց Ռուբեն Վարդանյանին",
        "Բաքվի ռազմական դատարանը երեքշաբթի դատավճիռ է կայացրել Ռուբեն Վարդանյանի գործով։",
        ["detainees"],
    ),
    (
        "Военный суд Баку вынес приговор Рубену Варданяну",
        "Военный суд в Баку приговорил бывшего госминистра Карабаха Рубена Варданяна.",
        ["detainees"],
    ),
    (
        "Mine clearance continues in Aghdam",
        (
            "Deminers cleared land near Aghdam, Azerbaijan's mine action agency ANAMA said. "
            "War, crimes and landmines were discussed."
        ),
        [],
    ),
]


def _assert_quotes_in(title: str, text: str, reasons: list[str]) -> None:
    article = " ".join(f"{title}\n{text}".split())
    for reason in reasons:
        words = quoted(reason)
        assert words, reason  # every reason quotes what it found
        for word in words:
            assert word in article, (word, reason)


@pytest.mark.parametrize(("title", "text", "categories"), SAMPLES)
def test_every_quoted_reason_occurs_in_its_article(
    title: str, text: str, categories: list[str]
) -> None:
    reasons = explainer_for(None).reasons(title, text, categories)
    assert reasons
    _assert_quotes_in(title, text, reasons)
    assert len({r.casefold() for r in reasons}) == len(reasons)
    for jargon in ("cue[", "terms[", "negative[", "seed similarity"):
        assert not any(jargon in r for r in reasons)


def test_reasons_read_as_plain_words() -> None:
    title, text, categories = SAMPLES[0]
    reasons = explainer_for(None).reasons(title, text, categories)
    assert reasons[0] == "names “Ruben Vardanyan”"
    # the English word of the article, never the French profile spelling it shares a stem with
    assert not any("adopté" in r or "voté" in r for r in reasons)
    assert any(r.startswith("about a parliamentary resolution: ") for r in reasons)
    # "Baku" is named on every report of the conflict: with a person named, it is left out
    assert not any("“Baku”" in r for r in reasons)


def test_other_spellings_carry_the_english_label() -> None:
    title, text, categories = SAMPLES[2]
    reasons = explainer_for(None).reasons(title, text, categories)
    assert any("“Рубену Варданяну” (Ruben Vardanyan)" in r for r in reasons), reasons


def test_a_term_is_not_quoted_across_punctuation() -> None:
    title, text, _categories = SAMPLES[3]
    reasons = explainer_for(None).reasons(title, text)
    assert not any("War, crimes" in r for r in reasons)
    assert len([r for r in reasons if r.startswith("about ")]) <= 2


def test_gloss_renders_a_report_in_english_from_the_profile() -> None:
    title, text, categories = SAMPLES[1]
    gloss = explainer_for(None).gloss(title, text, categories)
    assert gloss.startswith("Ruben Vardanyan · Baku"), gloss
    assert "justice" in gloss
    assert language_name("hy") == "Armenian" and language_name("az-Cyrl") == "Azerbaijani"
    assert language_name("xx") is None


@pytest.mark.skipif(not CORPUS.is_file(), reason="the shared corpora are not here")
def test_quotes_occur_in_real_reports() -> None:
    """On the labelled real excerpts (23 languages): every quote is a slice of its item."""
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    explainer = explainer_for(None)
    explained = 0
    for item in items:
        title, text = item.get("title") or "", item.get("text") or ""
        reasons = explainer.reasons(title, text)
        _assert_quotes_in(title, text, reasons)
        explained += bool(reasons)
    relevant = sum(1 for i in items if i.get("relevant"))
    assert explained >= relevant  # every on-topic excerpt gets at least one reason


def test_summary_never_repeats_a_sentence() -> None:
    lead = "Azerbaijan handed over four Armenian citizens at the border on Friday."
    text = f"{lead} {lead} The Armenian side confirmed the handover of the four men. {lead}"
    got = summarize("Four Armenians handed over", text)
    assert got == [lead, "The Armenian side confirmed the handover of the four men."]
    assert sum(len(s) for s in got) <= 480


def test_bidi_controls_are_dropped_and_long_titles_cut() -> None:
    assert plain_text("Baku \u202etalks\u202c resume \u2067x") == "Baku talks resume x"
    title = "Karabakh " * 12_000
    short = shorten(title.strip())
    assert len(short) <= 160 and short.endswith("…")
    assert shorten("Short title") == "Short title"


def test_a_word_is_quoted_once_across_reasons() -> None:
    title = "Military court: Baku military court hears detainees"
    text = "The Baku Military Court heard the detainees and the detained former leaders again."
    reasons = explainer_for(None).reasons(title, text, ["detainees"])
    words = [w.casefold() for r in reasons for w in quoted(r)]
    assert words and len(words) == len(set(words)), reasons
