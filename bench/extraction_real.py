"""Score `newswatch extract`'s function and plain trafilatura on real, labelled pages.

Usage: python bench/extraction_real.py [--split all|even|odd] [--corpus both|truth|readability]
                                       [--show N] [--corpora DIR]

Reads ../shared/corpora/extraction-dev (relative to the repository root) and skips cleanly when
it is absent. Two corpora, both extractors on the same pages in one run:

- truth.jsonl (trafilatura's evaluation set): `with` snippets found are true positives, missing
  ones false negatives; `without` snippets found are false positives (counts summed over pages,
  as that project scores); title exact (whitespace-normalised, case-folded), date to the day,
  author by name words.
- readability.jsonl (Mozilla Readability's test pages): body as bag-of-words token F1 against
  the reference text (mean over pages), same title/date/author rules.

A page is catastrophic when ours scores below 0.3 where trafilatura scores at least 0.8 (page
F1 from its own snippets or tokens). --split takes pages by line index so one half can be used
for tuning and the other reported. Speed is CPU time per page, so other processes on a shared
machine do not inflate it; the two extractors take turns at going first on a page, since the
date parser both use compiles each language's patterns on first use.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CATASTROPHIC_OURS, CATASTROPHIC_BASE = 0.3, 0.8
_WORD = re.compile(r"\w+")
_NOT_NAMES = {"by", "and", "und", "et", "y", "e", "von", "par", "por"}


@dataclass
class Result:
    """What one extractor returned for one page, reduced to what is scored."""

    text: str
    title: str | None
    date: str | None  # YYYY-MM-DD in the publisher's own calendar
    authors: list[str]
    seconds: float
    how: str = ""


@dataclass
class Tally:
    """Scores of one extractor on one corpus."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    f1s: list[float] = field(default_factory=list)
    titles: list[bool] = field(default_factory=list)
    dated_titles: list[bool] = field(default_factory=list)  # articles: pages with a date
    dates: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _fold(text: str | None) -> str:
    return _norm(text).casefold()


def _name_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _NOT_NAMES and not w.isdigit()}


def author_match(ours: list[str], truth: str | list[str]) -> bool:
    """The same people named: the word sets agree (order, "and", "By" ignored)."""
    if isinstance(truth, list):
        truth = " ".join(map(str, truth))
    return bool(ours) and _name_words(" ".join(ours)) == _name_words(truth)


def day_of(value: Any) -> str | None:
    """YYYY-MM-DD of a date string or datetime as its source wrote it (its own offset)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value).strip())
    return match.group(0) if match else None


def token_scores(predicted: str, truth: str) -> float:
    from bench.evaluation.extraction import token_f1

    return token_f1(predicted, truth)


def snippet_counts(text: str, row: dict[str, Any]) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of one page's snippets."""
    body = _norm(text)
    tp = sum(1 for s in row.get("with", []) if _norm(s) in body)
    fp = sum(1 for s in row.get("without", []) if _norm(s) in body)
    return tp, len(row.get("with", [])) - tp, fp, len(row.get("without", [])) - fp


def page_f1(tp: int, fn: int, fp: int) -> float:
    if not tp:
        return 0.0 if (fn or fp) else 1.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall)


def run_ours(page: bytes, url: str | None, explain: bool) -> Result:
    from newswatch.crawler.extraction import extract

    start = time.process_time()
    out = extract(page, url)
    seconds = time.process_time() - start
    local = out.published_local or out.published
    how = f"{out.text_source}/{out.title_source}/{out.published_source}"
    if explain and out.explanation:
        how += " " + str(out.explanation)
    return Result(out.text, out.title, day_of(local), list(out.authors), seconds, how)


def run_trafilatura(page: bytes, url: str | None, explain: bool) -> Result:
    import trafilatura

    start = time.process_time()
    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False)
    except Exception:  # the baseline failing on a page scores as an empty result
        doc = None
    seconds = time.process_time() - start
    if doc is None:
        return Result("", None, None, [], seconds)
    authors = [a.strip() for a in re.split(r";", doc.author or "") if a.strip()]
    return Result(doc.text or "", doc.title, day_of(doc.date), authors, seconds)


