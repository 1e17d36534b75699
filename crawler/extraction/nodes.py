"""Small helpers on page text and elements shared by the extraction steps."""

from __future__ import annotations

import re

from lxml import html

# trafilatura drops non-printable characters, and with the zero-width non-joiner Persian
# words fuse together; a printable stand-in carries it through and is swapped back after
ZWNJ, ZWNJ_STAND_IN = "\u200c", "\u2e3b"


def protect_zwnj(root: html.HtmlElement) -> bool:
    """Replace zero-width non-joiners in the tree's text by a printable stand-in."""
    for el in root.iter():
        if isinstance(el.text, str) and ZWNJ in el.text:
            el.text = el.text.replace(ZWNJ, ZWNJ_STAND_IN)
        if isinstance(el.tail, str) and ZWNJ in el.tail:
            el.tail = el.tail.replace(ZWNJ, ZWNJ_STAND_IN)
    return True


def norm(text: str) -> str:
    """Whitespace-collapsed text without list bullets, for comparing paragraphs."""
    return " ".join(text.replace(ZWNJ_STAND_IN, ZWNJ).lstrip("-•* ").split())


def common_ancestor(a: html.HtmlElement, b: html.HtmlElement) -> html.HtmlElement | None:
    """The nearest element that contains both a and b (or is one of them)."""
    # lxml hands out a proxy object per element and frees it with the last reference: the list
    # keeps a's line alive, so no proxy met on b's line can be given a freed one's id()
    line = [a, *a.iterancestors()]
    ids = {id(el) for el in line}
    for el in [b, *b.iterancestors()]:
        if id(el) in ids:
            return el
    return None


def marker(node: html.HtmlElement) -> str:
    """The element's class and id, where themes name what a block is ("author-box", "kicker")."""
    return f"{node.get('class') or ''} {node.get('id') or ''}"


def hidden_by_markup(node: html.HtmlElement, hiding_class: re.Pattern[str]) -> bool:
    """The element is not shown: the hidden attribute, an inline display:none, or a class the
    caller knows to hide it."""
    style = (node.get("style") or "").replace(" ", "").lower()
    return (
        node.get("hidden") is not None
        or "display:none" in style
        or bool(hiding_class.search(node.get("class") or ""))
    )


def is_inside(el: html.HtmlElement, ancestor: html.HtmlElement) -> bool:
    """True when ancestor strictly contains el."""
    return any(a is ancestor for a in el.iterancestors())
