"""Text folding and tokenising shared by the lexicon and the seed index."""

from __future__ import annotations

import unicodedata

import regex

# Letters folded together so that spellings with and without national letters meet.
_FOLD: tuple[tuple[str, str], ...] = (
    ("ı", "i"),
    ("ə", "e"),
    # Cyrillic schwa typed inside Latin-script Azerbaijani ("qәtnamә"): one letter, two code points.
    ("ә", "e"),
    ("ё", "е"),
    ("ي", "ی"),
    ("ى", "ی"),
    ("ك", "ک"),
    ("ۀ", "ه"),
    ("ة", "ه"),
    ("ß", "ss"),
    ("ł", "l"),
    ("đ", "d"),
    ("ø", "o"),
    # Persian writes compounds with a zero-width non-joiner or a space: treat both as space.
    ("\u200c", " "),
    ("\u200d", ""),
    ("\u00ad", ""),
)
_MARKS = regex.compile(r"\p{Mn}+")
_WORD = regex.compile(r"\w+")
# Chinese and Japanese do not separate words: each of their characters is a token, and
# multi-character terms match as runs of such tokens.
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_CJK_TOKEN = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}ー]|[^\W\p{Han}\p{Hiragana}\p{Katakana}]+"
)


def fold(text: str, *, keep_case: bool = False) -> str:
    """NFKC-normalise, drop diacritics, case-fold and merge look-alike letters.

    ``keep_case`` skips only the case folding: the words split as in the folded text.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    folded = unicodedata.normalize("NFKC", _MARKS.sub("", decomposed))
    if not keep_case:
        folded = folded.casefold()
    # A few str.replace calls run in C; str.translate with a dict walks every character.
    for old, new in _FOLD:
        if old in folded:
            folded = folded.replace(old, new)
    return folded


def tokens(text: str) -> list[str]:
    """Fold a text and split it into word tokens."""
    folded = fold(text)
    return _pattern(folded).findall(folded)


def capitals(text: str) -> list[bool]:
    """For each token of ``tokens(text)``: whether the text writes it in capitals.

    "PACE" is in capitals; "Pace" (a sentence start, a name) and "pace" are not.
    """
    kept = fold(text, keep_case=True)
    return [in_capitals(token) for token in _pattern(kept).findall(kept)]


def in_capitals(word: str) -> bool:
    """Whether a word as written is all capitals ("PACE", "ЕС"; not "Pace")."""
    return word.isupper()


def _pattern(folded: str) -> regex.Pattern[str]:
    """The plain word pattern unless the text has Chinese or Japanese characters."""
    # max() runs in C; only texts with characters beyond U+3040 need the slower search.
    if folded and max(folded) >= "\u3040" and _CJK.search(folded):
        return _CJK_TOKEN
    return _WORD


def paragraph_tokens(text: str) -> list[list[str]]:
    """Fold a text once and split each of its lines into word tokens."""
    folded = fold(text)
    pattern = _pattern(folded)
    return [pattern.findall(line) for line in folded.split("\n")]
