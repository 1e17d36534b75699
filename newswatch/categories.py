"""The default category order: the digest lists sections in this order."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "resolutions",
    "detainees",
    "peace-treaty",
    "displacement",
    "humanitarian",
    "heritage",
    "security",
    "diplomacy",
)
