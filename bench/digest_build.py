"""Time building a digest: claim + render of N articles, re-render, email assembly, summary quality.

Run: /work/venv/bin/python bench/digest_build.py [--articles 3000] [--db URL]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newswatch.categories import CATEGORIES
from newswatch.config import Settings
from newswatch.digests import recorded, render, service
from newswatch.digests.mail import build_message, subject_for
from newswatch.storage.articles import insert_article
from newswatch.storage.db import Database
from newswatch.storage.models import Source, Story

T0 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
SOURCES = [
    ("armenpress", "armenian", "AM"),
    ("apa", "azerbaijani", "AZ"),
    ("oc-media", "international", "GE"),
    ("civilnet", "armenian", "AM"),
    ("report-az", "azerbaijani", "AZ"),
    ("eurasianet", "international", "US"),
]
SENTENCES = [
    "Officials in Yerevan and Baku commented on the development on {day}.",
    "The {cat} issue was raised again by members of parliament.",
    "Observers in Tbilisi said further talks on the {cat} question were expected.",
    "The weather was mild across the region.",
    "A spokesperson declined to comment on details.",
    "Lawyers and families of the detainees asked for access to the court.",
]


def populate(db: Database, n: int, rng: random.Random) -> None:
    with db.session() as s:
        src_ids = []
        for name, persp, country in SOURCES:
            src = Source(
                name=name,
                url=f"https://{name}.example/feed",
                title=name.title(),
                tags={"perspective": persp, "country": country},
            )
            s.add(src)
            s.flush()
            src_ids.append(src.id)
        stories = []
        for i in range(n // 4):
            cat = rng.choice(CATEGORIES)
            st = Story(headline=f"Story {i} about {cat}", primary_category=cat, categories=[cat])
            s.add(st)
            s.flush()
            stories.append((st.id, cat))
        originals: list[int] = []
        for i in range(n):
            story_id, cat = (
                rng.choice(stories) if rng.random() < 0.6 else (None, rng.choice(CATEGORIES))
            )
            dup = rng.choice(originals) if originals and rng.random() < 0.15 else None
            text = " ".join(rng.choice(SENTENCES).format(day="Monday", cat=cat) for _ in range(8))
            url = f"https://news.example/{i}"
            new_id = insert_article(
                s,
                {
                    "url_hash": hashlib.sha256(url.encode()).hexdigest(),
                    "url": url,
                    "canonical_url": url,
                    "source_id": rng.choice(src_ids),
                    "title": f"Report {i} on {cat} in Karabakh",
                    "text": text,
                    "first_seen_at": T0 + timedelta(seconds=rng.randrange(86_000)),
                    "relevant": rng.random() < 0.8,
                    "score": rng.random(),
                    "primary_category": cat,
                    "categories": [cat],
                    "reasons": [f"terms: {cat}"],
                    "duplicate_of": dup,
                    "story_id": story_id,
                    "authors": [],
                    "entities": [],
                    "meta": {},
                },
            )
            if new_id is not None and dup is None:
                originals.append(new_id)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nw-bench-"))
    db = Database.open(args.db or f"sqlite:///{tmp / 'bench.db'}")
    settings = Settings.model_validate(
        {
            "default_feeds": False,
            "digest": {"output_dir": str(tmp / "out"), "recipients": ["desk@example.org"]},
        }
    )
    populate(db, args.articles, random.Random(7))

    t = time.perf_counter()
    result = service.build_digest(settings, db, cutoff=T0 + timedelta(days=1))
    build_s = time.perf_counter() - t
    assert result is not None
    t = time.perf_counter()
    again = service.build_digest(settings, db, cutoff=T0 + timedelta(days=1))
    rerender_s = time.perf_counter() - t
    assert again is not None and not again.created
    with db.session() as s:
        from newswatch.storage import ledger

        digest = ledger.get_digest(s, result.digest_id)
        view = recorded.view_of(settings, s, digest)
    t = time.perf_counter()
    html = render.render_html(view)
    msg = build_message(
        settings.digest,
        subject=subject_for(settings.digest, view.label, view.kind),
        text=render.render_text(view),
        html=html,
        now=T0,
    )
    mail_s = time.perf_counter() - t
    entries = sum(len(sec.entries) for sec in view.sections) + len(view.updates)
    summarised = sum(1 for sec in view.sections for e in sec.entries if e.summary)
    print(f"articles                 {args.articles}")
    print(f"entries (stories)        {entries}  in {len(view.sections)} sections")
    print(
        f"claim + render           {build_s * 1000:8.1f} ms  ({build_s / args.articles * 1e6:.0f} µs/article)"
    )
    print(f"re-render from ledger    {rerender_s * 1000:8.1f} ms")
    print(
        f"email (inline CSS)       {mail_s * 1000:8.1f} ms  ({len(msg.as_bytes()) / 1024:.0f} KiB)"
    )
    print(f"html file                {result.files['html'].stat().st_size / 1024:8.1f} KiB")
    print(f"entries with a summary   {summarised}/{entries - len(view.updates)}")
    db.close()


if __name__ == "__main__":
    main()
