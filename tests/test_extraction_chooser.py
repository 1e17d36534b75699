"""The body chooser's guards and decisions, and the title, author and date rules, on small
hand-written pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import html

from newswatch.crawler.extraction import extract
from newswatch.crawler.extraction.agree import TextIndex
from newswatch.crawler.extraction.authors import clean_name
from newswatch.crawler.extraction.chooser import Candidate, decide, find_lead, guard
from newswatch.crawler.extraction.nodes import common_ancestor

LEAD = (
    "The foreign ministers of Armenia and Azerbaijan met in Almaty on Friday and agreed to "
    "continue work on the text of a peace treaty, according to statements from both sides."
)
PROSE = [
    LEAD,
    (
        "The talks lasted more than six hours and were hosted by the Kazakh foreign ministry, which "
        "said the delegations had made progress on the articles concerning the border commissions."
    ),
    (
        "Both ministers said that the delimitation of the border would continue on the basis of the "
        "Almaty declaration of 1991, and that a new round would be held within two months."
    ),
    (
        "Observers in Yerevan and Baku said the meeting was the most substantive in a year, although "
        "several questions, including transport links through the region, remain unresolved."
    ),
]
COMMENTS = [
    "Great article, thanks for the update on the talks in Almaty!",
    "I doubt anything will come of it, we have heard these promises before many times.",
    "Reply",
    "Does anyone know when the next round of the commission meets?",
    "Reply",
]


def _page(body: str, head: str = "") -> str:
    return f"<html lang='en'><head>{head}</head><body>{body}</body></html>"


def _article(headline: str = "Ministers agree to continue peace treaty talks") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PROSE)
    return f"<article><h1>{headline}</h1><div class='text'>{paragraphs}</div></article>"


def _tree(body: str) -> html.HtmlElement:
    return html.fromstring(_page(body))


def test_guard_flags_short_link_dense_and_comment_like_blocks() -> None:
    menu = "".join(
        f"<li><a href='/s/{i}'>Section number {i} of the site menu</a></li>" for i in range(20)
    )
    thread = "".join(f"<p>{c}</p>" for c in COMMENTS)
    tree = _tree(f"<ul>{menu}</ul>{_article()}<div class='comments'>{thread}</div>")
    index = TextIndex(tree)

    short = guard(Candidate("x", "Ministers meet."), index)
    links = guard(
        Candidate("x", "\n\n".join(f"Section number {i} of the site menu" for i in range(20))),
        index,
    )
    comments = guard(Candidate("x", "\n\n".join(COMMENTS * 2)), index)
    article = guard(Candidate("x", "\n\n".join(PROSE)), index)

    assert short.flaws and short.flaws[0].startswith("short")
    assert any(f.startswith("link-dense") for f in links.flaws)
    assert "comment-like" in comments.flaws
    assert article.flaws == [] and article.usable


def test_lead_is_the_first_long_paragraph_after_the_headline() -> None:
    tree = _tree(
        "<p>" + "A cookie notice that is long enough to count as prose. " * 4 + "</p>" + _article()
    )
    heading = tree.find(".//h1")
    assert find_lead(heading) == LEAD
    assert find_lead(None) is None


def test_default_is_kept_unless_the_block_brings_evidence() -> None:
    tree = _tree(_article())
    index = TextIndex(tree)
    lead = find_lead(tree.find(".//h1"))
    article = "\n\n".join(PROSE)

    same = decide(
        Candidate("trafilatura", article), lambda: Candidate("article-block", article), lead, index
    )
    assert same.source == "trafilatura" and same.reason.startswith("default")
    assert [c.name for c in same.candidates] == ["trafilatura"]  # nothing to doubt: not asked

    # the default lacks the lead, but the block around the headline is the menu: it stays
    menu = "\n\n".join(f"Section number {i} of the site menu with a link" for i in range(20))
    tree = _tree(
        _article()
        + "<ul>"
        + "".join(
            f"<li><a href='/s/{i}'>Section number {i} of the site menu with a link</a></li>"
            for i in range(20)
        )
        + "</ul>"
    )
    index = TextIndex(tree)
    without_lead = "\n\n".join(PROSE[1:])
    kept = decide(
        Candidate("trafilatura", without_lead),
        lambda: Candidate("article-block", menu),
        lead,
        index,
    )
    assert kept.source == "trafilatura" and "rejected" in kept.reason
    assert kept.explain()["candidates"][1]["flaws"]


def test_block_wins_when_the_default_misses_the_lead() -> None:
    thread = "".join(f"<p>{c} {c}</p>" for c in COMMENTS if c != "Reply")
    tree = _tree(_article() + f"<section class='discussion'>{thread}</section>")
    index = TextIndex(tree)
    lead = find_lead(tree.find(".//h1"))
    wrong = "\n\n".join(f"{c} {c}" for c in COMMENTS if c != "Reply")
    choice = decide(
        Candidate("trafilatura", wrong),
        lambda: Candidate("article-block", "\n\n".join(PROSE)),
        lead,
        index,
    )
    assert choice.source == "article-block"
    assert choice.text.startswith(LEAD)


GREETING = "Welcome back to the weekly letter. As always, send your tips and thoughts by reply."


def test_a_block_of_little_more_than_the_lead_does_not_replace_a_usable_default() -> None:
    # a newsletter: a greeting and the lead under the headline, its stories in sections after it
    stories = "".join(
        f"<section><h2>Story {i}</h2><p>{p}</p></section>" for i, p in enumerate(PROSE)
    )
    tree = _tree(
        f"<article><h1>Future</h1><div><p>{GREETING}</p><p>{LEAD}</p></div></article>{stories}"
    )
    index = TextIndex(tree)
    lead = find_lead(tree.find(".//h1"))
    assert lead == LEAD and 250 <= len(GREETING) + len(LEAD) < 500  # past the short guard
    default = "\n\n".join(PROSE[1:] * 2)
    choice = decide(
        Candidate("trafilatura", default),
        lambda: Candidate("article-block", f"{GREETING}\n\n{LEAD}"),
        lead,
        index,
    )
    assert choice.source == "trafilatura", choice.reason


def test_teaser_grid_after_the_article_is_trimmed_only_when_it_is_one() -> None:
    tree = _tree(_article())
    index = TextIndex(tree)
    article = "\n\n".join(PROSE)
    teasers = [f"Another story number {i} in a few words" for i in range(5)]
    with_grid = decide(
        Candidate("trafilatura", "\n\n".join([*PROSE, *teasers])),
        lambda: Candidate("article-block", article),
        None,
        index,
    )
    assert with_grid.source == "article-block" and "teaser" in with_grid.reason
    # one extra closing paragraph is not a grid: the default keeps it
    closing = decide(
        Candidate("trafilatura", "\n\n".join([*PROSE, teasers[0]])),
        lambda: Candidate("article-block", article),
        None,
        index,
    )
    assert closing.source == "trafilatura"


def test_extract_keeps_the_article_not_the_comment_thread() -> None:
    thread = "".join(f"<div class='comment'><p>{c}</p></div>" for c in COMMENTS * 3)
    page = _page(
        _article() + f"<div id='comments'>{thread}</div>",
        "<title>Ministers agree to continue peace treaty talks | Caucasus Wire</title>",
    )
    found = extract(page, "https://caucasuswire.example/news/talks")
    assert found.text.startswith(LEAD)
    assert "Great article" not in found.text
    why = found.explanation["text"]
    assert why["winner"] == found.text_source and why["reason"]


def test_jsonld_body_of_another_article_is_rejected() -> None:
    other = " ".join(["The national team won three medals at the championships in Budapest."] * 8)
    ld = json.dumps({"@type": "NewsArticle", "headline": "Ministers agree", "articleBody": other})
    found = extract(_page(_article(), f'<script type="application/ld+json">{ld}</script>'))
    assert found.text.startswith(LEAD)
    jsonld = [c for c in found.explanation["text"]["candidates"] if c["name"] == "jsonld"]
    assert jsonld and jsonld[0]["flaws"][0].startswith("not on the page")


@pytest.mark.parametrize(
    ("head", "body", "url", "title"),
    [
        # a kicker inside the <h1>
        (
            '<meta property="og:title" content="Ministers agree to continue peace treaty talks">',
            "<h1><span>Diplomacy</span> Ministers agree to continue peace treaty talks</h1>",
            None,
            "Ministers agree to continue peace treaty talks",
        ),
        # a dateline after the headline in the same <h1>
        (
            "<title>Ministers agree to continue peace treaty talks - Wire</title>",
            "<h1>Ministers agree to continue peace treaty talks 02.02.2024 • Wire</h1>",
            None,
            "Ministers agree to continue peace treaty talks",
        ),
        # "Headline | Blog name" with a long blog name and no other source
        (
            "<title>Talks resume after a long pause | Notes from the Caucasus</title>",
            "",
            None,
            "Talks resume after a long pause",
        ),
        # a short tail after a dash is the site's name, capitalised or not
        (
            "<title>Talks resume after a long pause – my notebook</title>",
            "",
            None,
            "Talks resume after a long pause",
        ),
        # "Outlet e.V.: Headline", the outlet named by the host
        (
            "<title>Kaukasus e.V.: Talks resume after a long pause</title>",
            "",
            "https://www.kaukasus.example/news/1",
            "Talks resume after a long pause",
        ),
        # the site's name in an <h1> is not the headline
        (
            (
                '<meta property="og:title" content="Talks resume after a long pause">'
                '<meta property="og:site_name" content="Caucasus Wire">'
            ),
            "<h1>Caucasus Wire</h1>",
            None,
            "Talks resume after a long pause",
        ),
        # a section label in an <h1> of its own is not the headline
        (
            (
                '<meta property="og:title" content="Ministers agree to continue peace treaty talks">'
                "<title>News - Caucasus Wire</title>"
            ),
            "<h1>News</h1><h1>Ministers agree to continue peace treaty talks</h1>",
            None,
            "Ministers agree to continue peace treaty talks",
        ),
        (
            "<title>Caucasus Wire | Culture | Books | Ministers agree to continue talks</title>",
            "<article><h1>Books</h1></article>",
            "https://caucasuswire.example/books/1",
            "Ministers agree to continue talks",
        ),
        # CSS that a framework puts inside the heading is not part of it
        (
            '<meta property="og:title" content="Ministers agree to continue peace treaty talks">',
            (
                "<h1><style>.k{font-size:16px}</style>Ministers agree to continue peace treaty talks"
                "</h1>"
            ),
            None,
            "Ministers agree to continue peace treaty talks",
        ),
        # a longer <h1> than the og:title is the page's own headline, not a kicker
        (
            '<meta property="og:title" content="Talks resume in Almaty">',
            "<article><h1>Talks resume in Almaty after a pause of eleven months</h1></article>",
            None,
            "Talks resume in Almaty after a pause of eleven months",
        ),
    ],
)
def test_title_rules(head: str, body: str, url: str | None, title: str) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PROSE)
    assert extract(_page(body + paragraphs, head), url).title == title


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("By Anna Petrosyan", "Anna Petrosyan"),
        ("View all posts by Anna Petrosyan", "Anna Petrosyan"),
        ("Zeige alle Beiträge von Anna Petrosyan", "Anna Petrosyan"),
        ("by Anna Petrosyan22 Dec 2016", "Anna Petrosyan"),
        ("Anna Petrosyan, Senior Correspondent", "Anna Petrosyan"),
        ("Anna Petrosyan | Staff Writer", "Anna Petrosyan"),
        ("Por Anna Petrosyan", "Anna Petrosyan"),
        ("anna[at]wire.example", None),
        ("caucasuswire.com", None),
        ("Caucasus Wire staff", "Caucasus Wire staff"),  # a desk is a byline too
        ("Vom Support Team", "Support Team"),
        ("Unknown", None),
    ],
)
def test_author_names_only(raw: str, name: str | None) -> None:
    assert clean_name(raw) == name


def test_authors_from_visible_byline_when_no_metadata() -> None:
    body = (
        "<article><h1>Ministers agree</h1><div class='author'>By Anna Petrosyan</div>"
        + "".join(f"<p>{p}</p>" for p in PROSE)
        + "</article>"
    )
    assert extract(_page(body)).authors == ["Anna Petrosyan"]


def test_authors_drop_web_addresses_and_split_pairs() -> None:
    head = (
        '<meta name="author" content="By Anna Petrosyan and Ruslan Aliyev">'
        '<meta property="og:site_name" content="Caucasus Wire">'
    )
    assert extract(_page(_article(), head)).authors == ["Anna Petrosyan", "Ruslan Aliyev"]
    head = '<meta name="author" content="caucasuswire.com">'
    body = (
        "<article><h1>Ministers agree</h1><p class='byline'><a rel='author' href='/a'>"
        "Anna Petrosyan</a> <a rel='author' href='/more'>More articles</a></p>"
        + "".join(f"<p>{p}</p>" for p in PROSE)
        + "</article>"
    )
    assert extract(_page(body, head)).authors == ["Anna Petrosyan"]


def test_only_the_first_author_tag_counts_outside_head() -> None:
    # several in <head> are co-authors; more in the body belong to teasers of other articles
    head = '<meta name="author" content="Anna Petrosyan">'
    teaser = '<div><meta name="author" content="Ruslan Aliyev"></div>'
    assert extract(_page(_article() + teaser, head)).authors == ["Anna Petrosyan"]


def test_date_in_the_url_wins_over_a_disagreeing_page_date() -> None:
    head = '<meta property="article:published_time" content="2024-03-09T10:00:00Z">'
    found = extract(_page(_article(), head), "https://wire.example/2024/02/14/talks")
    assert found.published_source == "url"
    assert found.published.date().isoformat() == "2024-02-14"
    agreeing = extract(_page(_article(), head), "https://wire.example/2024/03/09/talks")
    assert agreeing.published_source == "meta"


def test_dates_keep_the_publishers_day_and_reject_partial_dates() -> None:
    head = '<meta property="article:published_time" content="2024-03-09T00:30:00+04:00">'
    found = extract(_page(_article(), head))
    assert found.published == datetime(2024, 3, 8, 20, 30, tzinfo=UTC)
    assert found.published_local is not None
    assert found.published_local.date().isoformat() == "2024-03-09"
    assert found.published_local.utcoffset() == timedelta(hours=4)
    assert found.published_local.tzinfo is not None
    assert found.published_local == found.published.astimezone(timezone(timedelta(hours=4)))

    dotted = extract(_page(_article(), '<meta name="date" content="12.10.2022">'))
    assert dotted.published is not None and dotted.published.date().isoformat() == "2022-10-12"
    clock = extract(_page(_article(), '<meta name="date" content="14:05">'))
    assert clock.published is None or clock.published.year != 2000


def test_one_paragraph_echoed_in_a_comment_form_is_not_a_thread() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PROSE[1:])
    tree = _tree(
        f"<article><h1>Ministers agree</h1>{paragraphs}</article>"
        f"<div class='comments-add'><p>{LEAD}</p></div>"
    )
    candidate = guard(Candidate("trafilatura", "\n\n".join(PROSE[:2])), TextIndex(tree))
    assert "comment-like" not in candidate.flaws


def _nearest_shared(a: html.HtmlElement, b: html.HtmlElement) -> html.HtmlElement:
    line = [a, *a.iterancestors()]
    return next(el for el in [b, *b.iterancestors()] if any(el is x for x in line))


def test_common_ancestor_is_the_nearest_shared_element_on_a_deep_page() -> None:
    # lxml creates and frees a proxy per element visited: the answer must not depend on which
    # memory the freed proxies leave for the next ones
    nested = "".join(f"<div class='d{i}'><p>para {i}</p>" for i in range(40)) + "</div>" * 40
    tree = html.fromstring(
        f"<html><body><main>{nested}</main><aside><p>x</p></aside></body></html>"
    )
    paragraphs = list(tree.iter("p"))
    for a in paragraphs:
        for b in paragraphs:
            found = common_ancestor(a, b)
            assert found is not None
            assert (
                found.get("class") == _nearest_shared(a, b).get("class")
                and found.tag == _nearest_shared(a, b).tag
            )


BIO = (
    "Mara Lindqvist has covered city politics for the paper since 2011 and writes a weekly "
    "column about housing. Before that she reported on farming from the northern provinces "
    "and still keeps bees in her garden, along with far too many notebooks."
)


def test_guard_flags_a_block_that_is_mostly_the_author_box() -> None:
    # a page whose article is rendered by script: the block around the headline holds only
    # the author's card, and it must not replace a short default as the article
    card = (
        "<div class='author-card'><div class='author-card__info'>"
        "<p class='name'><a href='/author/ml'>Mara Lindqvist</a></p>"
        f"<p class='description'>{BIO}</p></div></div>"
    )
    tree = _tree(f"<article><h1>Council delays housing vote</h1>{card}</article>")
    block = guard(
        Candidate("article-block", f"Opinion\n\nMara Lindqvist\n\n{BIO}"), TextIndex(tree)
    )
    assert "author box" in block.flaws

    # an article with a short author note under it stays usable
    paragraphs = "".join(f"<p>{p}</p>" for p in PROSE)
    tree = _tree(f"<article><h1>Ministers agree</h1>{paragraphs}{card}</article>")
    article = guard(Candidate("trafilatura", "\n\n".join([*PROSE, BIO])), TextIndex(tree))
    assert article.usable


def test_body_standfirst_under_a_minor_heading_headline_is_put_back() -> None:
    # news plugins that set the headline as an <h3> and the lead in a teaser block above the text
    standfirst = (
        "The volunteers of the repair café fixed more than forty toasters, lamps and radios on "
        "Saturday, and they are looking for help with bicycles before the spring."
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in PROSE)
    page = _page(
        "<div class='news news-single'><div class='article'><div class='header'>"
        "<h3>Repair café opens again</h3></div>"
        f"<div class='teaser-text'><p>{standfirst}</p></div>"
        f"<div class='news-text-wrap'>{paragraphs}</div></div></div>",
        "<title>Repair café opens again</title>",
    )
    found = extract(page, "https://town.example/news/repair-cafe")
    assert found.text.split("\n\n")[0] == standfirst


def test_guard_flags_a_candidate_that_is_mostly_navigation_or_footer() -> None:
    # menus with descriptions and the site's footer are prose too, but never the article
    about = [
        "Harbour Wire is an independent newsroom covering ports, shipping and the coastal "
        "towns of the north since 1998, funded by its readers.",
        "Our newsroom is at 12 Quay Street. Write to the editors with tips, corrections or "
        "questions about how we report, and we will answer within a week.",
    ]
    menu = (
        "<nav><div class='menu-item'><p>Ports: daily news about cargo, "
        "ferries and the people who work on the docks of the region.</p></div></nav>"
    )
    footer = "<footer>" + "".join(f"<p>{p}</p>" for p in about) + "</footer>"
    tree = _tree(f"{menu}{_article()}{footer}")
    index = TextIndex(tree)
    chrome = guard(
        Candidate(
            "trafilatura",
            "\n\n".join(
                [
                    "Ports: daily news about cargo, ferries and the people who work on the "
                    "docks of the region.",
                    *about,
                ]
            ),
        ),
        index,
    )
    assert any(f.startswith("navigation or footer") for f in chrome.flaws)
    article = guard(Candidate("trafilatura", "\n\n".join([*PROSE, about[0]])), index)
    assert article.usable


def test_a_short_jsonld_body_does_not_cut_the_rest_of_the_page() -> None:
    # a forum thread whose JSON-LD holds only the opening post: the staff replies under it
    # are on the page and stay in the body
    opening = [
        *PROSE,
        "The ministers are to report to their parliaments before the next round of talks.",
    ]
    replies = [
        "First reply from the team: the talks are covered live in our chat tonight, with the "
        "reporters in Almaty answering questions about the commission from eight o'clock.",
        "Another reply from the moderators: the earlier thread about the previous round has "
        "been closed, and its most useful answers have been copied into this one.",
        "Update from the team: the border commission will publish its minutes next week, and "
        "the maps discussed in Almaty will be attached to them for everyone to read.",
        "A second note from the moderators: please keep questions about visas in the other "
        "thread, this one is only for news about the negotiations and the commission.",
        "Final update for today: both delegations have confirmed the date of the next round, "
        "which will again take place in Almaty at the beginning of the autumn.",
        "One more correction to the earlier post: the number of border sections discussed was "
        "twelve, not ten, as the ministry's statement made clear this evening.",
    ]
    ld = json.dumps(
        {
            "@type": "DiscussionForumPosting",
            "headline": "Ministers agree",
            "articleBody": " ".join(opening),
        }
    )
    posts = "".join(f"<div class='post'><p>{p}</p></div>" for p in [*opening, *replies])
    page = _page(
        f"<main><h1>Ministers agree</h1>{posts}</main>",
        f'<title>Ministers agree</title><script type="application/ld+json">{ld}</script>',
    )
    found = extract(page, "https://forum.example/t/ministers-agree")
    assert all(reply in found.text for reply in replies)
