"""Score extraction results against truth files, the way the bench and the tests both need."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newswatch.crawler.extraction.dates import as_utc

_WORD = re.compile(r"\w+")


def token_f1(predicted: str, truth: str) -> float:
    """Bag-of-words F1 between two texts (as in the ScrapingHub extraction benchmark)."""
    pred, gold = Counter(_WORD.findall(predicted.lower())), Counter(_WORD.findall(truth.lower()))
    if not pred and not gold:
        return 1.0
    common = sum((pred & gold).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def same_day(predicted: datetime | None, truth: str | None) -> bool:
    """True when both dates fall on the same UTC calendar day, or both are missing."""
    if truth is None or predicted is None:
        return truth is None and predicted is None
    return as_utc(predicted).date() == as_utc(datetime.fromisoformat(truth)).date()


@dataclass
class Case:
    """One fixture: its page bytes and expected values."""

    name: str
    page: bytes
    truth: dict[str, Any]


def load_cases(directory: Path) -> list[Case]:
    """Every NAME.html with a NAME.json truth file next to it, sorted by name."""
    cases = []
    for truth_path in sorted(directory.glob("*.json")):
        page_path = truth_path.with_suffix(".html")
        if page_path.exists():
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            cases.append(Case(truth_path.stem, page_path.read_bytes(), truth))
    return cases


def shingle_scores(predicted: str, truth: str, n: int = 4) -> tuple[float, float]:
    """(precision, recall) over case-sensitive word 4-grams, as the ScrapingHub benchmark counts."""

    def grams(text: str) -> Counter[tuple[str, ...]]:
        words = _WORD.findall(text)
        return Counter(
            tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words[i : i + n]
        )

    pred, gold = grams(predicted), grams(truth)
    common = sum((pred & gold).values())
    if not pred and not gold:
        return 1.0, 1.0
    precision = common / sum(pred.values()) if pred else 0.0
    recall = common / sum(gold.values()) if gold else 0.0
    return precision, recall


def corpus_f1(pairs: list[tuple[float, float]]) -> float:
    """F1 of the mean precision and mean recall over documents."""
    if not pairs:
        return 0.0
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
