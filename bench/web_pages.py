"""Time the web pages with many articles stored: each route through a real uvicorn on 127.0.0.1.

Targets (issue 19): every page ≤ 200 ms with 100k articles stored, search ≤ 300 ms.
Run: .venv/bin/python bench/web_pages.py [--articles 100000] [--days 90] [--db URL] [--repeat 15]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from newswatch.categories import CATEGORIES
from newswatch.config import Settings
from newswatch.storage import ledger
from newswatch.storage.db import Database
from newswatch.storage.models import Article, Source, Story

SOURCES = [
    ("armenpress", "armenian", "AM", "en"),
    ("civilnet", "armenian", "AM", "hy"),
    ("apa", "azerbaijani", "AZ", "en"),
    ("report-az", "azerbaijani", "AZ", "az"),
    ("oc-media", "international", "GE", "en"),
    ("eurasianet", "international", "US", "en"),
    ("kavkaz", "russian", "RU", "ru"),
]
PLACES = ["Yerevan", "Baku", "Stepanakert", "Lachin", "Gabala", "Tavush", "Fuzuli", "Shusha"]
SENTENCES = [
    "Officials in {a} and {b} commented on the {cat} question on {day}.",
    "Members of parliament raised the {cat} issue again after the meeting in {a}.",
    "Observers in Tbilisi said further talks between {a} and {b} were expected within weeks.",
    "Lawyers and families of the detainees asked for access to the court in Baku.",
    "The border commissions of Armenia and Azerbaijan met to discuss delimitation near {a}.",
    "A spokesperson for the ministry declined to comment on the details of the {cat} talks.",
    "Deminers cleared farmland in {a} as displaced families prepared to return.",
    "The weather was mild across the region, and markets in {b} were calm.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def populate(db: Database, n: int, days: int, end: datetime, rng: random.Random) -> dict[str, int]:
    """``n`` articles over ``days`` days up to ``end``: stories of 1–8 reports, copies, digests
    for every day but the last (so the front page shows one day's news)."""
    start = end - timedelta(days=days)
    table = Article.__table__  # type: ignore[attr-defined]
    with db.session() as s:
        src_ids = []
        for name, side, country, lang in SOURCES:
            src = Source(
                name=name,
                url=f"https://{name}.example/feed",
                title=name.title(),
                language=lang,
                tags={"perspective": side, "country": country},
            )
            s.add(src)
            s.flush()
            src_ids.append((int(src.id or 0), lang))
    per_day = n // days
    article_id = 0
    biggest = (0, 0)
    for day in range(days):
        day_start = start + timedelta(days=day)
        with db.session() as s:
            stories = []
            for i in range(per_day // 4):
                cat = rng.choice(CATEGORIES)
                st = Story(
                    headline=f"Story {day}-{i} on {cat}",
                    primary_category=cat,
                    categories=[cat],
                    first_seen_at=day_start,
                    last_seen_at=day_start,
                )
                s.add(st)
                stories.append((st, cat))
            s.flush()
            rows = []
            originals: list[int] = []
            for i in range(per_day):
                article_id += 1
                st, cat = (
                    rng.choice(stories) if rng.random() < 0.7 else (None, rng.choice(CATEGORIES))
                )
                src, lang = rng.choice(src_ids)
                relevant = rng.random() < 0.55
                dup = rng.choice(originals) if originals and rng.random() < 0.1 else None
                a, b = rng.sample(PLACES, 2)
                text = "\n".join(
                    rng.choice(SENTENCES).format(a=a, b=b, cat=cat, day=rng.choice(DAYS))
                    for _ in range(10)
                )
                url = f"https://news.example/{day}/{i}"
                rows.append(
                    {
                        "id": article_id,
                        "url_hash": hashlib.sha256(url.encode()).hexdigest(),
                        "url": url,
                        "canonical_url": url,
                        "source_id": src,
                        "title": f"{a} and {b}: report {i} on {cat}",
                        "text": text,
                        "first_seen_at": day_start + timedelta(seconds=rng.randrange(86_000)),
                        "published_at": day_start + timedelta(seconds=rng.randrange(80_000)),
                        "language": lang,
                        "relevant": relevant,
                        "score": rng.random() if relevant else 0.0,
                        "primary_category": cat if relevant else None,
                        "categories": [cat] if relevant else [],
                        "reasons": [],
                        "entities": [],
                        "authors": [],
                        "meta": {},
                        "status": "new",
                        "duplicate_of": dup,
                        "story_id": (st.id if st is not None and relevant else None),
                    }
                )
                if dup is None:
                    originals.append(article_id)
            s.execute(sa.insert(table), rows)
            for st, _cat in stories:
                count = sum(1 for r in rows if r["story_id"] == st.id)
                st.article_count = count
                biggest = max(biggest, (count, int(st.id or 0)))
            if day < days - 1:
                cut = day_start + timedelta(days=1)
                digest = ledger.open_digest(
                    s, label=cut.date().isoformat(), window_end=cut, created_at=cut
                )
                digest.kind = "daily"
                digest.window_start = day_start
                ledger.claim_entries(
                    s,
                    digest,
                    [
                        (r["id"], r["story_id"], "new" if r["relevant"] else "offtopic")
                        for r in rows
                    ],
                )
                ledger.mark_stories_reported(s, [st.id for st, _c in stories], cut)
                ledger.finish_digest(
                    s, digest, files={}, counts={"title": f"Digest {digest.label}"}
                )
        if day % 10 == 0:
            print(f"  day {day + 1}/{days}: {article_id} articles", file=sys.stderr)
    if db.dialect == "postgresql":
        with db.engine.begin() as c:
            c.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('articles','id'), (SELECT max(id) FROM articles))"
                )
            )
            c.execute(sa.text("ANALYZE"))
    return {
        "story": biggest[1],
        "article": article_id // 2,
        "label": (end - timedelta(days=1)).date().isoformat(),
    }


