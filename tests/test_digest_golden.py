"""The plain-text digest of a fixed set of reports, compared line by line with the expected text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from newswatch.digests import service
from newswatch.storage.db import Database
from tests.plugins.digest_fixtures import T0, News, make_settings

EXPECTED = """\
Daily digest: 2026-11-21
========================
Reports first seen 20 Nov 2026, 11:00 – 21 Nov 2026, 11:00 (Asia/Yerevan)

1 new story, 1 update · Parliamentary resolutions: 1 · 0 sources polled

PARLIAMENTARY RESOLUTIONS (1)

* Parliament backs resolution on Armenian detainees
  https://armenpress.example/news/2
  Deputies voted to call for the release of Armenian detainees held in Baku.
  The resolution also asks for access for international observers.
  Published 20 Nov 2026, 11:40; first seen 20 Nov 2026, 12:00
  Outlets:
  - Armenpress (Armenian, AM): https://armenpress.example/news/2
  - APA (Azerbaijani, AZ): https://apa.example/news/3
  Why: terms: armenia, azerbaijan

UPDATES TO EARLIER STORIES (1)

* [update] Demining near Aghdam
  https://oc-media.example/news/4
  Teams cleared another twelve hectares of farmland near Aghdam this week.
  Published 20 Nov 2026, 13:40; first seen 20 Nov 2026, 14:00
  Outlets:
  - OC Media (International, GE): https://oc-media.example/news/4
  Why: terms: armenia, azerbaijan

FEED HEALTH
All 3 feeds healthy; 0 sources polled in this period.
"""


def test_text_digest_matches_expected(db: Database, newsroom: News, tmp_path: Path) -> None:
    story = newsroom.story("Demining near Aghdam", "humanitarian", reported_at=T0 - timedelta(days=1))
    newsroom.article(
        "Demining near Aghdam", seen=T0 - timedelta(hours=12), story_id=story, categories=("humanitarian",)
    )
    assert service.build_digest(make_settings(tmp_path / "old"), db, cutoff=T0) is not None
    text = (
        "Deputies voted to call for the release of Armenian detainees held in Baku. "
        "The resolution also asks for access for international observers. "
        "Lunch was served afterwards."
    )
    orig = newsroom.article(
        "Parliament backs resolution on Armenian detainees",
        seen=T0 + timedelta(hours=1),
        text=text,
        categories=("resolutions",),
    )
    newsroom.article(
        "Resolution reprinted",
        seen=T0 + timedelta(hours=2),
        source="apa",
        duplicate_of=orig,
        categories=("resolutions",),
    )
    newsroom.article(
        "Demining near Aghdam: more land cleared",
        seen=T0 + timedelta(hours=3),
        source="oc-media",
        story_id=story,
        categories=("humanitarian",),
        text="Teams cleared another twelve hectares of farmland near Aghdam this week.",
    )
    settings = make_settings(tmp_path / "out", timezone="Asia/Yerevan")
    result = service.build_digest(settings, db, cutoff=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    assert result is not None
    got = result.files["text"].read_text(encoding="utf-8")
    assert got.rstrip("\n").splitlines() == EXPECTED.rstrip("\n").splitlines()
