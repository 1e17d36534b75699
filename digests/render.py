"""Render a digest view as HTML, plain text and JSON, and the archive (index.html, digests.atom)."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from newswatch.digests.build import section_title
from newswatch.digests.entries import MAX_OUTLETS
from newswatch.digests.safety import css_token
from newswatch.digests.view import DigestView, Entry
from newswatch.files import write_atomic as _write_atomic

FORMATS = ("html", "text", "json")
_SUFFIX = {"html": "html", "text": "txt", "json": "json"}


def write_atomic(path: Path, data: str) -> Path:
    """A digest file, written whole; a folder it cannot be written to names digest.output_dir."""
    return _write_atomic(path, data, setting="digest.output_dir")


def _local(value: datetime | None, tz: str = "UTC", fmt: str = "%d %b %Y, %H:%M") -> str:
    if value is None:
        return "unknown"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz)).strftime(fmt)


def _iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _isolate(text: str) -> str:
    """Plain text with right-to-left letters wrapped in FSI…PDI, so it cannot reorder its line."""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return f"\u2068{text}\u2069"
    return text


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def environment() -> Environment:
    """The Jinja2 environment: autoescaping on for every HTML and XML template."""
    env = Environment(
        loader=PackageLoader("newswatch.digests", "templates"),
        autoescape=select_autoescape(["html", "atom", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["local"] = _local
    env.filters["iso"] = _iso
    env.filters["css"] = css_token
    env.filters["plural"] = _plural
    env.filters["isolate"] = _isolate
    env.globals["section_title"] = section_title
    env.globals["max_outlets"] = MAX_OUTLETS
    env.globals["story_page"] = story_page
    return env


_ENV: Environment | None = None


def env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def file_name(label: str, fmt: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip(".-") or "digest"
    return f"digest-{safe}.{_SUFFIX[fmt]}"


def story_page(label: str, key: str) -> str:
    """The file of one story's page (every outlet), beside its digest."""
    return file_name(label, "html").removesuffix(".html") + f"-{css_token(key)}.html"


def summary_line(view: DigestView) -> str:
    """The one-line overview shown at the top of every format."""
    parts = [f"{section_title(k)}: {n}" for k, n in view.category_counts.items()]
    head = f"{_plural(view.new_stories, 'new story', 'new stories')}, {_plural(view.update_count, 'update')}"
    tail = f"{_plural(view.sources_polled, 'source')} polled"
    return " · ".join([head, *parts, tail])


def render_html(view: DigestView, *, email: bool = False) -> str:
    """The HTML page; in ``email`` relative links (archive, story pages) would lead nowhere,
    so they are left out unless digest.base_url makes them absolute."""
    absolute = "://" in view.archive_url
    archive = view.archive_url if not email or absolute else ""
    pages = view.archive_url.removesuffix("index.html") if not email or absolute else None
    return (
        env()
        .get_template("digest.html")
        .render(v=view, summary=summary_line(view), archive=archive, pages=pages)
    )


def render_story(view: DigestView, entry: Entry) -> str:
    """The page of one story with every outlet that reported it."""
    return (
        env()
        .get_template("story.html")
        .render(v=view, e=entry, archive=view.archive_url, digest=file_name(view.label, "html"))
    )


def render_text(view: DigestView) -> str:
    text = env().get_template("digest.txt").render(v=view, summary=summary_line(view))
    return text.rstrip() + "\n"


def render_json(view: DigestView) -> str:
    data = view.to_json()
    data["summary"] = summary_line(view)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"html": render_html, "text": render_text, "json": render_json}


def write_digest(view: DigestView, out_dir: Path) -> dict[str, Path]:
    """Write the HTML, text and JSON files of one digest, and the pages of stories with more
    outlets than a digest lists; their paths by format (``story-<key>`` for those pages)."""
    files = {
        fmt: write_atomic(out_dir / file_name(view.label, fmt), RENDERERS[fmt](view))
        for fmt in FORMATS
    }
    for entry in [e for s in view.sections for e in s.entries] + view.updates:
        if entry.more_outlets:
            page = out_dir / story_page(view.label, entry.key)
            files[f"story-{entry.key}"] = write_atomic(page, render_story(view, entry))
    return files


@dataclass
class ArchiveItem:
    """One digest as the archive lists it."""

    label: str
    kind: str
    title: str
    summary: str
    window_start: datetime | None
    window_end: datetime | None
    created_at: datetime | None
    href: str
    top: list[str] = field(default_factory=list)  # headlines of the leading stories

    @property
    def summary_html(self) -> str:
        """The feed entry's summary as HTML: the counts and the leading headlines."""
        items = "".join(f"<li>{html.escape(t)}</li>" for t in self.top)
        return f"<p>{html.escape(self.summary)}</p>" + (f"<ul>{items}</ul>" if items else "")


def write_archive(
    items: Sequence[ArchiveItem],
    out_dir: Path,
    *,
    feed_id: str,
    now: datetime,
    timezone: str = "UTC",
    base: str = "",
) -> dict[str, Path]:
    """Write ``index.html`` and ``digests.atom`` listing every digest, newest first.

    ``base`` is the URL the files are published under: feed readers need absolute links.
    """
    updated = max((i.created_at for i in items if i.created_at), default=now)
    index = env().get_template("index.html").render(items=items, timezone=timezone)
    atom = (
        env()
        .get_template("digests.atom")
        .render(items=items, updated=updated, feed_id=feed_id, base=base)
    )
    return {
        "index": write_atomic(out_dir / "index.html", index),
        "atom": write_atomic(out_dir / "digests.atom", atom),
    }


def archive_item(
    label: str, kind: str, counts: dict[str, Any], files: dict[str, str], **times: Any
) -> ArchiveItem:
    html_name = Path(files.get("html", file_name(label, "html"))).name
    return ArchiveItem(
        label=label,
        kind=kind,
        title=str(counts.get("title") or f"Digest {label}"),
        summary=str(counts.get("summary") or ""),
        top=[str(t) for t in counts.get("top") or []],
        href=html_name,
        **times,
    )
