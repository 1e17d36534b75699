"""Title, date and language choices on small hand-made pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswatch.crawler.extraction import extract

BODY = "<p>" + " ".join(["The commission met again to discuss the border."] * 20) + "</p>"


def _page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


@pytest.mark.parametrize(
    ("head", "body", "url", "title"),
    [
        (
            "<title>World - Talks resume in Almaty - Caucasus Wire</title>",
            f"<h1>Talks resume in Almaty</h1>{BODY}",
            None,
            "Talks resume in Almaty",
        ),
        (
            "<title>Talks resume | Caucasus Wire</title>",
            f'<h1 class="logo"><a href="/">Caucasus Wire</a></h1><article><h1>Talks resume</h1>'
            f"{BODY}</article>",
            "https://caucasuswire.example/a",
            "Talks resume",
        ),
        (
            '<meta property="og:title" content="Talks resume in Almaty | Caucasus Wire">'
            '<meta property="og:site_name" content="Caucasus Wire"><title>Caucasus Wire</title>',
            BODY,
            None,
            "Talks resume in Almaty",
        ),
        (
            "<title>Peace talks resume in Almaty - Caucasus Wire</title>",
            BODY,
            None,
            "Peace talks resume in Almaty",
        ),
        (
            "<title>Armenia - Azerbaijan border talks resume</title>",
            BODY,
            None,
            "Armenia - Azerbaijan border talks resume",
        ),
        (
            "<title>Ministers meet - The New York Times</title>",
            BODY,
            "https://www.nytimes.com/2026/01/02/world/x.html",
            "Ministers meet",
        ),
        (
            "<title>EU Desk</title>",
            f"<article><h1>Talks resume<br>in Almaty</h1>{BODY}</article>",
            None,
            "Talks resume in Almaty",
        ),
        (
            '<meta property="og:title" content="Ministers meet in Brussels">'
            "<title>Ministers meet in Brussels &#8211; EU Desk</title>",
            f'<div class="hero"><h1>Ministers meet in Brussels</h1></div>{BODY}',
            None,
            "Ministers meet in Brussels",
        ),
        (
            "<title>湖上渡轮恢复运营，市民出行更方便-湖畔网</title>",
            BODY,
            None,
            "湖上渡轮恢复运营，市民出行更方便",
        ),
        (
            "<title>湖上渡轮恢复运营_本地_湖畔网</title>",
            BODY,
            None,
            "湖上渡轮恢复运营_本地_湖畔网",
        ),
    ],
    ids=[
        "h1-middle-segment",
        "logo-h1-skipped",
        "og-suffix-stripped",
        "unknown-site-dash",
        "dash-inside-headline",
        "site-by-initials",
        "br-in-headline",
        "h1-agrees-with-og",
        "cjk-tight-site-suffix",
        "cjk-section-chain-kept",
    ],
)
def test_title_choice(head: str, body: str, url: str | None, title: str) -> None:
    assert extract(_page(head, body), url).title == title


@pytest.mark.parametrize(
    ("head", "body", "url", "expected", "source"),
    [
        (
            '<script type="application/ld+json">{"@type":"NewsArticle",'
            '"datePublished":"2025-03-01T10:00:00+04:00"}</script>'
            '<meta property="article:published_time" content="2025-03-01">',
            BODY,
            None,
            datetime(2025, 3, 1, 6, 0, tzinfo=UTC),
            "jsonld",
        ),
        # republished: JSON-LD keeps the first date, the meta tag the one readers are shown
        (
            '<script type="application/ld+json">{"@type":"NewsArticle",'
            '"datePublished":"2024-03-01T10:00:00+04:00"}</script>'
            '<meta property="article:published_time" content="2025-02-01T00:00:00Z">',
            BODY,
            None,
            datetime(2025, 2, 1, 0, 0, tzinfo=UTC),
            "meta",
        ),
        (
            '<meta property="article:published_time" content="2025-02-01T12:30:00-05:00">',
            f'<article><time datetime="2025-01-01">1 Jan</time>{BODY}</article>',
            None,
            datetime(2025, 2, 1, 17, 30, tzinfo=UTC),
            "meta",
        ),
        (
            '<meta name="parsely-pub-date" content="1735732800">',
            BODY,
            None,
            datetime(2025, 1, 1, 12, 0, tzinfo=UTC),
            "meta",
        ),
        (
            "",
            f'<article><h1>Title</h1><time datetime="2024-05-06T08:00:00Z">May 6</time>'
            f"{BODY}</article>",
            None,
            datetime(2024, 5, 6, 8, 0, tzinfo=UTC),
            "time",
        ),
        (
            "",
            f'<div><span itemprop="datePublished" content="2024-07-08">8 July</span>{BODY}</div>',
            None,
            datetime(2024, 7, 8, tzinfo=UTC),
            "time",
        ),
        (
            "",
            BODY,
            "https://news.example/2023/10/09/story",
            datetime(2023, 10, 9, tzinfo=UTC),
            None,
        ),
    ],
    ids=[
        "jsonld-when-meta-agrees",
        "meta-when-they-disagree",
        "meta-over-time",
        "unix-timestamp",
        "time-in-article",
        "microdata",
        "url-pattern",
    ],
)
def test_date_choice(
    head: str, body: str, url: str | None, expected: datetime, source: str | None
) -> None:
    found = extract(_page(head, body), url)
    assert found.published == expected
    if source:
        assert found.published_source == source
    else:
        assert found.published_source in ("htmldate", "url")


def test_copyright_year_is_not_a_date() -> None:
    found = extract(_page("", BODY + "<footer>&copy; 2025 Example Media</footer>"))
    assert found.published is None


def test_canonical_falls_back_to_og_url() -> None:
    head = '<meta property="og:url" content="/news/item-7">'
    assert extract(_page(head, BODY), "https://x.example/a?utm=1").canonical_url == (
        "https://x.example/news/item-7"
    )


def test_jsonld_article_matching_the_headline_wins() -> None:
    head = (
        '<script type="application/ld+json">[{"@type": "NewsArticle", "headline": "Other",'
        ' "datePublished": "2020-01-01"}, {"@type": "NewsArticle", "headline": '
        '"Ministers meet in Brussels", "datePublished": "2021-02-02T10:00:00Z"}]</script>'
    )
    found = extract(_page(head, f"<h1>Ministers meet in Brussels</h1>{BODY}"))
    assert found.published == datetime(2021, 2, 2, 10, 0, tzinfo=UTC)


def test_jsonld_body_markup_keeps_paragraphs_apart() -> None:
    paragraphs = [
        f"Paragraph {i} tells how the delegations met and what they agreed on, "
        "with enough words to count as a real paragraph of an article."
        for i in range(8)
    ]
    body_html = "".join(f"<p>{p}</p>" for p in paragraphs)
    ld = (
        '{"@type": "NewsArticle", "headline": "H", "articleBody": "'
        + body_html.replace('"', '\\"')
        + '"}'
    )
    page = _page(
        f'<script type="application/ld+json">{ld}</script>',
        "<h1>H</h1><div>" + "".join(f"<span>{p}</span> " for p in paragraphs[:2]) + "</div>",
    )
    found = extract(page)
    assert found.text_source in ("jsonld", "trafilatura+jsonld")
    assert found.text.split("\n\n") == paragraphs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stand: 28.04.2020 18:00 Uhr", datetime(2020, 4, 28, tzinfo=UTC)),
        ("Mis en ligne le 1er mars 2021", datetime(2021, 3, 1, tzinfo=UTC)),
        ("Publicado el 5 de marzo de 2021", datetime(2021, 3, 5, tzinfo=UTC)),
        ("Sept. 9, 2019, 8:00 AM", datetime(2019, 9, 9, tzinfo=UTC)),
        ("Veröffentlicht am 3. Jänner 2022", datetime(2022, 1, 3, tzinfo=UTC)),
        ("posted 2023-11-07 09:00", datetime(2023, 11, 7, tzinfo=UTC)),
        ("26/12/2019 by the web team", datetime(2019, 12, 26, tzinfo=UTC)),
        ("05/03/2019 by the web team", None),  # day and month order unknown
        ("in Marseille 2021", None),
    ],
)
def test_text_date(text: str, expected: datetime | None) -> None:
    from newswatch.crawler.extraction.datetext import text_date

    found = text_date(text)
    assert (found[0][1] if found else None) == expected


def _dated_page(head: str, under_headline: str) -> str:
    return _page(
        head,
        f"<article><h1>Ministers agree on a border commission</h1>{under_headline}{BODY}</article>",
        lang="de",
    )


def test_printed_date_beats_metadata_shifted_to_utc() -> None:
    # published after midnight in Berlin, written in UTC: the reader is shown the 5th
    head = '<meta property="article:published_time" content="2021-11-04T23:40Z">'
    found = extract(_dated_page(head, '<p class="date">5. November 2021</p>'))
    assert found.published_local is not None
    assert found.published_local.date() == datetime(2021, 11, 5).date()
    assert found.published_source == "shown"


def test_metadata_agreeing_with_the_printed_date_keeps_its_time() -> None:
    head = '<meta property="article:published_time" content="2021-11-05T09:30:00+01:00">'
    found = extract(_dated_page(head, "<p>Stand: 05.11.2021</p>"))
    assert found.published == datetime(2021, 11, 5, 8, 30, tzinfo=UTC)
    assert found.published_source == "meta"


def test_printed_update_date_does_not_replace_the_publication_date() -> None:
    head = '<meta property="article:published_time" content="2021-03-01T10:00:00Z">'
    found = extract(_dated_page(head, "<p>Aktualisiert am 20.03.2021</p>"))
    assert found.published == datetime(2021, 3, 1, 10, 0, tzinfo=UTC)


def test_date_inside_a_sentence_under_the_headline_is_not_the_articles() -> None:
    head = '<meta property="article:published_time" content="2021-03-01T10:00:00Z">'
    sentence = (
        "<p>The court heard the case again on 24.01.2020 and the ministers said they "
        "would meet once more before the summer to settle the border.</p>"
    )
    found = extract(_dated_page(head, sentence))
    assert found.published == datetime(2021, 3, 1, 10, 0, tzinfo=UTC)


def test_printed_date_beats_a_different_url_date() -> None:
    found = extract(
        _dated_page("", "<p>March 14, 2021</p>"), "https://news.example/2021/03/08/story"
    )
    assert found.published_local is not None
    assert found.published_local.date() == datetime(2021, 3, 14).date()


def test_confirmed_h1_inside_the_article_beats_the_site_name_h1() -> None:
    head = "<title>Ferry service resumes on the lake | Harbour Notes from the North</title>"
    body = (
        f"<header><h1>Harbour Notes from the North</h1></header>"
        f"<article><h1>Ferry service resumes on the lake</h1>{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Ferry service resumes on the lake"


def test_h1_with_a_host_name_tag_gives_the_headline_before_it() -> None:
    head = '<meta property="og:title" content="Ferry service resumes on the lake">'
    body = f"<article><h1>Ferry service resumes on the lake | lakeside.example</h1>{BODY}</article>"
    assert extract(_page(head, body)).title == "Ferry service resumes on the lake"


def test_h2_named_by_the_title_when_the_h1_is_a_section_label() -> None:
    head = "<title>lakeside.example - Lake News - Ferry service resumes on the lake</title>"
    body = (
        f"<article><h1>Lake News | Entry</h1><h2>Ferry service resumes on the lake</h2>"
        f"{BODY}</article>"
    )
    found = extract(_page(head, body), "https://lakeside.example/news/7")
    assert found.title == "Ferry service resumes on the lake"


def test_title_is_in_composed_unicode_form() -> None:
    decomposed = "Cafe\u0301 reopens by the harbour after the winter"
    found = extract(_page("", f"<article><h1>{decomposed}</h1>{BODY}</article>"))
    assert found.title == "Caf\u00e9 reopens by the harbour after the winter"


def test_printed_date_found_under_an_h1_that_holds_a_kicker() -> None:
    head = (
        '<meta property="og:title" content="Ferry service resumes on the lake">'
        '<meta name="date" content="2020-04-29T11:52:23">'
    )
    body = (
        "<article><h1><span>After the storm</span> Ferry service resumes on the lake</h1>"
        f"<p>Stand: 28.04.2020 18:00 Uhr</p>{BODY}</article>"
    )
    found = extract(_page(head, body, lang="de"))
    assert found.published_local is not None
    assert found.published_local.date() == datetime(2020, 4, 28).date()


def test_update_day_agreeing_with_metadata_does_not_beat_the_url_day() -> None:
    head = '<meta property="article:published_time" content="2023-11-09T15:00:00Z">'
    found = extract(
        _dated_page(head, "<p>Updated: November 9, 2023</p>"),
        "https://news.example/2023/11/08/story",
    )
    assert found.published_local is not None
    assert found.published_local.date() == datetime(2023, 11, 8).date()


def test_printed_date_after_a_byline_link_is_read_in_page_order() -> None:
    head = '<meta property="article:published_time" content="2021-03-04T23:30:00Z">'
    found = extract(
        _dated_page(
            head,
            '<div class="byline">By <a href="/ana">Ana Berg</a> '
            "5 March 2021<p>Other story of 2 May 2020</p></div>",
        )
    )
    assert found.published_local is not None
    assert found.published_local.date() == datetime(2021, 3, 5).date()


def test_h1_span_named_after_a_kicker_colon_elsewhere_is_the_headline() -> None:
    head = (
        '<meta property="og:title" content="Harbour strike: Dockers return to work on Monday'
        ' | Coast Wire">'
    )
    body = (
        "<article><h1><span>After the harbour strike</span>"
        f"<span>Dockers return to work on Monday</span></h1>{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Dockers return to work on Monday"


def test_short_headline_after_a_marked_kicker_in_the_h1_named_by_the_title() -> None:
    head = (
        "<title>Greener valley? - Valley Voice</title>"
        '<meta property="og:site_name" content="Valley Voice">'
    )
    body = (
        '<article><h1><span class="sub-heading">Energy transition:</span> Greener valley?</h1>'
        f"{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Greener valley?"


def test_quoted_lead_before_a_colon_in_a_plain_h1_is_kept() -> None:
    # the <title> leaves the quote out, but readers see it in the headline
    head = "<title>Skier misses the games in Beijing - skinews.example</title>"
    h1 = '"Pure emptiness": Skier misses the games in Beijing'
    body = f"<article><h1>{h1}</h1>{BODY}</article>"
    assert extract(_page(head, body), "https://skinews.example/a").title == h1


def test_kicker_in_every_source_is_kept() -> None:
    head = '<meta property="og:title" content="Budget: Council approves the new school plan">'
    body = f"<article><h1>Budget: Council approves the new school plan</h1>{BODY}</article>"
    assert extract(_page(head, body)).title == "Budget: Council approves the new school plan"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Redacci&oacute;n Central", "Redacción Central"),
        ("Interview: Jana Kovac", "Jana Kovac"),
        ("Jana Kovac Stand: 3. März 2022", "Jana Kovac"),
        ("PhD", None),
        ("M.D.", None),
        ("Stand", None),
        ("No Author", None),
        ("Username", None),
        ("Ma", "Ma"),
    ],
    ids=[
        "entity-decoded",
        "interview-label",
        "date-label-after-name",
        "degree",
        "degree-dots",
        "stand-label",
        "no-author",
        "username",
        "surname-ma-kept",
    ],
)
def test_author_name_cleaning(raw: str, name: str | None) -> None:
    from newswatch.crawler.extraction.authors import clean_name

    assert clean_name(raw) == name


def test_degree_after_a_name_is_not_a_second_author() -> None:
    head = '<meta name="author" content="Grant Tinsley, PhD">'
    assert extract(_page(head, BODY)).authors == ["Grant Tinsley"]


def test_h1_in_spans_named_as_a_whole_keeps_its_kicker() -> None:
    head = '<meta property="og:title" content="Letter: farewell to the old harbour crane">'
    body = (
        "<article><h1><span>Letter:</span> <span>farewell to the old harbour crane</span>"
        f"</h1>{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Letter: farewell to the old harbour crane"


def test_several_author_tags_in_head_are_co_authors() -> None:
    head = '<meta name="author" content="Ana Petrova"><meta name="author" content="Tomas Berg">'
    assert extract(_page(head, BODY)).authors == ["Ana Petrova", "Tomas Berg"]


def test_author_tags_in_the_body_are_teasers() -> None:
    body = f'{BODY}<div><meta name="author" content="Tomas Berg"></div>'
    head = '<meta name="author" content="Ana Petrova">'
    assert extract(_page(head, body)).authors == ["Ana Petrova"]


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            '<meta property="og:site_name" content="东方网"><title>议会今日复会-东方网</title>',
            "议会今日复会",
        ),
        ("<title>WIRE|Talks resume in Almaty</title>", "Talks resume in Almaty"),
        ("<title>Covid-19 talks resume in Almaty</title>", "Covid-19 talks resume in Almaty"),
        (
            "<title>Talks resume in Almaty : Caucasus Wire | News from the region | Home</title>",
            "Talks resume in Almaty",
        ),
    ],
)
def test_site_name_cut_only_when_confirmed(head: str, title: str) -> None:
    assert extract(_page(head, BODY), "https://wire.example/a").title == title


def test_a_word_of_the_site_name_before_a_hyphen_is_not_cut() -> None:
    head = "<title>WIRE Anglo-Armenian talks resume</title>"
    found = extract(_page(head, BODY), "https://wire.example/a").title
    assert found == "WIRE Anglo-Armenian talks resume"


def test_h1_with_the_blog_name_from_the_title_tail_is_not_the_headline() -> None:
    head = "<title>Tram line opens in the old town | Harbour Notes Blog</title>"
    body = f"<h1>Harbour Notes Blog</h1><h2>Tram line opens in the old town</h2>{BODY}"
    assert extract(_page(head, body)).title == "Tram line opens in the old town"


def test_marked_kicker_span_is_not_part_of_the_headline() -> None:
    head = '<meta property="og:title" content="Harbour: Cranes return to the old quay">'
    body = (
        '<article><h1><span class="article__kicker">Harbour</span><span class="sr">: </span>'
        f"<span>Cranes return to the old quay</span></h1>{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Cranes return to the old quay"


def test_roofline_span_before_plain_headline_text_is_dropped() -> None:
    body = (
        '<article><h1><span class="roofline">Port news</span> Cranes return to the old quay'
        f"</h1>{BODY}</article>"
    )
    head = "<title>Port news - Cranes return to the old quay - Coast Wire</title>"
    assert extract(_page(head, body)).title == "Cranes return to the old quay"


def test_kicker_in_a_sole_wrapper_is_found() -> None:
    head = "<title>Drill of the week | Ladder swim with fins - SWIMWIRE</title>"
    body = (
        '<article><h1><span class="post-title"><small>Drill of the week</small><br>'
        f"Ladder swim with fins</span></h1>{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Ladder swim with fins"


def test_question_headline_ending_with_the_title_words_is_kept_whole() -> None:
    head = (
        '<meta property="og:title" content="Heat pump in old houses - when it pays | heat.example">'
    )
    body = f"<article><h1>Why fit a heat pump in old houses?</h1>{BODY}</article>"
    found = extract(_page(head, body), "https://heat.example/a").title
    assert found == "Why fit a heat pump in old houses?"


def test_number_after_the_named_part_is_not_a_dateline() -> None:
    head = '<meta property="og:title" content="Resize fonts in a plot | Axis and legend">'
    body = (
        f"<article><h1>Resize fonts in a plot (4 examples) | Axis and legend</h1>{BODY}</article>"
    )
    found = extract(_page(head, body)).title
    assert found == "Resize fonts in a plot (4 examples) | Axis and legend"


@pytest.mark.parametrize(
    ("h1", "url"),
    [
        ("Women in THW: past and future", "https://www.thw.de/a"),
        ("Skimountaineering: light new bindings", "https://www.mountaineering.com/a"),
    ],
    ids=["acronym-inside-headline", "host-inside-a-word"],
)
def test_headline_naming_the_site_keeps_its_first_words(h1: str, url: str) -> None:
    head = f'<meta property="og:title" content="{h1}">'
    assert extract(_page(head, f"<article><h1>{h1}</h1>{BODY}</article>"), url).title == h1


def test_headline_naming_the_site_among_more_words_is_not_the_site() -> None:
    title = "Best of Harbourly 2022: the gardens readers liked most"
    head = f'<meta property="og:title" content="{title}">'
    body = f"<article><h1>{title}</h1>{BODY}</article>"
    assert extract(_page(head, body), "https://www.harbourly.example/a").title == title


def test_site_name_with_its_legal_form_is_cut_before_a_colon() -> None:
    head = "<title>GASWERK e.V.: Which heating suits an old house?</title>"
    found = extract(_page(head, BODY), "https://www.gaswerk.example/a").title
    assert found == "Which heating suits an old house?"


def test_h1_beginning_the_og_title_before_its_subline_is_the_headline() -> None:
    head = '<meta property="og:title" content="Dead bees under lime trees: the explanation | Bees">'
    body = (
        "<article><h1>Dead bees under lime trees</h1>"
        f"<h2>Dead bees under lime trees: the explanation | Bees</h2>{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Dead bees under lime trees"


def test_two_word_label_beginning_the_title_is_not_the_headline() -> None:
    head = (
        '<meta property="og:title" content="Saving for a pension with your employer">'
        "<title>Company pensions (cp) - when do they pay off? - Moneytips</title>"
    )
    body = (
        "<article><h1>Company pensions</h1><h2>Saving for a pension with your employer</h2>"
        f"{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Saving for a pension with your employer"


def test_h1_differing_from_the_og_title_by_a_typo_is_the_headline() -> None:
    head = '<meta property="og:title" content="Il clock started: seven years left to act - Verde">'
    h1 = "ll clock started: seven years left to act"
    body = f"<div><h1>{h1}</h1></div>{BODY}"
    assert extract(_page(head, body), "https://verde.example/a").title == h1


def test_a_label_and_the_label_with_its_abbreviation_are_not_alike() -> None:
    from newswatch.crawler.extraction.titles import _alike

    assert not _alike("company pension schemes", "company pension schemes cps")
    assert _alike("company pension schemes", "company pensión schemes")


def test_soft_hyphens_do_not_split_words_when_sources_are_compared() -> None:
    head = "<title>Police - Press releases - Messengers are no lawless space</title>"
    h1 = "Mes\u00adsen\u00adgers are no law\u00adless space"
    body = f"<h1>Federal Police</h1><div><h1>{h1}</h1></div>{BODY}"
    assert extract(_page(head, body)).title == h1


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        ("23.01.2022 - Skier wins the last race at home", "Skier wins the last race at home"),
        ("30.11. - Book of the week", "30.11. - Book of the week"),
    ],
    ids=["full-day-cut", "day-without-year-kept"],
)
def test_leading_day_before_the_headline(h1: str, title: str) -> None:
    head = f'<meta property="og:title" content="{h1} - Ski Club">'
    body = f"<article><h1>{h1}</h1>{BODY}</article>"
    assert extract(_page(head, body)).title == title


def test_h1_linking_to_the_front_page_is_the_site_and_leaves_the_title() -> None:
    head = "<title>Figures for beginners - Dance Steps - Rueda Club</title>"
    body = f'<h1><a href="/">Dance Steps - Rueda Club</a></h1>{BODY}'
    assert extract(_page(head, body)).title == "Figures for beginners"


def test_permalink_mark_is_not_part_of_the_headline() -> None:
    head = "<title>Shared history - the extension's docs</title>"
    body = (
        '<h1><a href="/">the extension\'s docs</a></h1>'
        '<h1>Shared history<a class="headerlink" href="#shared">¶</a></h1>'
        f"{BODY}"
    )
    assert extract(_page(head, body)).title == "Shared history"


def test_the_pages_only_h1_beats_a_different_og_title() -> None:
    head = '<meta property="og:title" content="Author talks about her novel - Lit Radio">'
    h1 = "The author on her new novel about a peace mission"
    body = f'<div class="top"><h1>{h1}</h1></div>{BODY}'
    assert extract(_page(head, body)).title == h1


def test_lead_set_off_by_a_slash_that_the_headline_source_leaves_out_is_cut() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"headline":"Anna Berg is the new council president"}</script>'
    )
    h1 = '"Solve the backlog" / Anna Berg is the new council president'
    body = f"<article><h1>{h1}</h1>{BODY}</article>"
    assert extract(_page(head, body)).title == "Anna Berg is the new council president"


def test_line_before_the_span_marked_headline_is_a_kicker() -> None:
    head = '<meta property="og:title" content="Power prices: Government curbs bioenergy">'
    body = (
        '<article><h1><span class="text-green">Power prices</span><span>: </span>'
        f'<span class="headline">Government curbs bioenergy, trade protests</span></h1>{BODY}'
        "</article>"
    )
    assert extract(_page(head, body)).title == "Government curbs bioenergy, trade protests"


def test_subtitle_after_the_headline_does_not_make_it_a_kicker() -> None:
    head = '<meta property="og:title" content="Fish cakes, hot and fresh">'
    body = (
        '<article><h1><span class="highlight">Fish cakes, hot and fresh</span>'
        '<small class="article-subtitle">Welcome to the harbour town</small></h1>'
        f"{BODY}</article>"
    )
    assert extract(_page(head, body)).title == "Fish cakes, hot and fresh"


def test_kicker_in_an_h2_headline_is_dropped() -> None:
    head = '<meta property="og:title" content="Borders: France and the return of old grudges">'
    body = (
        "<h1>Report from the border</h1><h2>"
        '<span class="overline">Borders</span> <span>France and the return of old grudges</span>'
        f"</h2>{BODY}"
    )
    assert extract(_page(head, body)).title == "France and the return of old grudges"


def test_h1_linking_to_its_own_anchor_is_not_the_logo() -> None:
    head = "<title>Shared history - the extension's docs</title>"
    body = f'<article><h1><a href="#top">Shared history</a></h1>{BODY}</article>'
    assert extract(_page(head, body)).title == "Shared history"


def test_french_surtitre_is_a_kicker() -> None:
    body = (
        '<article><h1><span class="article-surtitre">Retraites</span>'
        f"<span>Le gouvernement recule sur la réforme</span></h1>{BODY}</article>"
    )
    assert extract(_page("", body)).title == "Le gouvernement recule sur la réforme"


@pytest.mark.parametrize(
    "h1",
    [
        '<h1 id="branding"><span>Harbour Friends e.V.</span> <span>helping since 1990</span></h1>',
        '<h1 class="entry-title myblogtitle">Cranes return to the old quay</h1>',
    ],
    ids=["branding-id-is-the-site", "post-title-class-is-the-headline"],
)
def test_h1_marked_as_the_sites_brand_is_not_the_headline(h1: str) -> None:
    head = "<title>Cranes return to the old quay : Harbour Friends</title>"
    assert extract(_page(head, f"{h1}{BODY}")).title == "Cranes return to the old quay"


def test_topline_after_the_headline_in_the_markup_is_dropped() -> None:
    body = (
        "<article><h1><span>Energy, transport and a greener economy</span>"
        '<span class="sr-only">: </span><small class="c-topline">Topic: Research</small></h1>'
        f"{BODY}</article>"
    )
    assert extract(_page("", body)).title == "Energy, transport and a greener economy"


def test_separator_left_dangling_at_the_end_is_dropped() -> None:
    assert extract(_page("<title>Rail Enquiries - </title>", BODY)).title == "Rail Enquiries"


def test_archived_page_names_the_archived_site() -> None:
    head = "<title>Harbour Talks » Blog Archive » Cinemas go digital</title>"
    body = f"<h1>Harbour Talks</h1><h2>Cinemas go digital</h2>{BODY}"
    url = "https://web.archive.org/web/20140226054445/http://www.harbourtalks.com/2013/08/07/x/"
    assert extract(_page(head, body), url).title == "Cinemas go digital"


def test_first_article_h2_is_the_headline_on_a_page_without_h1() -> None:
    head = "<title>Weekly report 3 - Lake Office</title>"
    body = (
        '<nav><h2 class="sr-only">Main navigation menu</h2></nav>'
        '<main><h2 class="text-hide">Main content here</h2>'
        f"<article><h2>Calm winds and a quiet week on the lake</h2>{BODY}</article></main>"
    )
    assert extract(_page(head, body)).title == "Calm winds and a quiet week on the lake"


def test_agreeing_sources_beat_an_article_h2_without_h1() -> None:
    head = (
        '<meta property="og:title" content="Lake Office front page">'
        "<title>Lake Office front page</title>"
    )
    body = f"<main><h2>Calm winds and a quiet week on the lake</h2>{BODY}</main>"
    assert extract(_page(head, body)).title == "Lake Office front page"


def test_comment_heading_quoting_the_title_is_not_the_headline() -> None:
    head = "<title>Ferry timetable for the summer</title>"
    body = f"<article>{BODY}<h2>4 thoughts on “Ferry timetable for the summer”</h2></article>"
    assert extract(_page(head, body)).title == "Ferry timetable for the summer"


def test_h1_marked_as_the_kicker_gives_way_to_the_headline_h2() -> None:
    head = "<title>Ferries run again all summer - Lake travel: new timetable</title>"
    body = (
        '<article><h1 class="strapline">Lake travel: new timetable</h1>'
        f'<h2 class="title">Ferries run again all summer</h2>{BODY}</article>'
    )
    assert extract(_page(head, body)).title == "Ferries run again all summer"


def test_h1_given_word_for_word_by_og_title_keeps_a_site_like_first_segment() -> None:
    head = (
        '<meta property="og:title" content="Ferries today – Timetables for every lake">'
        '<meta property="og:site_name" content="Ferries">'
        "<title>Ferries today – Timetables for every lake | Ferries</title>"
    )
    body = f"<article><h1>Ferries today – Timetables for every lake</h1>{BODY}</article>"
    assert extract(_page(head, body)).title == "Ferries today – Timetables for every lake"


@pytest.mark.parametrize(
    ("title_tag", "h1", "title"),
    [
        ("Cabin type 3 by the lake. Cheap holiday homes", "Cabin 3", "Cabin 3"),
        (
            "Politics: Ferries run again all summer",
            "Politics",
            "Politics: Ferries run again all summer",
        ),
        ("Ferries run again all summer | Politics", "Politics", "Ferries run again all summer"),
        ("Lorem site test page", "Dolor", "Lorem site test page"),
        ("Geschichte - Ruderclub Seestadt", "Clubgeschichte", "Clubgeschichte"),
    ],
    ids=["short-sole-h1", "label-before-headline", "label-after-headline", "stray-h1", "compound"],
)
def test_short_sole_h1_that_the_title_shares_a_word_with(
    title_tag: str, h1: str, title: str
) -> None:
    page = _page(f"<title>{title_tag}</title>", f"<div><h1>{h1}</h1></div>{BODY}")
    assert extract(page).title == title


def test_h1_given_word_for_word_by_og_title_still_loses_a_label() -> None:
    head = '<meta property="og:title" content="Update | Ferry timetable changes for the summer">'
    body = f"<article><h1>Update | Ferry timetable changes for the summer</h1>{BODY}</article>"
    assert extract(_page(head, body)).title == "Ferry timetable changes for the summer"


_SEO_H1 = "Harbour fees: council votes for a rise, ferry owners angry"
_SHOWN_H2 = "Ferry owners angry as council raises harbour fees"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        (  # the <h1> for search engines stands outside the article; og:title names the <h2>
            f'<meta property="og:title" content="{_SHOWN_H2}"><title>{_SEO_H1} | Coast Post</title>'
            f'<script type="application/ld+json">{{"@type": "NewsArticle", '
            f'"headline": "{_SEO_H1}"}}</script>',
            f"<div><h1>{_SEO_H1}</h1></div><article><h2>{_SHOWN_H2}</h2>{BODY}</article>",
            _SHOWN_H2,
        ),
        (  # both in the article: og:title and JSON-LD name the <h2>, only the <title> the <h1>
            f'<meta property="og:title" content="{_SHOWN_H2}"><title>{_SEO_H1}</title>'
            f'<script type="application/ld+json">{{"@type": "NewsArticle", '
            f'"headline": "{_SHOWN_H2}"}}</script>',
            f"<article><h1>{_SEO_H1}</h1><h2>{_SHOWN_H2}</h2>{BODY}</article>",
            _SHOWN_H2,
        ),
        (  # both in the article, the <h1> named by the <title> and JSON-LD: og:title's own text
            f'<meta property="og:title" content="{_SHOWN_H2}"><title>{_SEO_H1}</title>'
            f'<script type="application/ld+json">{{"@type": "NewsArticle", '
            f'"headline": "{_SEO_H1}"}}</script>',
            f"<article><h1>{_SEO_H1}</h1><h2>{_SHOWN_H2}</h2>{BODY}</article>",
            _SEO_H1,
        ),
    ],
    ids=["h1-outside-article", "h2-named-by-more", "h1-named-by-more"],
)
def test_h2_that_og_title_names_beats_an_h1_it_does_not(head: str, body: str, title: str) -> None:
    assert extract(_page(head, body)).title == title


@pytest.mark.parametrize(
    ("h1", "h2", "title"),
    [
        (
            "Seven ways to keep a tent dry",
            "Seven ways to keep a tent dry in autumn storms",
            "Seven ways to keep a tent dry in autumn storms",
        ),
        ("Tent guide", "Tent guide for beginners", "Tent guide"),
    ],
    ids=["shortened-headline", "short-label-kept"],
)
def test_first_h2_that_continues_the_headline_is_the_full_headline(
    h1: str, h2: str, title: str
) -> None:
    head = f"<title>{h1} | Camping Notes</title>"
    body = f"<div><h1>{h1}</h1></div><div><h2>{h2}</h2></div>{BODY}"
    assert extract(_page(head, body)).title == title


@pytest.mark.parametrize(
    ("site", "title"),
    [
        ("Lake Ferry News", "Timetable for May"),
        ("Ferry", "Timetable for MayFerry"),  # one word may end a word of the headline
    ],
    ids=["glued-name-cut", "one-word-name-kept"],
)
def test_site_name_glued_to_the_headline_is_cut(site: str, title: str) -> None:
    head = (
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="og:title" content="Timetable for May{site} | {site}">'
        f"<title>Timetable for May{site} | {site}</title>"
    )
    assert extract(_page(head, BODY)).title == title


def test_first_h2_adding_only_the_site_name_does_not_lengthen_the_headline() -> None:
    head = (
        '<meta property="og:site_name" content="Camping Notes">'
        "<title>Seven ways to keep a tent dry | Camping Notes</title>"
    )
    body = f"<div><h2>Seven ways to keep a tent dry | Camping Notes</h2></div>{BODY}"
    assert extract(_page(head, body)).title == "Seven ways to keep a tent dry"


def test_twitter_title_copying_og_title_is_not_a_second_source() -> None:
    blurb = "Anna gave the Lake Office 5 stars. Read her whole review here"
    head = (
        f'<meta property="og:title" content="{blurb}">'
        f'<meta name="twitter:title" content="{blurb}">'
        "<title>Lake Office reviewed by Anna</title>"
    )
    body = f"<article><h2>Quiet rooms and a friendly harbour view</h2>{BODY}</article>"
    assert extract(_page(head, body)).title == "Quiet rooms and a friendly harbour view"
