"""Extractive summaries: pick 1–3 sentences by position and overlap with the topic terms."""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

# sentence ends: Latin/Cyrillic punctuation and the Armenian full stop (verjaket)
_SPLIT = regex.compile(
    r"(?<=[.!?\u0589\u3002])[\"'»”)]*\s+"
    # pages glue paragraphs together ("…under Azerbaijani law.Baku rejected…"): a full stop
    # after a lower-case word and before a capital ends a sentence too
    r"|(?<=\p{Ll}{2}[.!?\u0589])(?=\p{Lu}\p{Ll})"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    [
        "about",
        "after",
        "also",
        "among",
        "and",
        "are",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "from",
        "had",
        "has",
        "have",
        "into",
        "its",
        "more",
        "most",
        "not",
        "over",
        "said",
        "says",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "under",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "will",
        "with",
        "would",
        "year",
        "years",
    ]
)
MIN_CHARS = 30
MAX_SENTENCE_CHARS = 320


def _stem(word: str) -> str:
    # a crude prefix stem so that detained/detainees or Armenia/Armenian meet
    return word[:6]


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def terms_of(texts: Iterable[str]) -> set[str]:
    """Topic terms (stemmed, stop words dropped) of some short texts such as titles or entities."""
    out: set[str] = set()
    for text in texts:
        for w in _WORD.findall(text.casefold()):
            if len(w) >= 4 and w not in _STOP and not w.isdigit():
                out.add(_stem(w))
    return out


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT.split(text.strip()) if p.strip()]
    return [
        p if len(p) <= MAX_SENTENCE_CHARS else p[: MAX_SENTENCE_CHARS - 1].rstrip() + "…"
        for p in parts
    ]


def sentence_keys(text: str) -> set[str]:
    """Normalised sentences of a text, to recognise them in another report."""
    return {_key(s) for s in sentences(text)}


def summarize(
    title: str,
    text: str,
    terms: Iterable[str] = (),
    *,
    known: set[str] | frozenset[str] = frozenset(),
    max_sentences: int = 3,
    max_chars: int = 480,
) -> list[str]:
    """Up to ``max_sentences`` sentences of ``text`` in their original order, none in ``known``.

    Each sentence appears once, at most ``max_chars`` in all (the first chosen sentence is
    itself cut to MAX_SENTENCE_CHARS), in the language of ``text``: nothing is translated.
    """
    wanted = terms_of([title]) | set(terms)
    title_key = _key(title)
    candidates: list[tuple[float, int, str]] = []
    fresh: list[str] = []
    seen = set(known) | {title_key}
    for sent in sentences(text):
        key = _key(sent)
        # pages repeat their lead (teaser, body, caption): a sentence is shown once
        if len(sent) >= MIN_CHARS and key not in seen and not any(key in k for k in seen):
            fresh.append(sent)
            seen.add(key)
    # positions count among fresh sentences: in an update the first new sentence is the lead
    for pos, sent in enumerate(fresh):
        words = {_stem(w) for w in _WORD.findall(sent.casefold())}
        overlap = len(words & wanted)
        if pos and not overlap:
            continue  # past the lead, a sentence sharing no topic term is colour, not news
        # the lead sentence of a news report usually carries the news: it starts ahead
        score = 1.0 / (1 + pos) + 0.5 * overlap + (1.0 if pos == 0 else 0.0)
        candidates.append((score, pos, sent))
    chosen: list[tuple[int, str]] = []
    used = 0
    for _score, pos, sent in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if len(chosen) >= max_sentences:
            break
        if chosen and used + len(sent) > max_chars:
            continue
        chosen.append((pos, sent))
        used += len(sent)
    return [s for _p, s in sorted(chosen)]
