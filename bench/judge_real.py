"""Judge and story quality on real, hand-labelled news (../shared/corpora/news-dev).

Runs the production path: every item is imported into a fresh SQLite store through the same
``Ingestor`` the crawler and ``newswatch import`` use (``published`` = the item's date when it
is a full YYYY-MM-DD), and the stored verdicts and story ids are read back. Prints, on the
even-id half, the odd-id half and all items:

- relevance precision / recall / F1;
- per-category and macro F1 of the primary category (corpus labels mapped to the profile's);
- story pairs precision / recall / F1 and B-cubed F1, counted only among relevant items with a
  full date (a month-only date cannot be placed in time), as the corpus README says;
- the naive "same publication day" rule on the same pairs.

Skips (exit 0) when the corpus is absent. ``-v`` lists the misses.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.config import DedupConfig
from newswatch.ingest import Ingestor, RawArticle, cached_judge
from newswatch.storage.db import Database
from newswatch.storage.models import Article

CORPUS = ROOT.parent / "shared" / "corpora" / "news-dev" / "items.jsonl"
# Corpus category labels -> the profile's category ids.
CATEGORY_MAP = {
    "resolution": "resolutions",
    "detainees": "detainees",
    "peace-treaty": "peace-treaty",
    "diplomacy-other": "diplomacy",
    "military-security": "security",
    "displacement": "displacement",
    "humanitarian-demining": "humanitarian",
    "heritage": "heritage",
}
OFF = "off-topic"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Item:
    """One labelled excerpt and what the production path made of it."""

    id: str
    half: str  # "even" | "odd", by the number in the id
    language: str
    date: str
    relevant: bool
    category: str  # profile category id, or "off-topic"
    cluster: str | None
    title: str
    got_relevant: bool = False
    got_category: str = OFF
    story: int | None = None

    @property
    def dated(self) -> bool:
        return bool(_FULL_DATE.match(self.date))


def load(path: Path) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        number = int(re.sub(r"\D", "", rec["id"]) or 0)
        items.append(
            Item(
                id=rec["id"],
                half="even" if number % 2 == 0 else "odd",
                language=rec["language"],
                date=rec["date"],
                relevant=bool(rec["relevant"]),
                category=CATEGORY_MAP.get(rec["category"], OFF),
                cluster=rec["cluster"],
                title=" ".join((rec["title"] or rec["text"][:80]).split()),
            )
        )
    return items


def run_production(path: Path, tmp: Path, threshold: float | None) -> dict[str, Item]:
    """Import every item through the Ingestor in file order, as `newswatch import` does."""
    items = {i.id: i for i in load(path)}
    db = Database.open(f"sqlite:///{tmp / 'real.db'}")
    dedup = DedupConfig() if threshold is None else DedupConfig(story_threshold=threshold)
    ing = Ingestor(db, cached_judge(None, ()), dedup=dedup)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        published = None
        if _FULL_DATE.match(rec["date"]):
            published = datetime.fromisoformat(rec["date"]).replace(tzinfo=UTC)
        ing.ingest(
            RawArticle(
                url=rec["url"],
                title=rec["title"] or "",
                text=rec["text"],
                source=urlsplit(rec["url"]).hostname or "import",
                published=published,
                published_source="import" if published else None,
                language=rec["language"],
                external_id=rec["id"],
            )
        )
    with db.session() as s:
        for art in s.query(Article):
            it = items[str(art.external_id)]
            it.got_relevant = bool(art.relevant)
            it.got_category = (art.primary_category or OFF) if art.relevant else OFF
            it.story = art.story_id
    return items


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def relevance(items: Sequence[Item]) -> str:
    tp = sum(i.relevant and i.got_relevant for i in items)
    fp = sum(not i.relevant and i.got_relevant for i in items)
    fn = sum(i.relevant and not i.got_relevant for i in items)
    p, r, f = prf(tp, fp, fn)
    return f"relevance P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} fp={fp} fn={fn})"


def categories(items: Sequence[Item]) -> tuple[float, list[str]]:
    """Macro F1 over the topic categories of the primary category (off-topic counts as a miss)."""
    lines = []
    scores = []
    for cat in CATEGORY_MAP.values():
        tp = sum(i.category == cat and i.got_category == cat for i in items)
        fp = sum(i.category != cat and i.got_category == cat for i in items)
        fn = sum(i.category == cat and i.got_category != cat for i in items)
        if tp + fn == 0:
            continue  # a category absent from this half says nothing
        p, r, f = prf(tp, fp, fn)
        scores.append(f)
        lines.append(f"  {cat:13s} P={p:.2f} R={r:.2f} F1={f:.2f} (n={tp + fn})")
    return (sum(scores) / len(scores) if scores else 0.0), lines


def _truth(i: Item) -> str:
    return i.cluster or f"single:{i.id}"


def pair_scores(items: Sequence[Item], group: Callable[[Item], object]) -> tuple[float, ...]:
    """Pairwise P/R/F1 (and counts) of the grouping against the clusters."""
    truth = {frozenset((a.id, b.id)) for a, b in combinations(items, 2) if _truth(a) == _truth(b)}
    guess = {frozenset((a.id, b.id)) for a, b in combinations(items, 2) if group(a) == group(b)}
    hit = len(truth & guess)
    p, r, f = prf(hit, len(guess) - hit, len(truth) - hit)
    return p, r, f, hit, len(guess), len(truth)


def bcubed(items: Sequence[Item], group: Callable[[Item], object]) -> float:
    """B-cubed F1: per item, the share of its predicted group in its true cluster and back."""
    if not items:
        return 1.0
    precision = recall = 0.0
    for a in items:
        mine = [b for b in items if group(b) == group(a)]
        true = [b for b in items if _truth(b) == _truth(a)]
        both = sum(_truth(b) == _truth(a) for b in mine)
        precision += both / len(mine)
        recall += both / len(true)
    p, r = precision / len(items), recall / len(items)
    return 2 * p * r / (p + r) if p + r else 0.0


def story_of(i: Item) -> object:
    return i.story if i.story is not None else f"none:{i.id}"


def same_day(i: Item) -> object:
    return i.date


def show(name: str, items: Sequence[Item], verbose: bool) -> dict[str, float]:
    print(f"== {name}: {len(items)} items")
    print(relevance(items))
    macro, lines = categories([i for i in items if i.relevant])
    print(f"category macro-F1={macro:.3f} (primary category, gold-relevant items)")
    print("\n".join(lines))
    dated = [i for i in items if i.relevant and i.dated]
    out = {"macro": macro}
    for label, rule in (("stories", story_of), ("same-day", same_day)):
        p, r, f, hit, guess, truth = pair_scores(dated, rule)
        b = bcubed(dated, rule)
        print(
            f"{label:9s} pairs P={p:.3f} R={r:.3f} F1={f:.3f} ({hit} of {truth} true pairs,"
            f" {guess} predicted) B-cubed F1={b:.3f}  [{len(dated)} relevant dated items]"
        )
        out[label] = f
    if verbose:
        for i in items:
            if i.relevant != i.got_relevant:
                print(f"  relevance miss {i.id} [{i.language}] gold={i.relevant}: {i.title[:70]}")
            elif i.relevant and i.category != i.got_category:
                print(
                    f"  category miss {i.id} [{i.language}] {i.category} -> {i.got_category}:"
                    f" {i.title[:60]}"
                )
        by_cluster: dict[str, list[Item]] = {}
        for i in dated:
            by_cluster.setdefault(_truth(i), []).append(i)
        for cluster, members in sorted(by_cluster.items()):
            stories = {story_of(i) for i in members}
            if len(members) > 1 and len(stories) > 1:
                parts = ", ".join(f"{i.id}[{i.language}]->{i.story}" for i in members)
                print(f"  split {cluster}: {parts}")
        by_story: dict[object, list[Item]] = {}
        for i in dated:
            by_story.setdefault(story_of(i), []).append(i)
        for story, members in by_story.items():
            if len({_truth(i) for i in members}) > 1:
                parts = ", ".join(f"{i.id}:{_truth(i)}" for i in members)
                print(f"  merged story {story}: {parts}")
    return out


def main(argv: Iterable[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--threshold", type=float, default=None, help="story threshold override")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args(list(argv))
    if not args.corpus.exists():
        print(f"skipped: {args.corpus} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        items = list(run_production(args.corpus, Path(tmp), args.threshold).values())
    for half in ("even", "odd"):
        show(f"{half} ids", [i for i in items if i.half == half], args.verbose)
    show("all items", items, False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