def timed(url: str, repeat: int) -> tuple[float, float, float, int]:
    """(first ms, median ms, slowest ms, bytes): the first GET, then ``repeat`` more."""
    t = time.perf_counter()
    urllib.request.urlopen(url, timeout=60).read()
    first = (time.perf_counter() - t) * 1000
    times = []
    size = 0
    for _ in range(repeat):
        t = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as resp:
            size = len(resp.read())
        times.append((time.perf_counter() - t) * 1000)
    return first, statistics.median(times), max(times), size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    try:
        from newswatch.web.app import create_app
        from newswatch.web.server import Background
    except ModuleNotFoundError as exc:
        print(f"skipped: the web extra is not installed ({exc.name})")
        return
    tmp = Path(tempfile.mkdtemp(prefix="nw-web-bench-"))
    db = Database.open(args.db or f"sqlite:///{tmp / 'bench.db'}")
    end = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    settings = Settings.model_validate(
        {"default_feeds": False, "digest": {"output_dir": str(tmp / "out")}}
    )
    t = time.perf_counter()
    ids = populate(db, args.articles, args.days, end, random.Random(19))
    print(f"stored {args.articles} articles in {time.perf_counter() - t:.0f} s ({db.dialect})")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    now = end + timedelta(hours=1)
    from newswatch.web.pages import warm_up

    t = time.perf_counter()
    warm_up(settings, db, now)  # what `serve` and `run` do beside starting the server
    print(f"warm-up at start (front page and latest digest): {time.perf_counter() - t:.1f} s")
    server = Background(
        settings, db, "127.0.0.1", port, app=create_app(settings, db, clock=lambda: now)
    )
    server.start()
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("front page (next digest)", "/", 200),
        ("digest archive", "/digests/", 200),
        ("one digest", f"/digests/{ids['label']}", 200),
        ("story (largest)", f"/stories/{ids['story']}", 200),
        ("article", f"/articles/{ids['article']}", 200),
        ("feeds", "/feeds", 200),
        ("atom of a category", "/feed.atom?category=detainees", 200),
        ("search: one word", "/search?q=Stepanakert", 300),
        (
            "search: two words + filters",
            "/search?q=border+commissions&side=azerbaijani&relevant=1",
            300,
        ),
        ("search: page 5", "/search?q=Baku&page=5", 300),
        ("search: filters only", "/search?category=heritage&language=hy&since=2026-11-01", 300),
        ("atom of a search", "/feed.atom?q=Lachin&category=displacement", 300),
    ]
    print(f"{'page':34} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'KB':>6}  target (median)")
    worst = 0.0
    try:
        for name, path, target in pages:
            first, median, slowest, size = timed(base + path, args.repeat)
            ok = "ok" if median <= target else "OVER"
            worst = max(worst, median / target)
            print(
                f"{name:34} {first:9.1f} {median:10.1f} {slowest:8.1f} {size / 1024:6.1f}  ≤{target} {ok}"
            )
        # the steady state of the front page: one report arrives, the page is made again with
        # the other reports' explanations kept
        with db.session() as s:
            s.execute(
                sa.text(
                    "UPDATE articles SET first_seen_at = first_seen_at WHERE id = (SELECT max(id) FROM articles)"
                )
            )
            src = s.scalar(sa.select(Source.id).limit(1))
            s.add(
                Article(
                    url_hash="x" * 64,
                    url="https://news.example/new",
                    canonical_url="https://news.example/new",
                    source_id=src,
                    title="Baku and Yerevan: a new report",
                    text="Officials in Baku spoke.",
                    first_seen_at=now - timedelta(minutes=1),
                    relevant=True,
                    score=0.9,
                    primary_category="diplomacy",
                    categories=["diplomacy"],
                )
            )
        first, _m, _x, _size = timed(base + "/", 1)
        print(f"{'front page after a new report':34} {first:9.1f}")
    finally:
        server.stop()
        db.close()
    print(f"worst page at {worst:.0%} of its target")


if __name__ == "__main__":
    main()
