"""Articles per second of the default judge on one core for ~5,000-character texts."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.evaluation.judge import read_labelled
from newswatch.judge import Judge
from newswatch.judge.normalise import tokens

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "judge" / "dev.jsonl"


def articles(
    n: int, only_off_topic: bool = False, size: int = 5000, seed: int = 7
) -> list[tuple[str, str]]:
    """Build n texts of about `size` characters by shuffling dev-set paragraphs."""
    items = [i for i in read_labelled(DATA) if not (only_off_topic and i["relevant"])]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        picked = rng.sample(items, 20)
        text = "\n\n".join(i["text"] for i in picked)
        while len(text) < size:
            text += "\n\n" + rng.choice(items)["text"]
        out.append((picked[0]["title"], text[:size]))
    return out


def rate(batch: list[tuple[str, str]], work: Callable[[str, str], object]) -> tuple[float, float]:
    """Articles/s by CPU time and by wall clock, best of three runs."""
    cpu = wall = float("inf")
    for _ in range(3):
        # CPU time of this process: a busy shared machine does not count against the judge.
        t0, w0 = time.process_time(), time.perf_counter()
        for title, text in batch:
            work(title, text)
        cpu = min(cpu, time.process_time() - t0)
        wall = min(wall, time.perf_counter() - w0)
    return len(batch) / cpu, len(batch) / wall


def main() -> None:
    """Time judging after a warm-up pass over different texts."""
    t0 = time.perf_counter()
    judge = Judge.load()
    print(f"load {(time.perf_counter() - t0) * 1000:.0f} ms")
    for title, text in articles(50, seed=1):
        judge.judge(title, text)
    seeds = judge._seeds
    mixed = articles(1000)
    rates = {}
    for name, batch in [("mixed news", mixed), ("off-topic news", articles(1000, True))]:
        cpu, wall = rate(batch, judge.judge)
        rates[name] = cpu
        print(
            f"{name:16s} {cpu:6.0f} articles/s CPU  {wall:6.0f} articles/s wall  "
            f"({len(batch)} x {len(batch[0][1])} chars)"
        )
    # The judge skips seed similarity when the lexicon has decided; its worst case pays for it
    # on every article.
    token_lists = [tokens(title) + tokens(text) for title, text in mixed]
    t0 = time.process_time()
    for toks in token_lists:
        seeds.similarity(toks)
    similarity = (time.process_time() - t0) / len(token_lists)
    worst = 1 / rates["mixed news"] + similarity
    print(f"similarity step {similarity * 1000:.2f} ms; worst case {1 / worst:.0f} articles/s CPU")


if __name__ == "__main__":
    main()
