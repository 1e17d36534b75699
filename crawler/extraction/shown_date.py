"""The date the page prints next to its headline: the one its readers are shown as the
article's date (a dateline, "Stand: …", "Published 5 March 2021"), in the publisher's own
calendar and language."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from .datetext import date_end, day_months, text_date

__all__ = [
    "datelines",
    "datelines_below",
    "labelled_dates",
    "page_lines",
    "shown_dates",
]

# how far from the headline a printed date still belongs to it (characters of page text):
# the kicker and dateline above it, the standfirst, byline and date line below it
_BEFORE, _AFTER = 120, 400


def shown_dates(
    root: html.HtmlElement,
    heading: html.HtmlElement | None,
    around: tuple[list[str], list[str]] | None = None,
) -> tuple[list[datetime], list[datetime]]:
    """The dates printed on short lines next to the headline element, nearest first (those
    below it, the dateline or byline, before those above it): (dates, those labelled as
    updates). around: the headline's lines_around, when the caller has them already."""
    if heading is None:
        return [], []
    before, after = around or lines_around(root, heading)
    below = _dated(after)
    above = _dated(before)[::-1]
    ordered = below + above
    return (
        [day for day, update in ordered if not update],
        [day for day, update in ordered if update],
    )


_UPDATE = re.compile(
    r"(updated?|modified|aktualisiert|geändert|änderung|mis à jour|mise à jour|modifié"
    r"|actualizad[oa]|actualización|aggiornat[oa]|atualizad[oa]|bijgewerkt|päivitetty"
    r"|editiert|bearbeitet|edited|revised|zaktualizowano|güncellendi|更新)"
    r"\W*(?:(?:am|on|le|el|il|em|op)\W*)?$",
    re.IGNORECASE,
)


def _dated(lines: list[str]) -> list[tuple[datetime, bool]]:
    """The dates written in lines, each with whether a label marks it as an update."""
    out: list[tuple[datetime, bool]] = []
    for number, line in enumerate(lines):
        for start, day in text_date(line):
            label = line[:start].strip() or (lines[number - 1] if number else "")
            out.append((day, bool(_UPDATE.search(label[-40:]))))
    return out


# a label naming the date that follows as the publication's, and what may stand between the
# two ("Veröffentlicht am Fr, 24. Januar 2020", "Published: 23 July 2017", "Publié le 3 mai")
_PUBLISHED = re.compile(
    r"\b(?:published|posted|first published|veröffentlicht|erstellt|publié|publiée|publicado"
    r"|publicada|fecha de publicación|pubblicato|gepubliceerd|julkaistu|opublikowano|erschienen|verschenen)"
    r"(?:\s+(?:am|on|le|el|em|il|op|el día))?\s*:?\s*"
    # a bare "Date:" labels the page's own date only as a line's first word
    r"|^(?:datum|date|fecha|data|publication date|publiziert)\s*:\s*",
    re.IGNORECASE,
)
_LABEL_GAP = 12  # characters between the label and its date: a weekday ("Fr, ")
# German puts the verb last: "wurde am 19. Mai 2010 um 23:03 Uhr von Anna veröffentlicht"
_GERMAN_PASSIVE = re.compile(r"\bwurde\s+am\b", re.IGNORECASE)
_GERMAN_VERB = re.compile(r"\b(?:veröffentlicht|gepostet|publiziert|geschrieben)\b", re.IGNORECASE)
_VERB_GAP = 60  # characters from the date to the verb: its time and author
# "… am 1. Juni 2017 in der Wochenzeitung erschienen": first printed elsewhere, not here
_ELSEWHERE = re.compile(r"\b(?:in|im|bei|auf)\b", re.IGNORECASE)


def _posted_by(rest: str, start: int) -> bool:
    """Whether the date at start, right after "wurde am", is followed by the verb of its
    posting here, with only its time and author between them."""
    if start > _LABEL_GAP:
        return False
    after = rest[start : start + _VERB_GAP]
    verb = _GERMAN_VERB.search(after)
    return verb is not None and not _ELSEWHERE.search(after[: verb.start()])


