"""Ingest cost and story quality of the full judge → dedup → store path on SQLite.

1. Quality: the labelled story sets go through Ingestor in time order (categories and entities
   from the judge, not the labels); pairwise precision/recall/F1 of the stored story_id groups.
2. Speed: N synthetic articles into a fresh SQLite file, ms per article end to end and per
   stage, for a feed-like mix (judge dev items retold, a third off-topic) and a dense worst
   case (every article on-topic, all built from the same sentences); every fifth is a copy.
3. Near-duplicate lookup (band query + confirmation) with the band rows stored by step 2.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.evaluation.dedup import LabelledArticle, load_labelled, pairwise_scores
from newswatch import storylink
from newswatch.config import DedupConfig
from newswatch.dedup.stories import DEFAULT_THRESHOLD
from newswatch.ingest import MIN_SKETCH_WORDS, Ingestor, RawArticle, cached_judge, signature_text
from newswatch.storage import articles as store
from newswatch.storage.db import Database
from newswatch.storage.models import Article

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "stories"
JUDGE_DEV = DATA.parent / "judge" / "dev.jsonl"


class Clock:
    """A settable clock, so first_seen follows the labelled publication times."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def quality(paths: list[Path], tmp: Path, threshold: float) -> None:
    items: list[LabelledArticle] = load_labelled(paths)
    items.sort(key=lambda a: a.features.when)
    db = Database.open(f"sqlite:///{tmp / f'quality-{len(items)}-{threshold}.db'}")
    clock = Clock()
    ing = Ingestor(
        db, cached_judge(None, ()), dedup=DedupConfig(story_threshold=threshold), clock=clock
    )
    ids: dict[int, str] = {}
    for a in items:
        f = a.features
        clock.now = f.when
        raw = RawArticle(
            url=f"https://{f.source}/{f.article_id}",
            title=f.title,
            text=f.text,
            source=f.source,
            published=f.published,
            language=f.language,
        )
        res = ing.ingest(raw)
        if res.article_id is not None:
            ids[res.article_id] = str(f.article_id)
    with db.session() as s:
        rows = [(a.id, a.story_id, bool(a.relevant)) for a in s.query(Article)]
    labels: dict[int | str, str] = {str(a.features.article_id): a.story for a in items}
    relevant = {ids[i] for i, _, rel in rows if rel}
    name = ",".join(p.parent.name + "/" + p.name for p in paths)
    print(
        f"quality threshold={threshold:.2f} {name}: {len(items)} articles, {len(relevant)} relevant"
    )
    # Off-topic reports get no story by design: the second line scores grouping alone.
    for label, keep in (("all", set(labels)), ("judged relevant", relevant)):
        groups: dict[object, list[int | str]] = {}
        for art_id, story_id, _ in rows:
            if ids[art_id] in keep:
                key = story_id if story_id is not None else f"a{art_id}"
                groups.setdefault(key, []).append(ids[art_id])
        sub = {k: v for k, v in labels.items() if k in keep}
        sc = pairwise_scores(list(groups.values()), sub)
        print(
            f"  {label:>15}: {len(groups)} stories (true {len(set(sub.values()))}) "
            f"P={sc.precision:.3f} R={sc.recall:.3f} F1={sc.f1:.3f}"
        )
    db.close()


def synthetic(n: int, seed: int = 5) -> list[RawArticle]:
    """Dense worst case: every article on-topic and built from the same labelled sentences."""
    sentences = [
        line.strip()
        for a in load_labelled(DATA.glob("*.yaml"))
        for line in a.features.text.replace(". ", ".\n").splitlines()
        if len(line.split()) > 6
    ]
    rng = random.Random(seed)
    out: list[RawArticle] = []
    start = datetime(2025, 3, 1, tzinfo=UTC)
    for i in range(n):
        when = start + timedelta(minutes=7 * i)
        if i % 5 == 4 and out:
            orig = rng.choice(out[-200:])
            words = orig.text.split()
            cut = int(len(words) * 0.92)
            text = "By staff writers. " + " ".join(words[:cut])
            title = "Update: " + orig.title
        else:
            body = rng.sample(sentences, 18)
            body.append(f"Officials counted {rng.randint(100, 99999)} cases by day {i}.")
            text = " ".join(body)
            title = " ".join(body[0].split()[:9])
        out.append(
            RawArticle(
                url=f"https://s{i % 40}.example/n/{i}",
                title=title,
                text=text,
                source=f"s{i % 40}",
                published=when,
                language="en",
            )
        )
    return out


