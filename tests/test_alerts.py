"""Instant alerts through apprise json:// to a local receiver: rules, once per story, failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newswatch.config import Settings
from newswatch.digests.alerts import Alerter, channel_label
from newswatch.ingest import Ingestor, IngestResult, RawArticle
from newswatch.judge import Judge
from newswatch.storage import alerts as alert_ledger
from newswatch.storage.db import Database
from newswatch.storage.models import Article
from tests import queries
from tests.plugins.digest_fixtures import T0, News, Receiver

RULE = {
    "name": "trial",
    "categories": ["detainees"],
    "cues": ["trial", "verdict"],
    "min_outlets": 2,
    "within": "2h",
}


def _settings(url: str, **rule: Any) -> Settings:
    return Settings.model_validate(
        {
            "default_feeds": False,
            "alerts": {"enabled": True, "urls": [url], "rules": [{**RULE, **rule}]},
        }
    )


def _clock(at: datetime) -> Any:
    return lambda: at


def _result(article_id: int, status: str = "new") -> IngestResult:
    return IngestResult(status, article_id)


def test_fires_once_per_story_when_enough_outlets(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    story = newsroom.story("Trial of detainees opens", "detainees")
    at = T0 + timedelta(hours=1)
    alerter = Alerter(_settings(json_receiver.url), db, clock=_clock(at + timedelta(minutes=30)))
    first = newsroom.article(
        "Trial of detainees opens in Baku", seen=at, story_id=story, categories=("detainees",)
    )
    assert alerter.on_ingested(_result(first)) == []  # one outlet so far
    second = newsroom.article(
        "Baku trial: detainees in court",
        seen=at + timedelta(minutes=20),
        source="apa",
        story_id=story,
        categories=("detainees",),
    )
    [notice] = alerter.on_ingested(_result(second))
    assert notice.ok and notice.rule == "trial" and notice.story_id == story
    third = newsroom.article(
        "Trial continues",
        seen=at + timedelta(minutes=25),
        source="oc-media",
        story_id=story,
        categories=("detainees",),
    )
    assert alerter.on_ingested(_result(third)) == []
    assert len(json_receiver.posts) == 1
    post = json_receiver.posts[0]
    assert post["title"] == "[trial] Trial of detainees opens"
    assert "2 outlets within 2 h" in post["message"]
    assert f"https://apa.example/news/{second}" in post["message"]
    with db.session() as s:
        [row] = queries.alerts_fired(s, story)
        assert row.status == "sent" and row.article_id == second


def test_outlets_outside_the_window_do_not_count(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    story = newsroom.story("Verdict expected", "detainees")
    newsroom.article(
        "Verdict expected in trial", seen=T0, story_id=story, categories=("detainees",)
    )
    late = newsroom.article(
        "Verdict expected soon",
        seen=T0 + timedelta(hours=5),
        source="apa",
        story_id=story,
        categories=("detainees",),
    )
    alerter = Alerter(_settings(json_receiver.url), db, clock=_clock(T0 + timedelta(hours=5)))
    assert alerter.on_ingested(_result(late)) == []
    assert json_receiver.posts == []


@pytest.mark.parametrize(
    ("title", "categories", "rule", "fires"),
    [
        ("Trial of detainees", ("detainees",), {"min_outlets": 1}, True),
        ("Hearing of detainees", ("detainees",), {"min_outlets": 1}, False),  # no cue
        ("Trial of detainees", ("diplomacy",), {"min_outlets": 1}, False),  # other category
        ("Trial of detainees", ("detainees",), {"min_outlets": 1, "min_score": 0.9}, False),
        ("Anything at all", ("heritage",), {"min_outlets": 1, "categories": [], "cues": []}, True),
    ],
)
def test_rule_conditions(
    db: Database,
    newsroom: News,
    json_receiver: Receiver,
    title: str,
    categories: tuple[str, ...],
    rule: dict,
    fires: bool,
) -> None:
    art = newsroom.article(
        title, seen=T0, categories=categories, score=0.7, text=f"{title} in the capital."
    )
    alerter = Alerter(
        _settings(json_receiver.url, **rule), db, clock=_clock(T0 + timedelta(minutes=1))
    )
    assert bool(alerter.on_ingested(_result(art))) is fires
    assert len(json_receiver.posts) == int(fires)


def test_offtopic_and_unchanged_never_alert(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    alerter = Alerter(
        _settings(json_receiver.url, min_outlets=1, categories=[], cues=[]),
        db,
        clock=_clock(T0 + timedelta(minutes=1)),
    )
    off = newsroom.article("Trial in a football club", seen=T0, relevant=False)
    on = newsroom.article("Trial of detainees", seen=T0, categories=("detainees",))
    assert alerter.on_ingested(_result(off)) == []
    assert alerter.on_ingested(_result(on, "unchanged")) == []
    assert alerter.on_ingested(IngestResult("duplicate", None)) == []
    assert json_receiver.posts == []


def test_articles_without_story_get_one_and_copies_count(
    db: Database, json_receiver: Receiver
) -> None:
    text = (
        "The trial of Armenian detainees opened in Baku on Tuesday, lawyers for Azerbaijan said. "
        * 3
    )
    at = T0 + timedelta(hours=1)
    ingestor = Ingestor(db, Judge.load(), clock=_clock(at))
    alerter = Alerter(_settings(json_receiver.url), db, clock=_clock(at))
    first = ingestor.ingest(
        RawArticle(
            url="https://armenpress.example/a", title="Trial opens", text=text, source="armenpress"
        )
    )
    assert first.status == "new" and alerter.on_ingested(first) == []
    copy = ingestor.ingest(
        RawArticle(url="https://apa.example/b", title="Trial opens", text=text, source="apa")
    )
    assert copy.status == "syndicated"
    [notice] = alerter.on_ingested(copy)
    with db.session() as s:
        a, b = s.get(Article, first.article_id), s.get(Article, copy.article_id)
        assert a.story_id is not None and a.story_id == b.story_id == notice.story_id


def test_failed_channel_is_recorded_and_not_repeated(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    json_receiver.status = 500
    alerter_settings = _settings(json_receiver.url, min_outlets=1)
    alerter = Alerter(alerter_settings, db, clock=_clock(T0 + timedelta(minutes=1)))
    story = newsroom.story("Trial", "detainees")
    art = newsroom.article("Trial of detainees", seen=T0, story_id=story, categories=("detainees",))
    [notice] = alerter.on_ingested(_result(art))
    assert not notice.ok and notice.error
    with db.session() as s:
        [row] = queries.alerts_fired(s, story)
        assert row.status == "failed"
    assert alerter.on_ingested(_result(art, "updated")) == []
    # the channel is back: not before the back-off has passed, then once
    json_receiver.status = 200
    assert alerter.retry_due() == []
    later = Alerter(alerter_settings, db, clock=_clock(T0 + timedelta(minutes=2, seconds=1)))
    [retried] = later.retry_due()
    assert retried.ok and retried.story_id == story
    assert later.retry_due() == []
    with db.session() as s:
        [row] = queries.alerts_fired(s, story)
        assert row.status == "sent" and row.attempts == 2 and row.error is None
    assert len(json_receiver.posts) == 2  # the failed attempt and the delivery


def test_disabled_alerter_does_nothing(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    settings = _settings(json_receiver.url, min_outlets=1).model_copy(
        update={"alerts": _settings(json_receiver.url).alerts.model_copy(update={"enabled": False})}
    )
    alerter = Alerter.from_settings(settings, db)
    art = newsroom.article("Trial of detainees", seen=T0, categories=("detainees",))
    assert not alerter.enabled and alerter.on_ingested(_result(art)) == []


def test_alerts_test_command(
    json_receiver: Receiver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newswatch.cli.app import main

    cfg = tmp_path / "nw.yaml"
    cfg.write_text(
        f"default_feeds: false\nstorage: {{url: 'sqlite:///{tmp_path / 'x.db'}'}}\n"
        f"alerts:\n  enabled: true\n  urls: ['{json_receiver.url}', 'json://user:secret@127.0.0.1:1/x']\n",
        encoding="utf-8",
    )
    assert main(["--config", str(cfg), "alerts", "test"]) == 1
    out = capsys.readouterr().out
    assert "ok     json://127.0.0.1" in out and "FAILED json://127.0.0.1" in out
    assert "secret" not in out
    assert json_receiver.posts[0]["title"] == "newswatch test alert"


def test_channel_label_hides_secrets() -> None:
    assert channel_label("tgram://123456:ABCDEF/98765") == "tgram://…"
    assert channel_label("mailtos://user:pass@example.org") == "mailtos://example.org"
    assert channel_label("json://127.0.0.1:8080/hook") == "json://127.0.0.1"


def test_window_ends_when_the_report_was_first_seen(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    json_receiver.status = 500
    story = newsroom.story("Trial of detainees opens", "detainees")
    newsroom.article("Trial opens", seen=T0, story_id=story, categories=("detainees",))
    second = newsroom.article(
        "Trial: detainees in court",
        seen=T0 + timedelta(minutes=90),
        source="apa",
        story_id=story,
        categories=("detainees",),
    )
    settings = _settings(json_receiver.url)
    # the alert step runs 40 minutes after the report was seen (a backlog, a slow store): the
    # first outlet, seen 130 minutes before the clock, still counts
    [failed] = Alerter(settings, db, clock=_clock(T0 + timedelta(minutes=130))).on_ingested(
        _result(second)
    )
    assert not failed.ok and "2 outlets within 2 h" in failed.body
    # sent again three hours later: the same two outlets, counted from when they were seen
    json_receiver.status = 200
    [sent] = Alerter(settings, db, clock=_clock(T0 + timedelta(hours=4))).retry_due()
    assert sent.ok and "2 outlets within 2 h" in sent.body
    assert json_receiver.delivered[0]["message"] == failed.body


@pytest.mark.parametrize(
    ("published_ago", "lookback", "fires"),
    [
        (timedelta(hours=2), None, True),
        (timedelta(days=2), None, True),
        (timedelta(days=4), None, False),  # before the default look-back of 3 days
        (timedelta(days=4), "5d", True),
        (timedelta(hours=2), "1h", False),
    ],
)
def test_old_news_never_alerts(
    db: Database,
    newsroom: News,
    json_receiver: Receiver,
    published_ago: timedelta,
    lookback: str | None,
    fires: bool,
) -> None:
    now = T0 + timedelta(minutes=5)
    art = newsroom.article(
        "Trial of detainees", seen=T0, categories=("detainees",), published=now - published_ago
    )
    settings = _settings(json_receiver.url, min_outlets=1)
    if lookback is not None:
        settings = Settings.model_validate(
            {
                **settings.model_dump(),
                "digest": {**settings.digest.model_dump(), "lookback": lookback},
            }
        )
    assert bool(Alerter(settings, db, clock=_clock(now)).on_ingested(_result(art))) is fires


def test_back_off_doubles_and_one_process_takes_each_attempt(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    from newswatch.digests.alerts import SEND_LEASE, retry_delay

    assert [retry_delay(timedelta(minutes=1), n).total_seconds() for n in (1, 2, 3, 10)] == [
        60,
        120,
        240,
        3600,
    ]
    json_receiver.status = 500
    settings = _settings(json_receiver.url, min_outlets=1)
    art = newsroom.article("Trial of detainees", seen=T0, categories=("detainees",))
    at = T0 + timedelta(minutes=1)
    Alerter(settings, db, clock=_clock(at)).on_ingested(_result(art))
    attempts = [at]
    for wait in (1, 2, 4):  # minutes after each failure
        at += timedelta(minutes=wait)
        assert Alerter(settings, db, clock=_clock(at - timedelta(seconds=1))).retry_due() == []
        [notice] = Alerter(settings, db, clock=_clock(at)).retry_due()
        assert not notice.ok
        attempts.append(at)
    assert len(json_receiver.posts) == len(attempts) == 4
    with db.session() as s:
        [row] = queries.alerts_fired(s)
        assert row.attempts == 4 and row.status == "failed"
        # two processes find it due at once: the lease lets one of them send it
        due = at + timedelta(minutes=8)
        assert alert_ledger.lease_alert(s, row.id, now=due, lease=SEND_LEASE)
        assert not alert_ledger.lease_alert(s, row.id, now=due, lease=SEND_LEASE)


def test_a_sender_that_died_is_replaced_and_stale_alerts_are_given_up(
    db: Database, newsroom: News, json_receiver: Receiver
) -> None:
    from newswatch.digests.alerts import SEND_LEASE

    settings = _settings(json_receiver.url, min_outlets=1)
    story = newsroom.story("Trial", "detainees")
    art = newsroom.article("Trial of detainees", seen=T0, story_id=story, categories=("detainees",))
    with db.session() as s:  # claimed by a process that died before sending
        alert_ledger.claim_alert(
            s, rule="trial", story_id=story, article_id=art, at=T0, lease=SEND_LEASE
        )
    with db.session() as s:
        health = alert_ledger.alert_health(s, since=T0, now=T0 + SEND_LEASE / 2)
        assert (health["sending"], health["waiting"]) == (1, 0)
        health = alert_ledger.alert_health(s, since=T0, now=T0 + SEND_LEASE)
        assert (health["sending"], health["waiting"]) == (0, 1)
    assert Alerter(settings, db, clock=_clock(T0 + SEND_LEASE / 2)).retry_due() == []
    [sent] = Alerter(settings, db, clock=_clock(T0 + SEND_LEASE)).retry_due()
    assert sent.ok and len(json_receiver.posts) == 1

    other = newsroom.story("Verdict", "detainees")
    late = newsroom.article("Verdict in trial", seen=T0, story_id=other, categories=("detainees",))
    json_receiver.status = 500
    Alerter(settings, db, clock=_clock(T0)).on_ingested(_result(late))
    too_late = T0 + settings.alerts.retry_for + timedelta(minutes=1)
    assert Alerter(settings, db, clock=_clock(too_late)).retry_due() == []
    with db.session() as s:
        assert [r.status for r in queries.alerts_fired(s)] == ["sent", "expired"]
        health = alert_ledger.alert_health(s, since=T0 - timedelta(hours=1), now=too_late)
        assert health["waiting"] == 0 and health["given_up"] == 1 and health["sent"] == 1
