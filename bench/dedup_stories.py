"""Pairwise precision/recall/F1 of story clustering on the labelled set in tests/data/stories."""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout too
from bench.evaluation.dedup import LabelledArticle, load_labelled, pairwise_scores
from newswatch.dedup.features import StoryFeatures
from newswatch.dedup.stories import DEFAULT_THRESHOLD, DEFAULT_WINDOW, cluster

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories"


def _noisy(a: StoryFeatures, rng: random.Random, drop: float) -> StoryFeatures:
    """Drop entities at random, as a less thorough entity extractor would."""
    kept = {e for e in sorted(a.entities) if rng.random() >= drop}
    return replace(a, entities=kept)


def run(
    articles: list[LabelledArticle], threshold: float, window: timedelta, drop: float, seeds: int
) -> None:
    """Print pairwise scores; with entity dropping, the mean over several random draws."""
    labels = {a.features.article_id: a.story for a in articles}
    results = []
    for seed in range(seeds if drop else 1):
        rng = random.Random(seed)
        feats = [_noisy(a.features, rng, drop) if drop else a.features for a in articles]
        groups = cluster(feats, threshold=threshold, window=window)
        results.append((pairwise_scores(groups, labels), len(groups)))
    p, r, f1 = (
        sum(getattr(s, k) for s, _ in results) / len(results) for k in ("precision", "recall", "f1")
    )
    s, n = results[0]
    draws = f" (mean of {len(results)} draws)" if len(results) > 1 else ""
    print(
        f"threshold={threshold:.2f} drop={drop:.1f} stories={n:3d} "
        f"P={p:.3f} R={r:.3f} F1={f1:.3f} (true pairs {s.true_pairs}){draws}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, nargs="+", default=[DATA, DATA / "holdout"], help="labelled dirs"
    )
    parser.add_argument("--window-hours", type=float, default=DEFAULT_WINDOW.total_seconds() / 3600)
    parser.add_argument("--sweep", action="store_true", help="try thresholds 0.30..0.70")
    parser.add_argument("--errors", action="store_true", help="list wrongly split/merged stories")
    args = parser.parse_args()
    for data in args.data:
        print(f"== {data}")
        evaluate(load_labelled(data.glob("*.yaml")), args)


def evaluate(articles: list[LabelledArticle], args: argparse.Namespace) -> None:
    """Scores of one labelled set."""
    labels = {a.features.article_id: a.story for a in articles}
    stories = {a.story for a in articles}
    langs = {a.features.language for a in articles}
    print(f"{len(articles)} articles, {len(stories)} stories, languages {sorted(map(str, langs))}")
    window = timedelta(hours=args.window_hours)
    thresholds = [x / 100 for x in range(30, 71, 5)] if args.sweep else [DEFAULT_THRESHOLD]
    for t in thresholds:
        run(articles, t, window, 0.0, 1)
    for drop in (0.2, 0.4, 1.0):  # 1.0: no entities at all, names/numbers/wording only
        run(articles, DEFAULT_THRESHOLD, window, drop, 10)
    if args.errors:
        for group in cluster([a.features for a in articles], window=window):
            names = {labels[i] for i in group}
            if len(names) > 1:
                print("merged:", group)
        for story in sorted(stories):
            members = {a.features.article_id for a in articles if a.story == story}
            groups = cluster([a.features for a in articles], window=window)
            split = [g for g in groups if members & set(g)]
            if len(split) > 1:
                print("split:", story, [sorted(set(g) & members) for g in split])


if __name__ == "__main__":
    main()
