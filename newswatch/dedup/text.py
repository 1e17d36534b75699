"""Text normalisation shared by fingerprints, shingles and story features."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from w3lib.html import remove_tags, replace_entities

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|h[1-6]|tr|section|article|blockquote)\b[^>]*>", re.IGNORECASE
)
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"[ \t\f\v\u00a0]+")


def strip_markup(text: str) -> str:
    """Turn HTML-ish text into plain text, keeping block boundaries as line breaks."""
    if _TAG.search(text):
        text = _BLOCK_TAG.sub("\n", text)
        text = remove_tags(text)
    return replace_entities(text)


# Storing one article normalises its body for the fingerprint, the MinHash and the story
# features (twice): remember the last few instead of redoing NFKC on the same text.
@lru_cache(maxsize=16)
def normalise(text: str) -> str:
    """NFKC + casefold, markup removed; line structure is kept."""
    text = unicodedata.normalize("NFKC", strip_markup(text)).casefold()
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines())


def words(text: str) -> list[str]:
    """Word tokens of already-normalised text (punctuation dropped, digits kept)."""
    return _WORD.findall(text)
