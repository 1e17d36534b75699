"""Turn raw page bytes into Unicode text and a parsed lxml tree without ever raising."""

from __future__ import annotations

import re

from lxml import etree, html

from newswatch.crawler.charset import Markup, decode

_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def to_unicode(page: str | bytes, declared_encoding: str | None = None) -> str:
    """Page text by the crawler's one decoding rule; ``declared_encoding`` is the HTTP charset."""
    if isinstance(page, str):
        return _CONTROL.sub("", page)
    content_type = f"text/html; charset={declared_encoding}" if declared_encoding else None
    return _CONTROL.sub("", decode(page, content_type, Markup.HTML).text)


def parse(text: str) -> html.HtmlElement | None:
    """Parse HTML text into a document tree, or None when nothing usable is there."""
    if not text.strip():
        return None
    try:
        # bytes avoid lxml's refusal of str input carrying an XML encoding declaration
        root = html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root if isinstance(root, html.HtmlElement) else None
