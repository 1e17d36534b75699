"""The digest of a fixed set of reports as text, HTML and email, compared with golden files.

Regenerate deliberately with NEWSWATCH_UPDATE_GOLDEN=1 and read the diff before committing.
"""

from __future__ import annotations

import email
import os
import re
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from newswatch.digests import recorded, render, service
from newswatch.digests.mail import build_message, subject_for
from newswatch.storage import ledger
from newswatch.storage.db import Database
from tests.plugins.digest_fixtures import T0, News, make_settings

GOLDEN = Path(__file__).parent / "data" / "digest_golden"

RESOLUTION = (
    "Deputies voted to call for the release of Armenian detainees held in Baku. "
    "The resolution also asks for access for international observers. "
    "Deputies voted to call for the release of Armenian detainees held in Baku. "
    "Lunch was served afterwards, and the session closed at six in the evening."
)
RESOLUTION_RU = (
    "Парламент принял резолюцию с призывом освободить армянских задержанных в Баку. "
    "В документе также говорится о доступе международных наблюдателей к заключенным."
)
TRIAL_HY = (
    "Բաքվի ռազմական դատարանը երեքշաբթի դատավճիռ է կայացրել Ռուբեն Վարդանյանի գործով։ "
    "Պաշտպանությունը հայտարարել է, որ կբողոքարկի դատավճիռը վերաքննիչ դատարանում։"
)


def _scenario(db: Database, newsroom: News, tmp_path: Path) -> service.DigestResult:
    story = newsroom.story(
        "Demining near Aghdam", "humanitarian", reported_at=T0 - timedelta(days=1)
    )
    newsroom.article(
        "Demining near Aghdam",
        seen=T0 - timedelta(hours=12),
        story_id=story,
        categories=("humanitarian",),
    )
    assert service.build_digest(make_settings(tmp_path / "old"), db, cutoff=T0) is not None
    resolution = newsroom.story("Parliament backs resolution on Armenian detainees", "resolutions")
    newsroom.article(
        "Парламент принял резолюцию об армянских задержанных",
        seen=T0 + timedelta(minutes=30),
        source="civilnet",
        story_id=resolution,
        text=RESOLUTION_RU * 2,
        categories=("resolutions", "detainees"),
        language="ru",
    )
    orig = newsroom.article(
        "Parliament backs resolution on Armenian detainees",
        seen=T0 + timedelta(hours=1),
        story_id=resolution,
        text=RESOLUTION,
        categories=("resolutions", "detainees"),
        language="en",
    )
    newsroom.article(
        "Resolution reprinted",
        seen=T0 + timedelta(hours=2),
        source="apa",
        duplicate_of=orig,
        story_id=resolution,
        categories=("resolutions",),
        language="en",
    )
    newsroom.article(
        "Բաքվի ռազմական դատարանը դատավճիռ կայացրեց Ռուբեն Վարդանյանի գործով",
        seen=T0 + timedelta(hours=4),
        source="civilnet",
        text=TRIAL_HY,
        categories=("detainees",),
        language="hy",
    )
    newsroom.article(
        "Border talks \u202eresume in Gabala " + "and continue " * 30,
        seen=T0 + timedelta(hours=5),
        source="oc-media",
        text="Armenia and Azerbaijan held border delimitation talks in Gabala on Tuesday. "
        "The commissions agreed to meet again next month.",
        categories=("peace-treaty",),
        language="en",
    )
    newsroom.article(
        "Demining near Aghdam: more land cleared",
        seen=T0 + timedelta(hours=3),
        source="oc-media",
        story_id=story,
        categories=("humanitarian",),
        text="Teams cleared another twelve hectares of farmland near Aghdam this week.",
        language="en",
    )
    settings = make_settings(tmp_path / "out", timezone="Asia/Yerevan")
    result = service.build_digest(
        settings, db, cutoff=T0 + timedelta(days=1), now=T0 + timedelta(days=1)
    )
    assert result is not None
    return result


def _email(db: Database, tmp_path: Path, label: str) -> str:
    """The email as a reader's client shows it: headers, then each part decoded."""
    settings = make_settings(
        tmp_path / "out", timezone="Asia/Yerevan", recipients=["desk@example.org"]
    )
    with db.session() as s:
        digest = ledger.digest_by_label(s, label)
        assert digest is not None
        view = recorded.view_of(settings, s, digest)
    msg = build_message(
        settings.digest,
        subject=subject_for(settings.digest, view.label, view.kind),
        text=render.render_text(view),
        html=render.render_html(view, email=True),
        now=T0 + timedelta(days=1),
    )
    parsed = email.message_from_bytes(msg.as_bytes(), policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    out = [f"{k}: {v}" for k, v in parsed.items() if k not in ("Message-ID", "MIME-Version")]
    for part in parsed.walk():
        if part.get_content_maintype() == "text":
            out += ["", f"--- {part.get_content_type()}", part.get_content().rstrip("\n")]
    return "\n".join(out) + "\n"


def _check(name: str, got: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("NEWSWATCH_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got.splitlines() == golden.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def built(db: Database, newsroom: News, tmp_path: Path) -> service.DigestResult:
    return _scenario(db, newsroom, tmp_path)


def test_text_digest_matches_golden(built: service.DigestResult) -> None:
    _check("digest.txt", built.files["text"].read_text(encoding="utf-8"))


def test_html_digest_matches_golden(built: service.DigestResult) -> None:
    _check("digest.html", built.files["html"].read_text(encoding="utf-8"))


def test_email_matches_golden(built: service.DigestResult, db: Database, tmp_path: Path) -> None:
    got = _email(db, tmp_path, built.label)
    assert "<details" not in got and "Why it matched:" in got
    _check("email.txt", re.sub(r"boundary=\"[^\"]+\"", 'boundary="…"', got))


def test_every_reason_quotes_its_representative_report(
    built: service.DigestResult, db: Database
) -> None:
    import json

    from newswatch.judge.explain import quoted
    from newswatch.storage.models import Article

    data = json.loads(built.files["json"].read_text(encoding="utf-8"))
    entries = [e for s in data["sections"] for e in s["entries"]] + data["updates"]
    assert entries
    with db.session() as s:
        for entry in entries:
            lead = s.get(Article, entry["lead_id"])
            assert lead is not None and entry["url"] == lead.url
            article = " ".join(f"{lead.title}\n{lead.text}".split())
            for reason in entry["reasons"]:
                assert quoted(reason), reason
                for words in quoted(reason):
                    assert words in article, (words, entry["headline"])