def load(path: Path, split: str, match: str | None = None) -> list[dict[str, Any]]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if match:  # after the split would change which half a page is in: filter the half
        half = load(path, split)
        return [row for row in half if match in row["file"]]
    if split == "even":
        return rows[0::2]
    if split == "odd":
        return rows[1::2]
    return rows


def cached(
    run: Callable[[bytes, str | None, bool], Result],
    cache: dict[str, Any],
    key: str,
) -> Callable[[bytes, str | None, bool], Result]:
    """The baseline's result from an earlier run, to iterate faster (its timing included)."""

    def wrapper(page: bytes, url: str | None, explain: bool) -> Result:
        if key not in cache:
            cache[key] = run(page, url, explain).__dict__
        return Result(**cache[key])

    return wrapper


def score_corpus(
    name: str,
    rows: list[dict[str, Any]],
    folder: Path,
    snippets: bool,
    show: int,
    explain: bool,
    cache: dict[str, Any] | None = None,
    dump: list[dict[str, Any]] | None = None,
) -> None:
    runners: dict[str, Callable[[bytes, str | None, bool], Result]] = {
        "ours": run_ours,
        "trafilatura": run_trafilatura,
    }
    tallies = {key: Tally() for key in runners}
    catastrophic: list[tuple[str, float, float, str]] = []
    worst: list[tuple[float, str, float, float, str]] = []
    for number, row in enumerate(rows):
        page = gzip.decompress((folder / row["file"]).read_bytes())
        url = row.get("url")
        f1 = {}
        how = ""
        # htmldate's date parser compiles each language's patterns on first use, and whoever
        # meets a language first pays for it: take turns at going first
        order = list(runners.items())
        for key, run in order if number % 2 == 0 else order[::-1]:
            if cache is not None and key == "trafilatura":
                run = cached(run, cache, row["file"])
            result = run(page, url, explain)
            tally = tallies[key]
            tally.pages += 1
            tally.seconds += result.seconds
            counts: dict[str, int] = {}
            if snippets:
                tp, fn, fp, tn = snippet_counts(result.text, row)
                counts = {"tp": tp, "fn": fn, "fp": fp, "tn": tn}
                tally.tp, tally.fn, tally.fp, tally.tn = (
                    tally.tp + tp,
                    tally.fn + fn,
                    tally.fp + fp,
                    tally.tn + tn,
                )
                f1[key] = page_f1(tp, fn, fp)
            else:
                f1[key] = token_scores(result.text, row.get("text", ""))
            tally.f1s.append(f1[key])
            if row.get("title"):
                tally.titles.append(_fold(result.title) == _fold(row["title"]))
                if row.get("date"):
                    tally.dated_titles.append(tally.titles[-1])
            if row.get("date"):
                tally.dates.append(day_of(result.date) == day_of(row["date"]))
            if row.get("author"):
                tally.authors.append(author_match(result.authors, row["author"]))
            if key == "ours":
                how = result.how
            if dump is not None:
                dump.append(
                    {
                        "file": row["file"],
                        "who": key,
                        "f1": f1[key],
                        **counts,
                        "how": result.how,
                        "title": result.title,
                        "truth_title": row.get("title"),
                        "date": result.date,
                        "truth_date": row.get("date"),
                        "authors": result.authors,
                        "truth_author": row.get("author"),
                    }
                )
        if f1["ours"] < CATASTROPHIC_OURS and f1["trafilatura"] >= CATASTROPHIC_BASE:
            catastrophic.append((row["file"], f1["ours"], f1["trafilatura"], how))
        worst.append(
            (f1["ours"] - f1["trafilatura"], row["file"], f1["ours"], f1["trafilatura"], how)
        )
    print(f"\n== {name}: {len(rows)} pages ==")
    print(
        f"{'':12} {'P':>6} {'R':>6} {'F1':>6} {'title':>7} {'date':>7} {'author':>7} {'pages/s':>8}"
    )
    for key, t in tallies.items():
        if snippets:
            precision = t.tp / (t.tp + t.fp) if t.tp + t.fp else 0.0
            recall = t.tp / (t.tp + t.fn) if t.tp + t.fn else 0.0
            f1_all = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            p_s, r_s = f"{precision:6.3f}", f"{recall:6.3f}"
        else:
            f1_all = statistics.mean(t.f1s) if t.f1s else 0.0
            p_s = r_s = f"{'-':>6}"

        def share(values: list[bool]) -> str:
            return f"{sum(values) / len(values):7.3f}" if values else f"{'-':>7}"

        rate = t.pages / t.seconds if t.seconds else 0.0
        print(
            f"{key:12} {p_s} {r_s} {f1_all:6.3f} {share(t.titles)} {share(t.dates)} "
            f"{share(t.authors)} {rate:8.1f}"
        )
    ours, base = tallies["ours"], tallies["trafilatura"]
    if ours.dated_titles:
        print(
            f"title on dated pages (articles, {len(ours.dated_titles)}): ours "
            f"{sum(ours.dated_titles) / len(ours.dated_titles):.3f}, trafilatura "
            f"{sum(base.dated_titles) / len(base.dated_titles):.3f}"
        )
    ratio = ours.seconds / base.seconds if base.seconds else 0.0
    print(
        f"time per page: ours {1000 * ours.seconds / max(1, ours.pages):.1f} ms, trafilatura "
        f"{1000 * base.seconds / max(1, base.pages):.1f} ms ({ratio:.2f}x)"
    )
    low = sum(1 for f in ours.f1s if f < CATASTROPHIC_OURS)
    base_low = sum(1 for f in base.f1s if f < CATASTROPHIC_OURS)
    print(f"pages below {CATASTROPHIC_OURS}: ours {low}, trafilatura {base_low}")
    print(
        f"catastrophic (ours < {CATASTROPHIC_OURS}, trafilatura >= {CATASTROPHIC_BASE}): "
        f"{len(catastrophic)}"
    )
    for file, ours_f1, base_f1, how in catastrophic:
        print(f"  {file}  ours {ours_f1:.2f}  trafilatura {base_f1:.2f}  {how}")
    if show:
        worst.sort()
        print(f"largest losses against trafilatura (--show {show}):")
        for delta, file, ours_f1, base_f1, how in worst[:show]:
            if delta < 0:
                print(
                    f"  {delta:+.2f}  {file}  ours {ours_f1:.2f}  trafilatura {base_f1:.2f}  {how}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split",
        choices=("all", "even", "odd"),
        default="all",
        help="pages by line index: tune on one half, report the other",
    )
    parser.add_argument("--corpus", choices=("both", "truth", "readability"), default="both")
    parser.add_argument("--show", type=int, default=0, help="list the N largest losses")
    parser.add_argument("--explain", action="store_true", help="add the chooser's reasons")
    parser.add_argument(
        "--corpora",
        type=Path,
        default=Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora",
    )
    parser.add_argument(
        "--baseline-cache",
        type=Path,
        help="reuse trafilatura's results (and times) from this JSON file",
    )
    parser.add_argument("--dump", type=Path, help="write every page's scores as JSON lines")
    parser.add_argument(
        "--match", help="only pages whose file name contains this text (to iterate on a few)"
    )
    args = parser.parse_args()
    dump: list[dict[str, Any]] | None = [] if args.dump else None
    cache: dict[str, Any] | None = None
    if args.baseline_cache:
        cache = (
            json.loads(args.baseline_cache.read_text(encoding="utf-8"))
            if args.baseline_cache.exists()
            else {}
        )
    folder = args.corpora / "extraction-dev"
    if not folder.is_dir():
        print(f"skipped: {folder} is absent (the real corpora are not on this machine)")
        return
    from newswatch.crawler.extraction import warm_up

    warm_up()  # load the language model and stoplists before timing
    print(f"split: {args.split}")
    if args.corpus in ("both", "truth"):
        score_corpus(
            "trafilatura eval set (truth.jsonl)",
            load(folder / "truth.jsonl", args.split, args.match),
            folder,
            True,
            args.show,
            args.explain,
            cache,
            dump,
        )
    if args.corpus in ("both", "readability"):
        score_corpus(
            "readability test pages (readability.jsonl)",
            load(folder / "readability.jsonl", args.split, args.match),
            folder,
            False,
            args.show,
            args.explain,
            cache,
            dump,
        )
    if dump is not None and args.dump:
        args.dump.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in dump), encoding="utf-8"
        )
    if cache is not None and args.baseline_cache:
        args.baseline_cache.write_text(json.dumps(cache), encoding="utf-8")


if __name__ == "__main__":
    main()
