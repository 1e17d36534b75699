"""Find where a paragraph of extracted text sits in the page, for the chooser's guards."""

from __future__ import annotations

from lxml import html

from .landmarks import INLINE
from .nodes import norm

_LEAVES = (
    "p",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figcaption",
    "blockquote",
    "dd",
    "td",
    "pre",
    "caption",
)

MIN_DIV_WORDS = 4
MIN_OPENING_WORDS = 10  # fewer words open too many paragraphs to tell which one


def _leaf_divs(root: html.HtmlElement) -> dict[str, html.HtmlElement | None]:
    """The <div>s holding no block element, by their text (one pass over the page); None for
    a text several of them hold, as it cannot tell which one a paragraph came from."""
    holders: set[html.HtmlElement] = set()  # the set keeps the proxies alive
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in INLINE:
            continue
        node = el.getparent()
        while node is not None and node not in holders:
            holders.add(node)
            node = node.getparent()
    found: dict[str, html.HtmlElement | None] = {}
    for el in root.iter("div"):
        if el not in holders:
            key = norm(el.text_content())
            found[key] = None if key in found else el
    return found


class TextIndex:
    """Find the page element a paragraph of extracted text came from, built on first use."""

    def __init__(self, root: html.HtmlElement | None) -> None:
        self._root = root
        self._index: dict[str, html.HtmlElement] | None = None
        self._divs: dict[str, html.HtmlElement | None] | None = None

    def find(self, paragraph: str, bare_divs: bool = False) -> html.HtmlElement | None:
        """The element holding exactly the paragraph's text; with bare_divs, a <div> holding
        no block of its own is accepted when no paragraph-like element matched."""
        if self._root is None:
            return None
        if self._index is None:
            self._index = {}
            for el in self._root.iter(*_LEAVES):
                self._index.setdefault(norm(el.text_content()), el)
        key = norm(paragraph)
        found = self._index.get(key)
        if found is not None or not bare_divs or len(key.split()) < MIN_DIV_WORDS:
            return found
        # some pages set text as bare <div>s (a sign-up form's pitch, a note); a word or two
        # (a name, a label) matches too many of them to tell which one the text came from
        if self._divs is None:
            self._divs = _leaf_divs(self._root)
        return self._divs.get(key)

    def opening(self, paragraph: str) -> html.HtmlElement | None:
        """The paragraph-like element whose text starts with the paragraph: text split at
        <br><br> inside one <p> comes out as several paragraphs, the first of them its start."""
        key = norm(paragraph)
        if self._root is None or len(key.split()) < MIN_OPENING_WORDS:
            return None
        self.find(paragraph)  # builds the index
        assert self._index is not None
        return next((el for text, el in self._index.items() if text.startswith(key)), None)
