"""Crash safety: `kill -9` in the middle of a crawl and of a digest, restart, nothing lost or doubled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newswatch.siteserver import SiteServer
from tests.plugins.service_fixtures import (
    SERVICE_ARTICLES,
    ServiceProcess,
    SmtpSink,
    rows,
    scalar,
    service_config,
    wait_for,
)

pytestmark = pytest.mark.slow


def _count(db_url: str, sql: str) -> int:
    return int(scalar(db_url, sql) or 0)


def test_kill_9_mid_crawl_and_mid_digest(
    tmp_path: Path,
    db_url: str,
    service_site: SiteServer,
    smtp_sink: SmtpSink,
    service_process: Callable[..., ServiceProcess],
) -> None:
    cfg = service_config(
        tmp_path / "newswatch.yaml",
        site=service_site,
        db_url=db_url,
        smtp_port=smtp_sink.port,
        # one request at a time with a delay, so a crawl lasts seconds and can be interrupted
        crawl={"download_delay": 0.25, "concurrent_per_host": 1},
        service={"digest_every": "2s"},
    )
    total = len(SERVICE_ARTICLES)

    # 1. killed while the first crawl is storing articles
    first = service_process(cfg, log_name="run1")
    wait_for(
        lambda: 0 < _count(db_url, "SELECT count(*) FROM articles") < total - 3,
        timeout=60,
        interval=0.02,
        what="a crawl half-way",
    )
    first.kill9()
    assert _count(db_url, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == 1

    # 2. killed while a digest is being sent (the mail server holds the message 2 s)
    smtp_sink.delay = 2.0
    second = service_process(cfg, log_name="run2")
    assert smtp_sink.in_data.wait(60), "no digest was sent"
    second.kill9()
    assert _count(db_url, "SELECT count(*) FROM deliveries WHERE status <> 'sent'") >= 1
    wait_for(
        lambda: smtp_sink.dropped == 1, timeout=10, what="the sink to drop the orphaned message"
    )

    # 3. a normal run finishes the work
    smtp_sink.delay = 0.0
    third = service_process(cfg, log_name="run3")

    seen: dict[str, int] = {}

    def settled() -> bool:
        seen["stored"] = _count(db_url, "SELECT count(*) FROM articles")
        seen["ledgered"] = _count(db_url, "SELECT count(*) FROM digest_entries")
        seen["waiting"] = _count(db_url, "SELECT count(*) FROM deliveries WHERE status <> 'sent'")
        seen["digests"] = _count(db_url, "SELECT count(*) FROM digests")
        seen["mailed"] = len(smtp_sink.messages)
        return (seen["stored"], seen["ledgered"], seen["waiting"], seen["mailed"]) == (
            total,
            total,
            0,
            seen["digests"],
        )

    try:
        wait_for(settled, timeout=90, interval=0.2, what="every article stored, digested and sent")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {seen}\n{third.output()[-3000:]}") from None
    assert third.stop() == 0

    urls = [r.url for r in rows(db_url, "SELECT url FROM articles")]
    assert sorted(u.removeprefix(service_site.base_url) for u in urls) == SERVICE_ARTICLES
    entries = rows(
        db_url, "SELECT article_id, count(*) AS n FROM digest_entries GROUP BY article_id"
    )
    assert len(entries) == total and all(e.n == 1 for e in entries)
    sent = rows(
        db_url,
        "SELECT digest_id, count(*) AS n FROM deliveries WHERE status = 'sent' GROUP BY digest_id",
    )
    digests = _count(db_url, "SELECT count(*) FROM digests")
    assert len(sent) == digests and all(s.n == 1 for s in sent)
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == len(set(ids)) == digests, "a digest was mailed twice"
    assert _count(db_url, "SELECT count(*) FROM crawl_runs WHERE status = 'interrupted'") >= 1
    assert _count(db_url, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == 0
