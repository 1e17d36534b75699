"""Extraction on the hand-written fixture pages, hostile input and legacy encodings."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bench.evaluation.extraction import Case, load_cases, same_day, token_f1
from newswatch.crawler.extraction import Extracted, extract

DATA = Path(__file__).parent / "data" / "extraction"
CASES = load_cases(DATA)
F1_FLOOR = 0.9


def test_fixture_set_is_complete() -> None:
    assert len(CASES) >= 18


@pytest.fixture(scope="module")
def results() -> dict[str, Extracted]:
    return {case.name: extract(case.page, case.truth["url"]) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_title_is_the_page_headline(case: Case, results: dict[str, Extracted]) -> None:
    assert results[case.name].title == case.truth["title"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_publication_date(case: Case, results: dict[str, Extracted]) -> None:
    found = results[case.name]
    assert same_day(found.published, case.truth["published"]), found.published_source
    if found.published is not None:
        assert found.published.utcoffset() == timedelta(0)
        assert found.published_source in ("jsonld", "meta", "time", "htmldate", "url", "shown")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_language(case: Case, results: dict[str, Extracted]) -> None:
    assert results[case.name].language == case.truth["language"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_body_f1_above_floor(case: Case, results: dict[str, Extracted]) -> None:
    found = results[case.name]
    assert token_f1(found.text, case.truth["text"]) >= F1_FLOOR, found.text_source


def test_paywall_uses_visible_teaser_not_hidden_jsonld(results: dict[str, Extracted]) -> None:
    found = results["paywall_teaser"]
    assert "United States has offered" not in found.text
    assert "narrow strip of southern Armenia" in found.text


def test_comments_and_rails_are_left_out(results: dict[str, Extracted]) -> None:
    assert "drop in the ocean" not in results["comment_section"].text
    assert "Senate vote on Karabakh was symbolic" not in results["related_rails"].text


def test_paragraphs_are_blank_line_separated(results: dict[str, Extracted]) -> None:
    paragraphs = results["wire_service"].text.split("\n\n")
    assert len(paragraphs) >= 5
    assert all(p.strip() == p and p for p in paragraphs)


def test_canonical_url_resolved_against_page_url(results: dict[str, Extracted]) -> None:
    assert (
        results["amp_page"].canonical_url == "https://news.example/culture/unesco-mission-karabakh"
    )
    assert results["wire_service"].canonical_url == (
        "https://wire.example/world/belgium-karabakh-resolution"
    )


def test_authors_from_jsonld_and_meta(results: dict[str, Extracted]) -> None:
    assert results["longread_pullquotes"].authors == ["Lena Marsh"]
    assert results["jsonld_only"].authors == ["Ruslan Aliyev"]
    assert results["wire_service"].authors == ["Caucasus Wire staff"]


def test_feed_values_take_their_place() -> None:
    case = next(c for c in CASES if c.name == "no_date")
    feed_time = datetime(2026, 2, 1, 12, 0, tzinfo=timezone(timedelta(hours=4)))
    found = extract(case.page, case.truth["url"], feed_published=feed_time)
    assert found.published == datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    assert found.published_source == "feed"
    bare = extract("<html><body><p>short</p></body></html>", feed_title="From the feed")
    assert (bare.title, bare.title_source) == ("From the feed", "feed")


def test_no_date_is_none_not_now(results: dict[str, Extracted]) -> None:
    found = results["no_date"]
    assert found.published is None and found.published_source is None


def test_as_json_shape(results: dict[str, Extracted]) -> None:
    data = results["wire_service"].as_json("saved/page.html")
    assert set(data) == {
        "path",
        "url",
        "title",
        "text",
        "published",
        "authors",
        "language",
        "canonical_url",
    }
    assert data["path"] == "saved/page.html"
    assert datetime.fromisoformat(data["published"]) == datetime(2025, 7, 18, 5, 41, tzinfo=UTC)


GARBAGE = [
    b"",
    "",
    b"   \n\t ",
    bytes(random.Random(7).randrange(256) for _ in range(5000)),
    b"\x00" * 300,
    b"<html><head><title>Cut",
    b"<html><body><div><p>Unclosed paragraph about <b>nothing",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
    b"<" * 2000 + b">" * 2000,
    b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>',
    b"\xef\xbb\xbf<html><body>" + b"<div>" * 3000 + b"deep" + b"</div>" * 3000,
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj",
]


@pytest.mark.parametrize("page", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_never_raises(page: str | bytes) -> None:
    found = extract(page, "https://news.example/x")
    assert isinstance(found, Extracted)
    assert isinstance(found.text, str)
    assert found.url == "https://news.example/x"


def test_empty_and_binary_give_empty_text() -> None:
    assert extract(b"").text == ""
    assert extract(b"\x00" * 300).text == ""
    assert extract(b"", feed_published=datetime(2026, 1, 1)).published_source == "feed"


RU_TITLE = "Депутаты обсудили восстановление дорог в приграничных сёлах"
RU_BODY = [
    "Во вторник парламентская комиссия рассмотрела план ремонта дорог, ведущих к сёлам "
    "вдоль границы, где движение транспорта долгое время было затруднено.",
    "По словам докладчика, работы начнутся весной и продлятся около двух лет, а "
    "финансирование будет выделено из государственного бюджета.",
    "Жители сёл просят в первую очередь отремонтировать мосты и участки, которые "
    "размывает вода во время весенних паводков.",
]
FR_TITLE = "Le Sénat débat d'une résolution sur le patrimoine arménien"
FR_BODY = [
    "Les sénateurs ont examiné mardi une proposition de résolution consacrée à la "
    "protection des églises, des cimetières et des monuments arméniens du Haut-Karabakh.",
    "Le texte demande qu'une mission de l'UNESCO puisse se rendre sur place afin "
    "d'évaluer l'état des édifices religieux et des sites historiques.",
    "Plusieurs élus ont souligné que la sauvegarde du patrimoine ne devait pas dépendre "
    "de l'issue des négociations de paix entre Erevan et Bakou.",
]


def _page(title: str, body: list[str], lang: str, meta: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (
        f'<html lang="{lang}"><head>{meta}<title>{title}</title></head><body>'
        f'<nav><a href="/">Accueil</a></nav><article><h1>{title}</h1>{paragraphs}'
        "</article><footer>Contact</footer></body></html>"
    )


@pytest.mark.parametrize(
    ("title", "body", "lang", "encoding", "meta", "declared"),
    [
        (RU_TITLE, RU_BODY, "ru", "windows-1251", '<meta charset="windows-1251">', None),
        (RU_TITLE, RU_BODY, "ru", "windows-1251", "", "windows-1251"),
        (RU_TITLE, RU_BODY, "ru", "windows-1251", "", None),
        (
            FR_TITLE,
            FR_BODY,
            "fr",
            "iso-8859-1",
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            None,
        ),
        (FR_TITLE, FR_BODY, "fr", "iso-8859-1", "", "ISO-8859-1"),
        (FR_TITLE, FR_BODY, "fr", "iso-8859-1", "", None),
    ],
    ids=[
        "1251-meta",
        "1251-header",
        "1251-undeclared",
        "latin1-meta",
        "latin1-header",
        "latin1-undeclared",
    ],
)
def test_legacy_encodings(
    title: str, body: list[str], lang: str, encoding: str, meta: str, declared: str | None
) -> None:
    raw = _page(title, body, lang, meta).encode(encoding)
    found = extract(raw, "https://news.example/a", declared_encoding=declared)
    assert found.title == title
    assert token_f1(found.text, "\n\n".join(body)) >= 0.95
    assert found.language == lang


def test_declared_language_overridden_when_script_disagrees() -> None:
    page = _page(RU_TITLE, RU_BODY, "en", "")
    assert extract(page).language == "ru"


def test_undeclared_language_is_detected() -> None:
    page = _page(FR_TITLE, FR_BODY, "", "").replace(' lang=""', "")
    assert extract(page).language == "fr"


def test_persian_keeps_zero_width_non_joiner(results: dict[str, Extracted]) -> None:
    text = results["persian_rtl"].text
    assert "می\u200cکند" in text
    assert "\u2e3b" not in text


def test_recirculation_grid_is_left_out(results: dict[str, Extracted]) -> None:
    text = results["teaser_cards"].text
    assert "four villages were handed over" in text
    assert "Shipping companies report" not in text


def test_body_failure_keeps_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    import newswatch.crawler.extraction.core as core

    def broken(*args: object, **kwargs: object) -> tuple[str, str | None]:
        raise RuntimeError("extractor crashed")

    monkeypatch.setattr(core, "choose_body", broken)
    case = next(c for c in CASES if c.name == "wire_service")
    found = extract(case.page, case.truth["url"])
    assert found.text == "" and found.text_source is None
    assert found.title == case.truth["title"]
    assert same_day(found.published, case.truth["published"])


def test_zero_width_non_joiner_survives_article_scope() -> None:
    sentence = (
        "وزارت امور خارجه اعلام کرد که از هر توافقی حمایت می\u200cکند و گفت\u200cوگوها ادامه دارد"
    )
    paragraphs = "".join(f"<p>{sentence} {i}.</p>" for i in range(8))
    page = (
        f'<html lang="fa"><body><nav>x</nav><article><h1>تهران از گفت\u200cوگوها حمایت کرد'
        f"</h1>{paragraphs}</article></body></html>"
    )
    found = extract(page)
    assert "می\u200cکند" in found.text and "\u2e3b" not in found.text


def test_body_continuing_outside_the_article_element_is_kept() -> None:
    paragraphs = [
        f"Paragraph {i}: the commission on delimitation met in the border village and "
        "discussed the maps, the roads and the schedule of the next sessions with "
        "local residents, who asked for guarantees about their fields and pastures."
        for i in range(6)
    ]
    first = "".join(f"<p>{p}</p>" for p in paragraphs[:2])
    rest = "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    page = (
        f'<html><body><div class="page"><article><h1>Border commission meets villagers</h1>'
        f'{first}</article><div class="more-text">{rest}</div></div>'
        "<aside><p>Popular now</p></aside></body></html>"
    )
    found = extract(page)
    assert token_f1(found.text, "\n\n".join(paragraphs)) >= 0.95


def test_text_next_to_headline_beats_a_teaser_grid() -> None:
    paragraphs = [
        f"Line {i} of the story: the bakery opened by a displaced family from "
        "Stepanakert now employs four people and sells bread baked to old recipes."
        for i in range(5)
    ]
    tiles = "".join(
        f"<div class='tile'><a href='/n/{i}'><h3>Another story {i}</h3></a>"
        f"<p>Teaser text for story {i} goes here with a few words.</p></div>"
        for i in range(60)
    )
    page = (
        "<html><body><div class='story'><h1>Refugees open a bakery in Abovyan</h1>"
        f"<div class='txt'>{'<br><br>'.join(paragraphs)}</div></div>"
        f"<div class='grid'>{tiles}</div></body></html>"
    )
    found = extract(page)
    assert token_f1(found.text, "\n\n".join(paragraphs)) >= 0.9
    assert "Teaser text" not in found.text
