"""Multilingual term matching over folded tokens with prefix (inflection) tolerance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import regex

from newswatch.judge.normalise import capitals, tokens

# Arabic-script clitics glued to the front of a word ("and", "by", "for", "the").
_PROCLITICS = ("وال", "بال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
_ARABIC_BLOCK = ("\u0600", "\u06ff")
_CACHE_LIMIT = 200_000
# A profile term of 2-6 capital letters marked exact ("PACE=", "UE=", "ЕС=") is an acronym: it
# matches only where a text writes it in capitals, since the same letters are often a word of
# some language (Italian "pace", "Pace" at a sentence start).
_ACRONYM = regex.compile(r"\p{Lu}{2,6}")


@dataclass(frozen=True)
class Term:
    """One surface form of a concept: its key (group or entity), language and folded tokens."""

    key: str
    language: str
    text: str
    parts: tuple[str, ...]
    exact: bool
    # an acronym: matches only tokens written in capitals
    cased: bool = False


# A term found in a text and the token position where it starts.
Hit = tuple[Term, int]


class Lexicon:
    """Finds every term of a set in token lists; a term's tokens match as prefixes."""

    def __init__(self, terms: Iterable[Term], min_stem: int = 4, max_suffix: int = 7) -> None:
        self.min_stem = min_stem
        self.max_suffix = max_suffix
        self._index: dict[str, list[Term]] = {}
        for term in terms:
            self._index.setdefault(term.parts[0], []).append(term)
        self._lengths = sorted({len(stem) for stem in self._index})
        self._cache: dict[str, tuple[Term, ...]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def _part_matches(self, part: str, token: str, exact: bool) -> bool:
        if token == part:
            return True
        if exact or len(part) < self.min_stem or not token.startswith(part):
            return False
        return len(token) - len(part) <= self.max_suffix

    def _starting(self, token: str) -> tuple[Term, ...]:
        """Terms whose first word this token matches (cached: vocabularies repeat across texts)."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        candidates = [token]
        if _ARABIC_BLOCK[0] <= token[:1] <= _ARABIC_BLOCK[1]:
            candidates += [token[len(p) :] for p in _PROCLITICS if token.startswith(p)]
        found: list[Term] = []
        for cand in candidates:
            for length in self._lengths:
                if length > len(cand):
                    break
                for term in self._index.get(cand[:length], ()):
                    if term not in found and self._part_matches(term.parts[0], cand, term.exact):
                        found.append(term)
        result = tuple(found)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = result
        return result

    def find(self, toks: Sequence[str], source: str | Sequence[bool]) -> list[Hit]:
        """All term occurrences in a token list.

        ``source`` is the text the tokens come from (read only when an acronym matches) or, for
        each token, whether it was written in capitals.
        """
        hits: list[Hit] = []
        text, upper = (source, None) if isinstance(source, str) else ("", source)
        n = len(toks)
        cache = self._cache
        matches = self._part_matches
        for i, starting in enumerate(map(cache.get, toks)):
            if starting is None:
                starting = self._starting(toks[i])
            elif not starting:
                continue
            for term in starting:
                parts = term.parts
                k = len(parts)
                if k == 1:
                    if term.cased:
                        if upper is None:
                            upper = capitals(text)
                        if i >= len(upper) or not upper[i]:
                            continue
                    hits.append((term, i))
                    continue
                if i + k > n:
                    continue
                for j in range(1, k):
                    if not matches(parts[j], toks[i + j], term.exact):
                        break
                else:
                    hits.append((term, i))
        return hits


# Cyrillic words change their endings when declined ("наблюдательная" → "наблюдательной"):
# a term word loses up to two final vowels or soft signs so that its stem matches every case.
_CYRILLIC_ENDINGS = frozenset("аеёиоуыэюяйьіїє")
_MIN_SOFT_STEM = 5


def _soft_stem(part: str) -> str:
    if not ("\u0400" <= part[:1] <= "\u04ff") or len(part) < _MIN_SOFT_STEM + 1:
        return part
    for _ in range(2):
        if part[-1] in _CYRILLIC_ENDINGS and len(part) > _MIN_SOFT_STEM:
            part = part[:-1]
    return part


def make_term(key: str, language: str, text: str) -> Term | None:
    """Build a term from profile text; a trailing '=' asks for an exact (non-prefix) match."""
    exact = text.endswith("=")
    written = text.rstrip("=")
    parts = tuple(tokens(written))
    if not exact:
        parts = tuple(_soft_stem(p) for p in parts)
    if not parts:
        return None
    cased = exact and len(parts) == 1 and _ACRONYM.fullmatch(written) is not None
    return Term(key, language, written, parts, exact, cased)


def terms_of(key: str, names: Mapping[str, Iterable[str]]) -> list[Term]:
    """The terms of one profile entry (``names``: language -> texts), all under ``key``."""
    out = []
    for language, texts in names.items():
        for text in texts:
            term = make_term(key, language, text)
            if term is not None:
                out.append(term)
    return out
