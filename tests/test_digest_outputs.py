"""Digest files: untrusted text neutralised, archive index, Atom feed, text, JSON, atomic writes."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest

from newswatch.digests import service
from newswatch.digests.safety import plain_text, safe_url
from newswatch.files import write_atomic
from newswatch.storage.db import Database
from tests.plugins.digest_fixtures import T0, News, make_settings

PAYLOAD_TITLE = '<script>alert(1)</script><img src=x onerror="alert(2)">Karabakh talks'
PAYLOAD_TEXT = (
    '<p onclick="steal()">Negotiators met in Brussels to discuss the Armenia Azerbaijan border.</p>'
    '<a href="javascript:alert(3)">click</a><img src="https://evil.example/pixel.png">'
    "<style>body{display:none}</style><iframe src=https://evil.example/></iframe>"
)


def _check_html(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    assert "<script" not in html.lower()
    assert not doc.xpath("//script|//iframe|//object|//embed|//form|//img")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src"):
                assert value.startswith(
                    ("http://", "https://", "#", "digest-", "digests.atom", "index.html")
                ), value
    assert "javascript:" not in html.lower()


def test_xss_payloads_are_neutralised(db: Database, newsroom: News, tmp_path: Path) -> None:
    orig = newsroom.article(
        PAYLOAD_TITLE,
        seen=T0 + timedelta(hours=1),
        text=PAYLOAD_TEXT,
        reasons=("<b onmouseover=x()>terms</b>: karabakh",),
    )
    newsroom.article(
        "Copy",
        seen=T0 + timedelta(hours=2),
        source="apa",
        duplicate_of=orig,
        url="javascript:alert(4)//https://x.example",
    )
    result = service.build_digest(make_settings(tmp_path), db, cutoff=T0 + timedelta(days=1))
    assert result is not None
    html = result.files["html"].read_text(encoding="utf-8")
    _check_html(html)
    assert "Karabakh talks" in html and "Negotiators met in Brussels" in html
    assert "display:none" not in html
    text = result.files["text"].read_text(encoding="utf-8")
    assert "javascript:" not in text and "<script>" not in text
    data = json.loads(result.files["json"].read_text(encoding="utf-8"))
    entry = data["sections"][0]["entries"][0]
    assert entry["headline"] == "Karabakh talks"
    assert [o["url"] for o in entry["outlets"]][1] is None
    _check_html((tmp_path / "index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://armenpress.am/eng/news/1.html", "https://armenpress.am/eng/news/1.html"),
        ("HTTP://Example.org/a?b=1", "HTTP://Example.org/a?b=1"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>x</script>", None),
        ("java\tscript:alert(1)", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https://", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_plain_text_drops_tags_and_script_bodies() -> None:
    assert (
        plain_text("<p>Hello <b>world</b></p><script>evil()</script> &amp; more")
        == "Hello world & more"
    )
    assert plain_text("a < b and c > d") == "a < b and c > d"


def test_archive_index_atom_text_and_json(db: Database, newsroom: News, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    newsroom.article(
        "Peace treaty draft published", seen=T0 + timedelta(hours=3), categories=("peace-treaty",)
    )
    assert service.run_daily_digest(settings, db, now=T0 + timedelta(days=1)) is not None
    newsroom.article(
        "Heritage site damaged", seen=T0 + timedelta(days=1, hours=3), categories=("heritage",)
    )
    assert service.run_daily_digest(settings, db, now=T0 + timedelta(days=2)) is not None

    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.index("digest-2026-11-22.html") < index.index("digest-2026-11-21.html")
    assert "1 new story" in index

    atom = etree.fromstring((tmp_path / "digests.atom").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = atom.findall("a:entry", ns)
    # feed readers resolve nothing: links are absolute (the output folder's file: URL here)
    base = tmp_path.resolve().as_uri() + "/"
    assert [e.find("a:link", ns).get("href") for e in entries] == [
        base + "digest-2026-11-22.html",
        base + "digest-2026-11-21.html",
    ]
    assert atom.find("a:link[@rel='self']", ns).get("href") == base + "digests.atom"
    # the summary is HTML (escaped once in the XML): the counts and the leading headline
    summary = entries[0].find("a:summary", ns)
    assert summary.get("type") == "html"
    assert (
        summary.text.startswith("<p>1 new story")
        and "<li>Heritage site damaged</li>" in summary.text
    )
    assert len({e.findtext("a:id", namespaces=ns) for e in entries}) == 2
    assert atom.findtext("a:updated", namespaces=ns).endswith("Z")

    text = (tmp_path / "digest-2026-11-22.txt").read_text(encoding="utf-8")
    assert text.startswith("Digest for 22 November 2026, 07:00–07:00 UTC\n")
    assert "CULTURAL HERITAGE (1)" in text and "Peace treaty draft" not in text

    data = json.loads((tmp_path / "digest-2026-11-21.json").read_text(encoding="utf-8"))
    assert data["label"] == "2026-11-21" and data["kind"] == "daily"
    assert data["category_counts"] == {"peace-treaty": 1}
    assert data["summary"].startswith("1 new story, 0 updates")


def test_feed_health_footer_names_failing_and_silent_feeds(
    db: Database, newsroom: News, tmp_path: Path
) -> None:
    from newswatch.storage.models import Source
    from newswatch.storage.sources import PollOutcome, record_poll

    newsroom.article("A report", seen=T0 + timedelta(hours=1))
    ids = {name: newsroom.source(name) for name in ("apa", "oc-media", "armenpress")}
    with db.session() as s:
        bad = s.get(Source, ids["apa"])
        record_poll(s, bad, PollOutcome("ok", status=200, items_new=1), now=T0 - timedelta(days=2))
        record_poll(
            s,
            bad,
            PollOutcome("error", status=500, error="HTTP 500 <b>boom</b>"),
            now=T0 + timedelta(hours=2),
        )
        # one failed poll is not an outage: the next poll is the retry
        blip = s.get(Source, ids["armenpress"])
        record_poll(
            s, blip, PollOutcome("error", status=503, error="HTTP 503"), now=T0 + timedelta(hours=2)
        )
        quiet = s.get(Source, ids["oc-media"])  # nothing new for 10 days
        record_poll(
            s, quiet, PollOutcome("ok", status=200, items_new=1), now=T0 - timedelta(days=10)
        )
        record_poll(s, quiet, PollOutcome("ok", status=200), now=T0 + timedelta(hours=2))
    result = service.build_digest(make_settings(tmp_path), db, cutoff=T0 + timedelta(days=1))
    assert result is not None
    data = json.loads(result.files["json"].read_text(encoding="utf-8"))
    problems = {h["name"]: h["problem"] for h in data["feeds_unhealthy"]}
    # the rule `feeds status` uses (newswatch.health.flag): failing for a day, silent for long
    assert set(problems) == {"apa", "oc-media"}
    assert problems["apa"].startswith("failing for ") and problems["oc-media"].startswith("silent")
    assert data["sources_polled"] == 3
    html = result.files["html"].read_text(encoding="utf-8")
    assert "HTTP 500 boom" in html and "<b>boom" not in html


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "digest.html"
    write_atomic(target, "first")
    write_atomic(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert sorted(p.name for p in target.parent.iterdir()) == ["digest.html"]
    assert oct(os.stat(target).st_mode & 0o777) == "0o644"


def test_write_atomic_keeps_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "digest.html"
    write_atomic(target, "old")

    def broken(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)
    from newswatch.errors import DeliveryError

    with pytest.raises(
        DeliveryError, match="disk full"
    ):  # a sentence for the user, not a traceback
        write_atomic(target, "new")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["digest.html"]
