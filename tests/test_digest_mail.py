"""Digest email via a real local SMTP server: content, non-ASCII, retry, resend."""

from __future__ import annotations

import email
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from newswatch.config import Settings
from newswatch.digests import service
from newswatch.digests.delivery import resend, retry_deliveries
from newswatch.storage.db import Database
from tests import queries
from tests.plugins.digest_fixtures import T0, Inbox, News, free_port, make_settings

RECIPIENT = "Ani Հակոբյան <ani@example.org>"


def _settings(out: Path, port: int) -> Settings:
    return make_settings(
        out,
        recipients=[RECIPIENT, "desk@example.org"],
        sender="Newswatch Ռադար <radar@example.org>",
        subject="Ամփոփում — digest {date}",
        list_id="karabakh.newswatch.example.org",
        smtp={"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5},
    )


def _parse(inbox: Inbox, i: int = 0) -> EmailMessage:
    msg = email.message_from_bytes(inbox.messages[i].original_content, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    return msg


def test_digest_email_arrives_with_both_parts(
    db: Database, newsroom: News, smtp_server: Inbox, tmp_path: Path
) -> None:
    newsroom.article(
        "Ереван и Баку: переговоры о мирном договоре",
        seen=T0 + timedelta(hours=1),
        categories=("peace-treaty",),
    )
    settings = _settings(tmp_path, smtp_server.port)
    result = service.build_digest(settings, db, cutoff=T0 + timedelta(days=1), send=True)
    assert result is not None
    assert [o.ok for o in result.deliveries] == [True]
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert sorted(envelope.rcpt_tos) == ["ani@example.org", "desk@example.org"]
    msg = _parse(smtp_server)
    assert msg["Subject"] == "Ամփոփում — digest 2026-11-21"
    assert msg["To"].addresses[0].display_name == "Ani Հակոբյան"
    assert msg["From"].addresses[0].display_name == "Newswatch Ռադար"
    assert msg["List-Id"] == "newswatch digest <karabakh.newswatch.example.org>"
    assert msg["Message-ID"].endswith("@example.org>") and msg["Date"]
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Ереван и Баку" in text and "Ереван и Баку" in html
    assert 'style="' in html and "<script" not in html.lower()
    with db.session() as s:
        [delivery] = queries.deliveries_of(s, result.digest_id)
        assert delivery.status == "sent" and delivery.attempts == 1
        assert delivery.message_id == msg["Message-ID"]


def test_failed_send_is_kept_and_retried_once(
    db: Database, newsroom: News, smtp_server: Inbox, tmp_path: Path
) -> None:
    newsroom.article(
        "Detainees' appeal hearing", seen=T0 + timedelta(hours=1), categories=("detainees",)
    )
    down = _settings(tmp_path, free_port())
    result = service.run_daily_digest(down, db, now=T0 + timedelta(days=1))
    assert result is not None and result.files["html"].exists()
    assert [o.ok for o in result.deliveries] == [False]
    with db.session() as s:
        [delivery] = queries.deliveries_of(s, result.digest_id)
        assert delivery.status == "failed" and delivery.attempts == 1 and delivery.last_error

    up = _settings(tmp_path, smtp_server.port)
    # the next scheduler run: no new digest is due yet, but the unsent one goes out
    assert service.run_daily_digest(up, db, now=T0 + timedelta(days=1, hours=2)) is None
    assert len(smtp_server.messages) == 1
    assert "Detainees' appeal hearing" in _parse(smtp_server).get_body(("plain",)).get_content()
    assert retry_deliveries(up, db) == []
    service.run_daily_digest(up, db, now=T0 + timedelta(days=1, hours=3))
    assert len(smtp_server.messages) == 1
    with db.session() as s:
        [delivery] = queries.deliveries_of(s, result.digest_id)
        assert delivery.status == "sent" and delivery.attempts == 2


def test_resend_sends_again_on_purpose(
    db: Database, newsroom: News, smtp_server: Inbox, tmp_path: Path
) -> None:
    newsroom.article(
        "Church restoration halted", seen=T0 + timedelta(hours=1), categories=("heritage",)
    )
    settings = _settings(tmp_path, smtp_server.port)
    result = service.run_daily_digest(settings, db, now=T0 + timedelta(days=1))
    assert result is not None and len(smtp_server.messages) == 1
    outcome = resend(settings, db, "2026-11-21")
    assert outcome.ok and len(smtp_server.messages) == 2
    assert _parse(smtp_server, 1)["Message-ID"] != _parse(smtp_server, 0)["Message-ID"]
    with pytest.raises(Exception, match="no digest for 2030-01-01"):
        resend(settings, db, "2030-01-01")


def test_cli_send_retries_and_reports_failure(
    db: Database,
    newsroom: News,
    smtp_server: Inbox,
    tmp_path: Path,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from newswatch.cli.app import main

    newsroom.article(
        "Border delimitation commission meets",
        seen=T0 + timedelta(hours=1),
        categories=("peace-treaty",),
    )
    out = tmp_path / "out"
    cfg = tmp_path / "nw.yaml"

    def write_cfg(port: int) -> None:
        cfg.write_text(
            f"default_feeds: false\nstorage: {{url: '{db_url}'}}\n"
            f"digest:\n  output_dir: {out}\n  recipients: ['desk@example.org']\n"
            f"  smtp: {{host: 127.0.0.1, port: {port}, security: none, timeout: 5}}\n",
            encoding="utf-8",
        )

    now = (T0 + timedelta(days=1)).isoformat()
    write_cfg(free_port())
    assert main(["--config", str(cfg), "digest", "--send", "--now", now]) == 1
    failed = capsys.readouterr()
    assert "NOT sent" in failed.err and failed.out.strip().endswith(".html")
    write_cfg(smtp_server.port)
    assert main(["--config", str(cfg), "digest", "--send", "--now", now]) == 0
    assert len(smtp_server.messages) == 1
    assert main(["--config", str(cfg), "digest", "--send", "--now", now]) == 0
    assert len(smtp_server.messages) == 1
    assert main(["--config", str(cfg), "digest", "--resend", "2026-11-21"]) == 0
    assert len(smtp_server.messages) == 2


def test_send_without_recipients_queues_nothing(
    db: Database, newsroom: News, smtp_server: Inbox, tmp_path: Path
) -> None:
    newsroom.article("Report", seen=T0 + timedelta(hours=1))
    result = service.build_digest(
        make_settings(tmp_path), db, cutoff=T0 + timedelta(days=1), send=True
    )
    assert result is not None and result.deliveries == []
    with db.session() as s:
        assert queries.deliveries_of(s, result.digest_id) == []
    # recipients added later: the old digest is not mailed out of the blue
    assert retry_deliveries(_settings(tmp_path, smtp_server.port), db) == []
    assert smtp_server.messages == []
