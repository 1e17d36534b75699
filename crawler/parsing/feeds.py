"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 via feedparser; JSON Feed 1.0/1.1 via json."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from typing import Any

import feedparser

from newswatch.crawler.charset import Decoded, Markup, decode, utf8_content_type, utf8_xml
from newswatch.crawler.parsing.entries import Entry, Parsed, absolute, is_http_url, parse_date

_JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def read_feed(body: bytes, url: str, content_type: str | None) -> tuple[Any, Decoded]:
    """feedparser's result for the document decoded by the crawler's one rule, and that decoding.

    feedparser's own order (RFC 3023: text/xml without a charset is US-ASCII, then its
    fallbacks) is not a browser's: decode here and hand it UTF-8 that says so.
    """
    decoded = decode(body, content_type, Markup.XML)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = utf8_content_type(content_type) or content_type
    return feedparser.parse(
        utf8_xml(decoded.text), response_headers=headers, sanitize_html=False
    ), decoded


def parse_feed(body: bytes, url: str, *, content_type: str | None = None) -> Parsed:
    """Entries of an RSS or Atom document; a malformed feed keeps what feedparser recovered."""
    d, decoded = read_feed(body, url, content_type)
    version = d.get("version") or ""
    entries = []
    for e in d.entries:
        guid = e.get("id") or None
        link = absolute(url, e.get("link"))
        if link is None and guid and is_http_url(guid):
            link = guid
        if link is None:
            continue
        published = _struct_time(e.get("published_parsed")) or _struct_time(e.get("updated_parsed"))
        entries.append(
            Entry(
                url=link,
                guid=guid,
                title=e.get("title") or None,
                published=published,
                summary=e.get("summary") or None,
            )
        )
    problem = str(d.get("bozo_exception")) if d.get("bozo") else None
    title = d.feed.get("title") if hasattr(d, "feed") else None
    if not version and not entries:
        what = _sniff(body)
        return Parsed(
            error=f"not a feed: {what}" + (f" ({problem})" if problem else ""), title=title
        )
    return Parsed(entries=entries, warning=problem, title=title).decoded_as(decoded)


def _sniff(body: bytes) -> str:
    head = body[:512].lstrip().lower()
    if not head:
        return "empty response"
    if head.startswith(b"<!doctype html") or b"<html" in head:
        return "an HTML page was served"
    return "no RSS or Atom elements found"


def parse_json_feed(body: bytes, url: str, *, content_type: str | None = None) -> Parsed:
    """Entries of a JSON Feed (items with url/external_url, id, title, dates, summary)."""
    decoded = decode(
        body, content_type, Markup.JSON
    )  # JSON is UTF-8, but servers send what they have
    try:
        data = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        return Parsed(error=f"not valid JSON: {exc.msg} at line {exc.lineno}")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return Parsed(error="not a JSON Feed: no items list")
    warning = (
        None
        if data.get("version") in _JSON_FEED_VERSIONS
        else f"unknown JSON Feed version {data.get('version')!r}"
    )
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        guid = str(item["id"]) if item.get("id") is not None else None
        link = absolute(url, item.get("url")) or absolute(url, item.get("external_url"))
        if link is None and guid and is_http_url(guid):
            link = guid
        if link is None:
            continue
        published = parse_date(item.get("date_published")) or parse_date(item.get("date_modified"))
        summary = item.get("summary") or item.get("content_text") or None
        entries.append(
            Entry(
                url=link,
                guid=guid,
                title=item.get("title") or None,
                published=published,
                summary=summary,
            )
        )
    return Parsed(entries=entries, warning=warning, title=data.get("title")).decoded_as(decoded)
