"""The digest in headless Chromium: it renders, runs no script and logs no console error."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.digests import service
from newswatch.storage.db import Database
from newswatch.storage.models import Source
from newswatch.storage.sources import PollOutcome, record_poll
from tests.conftest import missing_service
from tests.plugins.digest_fixtures import T0, News, make_settings

pytestmark = pytest.mark.browser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    missing_service("Chromium is not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


def _digest(tmp_path: Path) -> Path:
    db = Database.open(f"sqlite:///{tmp_path / 'b.db'}")
    news = News(db)
    story = news.story("Parliament adopts resolution on prisoners held in Baku", "resolutions")
    news.article(
        "Parliament adopts resolution on prisoners held in Baku",
        seen=T0 + timedelta(hours=1),
        story_id=story,
        categories=("resolutions",),
    )
    news.article(
        "Resolution on prisoners: Baku reacts",
        seen=T0 + timedelta(hours=2),
        source="apa",
        story_id=story,
        categories=("resolutions",),
    )
    news.article(
        '<script>alert(1)</script><img src="https://evil.example/x.png" onerror="alert(2)">Trial resumes',
        seen=T0 + timedelta(hours=3),
        source="oc-media",
        categories=("detainees",),
        url="javascript:alert(3)",
        text="<img src=https://evil.example/p.png>The trial of Artsakh detainees resumed in Baku on Monday.",
    )
    news.article(
        "Հայաստան և Ադրբեջան. սահմանազատման հանձնաժողովները հանդիպեցին",
        seen=T0 + timedelta(hours=4),
        source="civilnet",
        categories=("peace-treaty",),
    )
    with db.session() as s:
        record_poll(
            s,
            s.get(Source, news.source("apa")),
            PollOutcome("error", status=503, error="HTTP 503"),
            now=T0 + timedelta(hours=5),
        )
    result = service.build_digest(
        make_settings(tmp_path / "out", include_offtopic=True), db, cutoff=T0 + timedelta(days=1)
    )
    db.close()
    assert result is not None
    return result.files["html"]


@pytest.mark.parametrize(("width", "height"), [(390, 1800), (1200, 1200)])
def test_digest_renders_in_chromium(tmp_path: Path, width: int, height: int) -> None:
    browser = _chromium()
    page = _digest(tmp_path)
    shot = tmp_path / f"digest-{width}.png"
    base = [
        browser,
        *FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={width},{height}",
    ]
    run = subprocess.run(
        [*base, f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert shot.exists() and shot.stat().st_size > 10_000, run.stderr[-2000:]
    console = [
        line
        for line in run.stderr.splitlines()
        if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line
    ]
    assert console == []
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "<h1>Daily digest: 2026-11-21</h1>" in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert "Trial resumes" in dom and "սահմանազատման" in dom
