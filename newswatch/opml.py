"""OPML 2.0 subscription lists: feeds in from other readers, newswatch's sources out.

Reading uses listparser (the outlines, their folders, bozo documents); the attributes newswatch
writes in its own namespace (kind, selectors, interval, tags...) are read next to it with lxml, so
an exported list imports back to the same sources. Outlines of other readers become ``rss``
sources whose folder path is kept as the ``folder`` tag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import listparser
import lxml.etree
from pydantic import ValidationError

from newswatch.config import FeedConfig, show_seconds

NS = "https://github.com/newswatch/newswatch/opml/1"
_NS = f"{{{NS}}}"
# fields that are written as JSON (mappings); the others are scalars
_JSON_FIELDS = {"tags", "selectors", "params"}
_STANDARD = {"url", "title"}  # carried by OPML's own xmlUrl and text/title attributes
_OPML_TYPES = {"rss": "rss", "atom": "rss", "json": "rss"}  # what other readers understand


@dataclass
class Imported:
    """What an OPML file holds, sorted into feeds to add and problems to report."""

    feeds: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "URL: why"
    invalid: list[str] = field(default_factory=list)  # "outline: why"
    title: str | None = None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export_opml(
    feeds: list[FeedConfig], *, title: str = "newswatch sources", now: datetime | None = None
) -> bytes:
    """An OPML 2.0 document of ``feeds``, in folders by their perspective tag."""
    nsmap = {"nw": NS}
    root = lxml.etree.Element("opml", version="2.0", nsmap=nsmap)
    head = lxml.etree.SubElement(root, "head")
    lxml.etree.SubElement(head, "title").text = title
    lxml.etree.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = lxml.etree.SubElement(root, "body")
    folders: dict[str, Any] = {}
    for feed in feeds:
        parent = body
        folder = feed.tags.get("perspective")
        if folder:
            if folder not in folders:
                folders[folder] = lxml.etree.SubElement(body, "outline", text=folder, title=folder)
            parent = folders[folder]
        attrs = {
            "text": feed.title or feed.name,
            "title": feed.title or feed.name,
            "type": _OPML_TYPES.get(feed.kind, feed.kind),
            "xmlUrl": feed.url,
        }
        if feed.language:
            attrs["language"] = feed.language
        outline = lxml.etree.SubElement(parent, "outline", attrs)
        outline.set(f"{_NS}name", feed.name)
        outline.set(f"{_NS}kind", feed.kind)
        data = feed.model_dump(mode="json", exclude_defaults=True)
        for key, value in data.items():
            if key in _STANDARD or key in ("name", "kind"):
                continue
            if key == "interval" or key == "lookback":
                value = show_seconds(getattr(feed, key))
            outline.set(
                f"{_NS}{key}",
                json.dumps(value, ensure_ascii=False) if key in _JSON_FIELDS else _scalar(value),
            )
    doc: bytes = lxml.etree.tostring(
        root, xml_declaration=True, encoding="utf-8", pretty_print=True
    )
    return doc


def _newswatch_attrs(body: bytes) -> dict[str, list[dict[str, str]]]:
    """The nw:* attributes of each feed outline, by xmlUrl, in document order (duplicates kept)."""
    out: dict[str, list[dict[str, str]]] = {}
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError:
        return out
    if root is None:
        return out
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if url:
            own = {k[len(_NS) :]: v for k, v in node.attrib.items() if k.startswith(_NS)}
            own["_language"] = node.get("language") or ""
            out.setdefault(url, []).append(own)
    return out


def import_opml(body: bytes, existing: list[FeedConfig], suggest: Any) -> Imported:
    """Feeds of an OPML document not yet configured, validated; ``suggest(url, taken)`` names them."""
    parsed = listparser.parse(body)
    result = Imported(title=(parsed.meta or {}).get("title"))
    if not parsed.feeds and (parsed.bozo or not str(parsed.version).startswith("opml")):
        why = parsed.bozo_exception if parsed.bozo else "no <opml> document"
        raise ValueError(f"not an OPML subscription list: {why}")
    own = _newswatch_attrs(body)
    configured = {f.url: f.name for f in existing}
    taken = {f.name for f in existing}
    for url, copies in own.items():
        if len(copies) > 1:
            result.duplicates.append(
                f"{url}: listed {len(copies)} times in the file (imported once)"
            )
    for item in parsed.feeds:
        url = item["url"]
        if url in configured:
            result.duplicates.append(f"{url}: already configured as {configured[url]}")
            continue
        attrs = (own.get(url) or [{}])[0]
        entry: dict[str, Any] = {}
        for key, value in attrs.items():
            if key.startswith("_"):
                continue
            try:
                entry[key] = json.loads(value) if key in _JSON_FIELDS else value
            except json.JSONDecodeError as exc:
                result.invalid.append(
                    f"{item.get('title') or url}: nw:{key} is not JSON ({exc.msg})"
                )
                entry = {}
                break
        else:
            folders = ["/".join(c) for c in item.get("categories", []) if c]
            if "tags" not in entry and folders:
                entry["tags"] = {"folder": folders[0]}
            if attrs.get("_language") and "language" not in entry:
                entry["language"] = attrs["_language"]
            entry["url"] = url
            if item.get("title") and "name" not in entry:
                entry["name"] = suggest(url, taken)
                entry["title"] = item["title"]
            entry.setdefault("name", suggest(url, taken))
            # newswatch writes the name where a feed has no title: that is no title
            if item.get("title") and item["title"] != entry.get("name"):
                entry.setdefault("title", item["title"])
            try:
                feed = FeedConfig.model_validate(entry)
            except ValidationError as exc:
                why = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'outline'}: {e['msg']}"
                    for e in exc.errors()
                )
                result.invalid.append(f"{item.get('title') or url}: {why}")
                continue
            if feed.name in taken:
                result.duplicates.append(f"{url}: a feed named {feed.name!r} already exists")
                continue
            taken.add(feed.name)
            configured[url] = feed.name
            result.feeds.append(plain_entry(feed))
    return result


def plain_entry(feed: FeedConfig) -> dict[str, Any]:
    """The feed as it is written to the config file: only what differs from the defaults."""
    data = feed.model_dump(mode="json", exclude_defaults=True)
    for key in ("interval", "lookback"):
        if key in data:
            data[key] = show_seconds(getattr(feed, key))
    ordered: dict[str, Any] = {k: data.pop(k) for k in ("name", "url", "kind") if k in data}
    ordered.setdefault("kind", feed.kind)
    return {**ordered, **data}
