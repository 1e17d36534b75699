"""Edit the feed list of the user's YAML file in place, keeping comments and order.

A file without ``feeds:`` runs with the default list from ``seeds/``; the first edit writes
``default_feeds: true`` (the defaults stay in effect beside the file's feeds) and only the
feed added, not a copy of the fifteen defaults.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from newswatch.config import seed_feeds
from newswatch.errors import ConfigError
from newswatch.files import write_atomic

HEADER = (
    "newswatch configuration (see `newswatch config check`); feeds added by `newswatch feeds add`"
)


def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, sequence dash offset) as the file's author wrote them."""
    mapping, offset = None, None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for prev, line in itertools.pairwise(lines):
        if prev[:1].isspace() or not prev.rstrip().endswith(":"):
            continue
        spaces = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("- "):
            offset = spaces if offset is None else offset
        elif spaces:
            mapping = spaces if mapping is None else mapping
    return mapping or 2, offset if offset is not None else 2


def _yaml(mapping: int = 2, offset: int = 2) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # one feed per line stays one line
    y.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return y


def _load(path: Path) -> tuple[CommentedMap, YAML]:
    if not path.exists():
        doc = CommentedMap()
        doc.yaml_set_start_comment(HEADER)
        return doc, _yaml()
    text = path.read_text(encoding="utf-8")
    y = _yaml(*_guess_indent(text))
    try:
        doc = y.load(text)
    except YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise ConfigError(f"{path}:1: expected a mapping of settings at the top level")
    return doc, y


def _flow(feed: dict[str, Any]) -> CommentedMap:
    m = CommentedMap()
    for k, v in feed.items():
        if isinstance(v, dict):
            sub = CommentedMap(v)
            sub.fa.set_flow_style()
            v = sub
        m[k] = v
    m.fa.set_flow_style()
    return m


def _feed_list(doc: CommentedMap) -> CommentedSeq:
    feeds = doc.get("feeds")
    if isinstance(feeds, CommentedSeq):
        return feeds
    if feeds is not None:
        raise ConfigError("feeds: expected a list of feeds")
    seq = CommentedSeq()
    if doc.get("default_feeds") is None:
        doc["default_feeds"] = True
        doc.yaml_set_comment_before_after_key(
            "default_feeds",
            before="the default feeds of seeds/ stay in effect beside the feeds below",
        )
    doc["feeds"] = seq
    return seq


def _seed(doc: CommentedMap, name: str) -> dict[str, Any] | None:
    """The default feed called ``name`` when the defaults are in effect for this file."""
    in_effect = doc.get("default_feeds") is True or (
        doc.get("feeds") is None and doc.get("default_feeds") is not False
    )
    return next((f for f in seed_feeds() if f["name"] == name), None) if in_effect else None


def _write(path: Path, doc: CommentedMap, y: YAML) -> None:
    buf = io.StringIO()
    y.dump(doc, buf)
    write_atomic(path, buf.getvalue())


def feed_names(path: Path) -> set[str]:
    """Names of the feeds in the file (or of the defaults when it lists none)."""
    doc, _ = _load(path)
    feeds = doc.get("feeds")
    defaults = doc.get("default_feeds")
    names = (
        {f["name"] for f in seed_feeds()}
        if defaults is True or (feeds is None and defaults is not False)
        else set()
    )
    return names | {f["name"] for f in (feeds or []) if isinstance(f, dict) and "name" in f}


def add_feed(path: Path, feed: dict[str, Any]) -> None:
    """Append ``feed`` to the file's feed list (created, with the file, when missing)."""
    doc, y = _load(path)
    seq = _feed_list(doc)
    if any(isinstance(f, dict) and f.get("name") == feed["name"] for f in seq):
        raise ConfigError(
            f"{path}: a feed named {feed['name']!r} already exists", hint="choose another --name"
        )
    flow = bool(len(seq)) and isinstance(seq[-1], CommentedMap) and seq[-1].fa.flow_style()
    seq.append(_flow(feed) if flow else CommentedMap(feed))
    _write(path, doc, y)


def remove_feed(path: Path, name: str) -> None:
    """Drop the feed called ``name`` from the file's feed list."""
    doc, y = _load(path)
    seed = _seed(doc, name)
    seq = _feed_list(doc)
    for i, f in enumerate(seq):
        if isinstance(f, dict) and f.get("name") == name and seed is None:
            del seq[i]
            _write(path, doc, y)
            return
        if isinstance(f, dict) and f.get("name") == name:
            f["enabled"] = False  # the file's copy of a default: removing it would bring it back
            _write(path, doc, y)
            return
    if seed is not None:  # a default feed is switched off by a disabled entry of its name
        seq.append(_flow({**seed, "enabled": False}))
        _write(path, doc, y)
        return
    raise ConfigError(
        f"{path}: no feed named {name!r}", hint="`newswatch feeds list` shows the names"
    )


def set_feed_fields(path: Path, name: str, **values: Any) -> None:
    """Set keys of the feed called ``name`` in the file (e.g. ``verified=True``)."""
    doc, y = _load(path)
    seed = _seed(doc, name)
    seq = _feed_list(doc)
    for f in seq:
        if isinstance(f, dict) and f.get("name") == name:
            for k, v in values.items():
                f[k] = v
            _write(path, doc, y)
            return
    if seed is not None:  # a default feed: the file gets its own entry, which replaces it
        seq.append(_flow({**seed, **values}))
        _write(path, doc, y)
        return
    raise ConfigError(
        f"{path}: no feed named {name!r}", hint="`newswatch feeds list` shows the names"
    )
