"""Print relevance and category quality of the default judge on labelled sets (dev, holdout)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.evaluation.judge import (
    BASELINE_EN,
    BASELINE_SIX,
    Report,
    evaluate,
    keyword_baseline,
    read_labelled,
)
from newswatch.judge import Judge

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "judge"


def show(name: str, report: Report, categories: tuple[str, ...], verbose: bool) -> None:
    """Print one report."""
    r = report.relevance
    print(f"== {name}")
    print(
        f"relevance  P={r.precision:.3f} R={r.recall:.3f} F1={r.f1:.3f}  (tp={r.tp} fp={r.fp} fn={r.fn})"
    )
    for c in categories:
        p = report.categories[c]
        print(
            f"  {c:14s} P={p.precision:.3f} R={p.recall:.3f} F1={p.f1:.3f}  (tp={p.tp} fp={p.fp} fn={p.fn})"
        )
    print(f"category macro-F1={report.macro_f1:.3f}")
    labels = ["-", *categories]
    print("confusion (rows gold primary, columns predicted primary)")
    print(" " * 15 + " ".join(f"{c[:5]:>5s}" for c in labels))
    for g in labels:
        print(f"{g[:14]:14s} " + " ".join(f"{report.confusion[(g, p)]:5d}" for p in labels))
    if verbose:
        for e in report.errors:
            print("  miss", e)


def main(argv: list[str]) -> None:
    """Evaluate on the files given, or on dev and holdout."""
    verbose = "-v" in argv
    files = [Path(a) for a in argv if a != "-v"] or [DATA / "dev.jsonl", DATA / "holdout.jsonl"]
    judge = Judge.load()
    for path in files:
        if path.exists():
            items = read_labelled(path)
            show(path.name, evaluate(judge, items), judge.categories, verbose)
            for name, words in (("English", BASELINE_EN), ("six-language", BASELINE_SIX)):
                b = keyword_baseline(items, words)
                print(
                    f"baseline {name} keywords: P={b.precision:.3f} R={b.recall:.3f} F1={b.f1:.3f}"
                )


if __name__ == "__main__":
    main(sys.argv[1:])
