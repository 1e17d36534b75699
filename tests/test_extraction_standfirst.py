"""The standfirst between the headline and the body is put back; captions, bylines and
share buttons set in the same place are not."""

from __future__ import annotations

import pytest
from lxml import html

from newswatch.crawler.extraction.agree import TextIndex
from newswatch.crawler.extraction.standfirst import restore_standfirst

STANDFIRST = (
    "The regional council approved the new tram line on Tuesday after two years of debate, "
    "and construction is to start next spring."
)
BODY = [
    (
        "The line will link the railway station with the university campus and the hospital, "
        "a route served today by crowded buses every six minutes."
    ),
    (
        "Opponents had argued that the cost estimate was too low, but the council's majority "
        "said the federal grant would cover most of the expense."
    ),
]


def _restore(header: str, body: list[str] = BODY, paragraph_tag: str = "p") -> str:
    paragraphs = "".join(f"<{paragraph_tag}>{p}</{paragraph_tag}>" for p in BODY)
    page = (
        "<html><body><nav><a href='/'>Home</a></nav><article>"
        f"<header><h1>Council approves tram line</h1>{header}</header>"
        f"<div class='text'>{paragraphs}</div></article></body></html>"
    )
    root = html.fromstring(page)
    heading = root.find(".//h1")
    return restore_standfirst("\n\n".join(body), root, heading, TextIndex(root))


@pytest.mark.parametrize(
    "header",
    [
        f"<p class='intro'>{STANDFIRST}</p>",
        f"<div class='teaser-text'><p><strong>{STANDFIRST}</strong></p></div>",
        f"<h2 class='subheadline'>{STANDFIRST}</h2>",
        f"<div class='byline'>By Ann Lee</div><div class='chapo'>{STANDFIRST}</div>",
    ],
)
def test_standfirst_is_put_back_in_front_of_the_body(header: str) -> None:
    assert _restore(header).split("\n\n") == [STANDFIRST, *BODY]


def test_standfirst_is_found_when_the_paragraphs_are_bare_divs() -> None:
    text = _restore(f"<div class='intro'>{STANDFIRST}</div>", paragraph_tag="div")
    assert text.split("\n\n") == [STANDFIRST, *BODY]


@pytest.mark.parametrize(
    "header",
    [
        f"<figure><img src='a.jpg'><figcaption>{STANDFIRST}</figcaption></figure>",
        f"<p><span class='image-caption'>{STANDFIRST}</span></p>",
        f"<div class='article-meta'>{STANDFIRST}</div>",
        "<p class='author'>By Ann Lee and Tom Berg, city desk, Tuesday 4 March 2025</p>",
        "<ul><li><a href='/share'>Share this article on your favourite network</a></li></ul>",
        "<p><a href='/other'>Another article about the new tram lines in the region</a></p>",
        "<p>Tram line</p>",
        "<p>City News | 04.03.2025 at 10:15 • updated 04.03.2025 at 12:40 | by Ann Lee</p>",
        f"<p>{STANDFIRST} © City News Agency</p>",
    ],
)
def test_captions_bylines_and_links_under_the_headline_stay_out(header: str) -> None:
    assert _restore(header).split("\n\n") == BODY


def test_a_wrapper_whose_classes_name_its_category_or_tags_is_not_a_box() -> None:
    # blog engines class the whole post after its category and tags; here the headline
    # sits outside the post, so the post's classes are looked at
    body = BODY * 3  # the post holds the whole article, much more than a caption box would
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    page = (
        "<html><body><div class='hero'><h1>Council approves tram line</h1></div>"
        "<article class='post type-post category-local-news tag-transport'>"
        f"<p class='excerpt'>{STANDFIRST}</p>{paragraphs}</article></body></html>"
    )
    root = html.fromstring(page)
    text = restore_standfirst("\n\n".join(body), root, root.find(".//h1"), TextIndex(root))
    assert text.split("\n\n") == [STANDFIRST, *body]


def test_a_standfirst_the_body_already_holds_is_not_repeated() -> None:
    text = _restore(f"<p class='intro'>{STANDFIRST}</p>", body=[STANDFIRST, *BODY])
    assert text.split("\n\n") == [STANDFIRST, *BODY]


def test_without_a_headline_the_body_is_unchanged() -> None:
    root = html.fromstring(f"<html><body><p>{STANDFIRST}</p><p>{BODY[0]}</p></body></html>")
    assert restore_standfirst(BODY[0], root, None, TextIndex(root)) == BODY[0]


SUBTITLE = "Why the new line matters for the eastern districts"


def test_a_subtitle_right_under_the_headline_is_put_back() -> None:
    assert _restore(f"<h2>{SUBTITLE}</h2>").split("\n\n") == [SUBTITLE, *BODY]


@pytest.mark.parametrize(
    "header",
    [
        # a short phrase only after other lines: a label of the page, not the subtitle
        f"<p class='x'>Tuesday</p><h2>{SUBTITLE}</h2>",
        # the headline again with a kicker in front
        "<h2>Transport: Council approves tram line</h2>",
        "<h2>Tram line approved</h2>",
    ],
)
def test_other_short_lines_under_the_headline_stay_out(header: str) -> None:
    assert _restore(header).split("\n\n") == BODY


def test_breadcrumb_and_headline_lines_above_the_body_do_not_hide_the_standfirst() -> None:
    # the body opens with the breadcrumb and the headline (above the <h1> in the page, or the
    # <h1> itself) before its first paragraph, which sits after the standfirst
    crumbs = ["Home ›", "News ›", "Transport"]
    page = (
        "<html><body><ul class='crumbs'>"
        + "".join(f"<li>{c}</li>" for c in crumbs)
        + "</ul><article><h1>Council approves tram line</h1>"
        f"<div class='teaser-text'><p>{STANDFIRST}</p></div>"
        f"<div class='text'>{''.join(f'<p>{p}</p>' for p in BODY)}</div></article></body></html>"
    )
    root = html.fromstring(page)
    body = [*crumbs, "Council approves tram line", *BODY]
    text = restore_standfirst("\n\n".join(body), root, root.find(".//h1"), TextIndex(root))
    assert text.split("\n\n") == [*crumbs, "Council approves tram line", STANDFIRST, *BODY]


def test_standfirst_is_found_when_the_body_is_one_paragraph_split_at_double_breaks() -> None:
    page = (
        "<html><body><article><h1>Council approves tram line</h1>"
        f"<p class='teaser'>{STANDFIRST}</p>"
        f"<p>{'<br><br>'.join(BODY)}</p></article></body></html>"
    )
    root = html.fromstring(page)
    text = restore_standfirst("\n\n".join(BODY), root, root.find(".//h1"), TextIndex(root))
    assert text.split("\n\n") == [STANDFIRST, *BODY]


def test_a_teaser_set_as_a_quotation_is_put_back_but_a_bare_pull_quote_is_not() -> None:
    quoted = f"<div class='teaser-text'><blockquote><p>{STANDFIRST}</p></blockquote></div>"
    assert _restore(quoted).split("\n\n") == [STANDFIRST, *BODY]
    assert _restore(f"<blockquote><p>{STANDFIRST}</p></blockquote>").split("\n\n") == BODY
