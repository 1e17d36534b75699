"""Script-independent keys for proper names, so reports in different languages can be compared.

'Vardanyan', 'Варданян', 'Wardanjan' and 'Vardanian' all give one key. The keys are coarse on
purpose (vowels merged, sibilants merged); rarity weighting downstream keeps collisions harmless.
"""

from __future__ import annotations

import re
import unicodedata

from newswatch.dedup.stopwords import STOPWORDS


def _table(letters: str, sounds: str) -> dict[str, str]:
    """Letter -> Latin sound; '-' marks letters that are dropped (hard/soft signs)."""
    spelled = [("" if v == "-" else v) for v in sounds.split()]
    return dict(zip(letters, spelled, strict=True))


_TABLE = {
    **_table(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g",
    ),
    **_table(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
        "a b g d e z e e t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f",
    ),
}
# Candidate names: a capitalised word of four or more letters in any script.
_NAME = re.compile(r"\b[A-ZÀ-ÞА-ЯЁІЇЄҐԱ-Ֆ][\w'’-]{3,}")
# Spelling variants across transliteration conventions, most specific first.
_RULES = [
    # German/Slavic "j" after a consonant or "i" is the "y" glide (Wardanjan, Alijew).
    (re.compile(r"(?<=[bdfgklmnprstvzi])j"), "y"),
    (re.compile(r"dsch|tsch|shch|dzh|sch|sh|ch|zh|tz|ts|dz|dj|j|c|z|x"), "s"),
    (re.compile(r"kh|gh|h"), ""),
    (re.compile(r"q"), "k"),
    (re.compile(r"w|ph"), "v"),
    (re.compile(r"[aeiouy]+"), "a"),
    (re.compile(r"(.)\1+"), r"\1"),
    # Russian case endings (Григоряна, Сулеймановым) and final vowels vary between outlets.
    (re.compile(r"(?<=.{5})am$|a$"), ""),
]
MIN_KEY = 3


def _latin(word: str) -> str:
    word = word.casefold()
    word = "".join(_TABLE.get(ch, ch) for ch in word)
    folded = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in folded if ch.isascii() and ch.isalpha())


def name_key(word: str) -> str:
    """Coarse phonetic key of one name token."""
    key = _latin(word)
    for pattern, repl in _RULES:
        key = pattern.sub(repl, key)
    return key


def name_keys(text: str) -> set[str]:
    """Keys of the capitalised, non-stop-word tokens of text."""
    keys = set()
    for token in _NAME.findall(text):
        for part in re.split(r"[-'’]", token):
            if len(part) >= 4 and part.casefold() not in STOPWORDS:
                key = name_key(part)
                if len(key) >= MIN_KEY:
                    keys.add(key)
    return keys