def labelled_dates(root: html.HtmlElement, lines: list[str] | None = None) -> list[datetime]:
    """Dates the page labels as its publication's, in page order (lines: its page_lines,
    when the caller has them already)."""
    out: list[datetime] = []
    lines = [line for line in lines or page_lines(root) if len(line) <= _LINE * 2]
    for number, line in enumerate(lines):
        for label in _PUBLISHED.finditer(line):
            rest = line[label.end() :]
            if not rest.strip() and number + 1 < len(lines):
                rest = lines[number + 1]
            out.extend(day for start, day in text_date(rest) if start <= _LABEL_GAP)
        for label in _GERMAN_PASSIVE.finditer(line):
            # the date, its time and the verb are often set in elements of their own
            rest = " ".join([line[label.end() :], *lines[number + 1 : number + 5]])
            out.extend(day for start, day in text_date(rest) if _posted_by(rest, start))
    return out


_DATELINE_PARAGRAPHS = 3
_DATELINE_WORDS = 3  # "Hamburg, den 2. Dezember 2022 –": the place, then the day


def datelines(scope: html.HtmlElement | None) -> list[datetime]:
    """Dates opening the article's first paragraphs (a dateline or a byline with its day)."""
    if scope is None:
        return []
    return _opening(scope.iter("p"))


def datelines_below(heading: html.HtmlElement | None) -> list[datetime]:
    """Dates opening the first paragraphs below the headline, for a page without an article
    block around it."""
    if heading is None:
        return []
    paragraphs = heading.xpath(f"following::p[position() <= {_DATELINE_PARAGRAPHS}]")
    return _opening(paragraphs, set_off=True)


# after a dateline's date: its time, then a dash, colon, bar or bracket (or nothing)
_SET_OFF = re.compile(
    r"(?:,?\s*(?:um\s+)?\d{1,2}[:.]\d\d(?:\s*(?:uhr|h))?)?\s*(?:[–—\-:|)]|$)", re.I
)


def _opening(found: Iterable[html.HtmlElement], set_off: bool = False) -> list[datetime]:
    """set_off: only a date the text sets off as a dateline ("29.11.2022 – ..."), for
    paragraphs not known to be the article's."""
    out: list[datetime] = []
    paragraphs = (" ".join(p.text_content().split()) for p in found)
    for text in [t for t in paragraphs if t][:_DATELINE_PARAGRAPHS]:
        short = len(text) <= _LINE
        for start, day in text_date(text):
            before = text[:start].strip()
            if not short and len(before.split()) > _DATELINE_WORDS:
                continue  # a date inside a sentence is what the article is about
            if set_off and not _set_off(text, start):
                continue
            if not _UPDATE.search(before[-40:]):
                out.append(day)
    return out


def _set_off(text: str, start: int) -> bool:
    end = date_end(text, start)
    return end is not None and _SET_OFF.match(text, end) is not None


def page_lines(root: html.HtmlElement) -> list[str]:
    lines = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            piece = el.text if isinstance(el.tag, str) and el.tag not in _SKIP else None
        else:
            piece = el.tail
        line = " ".join((piece or "").split())
        if line:
            lines.append(line)
    return lines


# a date in a line this short is a dateline or byline; one in a sentence ("the ruling of
# 5 May 2020") is what the article is about
_LINE = 80
_SKIP = frozenset({"script", "style", "noscript", "template", "select", "option", "button"})


