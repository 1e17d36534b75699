"""Counted nouns for messages people read: "1 feed", "2 feeds" — never "feed(s)"."""

from __future__ import annotations


def counted(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word`` in the right number (``many`` for irregular plurals)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
