"""Labelled story sets and pairwise precision/recall, for benches and regression tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path

from ruamel.yaml import YAML

from newswatch.dedup.features import StoryFeatures

REQUIRED_FIELDS = (
    "id",
    "title",
    "text",
    "language",
    "published",
    "categories",
    "entities",
    "source",
    "story",
)


@dataclass
class LabelledArticle:
    """An article with its true story label."""

    features: StoryFeatures
    story: str
    copy_of: str | None = None  # id of the report this one republishes (a wire copy)


def _parse(item: dict[str, object], origin: Path) -> LabelledArticle:
    missing = [k for k in REQUIRED_FIELDS if k not in item]
    if missing:
        raise ValueError(f"{origin}: item {item.get('id')!r} lacks {', '.join(missing)}")
    published = datetime.fromisoformat(str(item["published"]))
    features = StoryFeatures(
        article_id=str(item["id"]),
        title=str(item["title"]),
        text=str(item["text"]),
        language=str(item["language"]) if item["language"] else None,
        published=published,
        first_seen=published,
        categories=[str(c) for c in item["categories"]],  # type: ignore[attr-defined]
        entities={str(e) for e in item["entities"]},  # type: ignore[attr-defined]
        source=str(item["source"]),
    )
    copy_of = item.get("copy_of")
    return LabelledArticle(features, str(item["story"]), str(copy_of) if copy_of else None)


def load_labelled(paths: Iterable[Path]) -> list[LabelledArticle]:
    """Read labelled YAML lists; ids must be unique across files."""
    yaml = YAML(typ="safe")
    out: list[LabelledArticle] = []
    seen: set[str] = set()
    for path in sorted(paths):
        for item in yaml.load(path.read_text(encoding="utf-8")) or []:
            art = _parse(item, path)
            if art.features.article_id in seen:
                raise ValueError(f"{path}: duplicate id {art.features.article_id!r}")
            seen.add(str(art.features.article_id))
            out.append(art)
    return out


@dataclass
class PairScores:
    """Pairwise clustering quality: a pair is positive when both articles share a story."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int


def _pairs(groups: Iterable[Sequence[int | str]]) -> set[frozenset[int | str]]:
    return {frozenset(p) for g in groups for p in combinations(g, 2)}


def pairwise_scores(
    predicted: Iterable[Sequence[int | str]], labels: dict[int | str, str]
) -> PairScores:
    """Pairwise precision/recall/F1 of predicted groups against story labels."""
    by_label: dict[str, list[int | str]] = {}
    for art_id, label in labels.items():
        by_label.setdefault(label, []).append(art_id)
    truth = _pairs(by_label.values())
    guess = _pairs(predicted)
    hit = len(truth & guess)
    precision = hit / len(guess) if guess else 1.0
    recall = hit / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, len(truth), len(guess))
