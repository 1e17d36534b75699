"""Run the whole extraction for one page: decode, read signals, then body, title, date, language."""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import html

from .authors import choose_authors
from .body import choose_body
from .dates import as_utc, choose_date
from .decode import parse, to_unicode
from .edited import last_edited
from .landmarks import (
    find_heading,
    find_heading_holding,
    find_landmarks,
    flatten_layout_tables,
    paragraphs_from_breaks,
)
from .language import choose_language
from .model import Extracted
from .shown_date import (
    datelines,
    datelines_below,
    labelled_dates,
    lines_around,
    own_teaser_dates,
    page_lines,
    shown_dates,
    yearless_dates,
)
from .structured import clean_space, read_signals
from .titles import choose_headline

log = logging.getLogger(__name__)


_MINOR_HEADINGS = ("h3", "h4", "h5", "h6")


def _printed(
    root: html.HtmlElement,
    heading: html.HtmlElement | None,
    scope: html.HtmlElement | None,
    around: tuple[list[str], list[str]] | None = None,
) -> tuple[list[datetime], list[datetime]]:
    """The dates printed by the headline, else those opening the article's first paragraphs."""
    printed, updates = shown_dates(root, heading, around)
    if printed:
        return printed, updates
    if scope is None:  # no headline to find the article by: the page's <article> or <main>
        scope = next(iter(root.xpath("//article | //main")), None)
    if scope is None:  # nor an <article>: the paragraphs below the headline
        return datelines_below(heading), updates
    return datelines(scope), updates


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    joined = urljoin(base or "", link.strip())
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def _empty(url: str | None, feed_title: str | None, feed_published: datetime | None) -> Extracted:
    published = as_utc(feed_published) if feed_published else None
    return Extracted(
        url=url,
        title=clean_space(feed_title) or None,
        text="",
        published=published,
        published_source="feed" if published else None,
        authors=[],
        language=None,
        canonical_url=None,
        title_source="feed" if feed_title else None,
        text_source=None,
    )


def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    feed_title: str | None = None,
    feed_published: datetime | None = None,
    declared_encoding: str | None = None,
) -> Extracted:
    """Extract title, body, date, authors and language from one HTML page; never raises."""
    try:
        return _extract(html, url, feed_title, feed_published, declared_encoding)
    except Exception:  # one hostile page must not stop a crawl
        log.exception("extraction failed for %s", url)
        return _empty(url, feed_title, feed_published)


def _extract(
    page: str | bytes,
    url: str | None,
    feed_title: str | None,
    feed_published: datetime | None,
    declared_encoding: str | None,
) -> Extracted:
    if not isinstance(page, (str, bytes)):
        return _empty(url, feed_title, feed_published)
    text = to_unicode(page, declared_encoding)
    root = parse(text)
    if root is None:
        return _empty(url, feed_title, feed_published)
    signals = read_signals(root)
    canonical = _absolute(signals.canonical, url) or _absolute(signals.first_meta("og:url"), url)
    # the heading that marks where the article starts may be an <h1> whose wording the
    # title improves on (the full headline in an <h2> under it): body and date look for it
    title, title_source, heading_text = choose_headline(signals, url, feed_title)
    authors = choose_authors(signals, root)  # before the tree is reshaped
    flatten_layout_tables(root)
    paragraphs_from_breaks(root)
    marks = find_landmarks(root, heading_text)
    # the printed date sits under the headline even when a kicker shares its <h1>
    heading = (
        marks.heading if marks.heading is not None else find_heading_holding(root, heading_text)
    )
    if heading is None:  # some templates set the headline as a minor heading
        heading = find_heading(root, heading_text, _MINOR_HEADINGS)
    lines = page_lines(root)
    around = lines_around(root, heading) if heading is not None else None
    local, published_source = choose_date(
        signals,
        text,
        url,
        feed_published,
        marks.scope,
        _printed(root, heading, marks.scope, around),
        labelled_dates(root, lines),
        last_edited(root, lines),
        own_teaser_dates(root, (url, canonical)),
        yearless_dates(root, heading, around),
    )
    published = as_utc(local) if local is not None else None
    try:
        choice = choose_body(root, text, url, signals, heading_text, marks)
        body, body_source, why = choice.text, choice.source, choice.explain()
    except Exception:  # keep the metadata already found when only the body fails
        log.exception("body extraction failed for %s", url)
        body, body_source, why = "", None, {"reason": "body extraction failed"}
    return Extracted(
        url=url,
        title=title,
        text=body,
        published=published,
        published_source=published_source,
        published_local=local,
        authors=authors,
        language=choose_language(signals, body or title or ""),
        canonical_url=canonical,
        title_source=title_source,
        text_source=body_source,
        explanation={"text": why},
    )
