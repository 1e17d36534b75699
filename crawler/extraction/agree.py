"""Find where a paragraph of extracted text sits in the page, for the chooser's guards."""

from __future__ import annotations

from lxml import html

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


class TextIndex:
    """Find the page element a paragraph of extracted text came from, built on first use."""

    def __init__(self, root: html.HtmlElement | None) -> None:
        self._root = root
        self._index: dict[str, html.HtmlElement] | None = None

    def find(self, paragraph: str) -> html.HtmlElement | None:
        if self._root is None:
            return None
        if self._index is None:
            self._index = {}
            for el in self._root.iter(*_LEAVES):
                self._index.setdefault(norm(el.text_content()), el)
        return self._index.get(norm(paragraph))
