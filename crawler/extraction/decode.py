"""Turn raw page bytes into Unicode text and a parsed lxml tree without ever raising."""
from __future__ import annotations

import codecs
import re

import charset_normalizer
from lxml import etree, html
from w3lib.encoding import html_to_unicode

_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _guess_encoding(body: bytes) -> str | None:
    """Guess a charset for bytes that declare none: valid UTF-8 first, then statistics."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:65536]).best()
    return best.encoding if best is not None else None


def to_unicode(page: str | bytes, declared_encoding: str | None = None) -> str:
    """Decode bytes using the declared charset, then <meta charset>, then detection."""
    if isinstance(page, str):
        return _CONTROL.sub("", page)
    header = None
    if declared_encoding:
        try:
            codecs.lookup(declared_encoding)
            header = f"text/html; charset={declared_encoding}"
        except LookupError:
            header = None  # an unknown label must not stop the meta/detection path
    _, text = html_to_unicode(header, page, auto_detect_fun=_guess_encoding)
    return _CONTROL.sub("", text)


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
