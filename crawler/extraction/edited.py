"""The day a page says it was last edited: the footer wikis and many sites print ("This page
was last edited on 4 November 2020", "Diese Seite wurde zuletzt am 29. Januar 2020 geändert").
Nothing on the page was published after it."""

from __future__ import annotations

import re
from datetime import datetime

from lxml import html

from .datetext import text_date
from .shown_date import page_lines

__all__ = ["last_edited"]

_LAST_EDIT = re.compile(
    r"\blast\s+(?:edited|modified|updated|changed)\s+(?:on\s+)?"
    r"|\bzuletzt\s+am\s+"
    r"|\bpour\s+la\s+dernière\s+fois\s+le\s+"
    r"|\bpor\s+última\s+vez\s+(?:el\s+)?"
    r"|\bpela\s+última\s+vez\s+(?:em\s+)?"
    r"|\bper\s+l'ultima\s+volta\s+il\s+"
    r"|\blaatst\s+(?:bewerkt|gewijzigd)\s+op\s+",
    re.IGNORECASE,
)
# German puts the verb last; without it "zuletzt am" is anything last done ("gesehen")
_GERMAN_VERB = re.compile(r"\b(?:geändert|bearbeitet|aktualisiert)\b", re.IGNORECASE)
_GAP = 12  # characters between the phrase and its date: a weekday ("Mi., ")
_LINE = 200  # a footer sentence, not an article's paragraph


def last_edited(root: html.HtmlElement, lines: list[str] | None = None) -> datetime | None:
    """The latest day the page prints as its last edit, or None (lines: its page_lines, when
    the caller has them already)."""
    found: list[datetime] = []
    lines = lines or page_lines(root)
    for number, line in enumerate(lines):
        if len(line) > _LINE:
            continue
        for phrase in _LAST_EDIT.finditer(line):
            rest = " ".join([line[phrase.end() :], *lines[number + 1 : number + 4]])
            if phrase.group().lower().startswith("zuletzt") and not _GERMAN_VERB.search(rest):
                continue
            found.extend(day for start, day in text_date(rest) if start <= _GAP)
    return max(found) if found else None
