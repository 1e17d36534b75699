"""Restore the standfirst: the lead paragraph pages set between the headline and the body.

Extractors read it as part of the page header (it sits in the <header>, in a "teaser",
"intro", "excerpt" or "chapo" block, or in an <h2> under the headline) and start the body
at its first ordinary paragraph. A prose block found between the headline and that
paragraph, and not in a caption, byline or rail, is the article's opening: it goes back
in front of the body; so does a subtitle, the first line right under the headline.
"""

from __future__ import annotations

import re

from lxml import html

from .agree import TextIndex
from .landmarks import INLINE
from .nodes import marker, norm

_WORD = re.compile(r"\w+")
MIN_WORDS = 10  # a standfirst is a sentence or two; fewer words are a kicker, byline or date
MAX_BLOCKS = 25  # leaf blocks between headline and body: more is page furniture, not a header
MAX_STANDFIRST = 2  # paragraphs restored at most
LINKED = 0.5
BOX_EXTRA = 200  # characters a caption or meta box holds besides the block
NUMBERS = 0.2  # share of words with digits above which a line is a dateline or a table row
# where a block between headline and body is not the article's opening
_SKIP_TAGS = frozenset(
    {
        "figure",
        "figcaption",
        "aside",
        "nav",
        "footer",
        "form",
        "button",
        "label",
        "time",
        "address",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "select",
        "noscript",
        "script",
        "style",
    }
)
_SKIP_MARK = re.compile(
    r"caption|credit|byline|author|autor|meta|date|datum|share|social|breadcrumb|\btags?\b"
    r"|\bnav|menu|related|comment|sidebar|newsletter|copyright|photo|foto|image|bild|video"
    r"|kicker|dachzeile|overline|rubric|category|label",
    re.IGNORECASE,
)
_INTRO_MARK = re.compile(r"teaser|intro|lead|standfirst|excerpt|chapo", re.I)
_SENTENCE_END = (".", "!", "?", "…", '"', "“", "”", "»", "«", ")", ":")


_BEFORE = None, True  # the paragraph precedes the headline: try the next one


def _leaf_blocks(
    root: html.HtmlElement, heading: html.HtmlElement, first: html.HtmlElement
) -> tuple[list[html.HtmlElement] | None, bool]:
    """Block elements without block children strictly between heading and first, in order
    (None when too many blocks lie between), and whether first precedes the heading."""
    inside_heading = set(heading.iter())  # a set of the elements keeps their proxies alive
    ancestors_of_first = set(first.iterancestors())
    blocks: list[html.HtmlElement] = []
    started = False
    for el in root.iter():
        if el is heading:
            started = True
            continue
        if el is first:
            return (blocks, False) if started else _BEFORE
        if not started or not isinstance(el.tag, str) or el in inside_heading:
            continue
        if el.tag in INLINE or el in ancestors_of_first:
            continue
        if any(isinstance(d.tag, str) and d.tag not in INLINE for d in el.iterdescendants()):
            continue
        blocks.append(el)
        if len(blocks) > MAX_BLOCKS:
            return None, False
    return None, False


def _skipped(el: html.HtmlElement, heading: html.HtmlElement) -> bool:
    """True when el sits in a caption, byline, rail or list rather than in the header's prose."""
    stop = set(heading.iterancestors())
    size = len(norm(el.text_content()))
    for node in [el, *el.iterancestors()]:
        if node in stop:
            break
        if node.tag in _SKIP_TAGS and not (node.tag == "blockquote" and _in_intro(node, stop)):
            return True
        if _marked(node) and (node is el or _small(node, size)):
            return True
    # an inline caption or credit set in a bare block
    return any(
        _marked(d) and 2 * len(norm(d.text_content())) >= size
        for d in el.iterdescendants()
        if isinstance(d.tag, str)
    )


def _in_intro(node: html.HtmlElement, stop: set[html.HtmlElement]) -> bool:
    """True when a wrapper named as the article's intro holds the node: a teaser set as a
    quotation is still the standfirst, unlike a pull quote standing on its own."""
    for wrapper in node.iterancestors():
        if wrapper in stop:
            return False
        if _INTRO_MARK.search(marker(wrapper)):
            return True
    return False


