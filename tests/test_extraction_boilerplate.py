"""Boilerplate inside the article block: marked boxes, teaser lines, rail labels, appeals."""

from __future__ import annotations

import pytest
from lxml import html

from newswatch.crawler.extraction.agree import TextIndex
from newswatch.crawler.extraction.boilerplate import drop_boilerplate

STORY = [
    "The harbour board voted on Monday to close the old ferry pier for repairs until spring.",
    "Fishermen who moor there will be offered berths at the east quay free of charge.",
    "The board said the work would cost about two million and take five months.",
    "A public meeting on the plans is planned for the town hall next Thursday evening.",
]

NO_PAGE = TextIndex(None)


def _tree(markup: str) -> html.HtmlElement:
    return html.fromstring(f"<html><body>{markup}</body></html>")


def _story_markup(extra: str = "", at: int = 2) -> str:
    paragraphs = [f"<p>{p}</p>" for p in STORY]
    paragraphs.insert(at, extra)
    return "<article>" + "".join(paragraphs) + "</article>"


@pytest.mark.parametrize(
    ("box", "line"),
    [
        (
            '<div class="newsletter-signup"><p>{}</p></div>',
            "Get our harbour briefing every morning in your inbox",
        ),
        ('<p class="affiliate-disclaimer">{}</p>', "Links marked with a star earn us a fee"),
        ('<div class="photo-credit"><p>{}</p></div>', "Picture: Harbour Board archive"),
        ('<section class="letters-cta"><p>{}</p></section>', "Tell us what you think of it."),
        ('<aside><p class="headline">{}</p></aside>', "Most read this week in the harbour"),
        ('<div class="sidebar-box"><p>{}</p></div>', "Compare ferry fares with our planner"),
        (
            '<ul class="related_post"><li><small>{}</small></li></ul>',
            "Pier repairs elsewhere on the coast ran over budget twice last year",
        ),
        ('<div class="nextstory"><p>{}</p></div>', "Lighthouse keepers remember the storm"),
        (
            '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">{}</h3></div>',
            "Share with:",
        ),
        (
            '<div class="post-author-bio"><p>{}</p></div>',
            "Jon Hale writes about ports and shipping and sails on weekends.",
        ),
        (
            '<div class="pum-overlay"><div class="pum-content popmake-content"><p>{}</p></div></div>',
            "The harbour museum opens its doors to schools every Friday morning.",
        ),
        # text set in bare <div>s, as sign-up forms do
        (
            '<form class="newsletter-form"><div class="row"><div class="col">{}</div></div></form>',
            "Our monthly letter brings you the best walks along the coast",
        ),
    ],
)
def test_paragraph_in_a_marked_box_is_dropped(box: str, line: str) -> None:
    tree = _tree(_story_markup(box.format(line)))
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, TextIndex(tree)) == "\n\n".join(STORY)


def test_a_marked_wrapper_around_the_whole_article_is_not_a_box() -> None:
    # a word like "credit" on the element that holds the story does not make it furniture
    markup = '<div class="story credit-union-news">' + _story_markup() + "</div>"
    text = "\n\n".join(STORY)
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == text


