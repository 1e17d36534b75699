"""Choose the publication date: feed > a date labelled as the publication's > the date printed
beside the headline (or a dateline) > JSON-LD (or meta when they disagree) > meta > <time> >
htmldate (the date the site's own teaser for the page prints comes before htmldate's guess);
a disagreeing URL date wins over the page's metadata; never 'now'."""

from __future__ import annotations

import copy
import re
import warnings
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateparser
from htmldate import find_date
from lxml import html

from .decode import parse
from .structured import PageSignals
from .zones import STATED_UTC, in_country_zone, local_midnight

__all__ = ["as_utc", "choose_date", "parse_date", "parse_local"]

_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "article.published",
    "originalpublicationdate",
    "displaydate",
    "cxenseparse:recs:publishtime",
    "date.available",
)
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|$)"
    r"|/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/"
)
# /2019/10/ in a path: the month the article was filed under (a page's sidebar prints others)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/")
_MIN_YEAR = 1995
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_SLASHED = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}\b")


def as_utc(value: datetime) -> datetime:
    """Make a datetime timezone-aware in UTC; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(text: str | None) -> datetime | None:
    """Parse a machine-readable date string leniently, in UTC; None when implausible."""
    value = parse_local(text)
    return as_utc(value) if value is not None else None


def parse_local(text: str | None, day_first: bool = False) -> datetime | None:
    """Parse leniently keeping the source's own offset (its calendar day is the article's);
    naive values are taken as UTC; None when implausible. day_first: the page is written in
    a language whose readers put the day before the month in a slashed date (10/05/2022)."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if text.isdigit() and len(text) in (10, 13):
        try:
            return datetime.fromtimestamp(int(text[:10]), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    # "12.10.2022" is the 12th of October wherever dots separate a date
    dayfirst = bool(_DOTTED.match(text)) or (day_first and bool(_SLASHED.match(text)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = dateparser.parse(text, default=datetime(2000, 1, 1), dayfirst=dayfirst)
            other = dateparser.parse(text, default=datetime(2001, 2, 2), dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError, dateparser.ParserError):
        return None
    if value is not None and other is not None and value.date() != other.date():
        return None  # no full date ("14:05", "2006", "May 2019"): the defaults would fill it in
    if value is None or value.year < _MIN_YEAR or value.year > 2100:
        return None
    try:
        as_utc(value)  # an offset that overflows when converted is not a real date
    except (OverflowError, ValueError):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.utcoffset() == timedelta(0):
        value = value.replace(tzinfo=STATED_UTC)
    return local_midnight(value)


def _from_url(url: str | None) -> datetime | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    groups = [g for g in match.groups() if g]
    try:
        return datetime(int(groups[0]), int(groups[1]), int(groups[2]), tzinfo=UTC)
    except ValueError:
        return None


def _from_htmldate(text: str, url: str | None, scope: html.HtmlElement | None) -> datetime | None:
    """htmldate's original date, in the article block first (faster, and no footer copyright
    or sidebar dates), then in the whole page when the block shows no date at all."""
    found = _htmldate(copy.deepcopy(scope), url) if scope is not None else None
    if found is None:
        found = _htmldate(parse(text), url)
    return found


def _htmldate(root: html.HtmlElement | None, url: str | None) -> datetime | None:
    # htmldate prunes the tree it gets, so it always gets its own copy
    if root is None:
        return None
    try:
        found = find_date(
            root,
            extensive_search=True,
            original_date=True,
            url=url,
            outputformat="%Y-%m-%dT%H:%M:%S",
        )
    except Exception:  # third-party heuristics must not break extraction
        return None
    value = parse_local(found)
    if value and (value.month, value.day, value.hour, value.minute) == (1, 1, 0, 0):
        return None  # a bare year (a copyright line, an archive label), not a publication day
    return value


def choose_date(
    signals: PageSignals,
    text: str,
    url: str | None,
    feed_published: datetime | None,
    scope: html.HtmlElement | None = None,
    shown: tuple[list[datetime], list[datetime]] = ([], []),
    labelled: list[datetime] | None = None,
    edited: datetime | None = None,
    teaser: list[datetime] | None = None,
    yearless: list[tuple[int, int]] | None = None,
) -> tuple[datetime | None, str | None]:
    """Return (published in the source's own offset, source) following the documented precedence.

    The date printed beside the headline is in the publisher's own calendar and is what its
    readers are told (metadata in UTC shifts a late-evening article to the next or previous
    day; republished pages keep an old datePublished). A full date in the URL is written once,
    when the article is published; a metadata date that disagrees with it is an update time,
    a related item's date or one shifted across midnight by a time zone, so the URL's day wins.
    """
    if feed_published is not None:
        return (feed_published if feed_published.tzinfo else as_utc(feed_published)), "feed"
    found, source = _from_page(signals, text, url, scope)
    found = in_country_zone(found, url)
    # the page's own address for itself keeps the date a fetched one (an AMP copy, a
    # redirect or tracking link) may lack
    own = signals.canonical or signals.first_meta("og:url")
    in_url = _from_url(url) or _from_url(own)
    # the date printed beside the headline is the one the publisher shows as the article's:
    # metadata or a URL day that agrees with a printed date keeps its time, otherwise the
    # printed one wins; a date labelled as an update only when nothing else dates the page
    printed, updates = _in_url_month(shown, url)
    declared = found if source in _DECLARED else None
    printed = _not_after(printed, _last_modified(signals, declared) or edited)
    # a date the page labels as its publication's ("Veröffentlicht am", "Published on") is
    # the article's over an unlabelled one printed near the headline
    labelled, _ = _in_url_month((labelled or [], []), url)
    if labelled:
        return _labelled(labelled[0], printed, found, source)
    days = {value.date() for value in printed}
    if found is not None and found.date() in days:
        return found, source
    if in_url is not None and in_url.date() in days:
        return in_url, "url"
    if printed:
        return printed[0], "shown"
    # the site's own teaser for the page gives its date where only a guess would otherwise
    if teaser and in_url is None and (found is None or source == "htmldate"):
        return teaser[0], "teaser"
    # a day and month printed by the headline without its year ("30.11.", "6月24日") in the
    # year that puts it nearest htmldate's guess, which it outranks
    if yearless and found is not None and source == "htmldate" and in_url is None:
        near = _nearest_year(yearless[0], found)
        if near is not None:
            return near, "shown"
    if updates and found is None and in_url is None:
        return updates[0], "shown"
    if in_url is not None and (found is None or found.date() != in_url.date()):
        return in_url, "url"
    # a guessed date after the day the page says it was last edited is an event it announces
    late = found is not None and edited is not None and found.date() > edited.date()
    if late and edited is not None and source not in _DECLARED:
        return edited, "shown"
    return found, source


_DECLARED = ("jsonld", "meta")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified")


def _last_modified(signals: PageSignals, published: datetime | None) -> datetime | None:
    """The latest change the page's metadata declares (a post scheduled after its last edit
    changes on its publication)."""
    values = [signals.article.get("dateModified"), signals.webpage.get("dateModified")]
    values += [value for key in _MODIFIED_META for value in signals.meta.get(key, [])]
    found = [
        day
        for value in values
        if isinstance(value, str) and (day := parse_local(value, _day_first(signals)))
    ]
    if found and published is not None:
        found.append(published)
    return max(found, key=as_utc) if found else None


def _not_after(printed: list[datetime], modified: datetime | None) -> list[datetime]:
    """A date printed more than a day after the page last changed is not the article's (the
    day the page was served, printed in its header, or a later teaser's)."""
    if modified is None:
        return printed
    return [day for day in printed if (day.date() - modified.date()).days <= 1]


def _labelled(
    labelled: datetime, printed: list[datetime], found: datetime | None, source: str | None
) -> tuple[datetime, str | None]:
    """A date the page labels as its publication's ("Veröffentlicht am", "Published on") is the
    article's, unless the page's declared metadata agrees with another date printed by the
    headline; metadata of its day keeps its time."""
    agreeing = {labelled.date()}
    if source in ("jsonld", "meta"):
        agreeing |= {value.date() for value in printed}
    if found is not None and found.date() in agreeing:
        return found, source
    return labelled, "shown"


def _in_url_month(
    shown: tuple[list[datetime], list[datetime]], url: str | None
) -> tuple[list[datetime], list[datetime]]:
    """The printed dates of the month a /YYYY/MM/ path files the article under: a printed
    date of another month belongs to a teaser or a sidebar."""
    match = _URL_MONTH.search(url or "")
    if not match:
        return shown
    month = (int(match.group(1)), int(match.group(2)))
    printed, updates = shown
    return (
        [day for day in printed if (day.year, day.month) == month],
        [day for day in updates if (day.year, day.month) == month],
    )


def _from_page(
    signals: PageSignals,
    text: str,
    url: str | None,
    scope: html.HtmlElement | None,
) -> tuple[datetime | None, str | None]:
    structured = next(
        (
            found
            for node in (signals.article, signals.webpage)
            if (
                found := parse_local(
                    node.get("datePublished") or node.get("dateCreated"), _day_first(signals)
                )
            )
        ),
        None,
    )
    meta = next(
        (
            found
            for key in _META_KEYS
            for value in signals.meta.get(key, [])
            if (found := parse_local(value, _day_first(signals)))
        ),
        None,
    )
    # a republished article keeps its first datePublished in JSON-LD while the page's meta tag
    # carries the date it shows its readers (in the publisher's own calendar, where JSON-LD
    # is often in UTC): when the two disagree on the day, the meta tag's is the article's
    if structured is not None and (meta is None or meta.date() == structured.date()):
        return structured, "jsonld"
    if meta is not None:
        return meta, "meta"
    # a <time> inside the article is the article's; one elsewhere may be a sidebar's or
    # today's date in the header, so it only comes after htmldate's weighing of the page
    for value in (t for t, inside in signals.times if inside):
        found = parse_local(value, _day_first(signals))
        if found:
            return found, "time"
    found = _from_htmldate(text, url, scope)
    if found:
        return found, "htmldate"
    for value in (t for t, inside in signals.times if not inside):
        found = parse_local(value, _day_first(signals))
        if found:
            return found, "time"
    return None, None


def _day_first(signals: PageSignals) -> bool:
    """Whether the page's language writes the day first in a slashed date: every language
    but American English does (a bare "en" is taken as American)."""
    lang = (signals.html_lang or "").strip().lower().replace("_", "-")
    return bool(lang) and lang not in ("en", "en-us")


def _nearest_year(month_day: tuple[int, int], near: datetime) -> datetime | None:
    """The day of month_day in the year that puts it nearest near (None if no such day)."""
    month, day = month_day
    options = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            options.append(datetime(year, month, day, tzinfo=UTC))
        except ValueError:
            continue
    local = near.replace(tzinfo=UTC)
    return min(options, key=lambda value: abs(value - local)) if options else None
