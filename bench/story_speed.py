"""Story assignment time per article with a large store (issue 14: <= 5 ms at 100k stored).

Builds a SQLite store of ``--stored`` synthetic relevant reports in stories of 1-5 reports,
spread over ``--days`` (bulk rows through SQLAlchemy Core: a 100k store takes about a minute,
not the hours that judging and ingesting 100k texts would), then times the production step —
``StoryLinker.prepare`` (choose a story) and ``StoryLinker.link`` (store the choice) — for
``--queries`` new reports at the end of the period: half reworded reports of an open story,
half fresh ones. Prints ms/article p50/p95/max in wall time and in CPU time (the machine's other
load inflates wall time), and how many reworded reports joined an open story.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout too
from newswatch.config import DedupConfig
from newswatch.dedup.features import StoryFeatures
from newswatch.storage.db import Database
from newswatch.storage.models import Article, Story
from newswatch.storylink import StoryLinker, features

CATEGORIES = ["resolutions", "detainees", "peace-treaty", "diplomacy", "security", "humanitarian"]
KINDS = ["place", "person", "org"]
ACTS = ["verdict", "release", "resolution", "reply", "shooting", "talks", "explosion"]
START = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 5_000


def _word(i: int) -> str:
    """A distinct letters-only word for each number."""
    out = "w"
    while True:
        i, r = divmod(i, 26)
        out += chr(ord("a") + r)
        if not i:
            return out + "x"


class World:
    """Synthetic vocabulary, entities and developments with Zipf-like frequencies."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # letters only: digits inside words would read as figures ("w123x" -> 123)
        self.words = [_word(i) for i in range(20_000)]
        # cumulative weights: random.choices would otherwise sum 20k weights on every call
        self.word_cum = list(accumulate(1.0 / (i + 1) for i in range(len(self.words))))
        self.entities = [f"{KINDS[i % 3]}:e{i}" for i in range(400)]
        self.entity_cum = list(accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(self.entities))))

    def development(self) -> tuple[list[str], list[str], list[str]]:
        """(its key words, entities, categories) that every report of it shares in part."""
        rng = self.rng
        words = rng.choices(self.words, cum_weights=self.word_cum, k=12)
        ents = list(dict.fromkeys(rng.choices(self.entities, cum_weights=self.entity_cum, k=4)))
        ents.append(f"act:{rng.choice(ACTS)}")
        return words, ents, rng.sample(CATEGORIES, rng.randint(1, 2))

    def report(self, dev: tuple[list[str], list[str], list[str]]) -> tuple[str, str, list[str]]:
        """(title, lead, entities) of one report of a development."""
        rng = self.rng
        words, ents, _ = dev
        own = rng.sample(words, 8) + rng.choices(self.words, cum_weights=self.word_cum, k=60)
        rng.shuffle(own)
        title = " ".join(
            rng.sample(words, 4) + rng.choices(self.words, cum_weights=self.word_cum, k=3)
        )
        return title, " ".join(own), [e for e in ents if rng.random() < 0.8]


def build(db: Database, world: World, stored: int, days: int, *, write: bool = True) -> list[tuple]:
    """Fill the store; the developments open at its end (for reworded queries)."""
    rng = world.rng
    span = timedelta(days=days).total_seconds()
    articles: list[dict] = []
    stories: list[dict] = []
    recent: list[tuple] = []
    aid = sid = 0
    while aid < stored:
        dev = world.development()
        sid += 1
        t0 = START + timedelta(seconds=span * aid / stored)
        n = min(rng.randint(1, 5), stored - aid)
        ents: dict[str, int] = {}
        for k in range(n):
            aid += 1
            title, text, e = world.report(dev)
            for x in e:
                ents[x] = ents.get(x, 0) + 1
            when = t0 + timedelta(hours=k * rng.random() * 6)
            articles.append(_article_row(aid, title, text, when, dev[2], e) | {"story_id": sid})
        stories.append(
            {
                "id": sid,
                "headline": articles[-n]["title"],
                "lead_article_id": aid - n + 1,
                "primary_category": dev[2][0],
                "categories": dev[2],
                "entities": ents,
                "first_seen_at": t0,
                "last_seen_at": articles[-1]["published_at"],
                "article_count": n,
            }
        )
        if aid > stored - 2_000:
            recent.append(dev)
        if len(articles) >= CHUNK or not write:
            if write:
                _flush(db, articles, stories)
            articles.clear()
            stories.clear()
    _flush(db, articles, stories)
    return recent


