"""The digest in headless Chromium: it renders, runs no script, logs no console error, and its
layout holds at a desktop and a phone width (no horizontal scroll; each entry's headline and
summary come from one report)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import lxml.html
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


LONG_TEXT = (
    "Lawmakers voted by a large majority for a resolution on the prisoners held in Baku. "
    "The text calls for the release of all Armenian detainees and for access for observers. "
    "Supersupercalifragilisticexpialidociouslylongwordwithoutanyspacesatallthatcouldoverflow. "
)
REPLY_TEXT = (
    "Baku rejected the resolution adopted by lawmakers as interference in its internal affairs "
    "(Supersupercalifragilisticexpialidociouslylongwordwithoutanyspacesthatcouldoverflowaphone). "
    "The foreign ministry said the detainees were tried under Azerbaijani law."
)


def _digest(tmp_path: Path) -> Path:
    db = Database.open(f"sqlite:///{tmp_path / 'b.db'}")
    news = News(db)
    story = news.story("Parliament adopts resolution on prisoners held in Baku", "resolutions")
    news.article(
        "Resolution on prisoners: Baku reacts",
        seen=T0 + timedelta(minutes=30),
        source="apa",
        story_id=story,
        categories=("resolutions",),
        text=REPLY_TEXT * 2,
        language="en",
    )
    news.article(
        "Parliament adopts resolution on prisoners held in Baku " + "with a very long title " * 20,
        seen=T0 + timedelta(hours=1),
        story_id=story,
        categories=("resolutions",),
        text=LONG_TEXT * 2,
        language="en",
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


# Headless Chromium will not make a window narrower than 500 px, so the page is measured in an
# iframe of the wanted width (a real viewport: media queries apply). The iframe gets the page
# as srcdoc, which keeps it same-origin with the probe, and the probe writes the layout facts
# into the DOM that --dump-dom returns (the page's own policy forbids scripts inside it).
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="f" style="border:0" width="%(w)d" height="%(h)d" srcdoc="%(doc)s"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => {
  const win = document.getElementById('f').contentWindow, doc = win.document;
  const w = win.innerWidth;
  const over = [...doc.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .map(e => e.tagName + '.' + e.className);
  const entries = [...doc.querySelectorAll('article.entry')].map(a => {
    const h = a.querySelector('h3'), link = a.querySelector('h3 a'), lede = a.querySelector('.lede');
    return {href: link ? link.getAttribute('href') : null, lede: lede ? lede.textContent : null,
            h3_bottom: h.getBoundingClientRect().bottom,
            lede_top: lede ? lede.getBoundingClientRect().top : null};
  });
  document.body.setAttribute('data-layout', JSON.stringify(
    {width: w, scroll_width: doc.documentElement.scrollWidth, over: over, entries: entries}));
});
</script></body></html>"""


def _probe(page: Path, tmp_path: Path, width: int, height: int) -> Path:
    html = page.read_text(encoding="utf-8")
    html = html.replace('<meta http-equiv="Content-Security-Policy"', '<meta name="csp-off"', 1)
    probe = tmp_path / f"probe-{width}.html"
    doc = html.replace("&", "&amp;").replace('"', "&quot;")
    probe.write_text(PROBE % {"w": width, "h": height, "doc": doc}, encoding="utf-8")
    return probe


def _layout(base: list[str], probe: Path) -> dict:
    dom = subprocess.run(
        [*base, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    [body] = lxml.html.document_fromstring(dom).xpath("//body")
    return json.loads(body.get("data-layout"))


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
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
    assert "<h1>Digest for 21 November 2026, 07:00–07:00 UTC</h1>" in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert "Trial resumes" in dom and "սահմանազատման" in dom

    probe = _probe(page, tmp_path, width, height)
    framed = [*base[:-1], f"--window-size={max(width, 500)},{height}"]
    # the picture a reader would see at this width (kept in tmp_path for a look)
    subprocess.run(
        [*framed, f"--screenshot={tmp_path / f'layout-{width}.png'}", probe.as_uri()],
        capture_output=True,
        timeout=120,
    )
    layout = _layout(framed, probe)
    assert layout["width"] == width
    # nothing sticks out sideways: a reader on a phone never scrolls horizontally
    assert layout["scroll_width"] <= width and layout["over"] == [], layout["over"]
    # the story's entry: headline link and summary are the same report (the earliest full
    # English one, Baku's reply), the summary set under the headline
    [story] = [e for e in layout["entries"] if e["lede"] and "Baku rejected" in e["lede"]]
    assert story["href"].startswith("https://apa.example/news/")
    assert story["lede"].startswith(REPLY_TEXT.split(". ")[0])
    assert story["lede_top"] >= story["h3_bottom"]
    for entry in layout["entries"]:
        if entry["lede"] and "Lawmakers voted" in entry["lede"]:
            raise AssertionError("the parliament report's text is shown under another headline")
