"""Where authors are found on small hand-written pages: JSON-LD, meta tags, marked and
unmarked bylines; and that only names come back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import html

from newswatch.crawler.extraction import extract
from newswatch.crawler.extraction.authors import clean_name
from newswatch.crawler.extraction.bylines import marked_bylines

TEXT = (
    "The regional council voted on Tuesday to keep the ferry line running through the winter, "
    "after a month of protests by residents of the islands who depend on it for school and work."
)
ARTICLE = f"<article><h1>Ferry line stays open</h1><p>{TEXT}</p><p>{TEXT}</p></article>"


def _page(body: str = ARTICLE, head: str = "") -> str:
    return f"<html lang='en'><head>{head}</head><body>{body}</body></html>"


def _ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_jsonld_author_given_by_reference_is_looked_up_in_the_graph() -> None:
    graph = {
        "@graph": [
            {"@type": "WebSite", "@id": "/#site", "name": "Island Post"},
            {"@type": "Article", "headline": "Ferry line stays open", "author": {"@id": "/#p1"}},
            {"@type": "Person", "@id": "/#p1", "name": "Maren Holt"},
        ]
    }
    assert extract(_page(head=_ld(graph))).authors == ["Maren Holt"]


def test_jsonld_author_of_a_recipe_or_web_page_counts_too() -> None:
    recipe = {
        "@type": "Recipe",
        "name": "Plum cake",
        "author": {"@type": "Person", "name": "Ida Lund"},
    }
    assert extract(_page(head=_ld(recipe))).authors == ["Ida Lund"]
    page = {"@type": "WebPage", "name": "Ferry", "author": "Tove Berg"}
    assert extract(_page(head=_ld(page))).authors == ["Tove Berg"]


def test_twitter_label_written_by_names_the_author() -> None:
    head = (
        '<meta name="twitter:label1" content="Verfasst von">'
        '<meta name="twitter:data1" content="Jonas Wirth">'
        '<meta name="twitter:label2" content="Lesezeit"><meta name="twitter:data2" content="3 Min">'
    )
    assert extract(_page(head=head)).authors == ["Jonas Wirth"]


def test_site_name_as_author_gives_way_to_a_person_in_the_byline() -> None:
    head = (
        '<meta property="og:site_name" content="Island Post">'
        '<meta name="author" content="Island Post">'
    )
    body = ARTICLE.replace("</h1>", "</h1><div class='article-author'>Von Maren Holt</div>")
    assert extract(_page(body, head)).authors == ["Maren Holt"]
    # without a person anywhere the site's name is all there is
    assert extract(_page(head=head)).authors == ["Island Post"]


def test_marked_byline_outside_comments_with_co_authors_and_handles() -> None:
    body = ARTICLE.replace(
        "</h1>",
        "</h1><p class='byline'>Por Ana Ruiz, Luis Vega @lvega</p>",
    ) + ("<ol class='comments'><li><span class='comment-author'>Pedro Gil</span> Nice.</li></ol>")
    assert extract(_page(body)).authors == ["Ana Ruiz", "Luis Vega"]


def test_lower_case_user_name_counts_in_an_hcard_only() -> None:
    card = "</h1><span class='author vcard'><a class='url fn n' href='/u/marc'>marc</a></span>"
    assert extract(_page(ARTICLE.replace("</h1>", card))).authors == ["marc"]
    plain = html.fromstring(
        _page(ARTICLE.replace("</h1>", "</h1><span class='author'>marc</span>"))
    )
    assert marked_bylines(plain) == [("marc", False)]  # not in a card: capitals required


def test_unmarked_by_line_under_the_headline() -> None:
    body = ARTICLE.replace("</h1>", "</h1><p>By <a href='/staff/ida'>Ida Lund</a></p>")
    assert extract(_page(body)).authors == ["Ida Lund"]


def test_site_name_with_an_article_or_a_part_of_the_host_is_the_site() -> None:
    head = (
        '<link rel="canonical" href="https://www.islandpost24.com/ferry">'
        '<meta property="og:site_name" content="Island Post">'
        '<meta name="author" content="Die Island Post">'
    )
    body = ARTICLE.replace("</h1>", "</h1><div class='author'>Von Maren Holt</div>")
    assert extract(_page(body, head)).authors == ["Maren Holt"]
    head = head.replace("Die Island Post", "ISLANDPOST")
    assert extract(_page(body, head)).authors == ["Maren Holt"]


def test_byline_adds_co_authors_that_the_metadata_leaves_out() -> None:
    head = '<meta name="author" content="Maren Holt">'
    both = ARTICLE.replace("</h1>", "</h1><p class='byline'>By Maren Holt and Ivo Berg</p>")
    assert extract(_page(both, head)).authors == ["Maren Holt", "Ivo Berg"]
    desk = ARTICLE.replace("</h1>", "</h1><p class='byline'>Maren Holt, Online-Redaktion</p>")
    assert extract(_page(desk, head)).authors == ["Maren Holt"]


def test_byline_in_an_article_without_a_bio_keeps_its_name() -> None:
    # a class such as "hasnt-bio" on the byline's box is no biography
    card = "<span class='author vcard'>marc</span>"
    body = ARTICLE.replace("</h1>", f"</h1><div class='sig-line hasnt-bio'>{card}</div>")
    assert extract(_page(body)).authors == ["marc"]


def test_month_of_a_date_after_the_name_is_cut() -> None:
    body = ARTICLE.replace("</h1>", "</h1><p class='byline'>By Ida Lund May 3, 2019</p>")
    assert extract(_page(body)).authors == ["Ida Lund"]


def test_rel_author_links_of_teasers_are_not_co_authors() -> None:
    byline = "</h1><p>Text: <a rel='author' href='/a/ida'>Ida Lund</a></p>"
    teasers = "".join(
        f"<div class='list'><h3>Other story</h3><div><a rel='author' href='/a/{n}'>{n}</a></div></div>"
        for n in ("Ivo Berg", "Tove Rask")
    )
    body = ARTICLE.replace("</h1>", byline) + teasers
    assert extract(_page(body)).authors == ["Ida Lund"]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Dezember 10, 2019 · von freeman1984 · in Allgemein", "freeman1984"),
        ("Von FOCUS-Online-Experte Ida Lund", "Ida Lund"),
        ("Redakteurin Ida Lund", "Ida Lund"),
        ("Ida Lund 12. Mai 2020", "Ida Lund"),
    ],
)
def test_name_cleaning_keeps_user_names_and_drops_role_words(raw: str, name: str) -> None:
    assert clean_name(raw) == name


def test_sidebar_layout_class_on_body_does_not_hide_the_byline() -> None:
    card = "</h1><span class='author vcard'>marc</span>"
    page = _page(ARTICLE.replace("</h1>", card)).replace("<body>", "<body class='right-sidebar'>")
    assert extract(page).authors == ["marc"]


def test_weekday_before_the_date_is_cut_from_a_byline() -> None:
    body = ARTICLE.replace("</h1>", "</h1><p class='byline'>Von Ida Lund Fr, 18. Oktober 2019</p>")
    assert extract(_page(body)).authors == ["Ida Lund"]


def test_lone_first_or_user_name_is_spelled_out_by_the_byline() -> None:
    body = ARTICLE.replace("</h1>", "</h1><p>By Tove Rask</p>")
    for short in ("Tove", "toverask"):
        head = f'<meta name="author" content="{short}">'
        assert extract(_page(body, head)).authors == ["Tove Rask"]
    head = '<meta name="author" content="Ivo">'  # another person: the metadata stands
    assert extract(_page(body, head)).authors == ["Ivo"]


def test_publisher_address_in_the_author_tag_is_no_co_author() -> None:
    head = (
        '<meta property="og:site_name" content="Island Post">'
        '<meta name="author" content="Island Post, Hamburg, Germany">'
    )
    body = ARTICLE.replace("</h1>", "</h1><div class='byline'>Von Maren Holt, Berlin</div>")
    assert extract(_page(body, head)).authors == ["Maren Holt"]
    desk = ARTICLE.replace("</h1>", "</h1><div class='byline'>Von Maren Holt, NDR</div>")
    assert extract(_page(desk)).authors == ["Maren Holt", "NDR"]


@pytest.mark.parametrize(
    ("raw", "name"), [("/ Ida Lund /", "Ida Lund"), ("Autor/in: Ida Lund", "Ida Lund")]
)
def test_slashes_and_gendered_labels_are_not_part_of_the_name(raw: str, name: str) -> None:
    assert clean_name(raw) == name


def test_company_address_country_and_labels_are_not_names() -> None:
    head = '<meta name="author" content="Inselverlag GmbH, Kiel, Germany">'
    assert extract(_page(head=head)).authors == ["Inselverlag GmbH"]
    head = '<meta name="author" content="Ida Lund, Germany">'
    assert extract(_page(head=head)).authors == ["Ida Lund"]
    head = '<meta name="author" content="Ida Lund, Kolumnistin">'
    assert extract(_page(head=head)).authors == ["Ida Lund"]
    assert clean_name("publisher") is None


def test_escaped_apostrophe_is_no_date() -> None:
    head = '<meta name="author" content="Lena O&amp;#039;Neill, Ida Lund, Tove Rask">'
    assert extract(_page(head=head)).authors == ["Lena O'Neill", "Ida Lund", "Tove Rask"]


def test_a_failing_author_search_keeps_the_rest_of_the_extraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newswatch.crawler.extraction import authors

    def broken(*_: object) -> list[str]:
        raise ValueError("odd markup")

    monkeypatch.setattr(authors, "_site_keys", broken)
    out = extract(_page())
    assert out.authors == [] and out.title == "Ferry line stays open" and "ferry" in out.text


def test_site_name_repeated_with_more_words_is_still_the_site() -> None:
    head = '<meta property="og:site_name" content="Notes by Tove Rask">'
    body = ARTICLE.replace("</h1>", "</h1><p class='byline'>Tove Rask Monday</p>")
    jsonld = _ld({"@type": "Article", "headline": "Ferry line stays open", "author": "Tove Rask"})
    assert extract(_page(body, head + jsonld)).authors == ["Tove Rask"]


def test_head_meta_tags_of_several_co_authors_are_read_in_one_walk() -> None:
    head = (
        '<meta name="Author" content="Maren Holt">'
        '<meta property="author" name="AUTHOR" content="Jonas Wirth">'  # one value, not two
        '<meta name="author" content="  ">'
    )
    assert extract(_page(head=head)).authors == ["Maren Holt", "Jonas Wirth"]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Pressemitteilung von Tove Berg", "Tove Berg"),
        ("A guest post by Ida Lund", "Ida Lund"),
        ("Edited by Ida Lund", "Ida Lund"),
        ("Ida LundUpdated 3 hours ago", "Ida Lund"),
        ("Ida LundHace 2 horas", "Ida Lund"),
        ("Artikel von", None),
        ("Story by", None),
        ("Ida Lund said", None),  # a commenter
        ("Datum", None),
        ("Quelle", None),
    ],
)
def test_labels_around_a_name_are_cut(raw: str, name: str | None) -> None:
    assert clean_name(raw) == name


def test_co_authors_joined_by_y_or_e_are_split_but_a_compound_surname_is_not() -> None:
    head = '<meta name="author" content="Lucía Pardo y José Miguel Ortiz">'
    assert extract(_page(head=head)).authors == ["Lucía Pardo", "José Miguel Ortiz"]
    head = '<meta name="author" content="Mario Rossi e Luca Bianchi">'
    assert extract(_page(head=head)).authors == ["Mario Rossi", "Luca Bianchi"]
    head = '<meta name="author" content="José Ortega y Gasset">'
    assert extract(_page(head=head)).authors == ["José Ortega y Gasset"]


def test_site_name_and_staff_after_a_person_are_cut() -> None:
    head = (
        '<meta property="og:site_name" content="HarborVoice">'
        '<meta name="author" content="Maren Holt HarborVoice Staff">'
    )
    assert extract(_page(head=head)).authors == ["Maren Holt"]
    # a desk keeps the site's name it bears
    head = head.replace("Maren Holt HarborVoice Staff", "Redacción Diario HarborVoice")
    assert extract(_page(head=head)).authors == ["Redacción Diario HarborVoice"]


@pytest.mark.parametrize(
    "mark",
    ["class='writer'", "class='screenname'", "data-component='StoryByline'", "class='username'"],
)
def test_trafilatura_byline_expressions_still_run_where_their_marks_are(mark: str) -> None:
    body = ARTICLE.replace("</h1>", f"</h1><span {mark}>Maren Holt</span>")
    assert extract(_page(body)).authors == ["Maren Holt"]


def test_page_without_any_byline_mark_has_no_author() -> None:
    body = ARTICLE.replace("</h1>", "</h1><span class='credit'>Maren Holt</span>")
    assert extract(_page(body)).authors == []


def test_interview_byline_names_both_people_and_a_sponsor_label_is_no_author() -> None:
    body = ARTICLE.replace(
        "</h1>", "</h1><div class='author'>Tove Berg im Gespräch mit Jonas Wirth</div>"
    )
    assert extract(_page(body)).authors == ["Tove Berg", "Jonas Wirth"]
    assert clean_name("Gesponserte Inhalte") is None


def test_lone_first_name_spelled_out_by_the_persons_own_description() -> None:
    graph = {
        "@graph": [
            {"@type": "Article", "headline": "Ferry line stays open", "author": {"@id": "#p"}},
            {
                "@type": "Person",
                "@id": "#p",
                "name": "Tove",
                "description": "Tove Lindqvist schreibt seit 2009 über Fähren.",
            },
        ]
    }
    assert extract(_page(head=_ld(graph))).authors == ["Tove Lindqvist"]
    # a description that does not start with the name spells out nothing
    graph["@graph"][1]["description"] = "Sie schreibt über Fähren."
    assert extract(_page(head=_ld(graph))).authors == ["Tove"]


def test_lone_first_name_spelled_out_by_a_personal_sites_name() -> None:
    head = '<meta property="og:site_name" content="Dr. Ida Marklund"><meta name="author" content="Ida">'
    assert extract(_page(head=head)).authors == ["Ida Marklund"]


def test_byline_in_a_column_that_has_a_sidebar_is_not_in_the_sidebar() -> None:
    body = (
        "<div class='layout has-sidebar'><div class='page-wrapper__with-sidebar'>"
        + ARTICLE.replace("</h1>", "</h1><div class='meta-author'>Maren Holt</div>")
        + "</div></div>"
    )
    assert extract(_page(body)).authors == ["Maren Holt"]
    # the sidebar itself still names other texts' authors
    body = ARTICLE + "<div class='sidebar'><div class='meta-author'>Jonas Wirth</div></div>"
    assert extract(_page(body)).authors == []


@pytest.mark.parametrize(
    "line",
    [
        "Posted on May 3, 2021 by Tove Berg",
        "Am 3. Mai 2021 von Tove Berg",
        "03/05/2021 by Tove Berg",
    ],
)
def test_name_after_the_date_that_opens_a_byline(line: str) -> None:
    body = ARTICLE.replace("</h1>", f"</h1><div class='post-author'>{line}</div>")
    assert extract(_page(body)).authors == ["Tove Berg"]


def test_author_label_in_an_element_of_its_own_names_the_next_text() -> None:
    body = ARTICLE.replace(
        f"<p>{TEXT}</p></article>",
        f"<p>{TEXT}</p><p><b>Autor:</b> <a href='/p/1'>Jonas Wirth</a></p></article>",
    )
    assert extract(_page(body)).authors == ["Jonas Wirth"]
    # what follows the label must be written like a name
    assert extract(_page(body.replace("Jonas Wirth", "alle Beiträge"))).authors == []


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Tove Berg/dpa", "Tove Berg"),
        ("Tove Berg / AFP-X", "Tove Berg"),
        ("dpa/lno", "dpa/lno"),  # a desk's mark is all there is
        ("Rechtsanwalt", None),
        ("Rechtsanwältin Tove Berg", "Tove Berg"),
    ],
)
def test_agency_after_a_name_and_a_role_alone(raw: str, name: str | None) -> None:
    assert clean_name(raw) == name
