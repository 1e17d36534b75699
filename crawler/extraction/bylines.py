"""Bylines in the page itself: elements marked as the author's, and a "By ..." line under the
headline; raw texts, which authors.py cleans into names."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from lxml import html

from .structured import clean_space

# class or id that marks an author: "author", "post-author", "byline", "auteur", "autor"
_MARK = re.compile(r"author|byline|auteur|autor", re.IGNORECASE)
# the name sits inside an hCard or a microdata author: written as the author writes it, even in
# lower case ("marc", "jancak"), so no capitals are required of it
_CARD = re.compile(r"\bvcard\b|\bfn\b")
# parts of a page where authors of other texts are named: comments, teasers, related articles
_ELSEWHERE = re.compile(
    r"comment|reply|respond|related|teaser|recommend|popular|more-|sidebar|widget|footer"
    r"|social|share|follow|newsletter|login",
    re.IGNORECASE,
)
# a class that says what a part holds ("has-sidebar", "wrapper__with-sidebar", "no-comments"):
# the part itself is the page's main column
_LAYOUT = re.compile(r"(?:^|(?<=[\s_-]))(?:has|with|without|no)[-_][\w-]*", re.IGNORECASE)
# an author's picture or biography: its text is a description, not a name
_NOT_NAME = re.compile(r"avatar|image|img|photo|\bbio|desc", re.IGNORECASE)
_MAX_CHARS = 90  # a byline is short; a longer text is a box that holds more than the name
_MAX_MARKED = 40
# an unmarked byline: "By Anna Petrosyan", "Von Jan Koch", "Par Didier Roy" on its own line
_BY_LINE = re.compile(
    r"^(?:(?:text|texte|written|reported|words|story|ein beitrag)\s+)?(?:by|von|par|por|di|door"
    r"|av|af|de|przez)\s+(?P<name>\S.{1,60})$",
    re.IGNORECASE,
)
_BY_ALONE = re.compile(r"^(?:by|von|par|por|di|door|av|af|przez)\s*:?$", re.IGNORECASE)
_AFTER_HEADLINE = 12  # text lines looked at after the headline


def _attributes(el: html.HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def _elsewhere(el: html.HtmlElement) -> bool:
    """Whether the element is an author's picture or bio, or sits in comments or teasers."""
    if _NOT_NAME.search(_attributes(el)):
        return True
    for node in [el, *el.iterancestors()]:
        if node.tag in ("body", "html"):
            break  # a blog's <body> class names its layout ("right-sidebar"), not a part
        if node.tag in ("aside", "footer", "nav", "form"):
            return True
        if _ELSEWHERE.search(_LAYOUT.sub(" ", _attributes(node))):
            return True
    return False


def _marked_elements(root: html.HtmlElement) -> Iterator[html.HtmlElement]:
    # a walk with a regular expression: several times quicker than an XPath with translate()
    for el in root.iter():
        if (
            el.get("itemprop") in ("author", "creator")
            or el.tag == "byline"
            or _MARK.search(_attributes(el))
        ):
            yield el


def marked_bylines(root: html.HtmlElement) -> list[tuple[str, bool]]:
    """Texts of elements marked as the author's, in page order: (text, inside a card)."""
    found: list[tuple[str, bool]] = []
    for el in itertools.islice(_marked_elements(root), _MAX_MARKED):
        if el.tag in ("meta", "link", "script", "style", "img") or _elsewhere(el):
            continue
        name_el = next(iter(el.xpath(".//*[@itemprop='name']")), None)
        text = clean_space((name_el if name_el is not None else el).text_content())
        if not text or len(text) > _MAX_CHARS:
            continue
        card = el.get("itemprop") in ("author", "creator") or any(
            _CARD.search(_attributes(node)) for node in [el, *el.iterancestors()]
        )
        found.append((text, card))
    return found


def line_after_headline(root: html.HtmlElement) -> str | None:
    """The name in an unmarked "By ..." line among the first lines under the headline."""
    headings = root.xpath("//h1")
    if not headings:
        return None
    texts = [
        clean_space(str(text))
        for text in headings[0].xpath(
            "following::text()[not(ancestor::script) and not(ancestor::style)]"
            f"[normalize-space()][position() <= {_AFTER_HEADLINE}]"
        )
    ]
    for number, text in enumerate(texts):
        if _BY_ALONE.match(text) and number + 1 < len(texts):
            text = f"{text} {texts[number + 1]}"  # "By" and the name in a link of its own
        match = _BY_LINE.match(text)
        if match:
            return match.group("name")
    return None


# a label in an element of its own, the name in the next: "<b>Autor:</b> <a>Ana Lind</a>"
_LABEL_ALONE = re.compile(
    r"^(?:autor(?:in|en|innen)?|authors?|auteur(?:e|s|\(s\))?|autore|autori|verfasser(?:in)?"
    r"|text|texte)\s*:$|^(?:autor(?:in|en)?|authors?|auteur(?:s|\(s\))?)$",
    re.IGNORECASE,
)
_MAX_LABELS = 5
_MAX_LABEL_CHARS = 60


def labelled_bylines(root: html.HtmlElement) -> list[str]:
    """The texts after an author's label standing alone ("Autor:", "Author"), in page order."""
    texts = root.xpath(
        "//text()[not(ancestor::script) and not(ancestor::style)][normalize-space()]"
    )
    found: list[str] = []
    for number, text in enumerate(texts[:-1]):
        if len(text) > _MAX_LABEL_CHARS or not _LABEL_ALONE.match(clean_space(str(text))):
            continue
        holder = text.getparent()
        if holder is None or _elsewhere(holder):
            continue
        found.append(clean_space(str(texts[number + 1])))
        if len(found) >= _MAX_LABELS:
            break
    return found
