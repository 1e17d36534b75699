"""Furniture trimming must drop page chrome without eating short news paragraphs."""

from __future__ import annotations

import pytest
from lxml import html

from newswatch.crawler.extraction import extract
from newswatch.crawler.extraction.cleanup import drop_server_errors, keep_confirmed, trim_furniture

ARTICLE = [
    "The delegations met for seven hours and agreed to continue the talks next month.",
    "A joint statement is expected on Friday, officials said.",
]


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Senate vote on Karabakh",
        "Advertisement",
        "Also read: what comes next",
        "Subscribe to our newsletter",
        "Related:",
        "Photo: Reuters",
        "By Jane Smith",
        "By Jane Smith and John Doe",
        "Updated 16:40",
        "Comments (12)",
        "© 2026 Example Media",
        "Tags: demining, Belgium",
        "Читайте также: курс рубля",
        "03.03.2025 12:40",
        "17 February 2025",
        "July 18, 2025 9:41 AM",
    ],
)
def test_furniture_at_the_edges_is_dropped(line: str) -> None:
    assert trim_furniture("\n\n".join([line, *ARTICLE, line])) == "\n\n".join(ARTICLE)


@pytest.mark.parametrize(
    "line",
    [
        "Shares of the company rose 5% on Tuesday.",
        "By the end of the day it was over.",
        "Updated figures will be released next week.",
        "Related talks are expected in April.",
        "Photos of the meeting were not released.",
        "Comments by the minister drew criticism.",
        "By Tuesday, the talks had ended.",
        "Sources said the talks would resume.",
        "2,000 people marched",
        "4 killed",
    ],
)
def test_short_news_paragraphs_survive(line: str) -> None:
    text = "\n\n".join([line, *ARTICLE, line])
    assert trim_furniture(text) == text


def test_only_paragraphs_the_reference_confirms_are_kept() -> None:
    extracted = "\n\n".join([*ARTICLE, "Sign in to leave a comment on this story"])
    assert keep_confirmed(extracted, " ".join(ARTICLE)) == "\n\n".join(ARTICLE)


def test_double_breaks_become_paragraphs() -> None:
    from lxml import html

    from newswatch.crawler.extraction.landmarks import paragraphs_from_breaks

    root = html.fromstring(
        "<div><div>First <b>bold</b> line<br>same paragraph<br><br>Second"
        "<br/>\n<br/>Third <a href='#'>link</a>.</div><div>Text<br><br>"
        "<div>block</div></div></div>"
    )
    paragraphs_from_breaks(root)
    first, mixed = root
    assert [p.text_content() for p in first.iter("p")] == [
        "First bold linesame paragraph",
        "Second\n",
        "Third link.",
    ]
    assert first.find("p/br") is not None  # a single break stays inside its paragraph
    assert mixed.find("p") is None  # block children: left alone


@pytest.mark.parametrize(
    "label",
    [
        "Schon gelesen?",
        "Lesen Sie auch die folgenden Beiträge:",
        "Empfohlene Beiträge",
        "Le puede interesar",
        "Most read",
        "Zum Weiterlesen:",
    ],
)
def test_a_rail_after_a_read_also_label_is_cut(label: str) -> None:
    teasers = [
        "Ministers meet again in Brussels",
        "Border commission sets a date",
        "Demining continues in Aghdam",
    ]
    text = "\n\n".join([*ARTICLE, *ARTICLE, label, *teasers])
    assert trim_furniture(text) == "\n\n".join([*ARTICLE, *ARTICLE])


def test_prose_after_a_label_is_not_a_rail() -> None:
    prose = (
        "The commission also discussed the exchange of maps and the role of the observers, "
        "and agreed that the working groups would report to the deputy prime ministers."
    )
    text = "\n\n".join([*ARTICLE, *ARTICLE, "Read also:", prose])
    assert trim_furniture(text) == "\n\n".join([*ARTICLE, *ARTICLE, prose])


def test_a_newsletter_prompt_is_dropped_and_what_follows_kept() -> None:
    text = "\n\n".join([ARTICLE[0], "Get our newsletter every morning in your inbox.", ARTICLE[1]])
    assert trim_furniture(text) == "\n\n".join(ARTICLE)


@pytest.mark.parametrize(
    "line",
    [
        "Letzte Änderung 14.02.2019",
        "Beitragsbild: Archiv",
        "Last modified: 03-10-2004",
        "Auch interessant:",
    ],
)
def test_more_edge_furniture_is_dropped(line: str) -> None:
    assert trim_furniture("\n\n".join([*ARTICLE, line])) == "\n\n".join(ARTICLE)


def _php_warning(constant: str) -> str:
    return (
        f"<br /><b>Warning</b>:  Use of undefined constant {constant} - assumed '{constant}' "
        "(this will throw an Error in a future version of PHP) in <b>/homepages/15/d3932/htdocs"
        "/kittens.example/wp-content/plugins/get-recent-comments/get-recent-comments.php</b> on "
        "line <b>928</b><br />"
    )


def test_php_warnings_printed_into_the_page_are_not_the_body() -> None:
    # a short post and a sidebar widget that prints PHP warnings: extractors took the
    # warnings for the article's text
    post = (
        "<div class='post'><h2 class='posttitle'><a href='/second-kitten/'>The second kitten"
        "</a></h2><p class='postmeta'>3 August 2015 &#183; Filed under <a href='/c/private/'>"
        "private</a></p><div class='postentry'><p>Some weeks after <a href='/first/'>the first "
        "one</a>, the second kitten arrived on Sunday, small and very loud.</p><p>Here is how "
        "they met for the first time, under the kitchen table:</p></div></div>"
    )
    sidebar = "<ul><li><h2>Recent comments</h2><ul>" + "".join(
        _php_warning(c) for c in ("comments", "comments", "trackbacks", "trackbacks")
    )
    page = (
        "<html><head><title>The second kitten | kitten diary</title></head><body>"
        "<div id='header'><ul class='menu'><li><a href='/'>Home</a></li></ul>"
        "<h1><a href='/'>kitten diary</a></h1></div>"
        f"<div id='content'>{post}</div><div id='sidebar'>{sidebar}</ul></li></ul></div>"
        "</body></html>"
    )
    found = extract(page, "https://kittens.example/second-kitten/")
    assert "on line" not in found.text
    assert "the second kitten arrived on Sunday" in found.text


def test_a_php_warning_quoted_in_a_tutorial_stays() -> None:
    root = html.fromstring(
        "<html><body><pre>" + _php_warning("foo") + "</pre><p>That message means the "
        "constant was never defined.</p></body></html>"
    )
    drop_server_errors(root)
    assert "on line 928" in root.text_content()