def feed_mix(n: int, seed: int = 5) -> list[RawArticle]:
    """A feed-like mix from the judge's dev set (38% off-topic) over ten days.

    Each article retells one dev item (sentences shuffled, one dropped, figures changed) and
    every fifth is an agency copy of an earlier article, so stories form as they do in feeds.
    """
    items = [json.loads(line) for line in JUDGE_DEV.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    out: list[RawArticle] = []
    start = datetime(2025, 3, 1, tzinfo=UTC)
    for i in range(n):
        when = start + timedelta(days=10) * i / n
        if i % 5 == 4 and out:
            orig = rng.choice(out[-100:])
            title, text, lang = (
                "Agency: " + orig.title,
                "By staff writers. " + orig.text,
                orig.language,
            )
        else:
            item = rng.choice(items)
            parts = item["text"].replace(". ", ".\n").splitlines()
            rng.shuffle(parts)
            parts = [
                *parts[: max(1, len(parts) - 1)],
                f"The figure cited was {rng.randint(10, 9999)}.",
            ]
            title, text, lang = item["title"], " ".join(parts), item["language"]
        out.append(
            RawArticle(
                url=f"https://s{i % 60}.example/n/{i}",
                title=title,
                text=text,
                source=f"s{i % 60}",
                published=when,
                language=lang,
            )
        )
    return out


def speed(n: int, tmp: Path, workload: str) -> None:
    batch = synthetic(n) if workload == "dense" else feed_mix(n)
    print(f"workload {workload}:")
    db = Database.open(f"sqlite:///{tmp / f'speed-{workload}.db'}")
    ing = Ingestor(db, cached_judge(None, ()))
    judge_s = sig_s = 0.0
    for raw in batch[:300]:  # stage costs measured apart on a sample
        t0 = time.perf_counter()
        ing.judge.judge(raw.title, raw.text, raw.language)
        t1 = time.perf_counter()
        ing.hasher.signature(signature_text(raw.title, raw.text))
        sig_s += time.perf_counter() - t1
        judge_s += t1 - t0
    statuses: dict[str, int] = {}
    timed = _time_calls(storylink, "best_story")
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for raw in batch:
        st = ing.ingest(raw).status
        statuses[st] = statuses.get(st, 0) + 1
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    with db.session() as s:
        stories = s.execute(store.sa.text("SELECT count(*) FROM stories")).scalar()
        bands = s.execute(store.sa.text("SELECT count(*) FROM article_bands")).scalar()
    per = wall / n * 1000
    print(
        f"ingest {n} articles: {per:.2f} ms/article wall ({n / wall:.0f}/s), "
        f"{cpu / n * 1000:.2f} ms CPU; judge {judge_s / 300 * 1000:.2f} ms, "
        f"signature {sig_s / 300 * 1000:.2f} ms, story scoring {timed[0] / n * 1000:.2f} ms; "
        f"stories {stories}; {statuses}"
    )
    lookups(db, ing, batch, bands or 0)
    db.close()


def _time_calls(module: object, name: str) -> list[float]:
    """Wrap module.name to add up the wall time spent in it (bench-only instrumentation)."""
    spent = [0.0]
    inner = getattr(module, name)

    def timed(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    setattr(module, name, timed)
    return spent


def lookups(db: Database, ing: Ingestor, batch: list[RawArticle], bands: int) -> None:
    rng = random.Random(3)
    queries = []
    # Texts too short to sketch are never looked up (MIN_SKETCH_WORDS), so they are not queried.
    long_enough = [r for r in batch if len(r.text.split()) >= MIN_SKETCH_WORDS]
    for raw in rng.sample(long_enough, min(200, len(long_enough))):
        words = raw.text.split()
        queries.append(ing.hasher.signature(" ".join(words[: int(len(words) * 0.95)])))
    found = 0
    t0 = time.perf_counter()
    with db.session() as s:
        for sig in queries:
            found += ing._near_duplicate(s, ing.hasher.band_hashes(sig), sig) is not None
    ms = (time.perf_counter() - t0) / len(queries) * 1000
    print(
        f"near-duplicate lookup at {bands} band rows: {ms:.2f} ms/query, edited copies found {found}/{len(queries)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5000, help="synthetic articles for the speed run")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--workload",
        nargs="+",
        choices=["mix", "dense"],
        default=["mix", "dense"],
        help="speed workloads: a feed-like mix, and the dense all-on-topic worst case",
    )
    parser.add_argument(
        "--story-threshold",
        type=float,
        nargs="+",
        default=[DEFAULT_THRESHOLD],
        help="story thresholds for the quality run (default: the one threshold of production)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not args.skip_quality:
            for threshold in args.story_threshold:
                quality(sorted(DATA.glob("*.yaml")), tmp, threshold)
                quality(sorted((DATA / "holdout").glob("*.yaml")), tmp, threshold)
        for workload in args.workload:
            speed(args.n, tmp, workload)


if __name__ == "__main__":
    main()
