"""Alerts from every path that stores articles, through apprise json:// to a local receiver.

`newswatch crawl` (cron), `newswatch import` (only with --alerts), a failing channel that
recovers (sent once, by the next process), and two `newswatch worker`s on one story (one alert).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ruamel.yaml import YAML

from newswatch.cli.app import main
from newswatch.siteserver import SiteServer
from newswatch.storage.db import Database
from tests.plugins.crawl_fixtures import FAST_CRAWL
from tests.plugins.digest_fixtures import Receiver

RULE = {"name": "verdicts", "categories": ["detainees"], "cues": ["trial", "hearing", "court"]}


def hearing(slug: str, n: int = 0) -> tuple[str, str]:
    """Title and text of a court-hearing report (``n`` varies a sentence, not the story)."""
    title = f"Baku court opens hearing in trial of Armenian detainees ({slug})"
    text = (
        "A military court in Baku opened a hearing on Tuesday in the trial of Armenian detainees "
        "captured after the 2023 offensive in Nagorno-Karabakh, including former Karabakh leaders. "
        f"Lawyers for the defendants asked for {n + 2} more weeks, and Yerevan called the trial a show. "
        "Armenia's foreign ministry said the detainees must be released under the peace agreement."
    )
    return title, text


def page(title: str, text: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>{s}.</p>" for s in text.split(". "))
        + "</article></body></html>"
    )


def write_feed(
    root: Path, server: SiteServer, name: str, items: list[tuple[str, str, str, datetime]]
) -> str:
    """An RSS feed ``name``.xml of (slug, title, text, published) pages; the feed's URL."""
    entries = []
    for slug, title, text, published in items:
        (root / f"{slug}.html").write_text(page(title, text), encoding="utf-8")
        entries.append(
            f"<item><title>{title}</title><link>{server.url(slug + '.html')}</link>"
            f"<guid isPermaLink='false'>{slug}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>"
        )
    (root / f"{name}.xml").write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{name}</title><link>{server.base_url}</link><description>x</description>"
        + "".join(entries)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return server.url(f"{name}.xml")


def write_config(path: Path, db_url: str, receiver: Receiver, **extra: Any) -> Path:
    conf: dict[str, Any] = {
        "storage": {"url": db_url},
        "default_feeds": False,
        "crawl": {**FAST_CRAWL, "obey_robots": False},
        "digest": {"output_dir": str(path.parent / "out"), "timezone": "UTC"},
        "alerts": {"enabled": True, "urls": [receiver.url], "rules": [RULE], "retry_backoff": "0s"},
        **extra,
    }
    YAML().dump(conf, path)
    return path


def run(cfg: Path, *args: str) -> int:
    return main(["--config", str(cfg), *args])


def alert_rows(db_url: str) -> list[dict[str, Any]]:
    db = Database.open(db_url)
    try:
        with db.engine.connect() as c:
            return [
                dict(r._mapping) for r in c.execute(sa.text("SELECT * FROM alerts ORDER BY id"))
            ]
    finally:
        db.close()


@pytest.fixture
def news_site(tmp_path: Path) -> Any:
    root = tmp_path / "site"
    root.mkdir()
    with SiteServer(root) as server:
        yield root, server


