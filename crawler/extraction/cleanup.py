"""Trim what extractors commonly leave around a body: teasers, share prompts, credits."""

from __future__ import annotations

import itertools
import re
import warnings

from dateutil import parser as dateparser
from lxml import html

_WORD = re.compile(r"\w+")
# labels that introduce a rail of links to other articles ("read also", "related")
_RAIL_LABEL = (
    r"(?:read more|read also|also read|see also|more on this|related(?: articles?| stories| news"
    r"| coverage)?|recommended|you may also like|more from \w+|читайте также|смотрите также"
    r"|читать далее|lesen sie auch|mehr zum thema|à lire aussi|lire aussi|leer más|tags?|topics?"
    r"|filed under|auch interessant|das könnte (?:sie|dich) auch interessieren"
    r"|(?:das thema )?könnte (?:sie|dich) auch interessieren|weitere artikel|ähnliche artikel"
    r"|verwandte artikel|más noticias|noticias relacionadas|te puede interesar"
    r"|sur le même sujet|à voir aussi|leggi anche|potrebbe interessarti|schon gelesen"
    r"|(?:auch|mehr) lesen|zum weiterlesen|weiterlesen|lesen sie auch[\w ]{0,30}"
    r"|weitere (?:beiträge|themen|artikel|nachrichten|meldungen)[\w ]{0,40}"
    r"|(?:empfohlene|ähnliche|verwandte|beliebte) (?:beiträge|artikel)|le puede interesar"
    r"|más sobre[\w ]{0,30}|temas|themen|schlagworte|schlagwörter|keine kommentare"
    r"|zum newsletter anmelden|newsletter abonnieren|jetzt abonnieren|most read|most popular"
    r"|trending|latest news|more stories|more news|popular stories|you might also like"
    r"|we recommend)\s*(?::|\?|\||»|›|>|\(|$)"
)
_LABEL = re.compile(r"^" + _RAIL_LABEL, re.IGNORECASE)
# short lines that are furniture wherever they appear: a label alone, or a label and a colon
_ANYWHERE = re.compile(
    r"^(?:(?:advertisement|advertising|anzeige|реклама|loading|sponsored)\W*$"
    r"|" + _RAIL_LABEL + r"|(?:sign up|subscribe) (?:to|for|now)\b|follow us on\b|click here\b"
    r"|.{0,60}\bnewsletter\b"
    r"|share this (?:article|story)"
    r"|share on \w+$|skip advert)",
    re.IGNORECASE,
)
# at the very start or end of the body these are credits, datelines of the page or chrome
_EDGES = re.compile(
    r"^(?:(?:photo|image|picture|video|credit|source|foto)s?\s*(?::|by\b)"
    r"|(?:getty images|copyright\b|©|all rights reserved)"
    r"|(?:published|updated|posted|last updated|last modified|letzte änderung|zuletzt"
    r" aktualisiert|aktualisiert am|veröffentlicht am|stand)\b[^.]{0,40}\d"
    r"|(?:beitragsbild|titelbild|bildquelle|bildnachweis|foto|fotos)\s*:"
    r"|comments?\s*(?:\(\d+\)|\d+)?\s*$|(?:print|email|share)\s*$"
    r"|\d+ min(?:ute)?s? read\b|listen to this article)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:[Bb]y|BY)\s+(?:[A-Z][\w.'-]*(?:\s+|$)){1,4}(?:and\s+(?:[A-Z][\w.'-]*"
    r"(?:\s+|$)){1,4})?$"
)
MAX_FURNITURE_WORDS = 15


