"""Merge two extractions of one page: the stricter one anchors where the article sits."""
from __future__ import annotations

import re

from lxml import html

from .landmarks import LONG_PARAGRAPH
from .nodes import common_ancestor, is_inside, norm

_WORD = re.compile(r"\w+")
_LEAVES = ("p", "li", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote", "dd", "td",
           "pre", "caption")
LONG_PROSE_WORDS = 40


def _is_prose(paragraph: str) -> bool:
    long_enough = len(_WORD.findall(paragraph)) >= LONG_PROSE_WORDS
    return long_enough and paragraph.rstrip()[-1:] in '.!?"”»)'


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


def merge_by_agreement(balanced: str, precise: str, index: TextIndex | None = None) -> str:
    """Keep the balanced text within the span the precise text confirms, plus what sits in the
    same page container (captions, lists); elsewhere only long prose is allowed back in."""
    if not precise or balanced == precise:
        return balanced or precise
    paragraphs = balanced.split("\n\n")
    confirmed = {norm(p) for p in precise.split("\n\n")}
    hits = [i for i, p in enumerate(paragraphs) if norm(p) in confirmed]
    if not hits:
        return precise
    start, end = hits[0], hits[-1]
    container = None
    if index is not None and (start > 0 or end + 1 < len(paragraphs)):
        first, last = index.find(paragraphs[start]), index.find(paragraphs[end])
        if first is not None and last is not None:
            container = common_ancestor(first, last)
            if container is not None and container.tag in _LEAVES:
                container = container.getparent()  # one confirmed paragraph: use its block
            if container is not None and container.tag in ("body", "html"):
                container = None  # the span covers the whole page: no structural evidence

    def belongs(paragraph: str) -> bool:
        if _is_prose(paragraph):
            return True
        if container is None:
            return False
        el = index.find(paragraph) if index is not None else None
        return el is not None and is_inside(el, container)

    while start > 0 and belongs(paragraphs[start - 1]):
        start -= 1
    while end + 1 < len(paragraphs) and belongs(paragraphs[end + 1]):
        end += 1
    return "\n\n".join(paragraphs[start:end + 1])


MAX_CONFINED_SHARE = 0.5


def confine_to_article(text: str, index: TextIndex, heading: html.HtmlElement | None) -> str:
    """Drop paragraphs that sit outside the block holding both the headline and the lede.

    Recirculation grids next to the article escape class-name rules; the headline is the
    one landmark every article has. Nothing is dropped when that would remove most words.
    """
    if heading is None or not text:
        return text
    paragraphs = text.split("\n\n")
    located = [index.find(p) for p in paragraphs]
    lede = next((el for el in located if el is not None), None)
    if lede is None:
        return text
    root = common_ancestor(heading, lede)
    if root is None or root.tag in ("body", "html"):
        return text
    kept, dropped = [], 0
    for paragraph, el in zip(paragraphs, located):
        if el is not None and not is_inside(el, root):
            dropped += len(_WORD.findall(paragraph))
        else:
            kept.append(paragraph)
    total = len(_WORD.findall(text))
    if not dropped or dropped > MAX_CONFINED_SHARE * total:
        return text
    return "\n\n".join(kept)


def missing_prose(text: str, source: html.HtmlElement) -> set[str]:
    """Long paragraphs of the source that the extracted text does not contain."""
    present = norm(text.replace("\n\n", " "))
    missing = set()
    for p in source.iter("p"):
        paragraph = norm(p.text_content())
        if len(paragraph) >= LONG_PARAGRAPH and paragraph not in present:
            missing.add(paragraph)
    return missing


def add_missing(text: str, fuller: str, missing: set[str]) -> str:
    """The fuller extraction restricted to what text already had plus the missing prose."""
    have = {norm(p) for p in text.split("\n\n")}
    kept = [p for p in fuller.split("\n\n") if norm(p) in have or norm(p) in missing]
    return "\n\n".join(kept)
