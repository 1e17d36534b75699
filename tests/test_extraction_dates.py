"""Publication dates on small hand-written pages: which printed or declared date is the article's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newswatch.crawler.extraction import extract
from newswatch.crawler.extraction.decode import parse
from newswatch.crawler.extraction.shown_date import labelled_dates

_FILLER = " ".join(["Ein Absatz über das Wetter im Tal und die Leute dort."] * 12)


def _page(head: str = "", top: str = "", after: str = "", title: str = "Neue Brücke im Tal") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f"<article>{top}<h1>{title}</h1>{after}<p>{_FILLER}</p><p>{_FILLER}</p></article>"
        "</body></html>"
    )


def _day(page: str, url: str = "https://example.org/news/bruecke") -> date | None:
    found = extract(page, url)
    local = found.published_local or found.published
    return local.date() if local else None


def test_printed_date_of_another_month_than_the_url_is_a_teasers() -> None:
    head = '<meta property="article:published_time" content="2021-10-02">'
    page = _page(head, after="<p>Mehr lesen: Altes Thema</p><p>18. Januar 2021</p>")
    assert _day(page, "https://example.org/2021/10/bruecke/") == date(2021, 10, 2)
    assert _day(page, "https://example.org/news/bruecke/") == date(2021, 1, 18)


def test_a_day_stored_as_european_midnight_in_utc_keeps_its_day() -> None:
    head = '<meta property="article:published_time" content="2022-11-06T23:00:00.000Z">'
    assert _day(_page(head)) == date(2022, 11, 7)
    found = extract(_page(head), "https://example.org/news/bruecke")
    assert found.published is not None and found.published.isoformat().startswith("2022-11-06T23")


def test_a_utc_time_that_is_not_on_the_hour_is_a_real_instant() -> None:
    head = '<meta property="article:published_time" content="2022-11-06T23:17:05Z">'
    assert _day(_page(head)) == date(2022, 11, 6)


def test_a_date_labelled_as_the_publications_beats_another_date_on_the_page() -> None:
    page = _page(title="Neue Brücke", after="<p>Frühere Ausgabe: 4. März 2021</p>")
    page = page.replace("<article>", "<div><p>Andere Meldung</p><p>4. März 2021</p></div><article>")
    assert _day(page) == date(2021, 3, 4)
    footer = "<footer><span>Veröffentlicht am</span> <span>Fr, 12. März 2021</span></footer>"
    assert _day(page.replace("</article>", f"</article>{footer}")) == date(2021, 3, 12)


def test_a_label_far_from_its_date_labels_nothing() -> None:
    page = _page(title="Neue Brücke", after="<p>Frühere Ausgabe: 4. März 2021</p>")
    page = page.replace("<article>", "<div><p>Andere Meldung</p><p>4. März 2021</p></div><article>")
    footer = "<p>Veröffentlicht von der Redaktion des Tals und der Gemeinde am 12. März 2021</p>"
    assert _day(page.replace("</article>", f"</article>{footer}")) == date(2021, 3, 4)


def test_spanish_dates_with_del_before_the_year() -> None:
    page = _page(after="<p>Lima, 7 de mayo del 2022</p>", title="Partido en Lima")
    assert _day(page, "https://example.org/deportes/2022/05/06/partido/") == date(2022, 5, 7)


def test_a_date_printed_under_a_headline_set_as_a_minor_heading() -> None:
    head = '<meta property="article:published_time" content="2022-01-21T09:00:00+01:00">'
    page = _page(head).replace(
        "<h1>Neue Brücke im Tal</h1>", "<h3>Neue Brücke im Tal</h3><p>27.01.2022</p>"
    )
    assert _day(page) == date(2022, 1, 27)


def test_a_dateline_opening_the_article_dates_it() -> None:
    page = _page().replace("<h1>Neue Brücke im Tal</h1>", "")
    page = page.replace("<p>Ein Absatz", "<p>Hamburg, 2. Dezember 2022 – Ein Absatz", 1)
    url = "https://example.org/2022/12/01/bruecke"
    assert _day(page, url) == date(2022, 12, 2)
    updated = page.replace("Hamburg, 2.", "Aktualisiert am 2.", 1)
    assert _day(updated, url) == date(2022, 12, 1)


def test_a_date_printed_after_the_page_last_changed_is_not_the_articles() -> None:
    head = (
        '<meta property="article:published_time" content="2019-11-27T10:00:00+01:00">'
        '<meta property="article:modified_time" content="2019-11-28T10:00:00+01:00">'
    )
    assert _day(_page(head, after="<p>21. Februar 2020</p>")) == date(2019, 11, 27)
    head = head.replace("2019-11-28T10", "2020-02-21T10")
    assert _day(_page(head, after="<p>21. Februar 2020</p>")) == date(2020, 2, 21)


def test_a_utc_time_is_read_in_the_zone_of_the_sites_country() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Neue Brücke im Tal", "datePublished": "Wed, 04 May 2022 02:41:00 GMT"}</script>'
    assert _day(_page(head), "https://noticias.example.bo/nota/123") == date(2022, 5, 3)
    assert _day(_page(head), "https://news.example.com/story/123") == date(2022, 5, 4)
    # a time the page gives without an offset is not moved
    naive = head.replace("Wed, 04 May 2022 02:41:00 GMT", "2022-05-04 02:41:00")
    assert _day(_page(naive), "https://noticias.example.bo/nota/123") == date(2022, 5, 4)


def test_a_line_opening_with_a_date_label_names_the_pages_date() -> None:
    gazette = '<p>Amtsblatt <time datetime="2021-08-17">17. August 2021</time></p>'
    assert _day(_page(after=f"<p>18.10.2021</p>{gazette}")) == date(2021, 8, 17)
    assert _day(_page(after=f"<p>Datum: 18.10.2021</p>{gazette}")) == date(2021, 10, 18)
    # "date" inside a sentence is no label
    assert labelled_dates(parse("<p>Our next date: 5 March 2021</p>")) == []


def test_an_appeared_on_label_names_the_publication_over_a_last_change() -> None:
    footer = "<p>Letzte Änderung: 30.09.2021 - 11:02:07</p><p>Erschienen am: 01.10.2021</p>"
    root = parse(f"<html><body><article><p>Text</p></article>{footer}</body></html>")
    assert labelled_dates(root) == [datetime(2021, 10, 1, tzinfo=UTC)]


def test_chinese_japanese_and_korean_dates_are_read() -> None:
    head = '<meta property="article:published_time" content="2021-03-01T09:00:00+09:00">'
    assert _day(_page(head, after="<p>2021年3月5日 10時</p>")) == date(2021, 3, 5)
    assert _day(_page(head, after="<p>2021년 3월 5일</p>")) == date(2021, 3, 5)


def test_a_slashed_date_is_read_day_first_unless_the_page_is_american_english() -> None:
    head = '<meta property="article:published_time" content="10/05/2022 05:22 pm">'
    page = _page(head)
    assert _day(page.replace("<html>", '<html lang="es">')) == date(2022, 5, 10)
    assert _day(page.replace("<html>", '<html lang="en-GB">')) == date(2022, 5, 10)
    assert _day(page.replace("<html>", '<html lang="en">')) == date(2022, 10, 5)
    # a year-first date keeps its order whatever the language
    iso = _page('<meta property="article:published_time" content="2022/05/10 17:36:11">')
    assert _day(iso.replace("<html>", '<html lang="es">')) == date(2022, 5, 10)


def test_a_german_posting_line_with_its_verb_last_labels_the_date() -> None:
    posted = (
        "<p>Dieser Text <span>wurde am</span> <a>3. April 2015</a> um <b>20:15</b> Uhr"
        " von Anna veröffentlicht.</p>"
    )
    root = parse(f"<html><body><article><p>Text</p></article>{posted}</body></html>")
    assert labelled_dates(root) == [datetime(2015, 4, 3, tzinfo=UTC)]
    # first printed elsewhere: that day is the newspaper's, not the page's
    elsewhere = "<p>Der Text wurde am 3. April 2015 in der Wochenzeitung veröffentlicht.</p>"
    assert labelled_dates(parse(f"<html><body>{elsewhere}</body></html>")) == []
    # a date in a sentence with no verb of posting is what the text is about
    plain = "<p>Die Brücke wurde am 3. April 2015 eröffnet.</p>"
    assert labelled_dates(parse(f"<html><body>{plain}</body></html>")) == []


def test_a_date_after_the_pages_printed_last_edit_is_an_announced_event() -> None:
    footer = "<footer><p>Diese Seite wurde zuletzt am 20. Januar 2021 um 10:00 Uhr geändert.</p></footer>"
    page = _page(after="<p>Nächstes Treffen: Mi. 3. Februar 2021</p>")
    assert _day(page) == date(2021, 2, 3)
    assert _day(page.replace("</body>", f"{footer}</body>")) == date(2021, 1, 20)
    english = footer.replace(
        "Diese Seite wurde zuletzt am 20. Januar 2021 um 10:00 Uhr geändert.",
        "This page was last edited on 20 January 2021, at 10:00.",
    )
    assert _day(page.replace("</body>", f"{english}</body>")) == date(2021, 1, 20)


def test_last_seen_is_no_last_edit() -> None:
    page = _page(after="<p>Nächstes Treffen: Mi. 3. Februar 2021</p>")
    seen = "<footer><p>Der Hund wurde zuletzt am 20. Januar 2021 im Park gesehen.</p></footer>"
    assert _day(page.replace("</body>", f"{seen}</body>")) == date(2021, 2, 3)


def test_a_dateline_below_the_headline_of_a_page_without_an_article_block() -> None:
    lead = " ".join(["Der Gemeinderat hat lange über die neue Brücke gestritten."] * 8)
    page = (
        "<html><head><title>Neue Brücke im Tal</title></head><body>"
        "<div class='kopf'><h1>Neue Brücke im Tal</h1></div>"
        f"<div class='inhalt'><p>{lead}</p><p>12. März 2021 – {_FILLER}</p></div>"
        f"<div class='rand'><p>{_FILLER}</p></div></body></html>"
    )
    assert _day(page, "https://example.org/2021/03/10/bruecke") == date(2021, 3, 12)
    # a date the opening sentence tells of is no dateline there
    told = page.replace("12. März 2021 – ", "Wir haben am 12. März 2021 gefeiert, ")
    assert _day(told, "https://example.org/2021/03/10/bruecke") == date(2021, 3, 10)


def test_the_sites_teaser_for_the_page_itself_dates_it() -> None:
    def teaser(path: str, name: str, day: str) -> str:
        return (
            f"<li><div class='item'><a href='{path}'><img src='x.jpg' alt=''></a>"
            f"<span><a href='{path}'>{name}</a></span><span>{day}</span></div></li>"
        )

    box = (
        "<ul class='neueste'>"
        + teaser("/meldung/17/", "Ein anderer Bericht aus dem Dorf", "21.11.2022")
        + teaser("/meldung/12/", "Neue Brücke im Tal", "29.11.2022")
        + "</ul>"
    )
    page = (
        "<html><head><title>Kreisblatt</title></head><body>"
        f"<nav>{box}<a href='http://[einstellungen]/'>Datenschutz</a></nav><div class='inhalt'><p>{_FILLER}</p><p>{_FILLER}</p></div>"
        "</body></html>"
    )
    assert _day(page, "https://www.example.org/meldung/12/") == date(2022, 11, 29)
    # the same box on another article's page says nothing of that one's date
    assert _day(page, "https://www.example.org/meldung/99/") != date(2022, 11, 29)


def test_a_day_and_month_by_the_headline_take_the_year_of_the_pages_other_date() -> None:
    footer = "<footer><p>Seite erzeugt am 15.06.2022</p></footer>"
    page = _page(title="30.11. | Buch der Woche").replace("</body>", f"{footer}</body>")
    assert _day(page) == date(2022, 11, 30)
    footer = "<footer><p>Seite erzeugt am 19.06.2019</p></footer>"
    page = _page(after="<p>[06月24日 09時15分]</p>").replace("</body>", f"{footer}</body>")
    assert _day(page) == date(2019, 6, 24)


def test_dates_in_arabic_indic_persian_and_full_width_digits_are_read() -> None:
    head = '<meta property="article:published_time" content="2023-11-05T08:00:00+02:00">'
    for printed in ("٦ نوفمبر، ٢٠٢٣", "۲۰۲۳-۱۱-۰۶", "２０２３年１１月６日"):
        assert _day(_page(head, after=f"<p>{printed}</p>")) == date(2023, 11, 6), printed
    # a year of the Persian calendar is no Gregorian one
    assert _day(_page(head, after="<p>۱۴۰۲/۰۸/۱۵</p>")) == date(2023, 11, 5)


def test_an_edited_on_line_by_the_headline_is_no_publication_date() -> None:
    head = '<meta property="article:published_time" content="2019-10-16T17:05:00+02:00">'
    for label in ("Editiert am", "Bearbeitet:", "Edited", "Zaktualizowano"):
        page = _page(head, after=f"<p>{label} 19.10.2019, 19:08</p>")
        assert _day(page) == date(2019, 10, 16), label


def test_the_date_in_the_pages_canonical_address_counts_like_one_in_its_url() -> None:
    head = (
        '<link rel="canonical" href="https://example.org/2021/03/05/bruecke/">'
        '<meta property="article:published_time" content="2021-03-07T09:00:00+01:00">'
    )
    assert _day(_page(head), "https://example.org/amp/bruecke") == date(2021, 3, 5)


def test_a_teaser_is_the_pages_own_only_when_its_query_names_the_same_article() -> None:
    def teaser(path: str, name: str, day: str) -> str:
        return f"<li><div><a href='{path}'>{name}</a> <span>{day}</span></div></li>"

    box = (
        "<ul>"
        + teaser("meldung.php?id=17", "Ein anderer Bericht aus dem Dorf", "21.11.2022")
        + teaser("meldung.php?id=12&utm_source=start", "Neue Brücke im Tal", "29.11.2022")
        + "</ul>"
    )
    page = (
        "<html><head><title>Kreisblatt</title></head><body>"
        f"<nav>{box}</nav><div class='inhalt'><p>{_FILLER}</p><p>{_FILLER}</p></div>"
        "</body></html>"
    )
    assert _day(page, "https://example.org/meldung.php?id=12") == date(2022, 11, 29)