def _is_date_line(line: str) -> bool:
    """A short line that is nothing but a date or a time, like a dateline under the headline."""
    if len(line) > 40 or not any(ch.isdigit() for ch in line):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dateparser.parse(line, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return False
    return True


def _is_furniture(line: str, edge: bool) -> bool:
    words = len(_WORD.findall(line))
    if words == 0:
        return True
    if words > MAX_FURNITURE_WORDS:
        return False
    stripped = line.lstrip("-•*–— ")
    return bool(
        _ANYWHERE.match(stripped)
        or (edge and (_EDGES.match(stripped) or _BYLINE.match(stripped) or _is_date_line(stripped)))
    )


RAIL_HEADING_WORDS = 8


def _is_rail_heading(line: str) -> bool:
    """A short label ending in a colon with nothing after it introduces a rail, not prose."""
    return line.rstrip().endswith(":") and len(_WORD.findall(line)) <= RAIL_HEADING_WORDS


TEASER_WORDS = 25


def _cut_rail(paragraphs: list[str]) -> list[str]:
    """Cut at a "read also"-type label in the second half when only short lines (teaser
    titles) follow it: that is a recirculation rail the extractor took in."""
    for i in range(len(paragraphs) // 2, len(paragraphs)):
        line = paragraphs[i].lstrip("-•*–— ")
        if (
            len(_WORD.findall(line)) <= MAX_FURNITURE_WORDS
            and _LABEL.match(line)
            and all(len(_WORD.findall(p)) < TEASER_WORDS for p in paragraphs[i + 1 :])
        ):
            return paragraphs[:i]
    return paragraphs


def trim_furniture(text: str) -> str:
    """Drop short teaser/share/credit paragraphs, the broader set only at the edges."""
    paragraphs = _cut_rail(text.split("\n\n"))
    paragraphs = [p for p in paragraphs if not _is_furniture(p, edge=False)]
    while paragraphs and _is_furniture(paragraphs[0], edge=True):
        paragraphs.pop(0)
    while paragraphs and (
        _is_furniture(paragraphs[-1], edge=True) or _is_rail_heading(paragraphs[-1])
    ):
        paragraphs.pop()
    return "\n\n".join(paragraphs)


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(text.lower())
    return set(itertools.pairwise(words))


def keep_confirmed(text: str, reference: str, threshold: float = 0.5) -> str:
    """Keep paragraphs whose word pairs mostly occur in a trusted reference text."""
    ref_pairs = _bigrams(reference)
    ref_words = set(_WORD.findall(reference.lower()))
    kept = []
    for paragraph in text.split("\n\n"):
        pairs = _bigrams(paragraph)
        if pairs:
            share = len(pairs & ref_pairs) / len(pairs)
        else:
            words = _WORD.findall(paragraph.lower())
            share = 1.0 if words and all(w in ref_words for w in words) else 0.0
        if share >= threshold:
            kept.append(paragraph)
    return "\n\n".join(kept)


# the diagnostics PHP prints into a page ("<b>Warning</b>: ... in <b>/path/file.php</b> on line
# <b>928</b>"): never the article, and on a short post an extractor can take them for its text
_PHP_LABELS = frozenset(
    {"warning", "notice", "deprecated", "fatal error", "parse error", "strict standards"}
)
_PHP_MESSAGE = re.compile(r"^:\s.+\bon line\s*\d+$", re.IGNORECASE)
PHP_PARTS = 8  # elements a message spans at most (the bold file name and line number)


def drop_server_errors(root: html.HtmlElement) -> None:
    """Remove the PHP warnings and notices a broken page prints into its markup."""
    for label in list(root.iter("b", "strong")):
        name = " ".join(label.text_content().split()).lower()
        if name not in _PHP_LABELS or label.getparent() is None:
            continue
        if any(a.tag in ("pre", "code") for a in label.iterancestors()):
            continue  # a tutorial quoting the message
        run, text = [label], label.tail or ""
        sibling = label.getnext()
        while sibling is not None and sibling.tag != "br" and len(run) < PHP_PARTS:
            run.append(sibling)
            text += sibling.text_content() + (sibling.tail or "")
            sibling = sibling.getnext()
        if _PHP_MESSAGE.match(" ".join(text.split())):
            for el in run:
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)  # with its tail, the message's own text
