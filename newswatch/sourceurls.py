"""URLs of the source kinds that are not plain feeds: Telegram channel previews and searches.

Configuration validates with these and the crawler builds its requests with them, so "which URL
is a channel" and "what does a search poll" are answered once.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SEARCH_KINDS = ("google-news", "gdelt")
# the public endpoints; a source's `url` overrides them (a mirror, or a local server in tests)
SEARCH_ENDPOINTS = {
    "google-news": "https://news.google.com/rss/search",
    "gdelt": "https://api.gdeltproject.org/api/v2/doc/doc",
}
# parameters each endpoint needs besides the query; the source's `params` win
SEARCH_DEFAULTS = {
    "google-news": {"hl": "en-US", "gl": "US", "ceid": "US:en"},
    "gdelt": {
        "mode": "ArtList",
        "format": "json",
        "maxrecords": "75",
        "sort": "DateDesc",
        "timespan": "3d",
    },
}
SEARCH_QUERY_PARAM = {"google-news": "q", "gdelt": "query"}
_CHANNEL = re.compile(r"^/s/([A-Za-z][A-Za-z0-9_]{3,31})/?$")


def channel_name(url: str) -> str | None:
    """NAME of a channel preview URL (any http(s) host, path ``/s/NAME``), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    m = _CHANNEL.match(parts.path)
    return m.group(1) if m else None


def channel_page(url: str, before: int | None) -> str:
    """The preview page of the channel at ``url`` listing posts older than ``before``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "before"]
    if before is not None:
        query.append(("before", str(before)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def search_url(kind: str, base: str | None, query: str | None, params: dict[str, str]) -> str:
    """The URL one poll of a search source fetches: endpoint, defaults, params, query.

    Idempotent, so a configuration exported with its built URL reads back to the same URL.
    """
    endpoint = base or SEARCH_ENDPOINTS[kind]
    parts = urlsplit(endpoint)
    merged = dict(SEARCH_DEFAULTS[kind])
    merged.update(dict(parse_qsl(parts.query)))
    merged.update({str(k): str(v) for k, v in params.items()})
    if query:
        merged[SEARCH_QUERY_PARAM[kind]] = query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(merged), ""))


def search_query(kind: str, url: str) -> str | None:
    """The query a search source's URL asks, if any."""
    return dict(parse_qsl(urlsplit(url).query)).get(SEARCH_QUERY_PARAM[kind]) or None