def _article_row(
    aid: int, title: str, text: str, when: datetime, categories: list[str], entities: list[str]
) -> dict[str, object]:
    """An ``articles`` row of a relevant original report."""
    url = f"https://x.test/{aid}"
    return {
        "id": aid,
        "url_hash": f"h{aid}",
        "url": url,
        "canonical_url": url,
        "title": title,
        "text": text,
        "published_at": when,
        "first_seen_at": when,
        "language": "en",
        "relevant": True,
        "categories": categories,
        "primary_category": categories[0],
        "entities": entities,
        "authors": [],
        "reasons": [],
        "meta": {},
        "status": "new",
    }


def _flush(db: Database, articles: list[dict], stories: list[dict]) -> None:
    if not stories:
        return  # an empty executemany would insert one row of defaults
    with db.session() as s:
        s.connection().execute(Story.__table__.insert(), stories)  # type: ignore[attr-defined]
        s.connection().execute(Article.__table__.insert(), articles)  # type: ignore[attr-defined]
    articles.clear()
    stories.clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60, help="period the store covers")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile the timed step")
    parser.add_argument("--sort", default="cumulative", help="profile order (cumulative, tottime)")
    parser.add_argument("--keep", type=Path, help="copy the built store here (before queries)")
    parser.add_argument("--copy-of", type=Path, help="query a copy of a store kept before")
    args = parser.parse_args()
    world = World(random.Random(args.seed))
    cfg = DedupConfig()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stories.db"
        if args.copy_of:
            shutil.copy(args.copy_of, path)  # a store built before: only the queries run
        db = Database.open(f"sqlite:///{path}")
        t = time.perf_counter()
        recent = build(db, world, args.stored, args.days, write=not args.copy_of)
        print(
            f"built {args.stored} stored reports over {args.days} days"
            f" in {time.perf_counter() - t:.1f} s"
        )
        if args.keep:
            shutil.copy(path, args.keep)
        linker = StoryLinker(threshold=cfg.story_threshold, window=cfg.story_window)
        end = START + timedelta(days=args.days)
        times: list[float] = []
        cpu_times: list[float] = []  # what the step costs, whatever else the machine runs
        prof = None
        if args.profile:
            import cProfile

            prof = cProfile.Profile()
        found = asked = 0
        next_id = args.stored + 1
        rng = world.rng
        for q in range(args.queries):
            reworded = q % 2 == 0
            dev = rng.choice(recent) if reworded else world.development()
            title, text, ents = world.report(dev)
            when = end + timedelta(minutes=q)
            with db.session() as s:
                s.connection().execute(
                    Article.__table__.insert(),  # type: ignore[attr-defined]
                    [_article_row(next_id, title, text, when, dev[2], ents)],
                )
                feats: StoryFeatures = features(
                    next_id, title, text, "en", when, when, dev[2], ents, None
                )
                if prof is not None and q >= 20:
                    prof.enable()
                t, cpu = time.perf_counter(), time.process_time()
                prepared = linker.prepare(s, feats)
                story = linker.link(
                    s, next_id, feats, relevant=True, original=None, prepared=prepared
                )
                times.append((time.perf_counter() - t) * 1000)
                cpu_times.append((time.process_time() - cpu) * 1000)
                if prof is not None:
                    prof.disable()
            linker.stored(next_id)
            next_id += 1
            if reworded:
                asked += 1
                found += prepared.story_id is not None and story == prepared.story_id
        for label, values in (("wall", times), ("cpu", cpu_times)):
            warm = sorted(values[20:])  # the first few read the statistics' window
            p50, p95 = warm[len(warm) // 2], warm[int(len(warm) * 0.95)]
            print(
                f"story assignment with {args.stored} stored ({label}): p50={p50:.2f}"
                f" ms/article p95={p95:.2f} ms/article max={warm[-1]:.2f} ms"
                f" (first={values[0]:.0f} ms; {len(warm)} timed)"
            )
        print(f"reworded reports that joined an open story: {found}/{asked}")
        if prof is not None:
            import pstats

            pstats.Stats(prof).sort_stats(args.sort).print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
