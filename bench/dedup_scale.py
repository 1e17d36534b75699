"""Candidate lookup time and memory with N stored signatures held as LSH band rows in SQLite.

Stored population: `--planted` real MinHash signatures of synthetic texts, plus random band
hashes/signatures for the rest (band hashes of distinct texts are uniformly spread 63-bit
values, so random rows load the index exactly as real ones would, at a fraction of the cost).
Queries: edited copies of planted texts (must be found) and fresh texts (should find nothing).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout too
from newswatch.dedup import MinHasher

SCHEMA = """
CREATE TABLE article_sig (article_id INTEGER PRIMARY KEY, sig BLOB NOT NULL);
CREATE TABLE band (
    band INTEGER NOT NULL, hash INTEGER NOT NULL, article_id INTEGER NOT NULL,
    PRIMARY KEY (band, hash, article_id)
) WITHOUT ROWID;
"""
CHUNK = 20_000


def synthetic_text(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    return " ".join(rng.choices(vocab, weights, k=rng.randint(150, 450)))


def edited(text: str, rng: random.Random) -> str:
    words = text.split()
    cut = int(len(words) * 0.9)  # drop the last tenth, add a byline, swap two words
    words = ["By", "staff", "writers", *words[:cut]]
    i = rng.randrange(3, len(words) - 1)
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def fill(db: sqlite3.Connection, hasher: MinHasher, n: int, planted: dict[int, np.ndarray]) -> None:
    gen = np.random.default_rng(11)
    for start in range(0, n, CHUNK):
        ids = np.arange(start, min(n, start + CHUNK))
        bands = gen.integers(0, 2**63, size=(len(ids), hasher.bands), dtype=np.int64)
        sigs = gen.integers(0, 2**32, size=(len(ids), hasher.num_perm), dtype=np.uint32)
        rows = []
        sig_rows = []
        for k, art in enumerate(ids.tolist()):
            if art in planted:
                rows.extend((b, h, art) for b, h in hasher.band_hashes(planted[art]))
                sig_rows.append((art, hasher.to_bytes(planted[art])))
            else:
                rows.extend((b, int(h), art) for b, h in enumerate(bands[k].tolist()))
                sig_rows.append((art, sigs[k].astype("<u4").tobytes()))
        db.executemany("INSERT INTO article_sig VALUES (?, ?)", sig_rows)
        rows.sort()  # key order keeps B-tree inserts local
        db.executemany("INSERT INTO band VALUES (?, ?, ?)", rows)
        db.commit()


def lookup(db: sqlite3.Connection, hasher: MinHasher, sig: np.ndarray) -> list[int]:
    """Storage's query: candidates sharing any band, then confirmation on the stored signature."""
    bands = hasher.band_hashes(sig)
    params = [x for pair in bands for x in pair]
    # SQLite 3.40 answers "(band, hash) IN (VALUES ...)" with a full table scan (~200 ms at
    # 100k articles); an OR of equalities is planned as one primary-key search per band.
    where = " OR ".join("(band = ? AND hash = ?)" for _ in bands)
    sql = f"SELECT DISTINCT article_id FROM band WHERE {where}"
    found = [r[0] for r in db.execute(sql, params)]
    confirmed = []
    for art in found:
        (blob,) = db.execute("SELECT sig FROM article_sig WHERE article_id = ?", (art,)).fetchone()
        if hasher.is_near_duplicate(sig, hasher.from_bytes(blob)):
            confirmed.append(art)
    return confirmed


def rss_mb() -> float:
    """Current resident set size of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(path: Path, n: int, planted: dict[int, np.ndarray]) -> None:
    db = sqlite3.connect(path)
    # Build-only settings (a 512 MB page cache): the lookup side below runs with defaults.
    db.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-524288;" + SCHEMA
    )
    fill(db, MinHasher(), n, planted)
    db.close()


def run(n: int, n_planted: int, n_queries: int, workdir: Path) -> None:
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(20_000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]  # Zipf-like word frequencies
    hasher = MinHasher()
    planted_ids = rng.sample(range(n), n_planted)
    texts = {i: synthetic_text(rng, vocab, weights) for i in planted_ids}
    planted = {i: hasher.signature(t) for i, t in texts.items()}
    path = workdir / f"bands_{n}.sqlite"
    t0 = time.perf_counter()
    # Built in a child process so the figures below are those of a process that only looks up.
    child = multiprocessing.get_context("fork").Process(target=build, args=(path, n, planted))
    child.start()
    child.join()
    build_s = time.perf_counter() - t0
    before = rss_mb()
    db = sqlite3.connect(path)  # default page cache, as storage would have
    queries = [(i, edited(texts[i], rng)) for i in planted_ids[: n_queries // 2]]
    queries += [(None, synthetic_text(rng, vocab, weights)) for _ in range(n_queries // 2)]
    sig_time = lookup_time = 0.0
    found = missed = false_hits = 0
    for expected, text in queries:
        t1 = time.perf_counter()
        sig = hasher.signature(text)
        t2 = time.perf_counter()
        got = lookup(db, hasher, sig)
        lookup_time += time.perf_counter() - t2
        sig_time += t2 - t1
        if expected is None:
            false_hits += bool(got)
        elif expected in got:
            found += 1
        else:
            missed += 1
    size_mb = path.stat().st_size / 2**20
    print(
        f"N={n:>9,} ({hasher.bands} bands x {hasher.rows} rows)  build {build_s:6.1f} s  "
        f"db {size_mb:7.1f} MB  lookup {lookup_time / len(queries) * 1000:.3f} ms/article  "
        f"signature {sig_time / len(queries) * 1000:.3f} ms/article  "
        f"RSS {rss_mb():.0f} MB (+{rss_mb() - before:.1f} during lookups)  "
        f"found {found}/{found + missed} edited copies, {false_hits}/{n_queries // 2} "
        "fresh texts with a false hit",
        flush=True,
    )
    db.close()
    os.unlink(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--planted", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in args.sizes:
            run(n, min(args.planted, n), args.queries, Path(tmp))


if __name__ == "__main__":
    main()
