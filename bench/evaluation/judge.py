"""Scoring a judge against labelled JSON Lines: relevance and per-category precision/recall/F1."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newswatch.judge.core import Judge, Judgement


@dataclass
class PRF:
    """Counts for one binary decision."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of positive calls that were right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of true positives found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one decision."""
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted


@dataclass
class Report:
    """Evaluation of a judge over a labelled set."""

    relevance: PRF
    categories: dict[str, PRF]
    confusion: Counter[tuple[str, str]]
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over categories that occur in labels or predictions."""
        used = [p for p in self.categories.values() if p.tp + p.fp + p.fn]
        return sum(p.f1 for p in used) / len(used) if used else 0.0


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """Load a labelled JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(judge: Judge, items: Iterable[dict[str, Any]]) -> Report:
    """Judge every item and compare with its labels; categories are scored on relevant items."""
    relevance = PRF()
    cats = {c: PRF() for c in judge.categories}
    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[dict[str, Any]] = []
    for item in items:
        verdict: Judgement = judge.judge(item["title"], item["text"], item.get("language"))
        relevance.add(verdict.relevant, bool(item["relevant"]))
        gold: Sequence[str] = item.get("categories") or []
        for c, counts in cats.items():
            counts.add(c in verdict.categories, c in gold)
        if gold or verdict.categories:
            confusion[
                (gold[0] if gold else "-", verdict.categories[0] if verdict.categories else "-")
            ] += 1
        if verdict.relevant != bool(item["relevant"]) or list(gold[:1]) != verdict.categories[:1]:
            errors.append(
                {
                    "id": item["id"],
                    "gold": [item["relevant"], list(gold)],
                    "got": [verdict.relevant, verdict.categories, verdict.score],
                    "evidence": verdict.details["evidence"],
                }
            )
    return Report(relevance, cats, confusion, errors)


# Naive alerting for comparison: any of these substrings makes an article relevant.
BASELINE_EN = (
    "karabakh",
    "artsakh",
    "armenia",
    "azerbaijan",
    "stepanakert",
    "lachin",
    "pashinyan",
    "aliyev",
    "yerevan",
    "baku",
)
BASELINE_SIX = (
    *BASELINE_EN,
    "карабах",
    "арцах",
    "армени",
    "азербайджан",
    "ереван",
    "баку",
    "արցախ",
    "ղարաբաղ",
    "հայաստան",
    "ադրբեջան",
    "qarabağ",
    "azərbaycan",
    "ermənistan",
    "karabağ",
    "azerbaycan",
    "ermenistan",
    "arménie",
    "azerbaïdjan",
)


def keyword_baseline(items: Iterable[dict[str, Any]], words: Sequence[str]) -> PRF:
    """Relevance counts of a plain keyword alert over labelled items."""
    result = PRF()
    for item in items:
        text = f"{item['title']} {item['text']}".lower()
        result.add(any(w in text for w in words), bool(item["relevant"]))
    return result