def lines_around(root: html.HtmlElement, heading: html.HtmlElement) -> tuple[list[str], list[str]]:
    """Short text lines within _BEFORE characters above and _AFTER characters below the
    headline, in page order."""
    before: deque[tuple[str, int]] = deque(maxlen=_BEFORE)  # at least one character a line
    after: list[str] = []
    seen_after = 0
    inside = passed = False
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if el is heading:
            inside, passed = event == "start", event == "end"
            piece = el.tail if passed else None
        elif inside:
            continue  # the headline's own words
        elif event == "start":
            piece = el.text if isinstance(el.tag, str) and el.tag not in _SKIP else None
        else:
            piece = el.tail
        line = " ".join((piece or "").split())
        if not line:
            continue
        if not passed:
            before.append((line, len(line)))
            continue
        if seen_after >= _AFTER:
            break
        seen_after += len(line) + 1
        if len(line) <= _LINE:
            after.append(line)
    return _tail(before), after


def _tail(lines: deque[tuple[str, int]]) -> list[str]:
    """The short lines among the last _BEFORE characters."""
    out: list[str] = []
    size = 0
    for line, length in reversed(lines):
        if size >= _BEFORE:
            break
        size += length + 1
        if length <= _LINE:
            out.append(line)
    return out[::-1]


_TEASER_LEVELS = 4  # from the link up to the teaser box that holds its date
_TEASER_TEXT = 300  # characters: a teaser's title, kicker and date, not a list of them


def own_teaser_dates(root: html.HtmlElement, urls: Iterable[str | None]) -> list[datetime]:
    """Dates printed in a teaser that links to the page itself (its entry in the site's
    "latest news" box): the box gives each article's date, this one's included."""
    given = [url for url in urls if url]
    targets = {key for url in given if (key := _link_key(url, None))}
    if not targets:
        return []
    base = given[0]
    # the last step of the page's path, which a link to it must hold (a cheap first test)
    tails = {key.split("?")[0].rsplit("/", 1)[-1] for key in targets}
    for href, link in ((link.get("href"), link) for link in root.iter("a")):
        if not href or not any(tail in href for tail in tails):
            continue
        if _link_key(href, base) not in targets:
            continue
        box: html.HtmlElement | None = link
        for _ in range(_TEASER_LEVELS):
            box = box.getparent() if box is not None else None
            if box is None:
                break
            text = " ".join(box.text_content().split())
            if len(text) > _TEASER_TEXT:
                break
            keys = {_link_key(a.get("href") or "", base) for a in box.iter("a")}
            if keys - targets:
                break  # the box holds other articles' links: a list, not one teaser
            found = [day for _, day in text_date(text)]
            if found:
                return found
    return []


def _link_key(href: str, base: str | None) -> str | None:
    """A link's address without scheme, www., fragment, tracking tags and trailing slash or
    dot."""
    try:
        parts = urlsplit(urljoin(base or "", href.strip()))
    except ValueError:  # a malformed address ("http://[name]/") links nowhere
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/.") or "/"
    # the query names the article on many sites (detail.php?id=765); tracking tags do not
    query = "&".join(
        sorted(part for part in parts.query.split("&") if part and not _TRACKING.match(part))
    )
    return f"{host}{path}?{query}" if query else host + path


_TRACKING = re.compile(r"(?:utm_\w*|fbclid|gclid|mc_cid|mc_eid|ref|source)=", re.IGNORECASE)


def yearless_dates(
    root: html.HtmlElement,
    heading: html.HtmlElement | None,
    around: tuple[list[str], list[str]] | None = None,
) -> list[tuple[int, int]]:
    """(month, day) of the dates without a year in the headline and on the short lines
    next to it, nearest first; without a headline, in the first paragraphs of the page's
    <article> or <main> (around: the headline's lines_around, when the caller has them)."""
    if heading is not None:
        before, after = around or lines_around(root, heading)
        lines = [" ".join(heading.text_content().split()), *after, *before[::-1]]
    else:
        block = next(iter(root.xpath("//article | //main")), None)
        paragraphs = [] if block is None else list(block.iter("p"))[:_DATELINE_PARAGRAPHS]
        lines = [" ".join(p.text_content().split()) for p in paragraphs]
    out: list[tuple[int, int]] = []
    for line in (line for line in lines if len(line) <= _LINE):
        if text_date(line):
            continue  # a full date on the line is read as one
        out.extend(day_months(line))
    return out
