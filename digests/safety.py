"""Untrusted text from crawled pages: plain text only, and links only when they are http(s)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# explicit embeddings, overrides and isolates: one left open reverses the text after it, and
# crawled text is shown inside <bdi>/dir=auto (or FSI…PDI in plain text) anyway
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link without control characters, else None."""
    if not url:
        return None
    url = url.strip()
    if _CONTROL.search(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def plain_text(fragment: str | None) -> str:
    """Text with every tag removed (script/style bodies too), entities decoded, spaces collapsed."""
    if not fragment:
        return ""
    if "<" in fragment or "&" in fragment:
        # ammonia drops tags and the bodies of script/style; the result is escaped HTML text
        fragment = html.unescape(nh3.clean(fragment, tags=set()))
    return _SPACE.sub(" ", _CONTROL.sub(" ", _BIDI.sub("", fragment))).strip()


def css_token(value: str) -> str:
    """A value usable as part of a CSS class name."""
    return re.sub(r"[^a-z0-9-]+", "-", value.casefold()).strip("-") or "other"
