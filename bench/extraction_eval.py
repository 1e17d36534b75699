"""Print body F1, title and date accuracy and ms/page for our extractor and plain trafilatura.

Usage: python bench/extraction_eval.py [DIR] [--heavy]   (DIR defaults to tests/data/extraction)
Each DIR/NAME.html needs DIR/NAME.json with title, text, published (ISO or null), language, url.
--heavy pads every UTF-8 page to real-world weight (~370 KB: inline scripts, a mega menu, SVG
icons, a grid of 80 teaser cards) to measure speed and rail resistance on big pages.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.evaluation.extraction import (
    corpus_f1,
    load_cases,
    same_day,
    shingle_scores,
    token_f1,
)
from newswatch.crawler.extraction import extract
from newswatch.crawler.extraction.dates import parse_date

REPEAT = 5


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    # CPU time, so that other processes on a shared machine do not inflate the figure
    start = time.process_time()
    for _ in range(REPEAT):
        out = fn(*args, **kwargs)
    return out, (time.process_time() - start) * 1000 / REPEAT


def pad(page: bytes) -> bytes:
    """The page with the weight of a real news site around it."""
    text = page.decode("utf-8", "replace")
    script = (
        "<script>"
        + ";".join(f"var a{i}={{k:'{'x' * 40}',v:[1,2,3]}}" for i in range(2500))
        + "</script>"
    )
    menu = (
        "<div class='mega'>"
        + "".join(
            "<ul>"
            + "".join(f"<li><a href='/s/{i}/{j}'>Section {i} item {j}</a></li>" for j in range(20))
            + "</ul>"
            for i in range(20)
        )
        + "</div>"
    )
    paths = "".join(f"<path d='M{i} {i} L{i + 5} {i + 9} Z'/>" for i in range(500))
    svg = f"<svg>{paths}</svg>"
    cards = (
        "<div class='grid'>"
        + "".join(
            f"<div class='tile'><a href='/n/{i}'><img src='/i/{i}.jpg'><h3>Another story number {i}"
            f"</h3></a><p>Teaser text for story {i} goes here with a few words.</p></div>"
            for i in range(80)
        )
        + "</div>"
    )
    text = text.replace("</head>", script + "</head>", 1)
    text = text.replace("<body>", "<body>" + svg + menu, 1)
    return text.replace("</body>", cards + script + "</body>", 1).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="tests/data/extraction", type=Path)
    parser.add_argument("--heavy", action="store_true", help="pad pages to real-world weight")
    args = parser.parse_args()
    cases = load_cases(args.directory)
    if args.heavy:
        cases = [c for c in cases if c.truth.get("encoding", "utf-8") == "utf-8"]
        for case in cases:
            case.page = pad(case.page)
    if not cases:
        sys.exit(f"no NAME.html + NAME.json pairs in {args.directory}")
    extract(cases[0].page, cases[0].truth.get("url"))  # load language model before timing
    rows = []
    print(
        f"{'fixture':28} {'F1':>5} {'base':>5} {'title':>5} {'base':>5} {'date':>5} "
        f"{'base':>5} {'ms':>6} {'b.ms':>6}  sources"
    )
    for case in cases:
        url = case.truth.get("url")
        ours, ms = _timed(extract, case.page, url)
        base_doc, base_ms = _timed(
            trafilatura.bare_extraction,
            case.page,
            url=url,
            with_metadata=True,
            include_comments=False,
        )
        base_text = (base_doc.text if base_doc else "") or ""
        base_title = base_doc.title if base_doc else None
        base_date = parse_date(base_doc.date) if base_doc and base_doc.date else None
        row = {
            "f1": token_f1(ours.text, case.truth["text"]),
            "base_f1": token_f1(base_text, case.truth["text"]),
            "title": ours.title == case.truth["title"],
            "base_title": base_title == case.truth["title"],
            "date": same_day(ours.published, case.truth["published"]),
            "base_date": same_day(base_date, case.truth["published"]),
            "shingles": shingle_scores(ours.text, case.truth["text"]),
            "base_shingles": shingle_scores(base_text, case.truth["text"]),
            "lang": ours.language == case.truth.get("language"),
            "ms": ms,
            "base_ms": base_ms,
        }
        rows.append(row)
        print(
            f"{case.name[:28]:28} {row['f1']:5.3f} {row['base_f1']:5.3f} "
            f"{row['title']!s:>5} {row['base_title']!s:>5} {row['date']!s:>5} "
            f"{row['base_date']!s:>5} {ms:6.2f} {base_ms:6.2f}  "
            f"{ours.text_source}/{ours.title_source}/{ours.published_source}/{ours.language}"
        )
    n = len(rows)

    def share(key: str) -> float:
        return 100 * sum(bool(r[key]) for r in rows) / n

    size = statistics.mean(len(c.page) for c in cases) / 1024
    print(f"\n{n} pages, {size:.0f} KB on average")
    print(
        f"body F1 mean      ours {statistics.mean(r['f1'] for r in rows):.3f}   "
        f"trafilatura {statistics.mean(r['base_f1'] for r in rows):.3f}"
    )
    print(
        f"4-gram F1 (P/R)   ours {corpus_f1([r['shingles'] for r in rows]):.3f} "
        f"({statistics.mean(r['shingles'][0] for r in rows):.3f}/"
        f"{statistics.mean(r['shingles'][1] for r in rows):.3f})   trafilatura "
        f"{corpus_f1([r['base_shingles'] for r in rows]):.3f} "
        f"({statistics.mean(r['base_shingles'][0] for r in rows):.3f}/"
        f"{statistics.mean(r['base_shingles'][1] for r in rows):.3f})"
    )
    print(f"title exact       ours {share('title'):.1f}%   trafilatura {share('base_title'):.1f}%")
    print(f"date correct      ours {share('date'):.1f}%   trafilatura {share('base_date'):.1f}%")
    print(f"language correct  ours {share('lang'):.1f}%")
    print("ms/page below is CPU time per page, median of the pages and mean")
    print(
        f"ms/page (median)  ours {statistics.median(r['ms'] for r in rows):.2f}   "
        f"trafilatura {statistics.median(r['base_ms'] for r in rows):.2f}"
    )
    print(
        f"ms/page (mean)    ours {statistics.mean(r['ms'] for r in rows):.2f}   "
        f"trafilatura {statistics.mean(r['base_ms'] for r in rows):.2f}"
    )


if __name__ == "__main__":
    main()