def test_crawl_alerts_fresh_news_once_and_never_old_news(
    tmp_path: Path,
    sqlite_url: str,
    news_site: Any,
    json_receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, server = news_site
    now = datetime.now(UTC)
    fresh_title, fresh_text = hearing("fresh")
    old_title, old_text = hearing("old")
    old_text = old_text.replace("Tuesday", "Monday last month").replace("former", "two former")
    url = write_feed(
        root,
        server,
        "wire",
        [
            ("fresh", fresh_title, fresh_text, now - timedelta(hours=1)),
            # a report of the same kind published before the look-back: old news, never alerted
            ("old", old_title.replace("Baku", "Military"), old_text, now - timedelta(days=10)),
        ],
    )
    cfg = write_config(
        tmp_path / "nw.yaml", sqlite_url, json_receiver, feeds=[{"name": "wire", "url": url}]
    )
    assert run(cfg, "crawl") == 0
    assert [p["title"] for p in json_receiver.delivered] == [f"[verdicts] {fresh_title}"]
    assert "court" in json_receiver.delivered[0]["message"]
    assert "alerts: 1 sent" in capsys.readouterr().out
    # cron runs it again: nothing new, nothing sent again
    assert run(cfg, "crawl") == 0
    assert len(json_receiver.posts) == 1
    [row] = alert_rows(sqlite_url)
    assert row["status"] == "sent" and row["attempts"] == 1


def test_a_failed_alert_is_sent_once_by_the_next_crawl(
    tmp_path: Path,
    sqlite_url: str,
    news_site: Any,
    json_receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, server = news_site
    title, text = hearing("a")
    url = write_feed(root, server, "wire", [("a", title, text, datetime.now(UTC))])
    cfg = write_config(
        tmp_path / "nw.yaml", sqlite_url, json_receiver, feeds=[{"name": "wire", "url": url}]
    )
    json_receiver.status = 500
    assert run(cfg, "crawl") == 0
    assert len(json_receiver.posts) == 1 and json_receiver.delivered == []
    assert "alerts: 0 sent, 1 failed (sent again by the next run)" in capsys.readouterr().out
    assert run(cfg, "status", "--json") == 0
    alerts = json.loads(capsys.readouterr().out)["alerts"]
    assert alerts["waiting"] == 1 and "deliver" in alerts["last_error"]
    assert run(cfg, "status") == 0
    assert "1 waiting to be sent again" in capsys.readouterr().out

    # the digest's health footer says so too
    from newswatch.config import load_config
    from newswatch.digests.service import build_digest

    settings = load_config(cfg).settings
    db = Database.open(sqlite_url)
    try:
        done = build_digest(settings, db, cutoff=datetime.now(UTC), label="d1", send=False)
        assert done is not None
    finally:
        db.close()
    footer = (tmp_path / "out").rglob("*.txt")
    assert any("Alerts: 1 alert waiting to be sent again" in p.read_text() for p in footer)

    # the channel is back: the next crawl (nothing new to store) sends it, once
    json_receiver.status = 200
    capsys.readouterr()
    assert run(cfg, "crawl") == 0
    assert [p["title"] for p in json_receiver.delivered] == [f"[verdicts] {title}"]
    assert "alerts: 1 sent" in capsys.readouterr().out
    assert run(cfg, "crawl") == 0
    assert len(json_receiver.delivered) == 1 and len(json_receiver.posts) == 2
    [row] = alert_rows(sqlite_url)
    assert row["status"] == "sent" and row["attempts"] == 2
    capsys.readouterr()
    assert run(cfg, "status", "--json") == 0
    assert json.loads(capsys.readouterr().out)["alerts"]["waiting"] == 0


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_alerts", [False, True])
def test_import_alerts_only_with_the_flag(
    tmp_path: Path, sqlite_url: str, json_receiver: Receiver, with_alerts: bool
) -> None:
    now = datetime.now(UTC)
    fresh_title, fresh_text = hearing("imported")
    old_title, old_text = hearing("archive", 5)
    records = [
        {
            "id": "1",
            "url": "https://wire.example/1",
            "title": fresh_title,
            "text": fresh_text,
            "published": (now - timedelta(hours=2)).isoformat(),
            "source": "wire",
        },
        # a backfilled archive report: old news even with --alerts
        {
            "id": "2",
            "url": "https://archive.example/2",
            "title": old_title.replace("Baku", "Old"),
            "text": old_text.replace("Tuesday", "a Tuesday in 2024"),
            "published": (now - timedelta(days=400)).isoformat(),
            "source": "archive",
        },
    ]
    cfg = write_config(tmp_path / "nw.yaml", sqlite_url, json_receiver)
    flags = ["--alerts"] if with_alerts else []
    assert run(cfg, "import", str(_jsonl(tmp_path / "in.jsonl", records)), *flags) == 0
    if with_alerts:
        assert [p["title"] for p in json_receiver.delivered] == [f"[verdicts] {fresh_title}"]
        assert len(alert_rows(sqlite_url)) == 1
    else:
        assert json_receiver.posts == [] and alert_rows(sqlite_url) == []


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_on_one_story_send_one_alert(
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    redis_prefix: str,
    news_site: Any,
    json_receiver: Receiver,
) -> None:
    import redis

    from newswatch.config import load_config
    from newswatch.crawler.distributed import connected_workers, enqueue_feeds
    from tests.test_distributed_workers import _stop, _tail, _wait, _worker

    root, server = news_site
    now = datetime.now(UTC)
    feeds, per_feed = 4, 8
    urls = []
    for f in range(feeds):
        items = []
        for i in range(per_feed):
            title, text = hearing(f"outlet {f}, report {i}", f * per_feed + i)
            items.append((f"o{f}-{i}", title, text, now - timedelta(minutes=30)))
        urls.append(write_feed(root, server, f"outlet-{f}", items))
    cfg = write_config(
        tmp_path / "nw.yaml",
        pg_url,
        json_receiver,
        feeds=[{"name": f"outlet-{f}", "url": u} for f, u in enumerate(urls)],
        # two requests in flight per worker: neither can take the whole queue before the other
        # looks at it (with 16, one worker once fetched all 32 pages and the race went untested)
        service={"redis_url": redis_url, "role": "scheduler", "worker_concurrency": 2},
        # a loaded machine answers a local page slowly; a timed-out page waits for the next poll
        crawl={**FAST_CRAWL, "obey_robots": False, "timeout": 15},
    )
    settings = load_config(cfg).settings
    db = Database.open(pg_url)
    client = redis.Redis.from_url(redis_url)
    logs = [tmp_path / f"worker{i}" for i in range(2)]
    workers = [_worker(cfg, redis_prefix, 3, log) for log in logs]

    def stored() -> int:
        with db.engine.connect() as c:
            return int(c.scalar(sa.text("SELECT count(*) FROM articles")) or 0)

    try:
        _wait(
            lambda: (
                len(connected_workers(client, redis_prefix)) == 2
                or any(w.poll() is not None for w in workers)
            ),
            60,
            "two workers on the frontier",
        )
        assert all(w.poll() is None for w in workers), [_tail(log) for log in logs]
        assert enqueue_feeds(settings, db, prefix=redis_prefix, client=client) == feeds

        def all_stored() -> bool:
            # what the scheduler role does while reports are missing: poll the feeds again
            if stored() >= feeds * per_feed:
                return True
            enqueue_feeds(settings, db, prefix=redis_prefix, client=client)
            return False

        _wait(all_stored, 180, "every report stored", every=2.0)
        summaries = [_stop(w, log) for w, log in zip(workers, logs, strict=True)]
        # both workers stored reports of the story, so both tried to claim its alert
        assert all(int(s["items"]) > 0 for s in summaries), summaries  # type: ignore[call-overload]
        with db.engine.connect() as c:
            stories = set(c.scalars(sa.text("SELECT DISTINCT story_id FROM articles")))
        assert len(stories) == 1, "the reports should make one story"
        assert len(json_receiver.posts) == 1
        assert json_receiver.delivered[0]["title"].startswith("[verdicts] ")
        [row] = alert_rows(pg_url)
        assert row["status"] == "sent" and row["attempts"] == 1
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait(timeout=30)
        client.close()
        db.close()


def test_the_service_delivery_job_sends_failed_alerts(
    db: Database, newsroom: Any, json_receiver: Receiver
) -> None:
    """`run --role scheduler` stores nothing itself; its delivery job still sends them again."""
    from newswatch.config import Settings
    from newswatch.digests.alerts import Alerter
    from newswatch.ingest import IngestResult
    from newswatch.scheduler.app import run_deliveries

    settings = Settings.model_validate(
        {
            "default_feeds": False,
            "alerts": {
                "enabled": True,
                "urls": [json_receiver.url],
                "rules": [RULE],
                "retry_backoff": "0s",
            },
        }
    )
    title, text = hearing("svc")
    art = newsroom.article(title, text=text, seen=datetime.now(UTC), categories=("detainees",))
    json_receiver.status = 500
    [failed] = Alerter(settings, db).on_ingested(IngestResult("new", art))
    assert not failed.ok
    json_receiver.status = 200
    run_deliveries(settings, db)
    run_deliveries(settings, db)
    assert [p["title"] for p in json_receiver.delivered] == [failed.title]


@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_sends_failed_alerts_again(
    tmp_path: Path, pg_url: str, redis_url: str, redis_prefix: str, json_receiver: Receiver
) -> None:
    """A worker that starts (or runs for another minute) sends what another process failed to."""
    import subprocess
    import sys

    from newswatch.config import load_config
    from newswatch.digests.alerts import Alerter
    from newswatch.ingest import IngestResult
    from tests.plugins.digest_fixtures import News

    cfg = write_config(
        tmp_path / "nw.yaml", pg_url, json_receiver, service={"redis_url": redis_url}
    )
    db = Database.open(pg_url)
    try:
        title, text = hearing("w")
        art = News(db).article(title, text=text, seen=datetime.now(UTC), categories=("detainees",))
        json_receiver.status = 500
        [failed] = Alerter(load_config(cfg).settings, db).on_ingested(IngestResult("new", art))
        assert not failed.ok
    finally:
        db.close()
    json_receiver.status = 200
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newswatch",
            "-c",
            str(cfg),
            "worker",
            "--prefix",
            redis_prefix,
            "--max-idle",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert [p["title"] for p in json_receiver.delivered] == [failed.title]
    [row] = alert_rows(pg_url)
    assert row["status"] == "sent" and row["attempts"] == 2
