"""Precision/recall of MinHash near-duplicate detection per threshold, on edited copies vs.
different reports of the same development (tests/data/stories, plus any --extra text files)."""

from __future__ import annotations

import argparse
import random
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout too
from bench.evaluation.dedup import load_labelled
from newswatch.dedup import MinHasher

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories"
# House background paragraph some outlets append to every report on the topic: different stories
# then share a block of text, the classic near-duplicate false positive.
BACKGROUND = (
    "Background: in September 2023 Azerbaijan took full control of Nagorno-Karabakh after a "
    "one-day military operation. The local authorities agreed to a ceasefire the next day and "
    "later announced the dissolution of their institutions. More than 100,000 Armenians left "
    "the region for Armenia within a week, and several former officials were detained by "
    "Azerbaijani forces while trying to cross the border. Their trials in Baku began in 2025."
)
THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def edits(text: str, rng: random.Random) -> dict[str, str]:
    """Light edits a syndicating outlet makes to a wire copy."""
    paras = paragraphs(text)
    byline = ["By Staff Reporter | Agencies", "Photo: archive"]
    teaser = paras[1:2] + paras[:1] + paras[2:] if len(paras) > 2 else paras[::-1]
    trimmed = paras[:-1] if len(paras) > 2 else paras
    words = " ".join(paras).split()
    lead = " ".join(words[: rng.randint(12, 20)]) + "..."
    return {
        "headline+dateline": "\n".join(["(Updated)", *paras]),
        "byline": "\n".join(byline + paras + ["Share this article"]),
        "trim-last": "\n".join(trimmed),
        "teaser": "\n".join([lead, *teaser]),
        "all": "\n".join(byline + [lead] + (teaser[:-1] if len(teaser) > 2 else teaser)),
    }


def recall_of(positives: list[tuple[str, float]], kind: str, t: float) -> float:
    scores = [s for k, s in positives if k == kind]
    return sum(s >= t for s in scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--extra", type=Path, help="directory of *.txt articles (one per file)")
    parser.add_argument("--min-words", type=int, default=0, help="skip shorter texts")
    args = parser.parse_args()
    rng = random.Random(7)
    labelled = load_labelled(args.data.glob("*.yaml"))
    texts = {
        str(a.features.article_id): (a.features.text, str(a.features.language), a.story)
        for a in labelled
    }
    # Wire copies already in the set are true duplicates, not "different reports".
    copies = {frozenset((str(a.features.article_id), a.copy_of)) for a in labelled if a.copy_of}
    if args.extra:
        for path in sorted(args.extra.glob("*.txt")):
            texts[path.stem] = (path.read_text(encoding="utf-8"), "extra", path.stem)
    texts = {k: v for k, v in texts.items() if len(v[0].split()) >= args.min_words}
    hasher = MinHasher()
    sigs = {k: hasher.signature(t) for k, (t, _, _) in texts.items()}
    positives: list[tuple[str, float]] = []
    for key, (text, _, _) in texts.items():
        for kind, edited in edits(text, rng).items():
            positives.append((kind, hasher.similarity(sigs[key], hasher.signature(edited))))
    negatives: list[tuple[str, float]] = []
    for (ka, (_, la, sa)), (kb, (_, lb, sb)) in combinations(texts.items(), 2):
        if la == lb and frozenset((ka, kb)) not in copies:
            kind = "same development" if sa == sb else "other development"
            negatives.append((kind, hasher.similarity(sigs[ka], sigs[kb])))
            if sa != sb and la == "en":
                a_bg = hasher.signature(texts[ka][0] + "\n" + BACKGROUND)
                b_bg = hasher.signature(texts[kb][0] + "\n" + BACKGROUND)
                negatives.append(("shared background", hasher.similarity(a_bg, b_bg)))
    for pair in copies:
        ka, kb = sorted(pair)
        if ka in sigs and kb in sigs:
            positives.append(("wire copy in set", hasher.similarity(sigs[ka], sigs[kb])))
    words = sorted(len(t.split()) for t, _, _ in texts.values())
    print(
        f"{len(texts)} texts (median {words[len(words) // 2]} words), "
        f"{len(positives)} edited copies, {len(negatives)} same-language different reports "
        f"({sum(k == 'shared background' for k, _ in negatives)} with a shared background block)"
    )
    print(
        "threshold  precision  recall   F1    | recall by edit: "
        + " ".join(sorted({k for k, _ in positives}))
    )
    kinds = sorted({k for k, _ in positives})
    for t in THRESHOLDS:
        tp = sum(s >= t for _, s in positives)
        fp = sum(s >= t for _, s in negatives)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / len(positives)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        by_kind = " ".join(f"{recall_of(positives, k, t):.2f}" for k in kinds)
        print(f"  {t:.2f}      {p:.3f}     {r:.3f}   {f1:.3f}  | {by_kind}")
    for kind in ("same development", "other development", "shared background"):
        vals = sorted((s for k, s in negatives if k == kind), reverse=True)
        if vals:
            print(f"highest similarity between different reports ({kind}): {vals[0]:.3f}")
    # LSH recall: does the edited copy share a band with the original (so storage finds it)?
    hits = 0
    for key, (text, _, _) in texts.items():
        bands = set(hasher.band_hashes(sigs[key]))
        copy = edits(text, rng)["all"]
        hits += bool(bands & set(hasher.band_hashes(hasher.signature(copy))))
    print(
        f"LSH ({hasher.bands} bands x {hasher.rows} rows) finds the 'all' edit of "
        f"{hits}/{len(texts)} texts as a candidate"
    )


if __name__ == "__main__":
    main()
