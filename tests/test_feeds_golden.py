"""Golden files: every sample feed → the entries it yields (warnings masked to true/false).

Regenerate after a deliberate parser change with NEWSWATCH_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newswatch.crawler.parsing import parse_source

FEEDS = Path(__file__).parent / "data" / "feeds"
GOLDEN = FEEDS / "golden"
SAMPLES = sorted(p for p in FEEDS.iterdir() if p.suffix in (".xml", ".json"))


def _snapshot(path: Path) -> dict:
    kind = "json" if path.suffix == ".json" else "rss"
    parsed = parse_source(kind, path.read_bytes(), f"http://wire.test/feeds/{path.name}")
    return {
        "error": parsed.error,
        "warning": parsed.warning is not None,
        "title": parsed.title,
        "entries": [
            {
                "url": e.url,
                "guid": e.guid,
                "title": e.title,
                "summary": e.summary,
                "published": e.published.isoformat() if e.published else None,
            }
            for e in parsed.entries
        ],
    }


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_feed_matches_golden(path: Path):
    golden = GOLDEN / f"{path.stem}.json"
    snap = _snapshot(path)
    if os.environ.get("NEWSWATCH_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(snap, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert snap == json.loads(golden.read_text(encoding="utf-8"))