@pytest.mark.parametrize(
    "line",
    [
        "Lea también: El puerto cierra el muelle viejo",
        "VEA TAMBIÉN: Pescadores piden más amarres",
        "Lesen Sie hier: Hafenrat beschließt Sanierung",
        "See also: Ferry timetable changes in March",
    ],
)
def test_read_also_teaser_line_is_dropped(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == "\n\n".join(STORY)


def test_name_like_teaser_label_counts_only_on_a_link() -> None:
    teaser, answer = "Mira: Así será el nuevo muelle", "Lea: Ich finde den Plan des Hafenrats gut."
    markup = _story_markup(f'<p><a href="/muelle">{teaser}</a></p><p>{answer}</p>')
    text = "\n\n".join([*STORY[:2], teaser, answer, *STORY[2:]])
    kept = drop_boilerplate(text, TextIndex(_tree(markup)))
    assert kept == "\n\n".join([*STORY[:2], answer, *STORY[2:]])


@pytest.mark.parametrize(
    "line",
    [
        "Noticias relacionadas",
        "Inhaltsverzeichnis",
        "Weitere Informationen:",
        "Mehr zum Thema auf hafenblatt.example",
        "Top-Themen bei Hafenblatt",
        "Related articles",
    ],
)
def test_rail_label_on_its_own_line_is_dropped(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == "\n\n".join(STORY)


@pytest.mark.parametrize(
    "line",
    [
        "Follow the Harbour Post on Twitter and Instagram for more.",
        "For breaking news on the go, download the Harbour Post app for iOS and Android.",
        "If you enjoyed reading this article, please consider supporting our work.",
        "Síguenos en Facebook y recibe las noticias del puerto.",
        "Gefällt dir unser Hafenblatt? Dann unterstütze uns mit einem kleinen Beitrag.",
        "Already a subscriber? Log in to read the rest of the story.",
        "© 2026 Harbour Post. All rights reserved. This material may not be republished.",
    ],
)
def test_closing_appeal_to_the_reader_is_dropped(line: str) -> None:
    text = "\n\n".join([*STORY, line])
    assert drop_boilerplate(text, NO_PAGE) == "\n\n".join(STORY)


@pytest.mark.parametrize(
    "line",
    [
        # prose that shares words with the rules stays
        "The board will follow the advice of the engineers on Twitter-like short notices.",
        "Mira Kovač, who runs the kiosk, said: the pier has been unsafe for years.",
        "More than forty people wrote to the board about the plans.",
        "Weitere Informationen gab der Hafenmeister am Abend nicht bekannt, hieß es.",
    ],
)
def test_prose_sharing_words_with_the_rules_is_kept(line: str) -> None:
    text = "\n\n".join([*STORY, line])
    assert drop_boilerplate(text, NO_PAGE) == text


def test_an_appeal_in_the_middle_of_the_story_is_kept() -> None:
    # the reader is addressed at the end; earlier it may be a quoted call to action
    line = "Follow the harbour board on Twitter, the mayor told residents at the meeting."
    text = "\n\n".join([STORY[0], line, *STORY[1:], *STORY])
    assert drop_boilerplate(text, NO_PAGE) == text


@pytest.mark.parametrize(
    "line",
    [
        "Sie sind aktuell nicht eingeloggt.",
        "You must be logged in to post a comment.",
        "Pour lire la suite",
        "To read the full story, please subscribe to the Harbour Post.",
        "Anzeige, enthält Affiliate-Links",
        "The old pier at dawn (Photo: Harbour Board archive).",
        "© Harbour Board / J. Example",
        "Abbildung 2: Der Pier nach dem Sturm",
        "Quelle: Hafenamt",
        "Kategorie: Lokales",
        "... weiter zu Teil zwei",
        "Video verfügbar bis 30.06.2026",
        "Weitere Infos unter www.hafenblatt.example",
        "Digitale Ausgabe? Einfach hier klicken und registrieren!",
        "Unless noted otherwise, the content of this site is licensed under CC-BY.",
    ],
)
def test_notes_of_the_page_are_dropped_wherever_they_sit(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == "\n\n".join(STORY)


@pytest.mark.parametrize(
    "line",
    [
        "Die Quelle: ein Brief des Hafenamts, der der Redaktion vorliegt, nennt keine Kosten.",
        "Photographs from 1952 show the pier (then new) crowded with ferries every morning.",
        "Weiter zu verhandeln lehnte der Hafenrat ab, wie ein Sprecher am Abend sagte.",
    ],
)
def test_prose_like_the_notes_is_kept(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == text


@pytest.mark.parametrize(
    "line",
    [
        "March 3, 2026 | categories: harbour, ferries | 4 comments",
        "Aktualisiert am 03.03.2026.",
        "Alles über die neuen Fähren findest du hier.",
    ],
)
def test_meta_lines_and_pointers_are_dropped(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == "\n\n".join(STORY)


def test_linked_titles_under_a_related_label_are_dropped() -> None:
    rail = ["Ferry fares rise in March", "New quay opens to the public"]
    markup = (
        "<article>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "<h3>Related stories</h3>"
        + "".join(f'<h2><a href="/n{i}">{t}</a></h2>' for i, t in enumerate(rail))
        + "</article>"
    )
    text = "\n\n".join([*STORY, "Related stories", *rail])
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == "\n\n".join(STORY)


def test_unlinked_lines_under_a_related_label_are_kept() -> None:
    lines = ["Ferry fares rise in March", "New quay opens to the public"]
    markup = "<article>" + "".join(f"<p>{p}</p>" for p in [*STORY, *lines]) + "</article>"
    text = "\n\n".join([*STORY, "Related stories", *lines])
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == "\n\n".join([*STORY, *lines])


@pytest.mark.parametrize(
    "line",
    [
        "Telefon: +49 40 123 456",
        "Tel.: (0228) 55 55 55",
        "(Alle Angaben ohne Gewähr)",
        "Pressemappe des Hafenamts | RSS-Feed abonnieren",
    ],
)
def test_contact_lines_and_disclaimers_are_dropped(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == "\n\n".join(STORY)


def test_invitation_to_comment_at_the_end_is_dropped() -> None:
    line = "Let us know in the comments what you think of the new quay."
    assert drop_boilerplate("\n\n".join([*STORY, line]), NO_PAGE) == "\n\n".join(STORY)


def test_comments_reported_in_the_story_are_kept() -> None:
    line = "In the comments under the board's post, several fishermen doubted the cost figures."
    text = "\n\n".join([*STORY, line])
    assert drop_boilerplate(text, NO_PAGE) == text


def test_extract_drops_a_closing_appeal_and_says_so() -> None:
    from newswatch.crawler.extraction import extract

    story = "".join(f"<p>{p} {p}</p>" for p in STORY)
    appeal = "<p>Follow the Harbour Post on Twitter and Instagram for more news.</p>"
    page = (
        "<html><head><title>Old ferry pier to close</title></head><body><article>"
        f"<h1>Old ferry pier to close</h1>{story}{appeal}</article></body></html>"
    )
    out = extract(page)
    assert "Instagram" not in out.text
    assert STORY[0] in out.text
    assert "dropped" in str(out.explanation)


@pytest.mark.parametrize(
    "line",
    [
        "Tickets for the new ferry are available until March 3.",
        "Einen Fischmarkt gibt es hier.",
    ],
)
def test_short_news_lines_are_not_mistaken_for_notes(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == text


@pytest.mark.parametrize(
    "line",
    [
        "Weitere Informationen lagen zunächst nicht vor.",
        "Auch auf der Insel regnete es den ganzen Tag",
        "Werbung an der Mole ist künftig verboten.",
    ],
)
def test_sentences_starting_like_labels_are_kept(line: str) -> None:
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, NO_PAGE) == text


def test_linked_lines_after_the_last_paragraph_are_dropped() -> None:
    links = ["Here is the full timetable of the new ferries", "Harbour fees for 2024"]
    markup = (
        "<article>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "".join(f'<p><a href="/n{i}">{t}</a></p>' for i, t in enumerate(links))
        + "</article>"
    )
    text = "\n\n".join([*STORY, *links])
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == "\n\n".join(STORY)


@pytest.mark.parametrize(
    ("markup", "line"),
    [
        ('<p><a href="/a">{}</a></p>', "https://harbour.example/report"),
        ('<ul><li><a href="/a">{}</a></li></ul>', "Harbour fees for 2024"),
        ("<p>{}</p>", "Harbour fees for 2024"),
    ],
)
def test_closing_addresses_list_items_and_plain_lines_are_kept(markup: str, line: str) -> None:
    page = "<article>" + "".join(f"<p>{p}</p>" for p in STORY) + markup.format(line) + "</article>"
    text = "\n\n".join([*STORY, line])
    assert drop_boilerplate(text, TextIndex(_tree(page))) == text


def test_a_linked_line_before_the_last_paragraph_is_kept() -> None:
    link = "Harbour fees for 2024"
    page = f'<article><p>{STORY[0]}</p><p><a href="/a">{link}</a></p><p>{STORY[1]}</p></article>'
    text = "\n\n".join([STORY[0], link, STORY[1]])
    assert drop_boilerplate(text, TextIndex(_tree(page))) == text


@pytest.mark.parametrize(
    "box",
    [
        '<div class="modal hidden"><form><p>{}</p></form></div>',
        "<div hidden><p>{}</p></div>",
        '<div style="display: none"><p>{}</p></div>',
    ],
)
def test_paragraph_the_page_does_not_show_is_dropped(box: str) -> None:
    line = "Get the harbour letter every month with our best offers"
    markup = _story_markup(box.format(line))
    text = "\n\n".join([*STORY[:2], line, *STORY[2:]])
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == "\n\n".join(STORY)


def test_a_hidden_wrapper_around_the_whole_article_is_kept() -> None:
    markup = '<div class="hidden">' + _story_markup() + "</div>"
    text = "\n\n".join(STORY)
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == text


def test_a_gallery_showing_its_hidden_parts_one_at_a_time_is_kept() -> None:
    slides = "".join(f'<div class="slide hidden"><p>{p}</p></div>' for p in STORY[1:])
    markup = f"<article><p>{STORY[0]}</p>{slides}</article>"
    text = "\n\n".join(STORY)
    assert drop_boilerplate(text, TextIndex(_tree(markup))) == text
