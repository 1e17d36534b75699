"""HTML listing pages: article links found with the feed's CSS or XPath selectors."""

from __future__ import annotations

from cssselect import SelectorError
from lxml.etree import XPathError
from parsel import Selector, SelectorList

from newswatch.config import Selectors
from newswatch.crawler.charset import Markup, decode
from newswatch.crawler.parsing.entries import Entry, Parsed, absolute, parse_date

_SELECTOR_ERRORS = (SelectorError, XPathError)


def _select(node: Selector, query: str) -> SelectorList[Selector]:
    if query.startswith(("/", "(", "./")):
        return node.xpath(query)
    return node.css(query)


def _text(node: Selector, query: str | None) -> str | None:
    if not query:
        return None
    try:
        found = _select(node, query)
    except (ValueError, *_SELECTOR_ERRORS):
        return None
    if not found:
        return None
    first = found[0]
    if first.root is None or isinstance(first.root, str):
        value = first.get()
    else:
        value = " ".join(t.strip() for t in first.xpath(".//text()").getall() if t.strip())
        value = value or first.attrib.get("datetime") or first.attrib.get("content") or ""
    value = (value or "").strip()
    return value or None


def _href(node: Selector) -> str | None:
    if node.root is not None and isinstance(node.root, str):
        return node.root
    href = node.attrib.get("href")
    if href:
        return href
    inner = node.xpath(".//a/@href").get()
    return inner


def parse_listing(
    body: bytes, url: str, selectors: Selectors | None, *, content_type: str | None = None
) -> Parsed:
    """Article links of a listing page; titles and dates when the selectors give them."""
    if selectors is None:
        return Parsed(error="kind: html needs selectors.links")
    decoded = decode(body, content_type, Markup.HTML)
    text = decoded.text
    if not text.strip():
        return Parsed(error="empty response")
    page = Selector(text=text, base_url=url)
    base = page.xpath("//base/@href").get() or url
    try:
        links = _select(page, selectors.links)
    except (ValueError, *_SELECTOR_ERRORS) as exc:
        return Parsed(error=f"bad selector {selectors.links!r}: {exc}")
    entries: list[Entry] = []
    seen: set[str] = set()
    for node in links:
        link = absolute(base, _href(node))
        if link is None or link in seen:
            continue
        seen.add(link)
        title = (
            _text(node, selectors.title)
            if selectors.title
            else _text(node, "./descendant-or-self::text()")
        )
        date = parse_date(_text(node, selectors.date)) if selectors.date else None
        entries.append(Entry(url=link, title=title, published=date))
    if not entries:
        # a page that scripts its content shows no links to a plain fetch
        hint = (
            " (the page runs scripts: it may need render: true)"
            if page.xpath("//script[@src or normalize-space()]")
            else ""
        )
        return Parsed(error=f"selector {selectors.links!r} found no article links{hint}")
    return Parsed(entries=entries).decoded_as(decoded)
