"""Page landmarks: the headline element and the block that holds the article around it."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import html

from .nodes import common_ancestor, is_inside, norm

LONG_PARAGRAPH = 150  # characters; paragraphs this long are nearly always article prose


def find_heading(
    root: html.HtmlElement | None, title: str | None, tags: tuple[str, ...] = ("h1", "h2")
) -> html.HtmlElement | None:
    """The <h1> (or <h2>) carrying the chosen headline, if the page shows it."""
    if root is None or not title:
        return None
    key = norm(title)
    for el in root.iter(*tags):
        if norm(el.text_content()) == key:
            return el
    return None


def find_heading_holding(
    root: html.HtmlElement | None, title: str | None
) -> html.HtmlElement | None:
    """The first <h1> whose text holds the headline with a kicker or dateline around it."""
    if root is None or not title:
        return None
    key = norm(title).casefold()
    for el in root.iter("h1"):
        if key in norm(el.text_content()).casefold():
            return el
    return None


@dataclass
class Landmarks:
    """The headline element and a copy of the article element around it, when present."""

    heading: html.HtmlElement | None
    scope: html.HtmlElement | None


def find_landmarks(root: html.HtmlElement, title: str | None) -> Landmarks:
    """Locate the headline and, through it, the article block of the page."""
    heading = find_heading(root, title)
    return Landmarks(heading, article_scope(root, heading))


_SCOPES = ("article", "main")
MIN_SCOPE_TEXT = 400  # characters of paragraph text
MIN_SCOPE_SHARE = 0.7


def article_scope(
    root: html.HtmlElement, heading: html.HtmlElement | None
) -> html.HtmlElement | None:
    """A small document holding only the block that contains both the headline and the page's
    densest run of paragraphs (an enclosing <article>/<main> when there is one); None when
    they only meet at <body>. Extracting from it is faster and leaves the rails outside."""
    if heading is None:
        return None
    weight: dict[html.HtmlElement, int] = {}
    long_paragraphs: list[tuple[html.HtmlElement, int]] = []
    for p in root.iter("p"):
        parent = p.getparent()
        size = len(p.text_content())
        if parent is not None:
            weight[parent] = weight.get(parent, 0) + size
        if size >= LONG_PARAGRAPH:
            long_paragraphs.append((p, size))
    if not weight:
        return None
    densest = max(weight, key=lambda el: weight[el])
    if weight[densest] < MIN_SCOPE_TEXT:
        return None
    scope = common_ancestor(heading, densest)
    if scope is None or scope.tag in ("body", "html"):
        return None
    # widen to the semantic article element so its own header and footer notes come along
    wider = next(
        (a for a in [scope, *scope.iterancestors()] if a.tag in _SCOPES or a.get("role") == "main"),
        None,
    )
    if wider is not None:
        scope = wider
    # long paragraphs are nearly always article prose: the block must hold most of them
    inside = sum(size for p, size in long_paragraphs if is_inside(p, scope))
    if inside < MIN_SCOPE_SHARE * sum(size for _, size in long_paragraphs):
        return None
    return as_document(scope)


def as_document(el: html.HtmlElement) -> html.HtmlElement:
    """A standalone <html><body> document holding a copy of el."""
    page = html.Element("html")
    body = html.Element("body")
    page.append(body)
    body.append(copy.deepcopy(el))
    return page


_TABLE_PARTS = ("table", "tbody", "thead", "tfoot", "tr", "td", "th")


def flatten_layout_tables(root: html.HtmlElement) -> None:
    """Turn page-layout tables (holding the headline or other tables) into plain blocks, so
    extractors do not read the whole page as one data cell."""
    for table in root.xpath("//table[.//h1 or .//table]"):
        for el in table.iter(*_TABLE_PARTS):
            el.tag = "div"


INLINE = frozenset(
    {
        "a",
        "b",
        "i",
        "em",
        "strong",
        "span",
        "br",
        "img",
        "font",
        "u",
        "sup",
        "sub",
        "small",
        "abbr",
        "cite",
        "q",
        "mark",
        "time",
        "s",
        "wbr",
    }
)
_BREAK_HOLDERS = ("div", "td", "section", "article", "main")


def paragraphs_from_breaks(root: html.HtmlElement) -> None:
    """Rebuild text that old CMSs separate with <br><br> as <p> paragraphs; extractors drop
    the first run of such text and merge the rest."""
    for el in list(root.iter(*_BREAK_HOLDERS)):
        kids = list(el)
        if sum(1 for k in kids if k.tag == "br") < 2 or any(
            isinstance(k.tag, str) and k.tag not in INLINE for k in kids
        ):
            continue
        parts: list[list[str | html.HtmlElement]] = [[el.text or ""]]
        pending: html.HtmlElement | None = None
        for kid in kids:
            tail, kid.tail = kid.tail or "", None
            if kid.tag == "br":
                if pending is not None:
                    parts.append([])  # a second break in a row ends the paragraph
                    pending = None
                else:
                    pending = kid
            else:
                if pending is not None:
                    parts[-1].append(pending)
                    pending = None
                parts[-1].append(kid)
            if tail.strip() and pending is not None:
                parts[-1].append(pending)
                pending = None
            parts[-1].append(tail)
        if len(parts) < 2:
            continue
        el.text = None
        for kid in kids:
            el.remove(kid)
        for part in parts:
            if not any(
                (isinstance(n, str) and n.strip()) or (not isinstance(n, str) and n.tag != "br")
                for n in part
            ):
                continue
            para = html.Element("p")
            for node in part:
                if isinstance(node, str):
                    last = para[-1] if len(para) else None
                    if last is None:
                        para.text = (para.text or "") + node
                    else:
                        last.tail = (last.tail or "") + node
                else:
                    para.append(node)
            el.append(para)
