"""Exact-content identity (body fingerprint) and a bounded summary of publisher edits."""

from __future__ import annotations

import difflib
import hashlib
import unicodedata
from typing import Any

from newswatch.dedup.text import normalise, strip_markup, words

# Lines shorter than this (in words) are mostly bylines, "Share", "Read more", captions.
BOILERPLATE_MAX_WORDS = 4
# Below this many body words the title is folded in, so two different short teasers with a
# common stock sentence do not collide.
SHORT_BODY_WORDS = 25
MAX_DIFF_LINES = 40
MAX_DIFF_CHARS = 4000
# Word-level diffs are quadratic; larger edited blocks are counted whole.
MAX_WORD_DIFF = 4000


def _body_words(text: str) -> list[str]:
    lines = [words(line) for line in normalise(text).splitlines()]
    lines = [line for line in lines if line]
    kept = [line for line in lines if len(line) > BOILERPLATE_MAX_WORDS]
    # A body made only of short lines (a list, a one-paragraph brief) is kept as is.
    chosen = kept or lines
    return [w for line in chosen for w in line]


def content_fingerprint(title: str | None, text: str) -> str | None:
    """sha256 hex of the normalised body, or None when there is no text to identify.

    None (SQL NULL) never equals another NULL in a unique index, so empty bodies never collapse
    into one article.
    """
    body = _body_words(text or "")
    if not body:
        return None
    if len(body) < SHORT_BODY_WORDS and title:
        body = [*words(normalise(title)), "\x00", *body]
    return hashlib.sha256(" ".join(body).encode("utf-8")).hexdigest()


def _bounded(lines: list[str]) -> tuple[list[str], bool]:
    out: list[str] = []
    size = 0
    for line in lines:
        if len(out) >= MAX_DIFF_LINES or size + len(line) > MAX_DIFF_CHARS:
            return out, True
        out.append(line)
        size += len(line)
    return out, False


def _sentences(text: str) -> list[str]:
    # Original case is kept: the diff is shown to readers.
    plain = unicodedata.normalize("NFKC", strip_markup(text)).replace(". ", ".\n")
    return [" ".join(line.split()) for line in plain.splitlines() if line.strip()]


def _word_changes(old: list[str], new: list[str]) -> tuple[int, int]:
    """(words added, words removed) between two sentence lists, diffing words only inside edits."""
    added = removed = 0
    lines = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in lines.get_opcodes():
        a_words = " ".join(old[i1:i2]).split()
        b_words = " ".join(new[j1:j2]).split()
        if op == "replace" and len(a_words) + len(b_words) <= MAX_WORD_DIFF:
            # Word-level diff only on the edited sentences keeps the cost bounded.
            inner = difflib.SequenceMatcher(a=a_words, b=b_words, autojunk=False)
            for iop, a1, a2, b1, b2 in inner.get_opcodes():
                removed += (a2 - a1) if iop in ("replace", "delete") else 0
                added += (b2 - b1) if iop in ("replace", "insert") else 0
        elif op != "equal":
            removed += len(a_words)
            added += len(b_words)
    return added, removed


def diff_summary(
    old_title: str | None, new_title: str | None, old_text: str, new_text: str
) -> dict[str, Any]:
    """What a publisher changed: title pair, word counts added/removed, a bounded unified diff."""
    old_lines, new_lines = _sentences(old_text or ""), _sentences(new_text or "")
    added, removed = _word_changes(old_lines, new_lines)
    total = sum(len(x.split()) for x in old_lines + new_lines)
    unified = list(difflib.unified_diff(old_lines, new_lines, "before", "after", n=0, lineterm=""))
    diff_lines, truncated = _bounded(unified[2:])  # drop the ---/+++ header
    return {
        "title_changed": (old_title or "").strip() != (new_title or "").strip(),
        "old_title": old_title,
        "new_title": new_title,
        "text_changed": content_fingerprint(None, old_text) != content_fingerprint(None, new_text),
        "words_added": added,
        "words_removed": removed,
        "similarity": round(1.0 - (added + removed) / total, 4) if total else 1.0,
        "diff": diff_lines,
        "truncated": truncated,
    }
