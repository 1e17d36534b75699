"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 via feedparser; JSON Feed 1.0/1.1 via json."""

from __future__ import annotations

import calendar
import json
import re
from datetime import UTC, datetime
from typing import Any

import charset_normalizer
import feedparser

from newswatch.crawler.parsing.entries import Entry, Parsed, absolute, is_http_url, parse_date

_JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)


def guess_content_type(body: bytes, content_type: str | None) -> str | None:
    """A Content-Type naming the charset when neither HTTP nor the XML prolog declares one.

    Without a declaration feedparser falls back to windows-1252, which garbles a Cyrillic
    windows-1251 feed; undeclared bytes that are not UTF-8 are detected instead.
    """
    if (content_type and _CHARSET.search(content_type)) or _XML_ENCODING.match(body[:200]):
        return content_type
    try:
        body.decode("utf-8")
        return content_type
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:65536]).best()
    if best is None:
        return content_type
    mime = (content_type or "application/xml").split(";")[0].strip()
    return f"{mime}; charset={best.encoding}"


def parse_feed(body: bytes, url: str, *, content_type: str | None = None) -> Parsed:
    """Entries of an RSS or Atom document; a malformed feed keeps what feedparser recovered."""
    content_type = guess_content_type(body, content_type)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    d = feedparser.parse(body, response_headers=headers, sanitize_html=False)
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
            Entry(url=link, guid=guid, title=e.get("title") or None, published=published,
                  summary=e.get("summary") or None)
        )
    problem = str(d.get("bozo_exception")) if d.get("bozo") else None
    title = d.feed.get("title") if hasattr(d, "feed") else None
    if not version and not entries:
        what = _sniff(body)
        return Parsed(error=f"not a feed: {what}" + (f" ({problem})" if problem else ""), title=title)
    return Parsed(entries=entries, warning=problem, title=title)


def _sniff(body: bytes) -> str:
    head = body[:512].lstrip().lower()
    if not head:
        return "empty response"
    if head.startswith(b"<!doctype html") or b"<html" in head:
        return "an HTML page was served"
    return "no RSS or Atom elements found"


def parse_json_feed(body: bytes, url: str) -> Parsed:
    """Entries of a JSON Feed (items with url/external_url, id, title, dates, summary)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return Parsed(error=f"JSON Feed is not UTF-8: {exc}")
    except json.JSONDecodeError as exc:
        return Parsed(error=f"not valid JSON: {exc.msg} at line {exc.lineno}")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return Parsed(error="not a JSON Feed: no items list")
    warning = None if data.get("version") in _JSON_FEED_VERSIONS else f"unknown JSON Feed version {data.get('version')!r}"
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
        entries.append(Entry(url=link, guid=guid, title=item.get("title") or None,
                             published=published, summary=summary))
    return Parsed(entries=entries, warning=warning, title=data.get("title"))
