"""What the lexicon found in one article: occurrences per key, positions and surfaces."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from newswatch.judge.lexicon import Hit

# Body token positions are shifted by this much so that title positions sort first.
BODY_OFFSET = 1 << 20


@dataclass
class Found:
    """Occurrences of one lexicon key in an article."""

    count: int = 0
    in_title: bool = False
    first: int = 1 << 30
    surfaces: dict[str, str] = field(default_factory=dict)  # term text -> language
    positions: set[int] = field(default_factory=set)
    occurrences: list[tuple[int, str]] = field(default_factory=list)  # (position, term text)
    supported: bool = False  # seen at least once outside an isolated passing mention


# Kinds of event ("released") are cue words too: a longer cue ("liberated territories") that
# contains one explains it away.
_ACT_KEY = "e:act:"


def drop_nested_cues(hits: list[Hit], cue_acts: AbstractSet[str] = frozenset()) -> list[Hit]:
    """Drop cue hits inside a longer cue ("military" within "military court").

    A kind of event that is itself a category cue (`cue_acts`, entity keys) swallows the cue
    words inside it too: "military operation" is one security cue, not two. It never swallows
    another kind of event: those are what the story grouper compares.
    """
    longest: dict[int, int] = {}  # longest cue or look-alike covering each position
    longest_any: dict[int, int] = {}  # ... or kind of event that is a cue
    for term, position in hits:
        k = len(term.parts)
        if k == 1:
            continue
        key = term.key
        if key[0] in "cn":
            covers: tuple[dict[int, int], ...] = (longest, longest_any)
        elif key in cue_acts:
            covers = (longest_any,)
        else:
            continue
        for cover in covers:
            for p in range(position, position + k):
                if cover.get(p, 0) < k:
                    cover[p] = k
    if not longest_any:
        return hits
    kept: list[Hit] = []
    for hit in hits:
        term, position = hit
        key = term.key
        if key[0] in "cn":
            cover = longest_any
        elif key.startswith(_ACT_KEY):
            cover = longest
        else:
            kept.append(hit)
            continue
        k = len(term.parts)
        if k == 1:
            if cover.get(position, 0) > 1:
                continue
        elif any(cover.get(p, 0) > k for p in range(position, position + k)):
            continue
        kept.append(hit)
    return kept


def collect(
    title_hits: list[Hit], body_hits: list[Hit], isolated: AbstractSet[int] = frozenset()
) -> dict[str, Found]:
    """Group title and body hits by lexicon key; `isolated` lists passing body mentions."""
    found: dict[str, Found] = {}
    for in_title, hits in ((True, title_hits), (False, body_hits)):
        offset = 0 if in_title else BODY_OFFSET
        for term, position in hits:
            f = found.get(term.key)
            if f is None:
                f = found[term.key] = Found(first=position + offset)
            # Two spellings of one word ("military", "Militär") are one cue, not two.
            if position + offset in f.positions:
                continue
            f.positions.add(position + offset)
            f.occurrences.append((position + offset, term.text))
            f.count += 1
            f.in_title |= in_title
            f.supported |= in_title or position not in isolated
            if term.text not in f.surfaces:
                f.surfaces[term.text] = term.language
    return found