def _small(node: html.HtmlElement, size: int) -> bool:
    """A box around the block, not a wrapper of the article whose class names its category
    or tags ("post category-news tag-energy")."""
    return len(norm(node.text_content())) <= 2 * size + BOX_EXTRA


def _marked(node: html.HtmlElement) -> bool:
    marks = marker(node)
    return bool(marks.strip()) and bool(_SKIP_MARK.search(marks))


def _linked_share(el: html.HtmlElement) -> float:
    total = len(el.text_content())
    if not total:
        return 0.0
    return sum(len(a.text_content()) for a in el.iter("a")) / total


_SUBTITLE_TAGS = ("h2", "h3", "p")
SUBTITLE_WORDS = 6


def _is_subtitle(text: str) -> bool:
    """A line right under the headline, set as its continuation ("Subtitle: a phrase")."""
    words = _WORD.findall(text)
    return len(words) >= SUBTITLE_WORDS and "©" not in text and not any(ch.isdigit() for ch in text)


def _is_prose(text: str) -> bool:
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS or "©" in text:
        return False
    # a dateline ("Le Monde | 04.05.2015 à 13h36 • Mis à jour le ...") is mostly numbers
    if sum(1 for w in words if any(ch.isdigit() for ch in w)) > NUMBERS * len(words):
        return False
    return text.endswith(_SENTENCE_END) or len(words) >= 2 * MIN_WORDS


def _leaf_divs(root: html.HtmlElement) -> dict[str, html.HtmlElement]:
    found: dict[str, html.HtmlElement] = {}
    for el in root.iter("div"):
        if not any(isinstance(d.tag, str) and d.tag not in INLINE for d in el.iterdescendants()):
            found.setdefault(norm(el.text_content()), el)
    return found


TRIED = 3  # located paragraphs tried as the body's first one after the headline
MAX_LEADING_LINES = 8  # short lines above the headline (breadcrumb, kicker) not counted as tried


def _between(
    paragraphs: list[str], root: html.HtmlElement, heading: html.HtmlElement, index: TextIndex
) -> tuple[int, list[html.HtmlElement]] | None:
    """Where the body's first paragraph after the headline sits, and the blocks before it."""
    tried = 0
    divs: dict[str, html.HtmlElement] | None = None
    for i, paragraph in enumerate(paragraphs):
        el = index.find(paragraph)
        if el is None and i < MAX_LEADING_LINES:
            # some pages set their paragraphs as bare <div>s, which the index leaves out
            if divs is None:
                divs = _leaf_divs(root)
            el = divs.get(norm(paragraph))
            if el is None:
                el = index.opening(paragraph)
        if el is None:
            continue
        if el is heading or any(a is heading for a in el.iterancestors()):
            continue  # the headline repeated as the body's first line
        blocks, before = _leaf_blocks(root, heading, el)
        if not before:
            return (i, blocks) if blocks else None
        # a breadcrumb or kicker above the headline is not a paragraph of the body
        if len(_WORD.findall(paragraph)) >= MIN_WORDS or i >= MAX_LEADING_LINES:
            tried += 1
        if tried == TRIED:
            return None
    return None


def restore_standfirst(
    body: str, root: html.HtmlElement, heading: html.HtmlElement | None, index: TextIndex
) -> str:
    """The body with the prose between the headline and its first paragraph put back in front."""
    if heading is None or not body:
        return body
    paragraphs = body.split("\n\n")
    found = _between(paragraphs, root, heading, index)
    if found is None:
        return body
    position, blocks = found
    have = norm(body).casefold()
    title = norm(heading.text_content()).casefold()  # a block holding it repeats the headline
    lead: list[str] = []
    first_text = True
    for el in blocks:
        text = norm(el.text_content())
        if not text:
            continue
        subtitle = first_text and el.tag in _SUBTITLE_TAGS and _is_subtitle(text)
        first_text = False
        folded = text.casefold()
        if not (subtitle or _is_prose(text)) or folded in have or title in folded:
            continue
        if _linked_share(el) > LINKED or _skipped(el, heading):
            continue
        lead.append(text)
        if len(lead) == MAX_STANDFIRST:
            break
    if not lead:
        return body
    return "\n\n".join([*paragraphs[:position], *lead, *paragraphs[position:]])
