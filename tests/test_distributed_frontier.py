"""The shared frontier: what the scheduler role enqueues and how the leased dupefilter behaves."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from scrapy import Request

import newswatch.crawler.distributed_worker  # noqa: F401  (imported while collecting: trafilatura warns on import)
from newswatch.config import Settings
from newswatch.crawler.distributed import (
    LeaseDupeFilter,
    enqueue_feeds,
    feed_from_meta,
    frontier_size,
    keys,
)
from newswatch.errors import ConfigError
from newswatch.storage.db import Database
from newswatch.storage.sources import PollOutcome, get_source, record_poll


def _settings(redis_url: str) -> Settings:
    return Settings.model_validate(
        {
            "service": {"redis_url": redis_url, "role": "scheduler"},
            "feeds": [
                {
                    "name": "armenpress",
                    "url": "https://armenpress.example/rss",
                    "interval": "15m",
                    "language": "en",
                    "tags": {"country": "AM"},
                },
                {
                    "name": "apa",
                    "url": "https://apa.example/feed.xml",
                    "kind": "atom",
                    "tags": {"country": "AZ"},
                },
                {
                    "name": "listing",
                    "url": "https://news.example/latest",
                    "kind": "html",
                    "selectors": {"links": "h2 a", "date": "time"},
                },
                {"name": "off", "url": "https://off.example/rss", "enabled": False},
            ],
        }
    )


def test_enqueue_puts_each_enabled_feed_once(
    db: Database, redis_url: str, redis_prefix: str
) -> None:
    settings = _settings(redis_url)
    client = redis.Redis.from_url(redis_url)
    assert enqueue_feeds(settings, db, prefix=redis_prefix, client=client) == 3
    assert enqueue_feeds(settings, db, prefix=redis_prefix, client=client) == 0  # still waiting
    assert frontier_size(client, redis_prefix) == {"feeds": 3, "requests": 0, "leases": 0}
    records = [json.loads(r) for r in client.smembers(keys(redis_prefix)["start_urls"])]
    by_name = {feed_from_meta(r["meta"]).name: r for r in records}
    assert set(by_name) == {"armenpress", "apa", "listing"}
    for name, record in by_name.items():
        cfg = feed_from_meta(record["meta"])
        assert cfg == settings.feed(name)  # a worker needs no configuration of its own
        assert record["url"] == cfg.url
    client.close()


def test_enqueue_claims_the_next_poll(db: Database, redis_url: str, redis_prefix: str) -> None:
    settings = _settings(redis_url)
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    enqueue_feeds(settings, db, ["armenpress", "apa"], prefix=redis_prefix, now=now)
    with db.session() as s:
        assert get_source(s, "armenpress").next_poll_at == now + timedelta(minutes=15)  # type: ignore[union-attr]
        assert get_source(s, "apa").next_poll_at == now + timedelta(minutes=30)  # type: ignore[union-attr]
        assert get_source(s, "listing") is None


def test_enqueue_named_feeds_and_unknown_names(
    db: Database, redis_url: str, redis_prefix: str
) -> None:
    settings = _settings(redis_url)
    assert enqueue_feeds(settings, db, ["apa"], prefix=redis_prefix) == 1
    assert enqueue_feeds(settings, db, ["off"], prefix=redis_prefix) == 0
    with pytest.raises(ConfigError, match="nosuch"):
        enqueue_feeds(settings, db, ["apa", "nosuch"], prefix=redis_prefix)


def test_enqueue_follows_moves_and_skips_gone_sources(
    db: Database, redis_url: str, redis_prefix: str
) -> None:
    settings = _settings(redis_url)
    client = redis.Redis.from_url(redis_url)
    enqueue_feeds(settings, db, prefix=redis_prefix, client=client)
    client.delete(keys(redis_prefix)["start_urls"])
    with db.session() as s:
        record_poll(
            s,
            get_source(s, "armenpress"),
            PollOutcome("moved", 301, new_url="https://armenpress.example/en/rss"),
        )  # type: ignore[arg-type]
        record_poll(s, get_source(s, "apa"), PollOutcome("gone", 410, error="410 Gone"))  # type: ignore[arg-type]
    assert enqueue_feeds(settings, db, prefix=redis_prefix, client=client) == 2
    urls = {json.loads(r)["url"] for r in client.smembers(keys(redis_prefix)["start_urls"])}
    assert urls == {"https://armenpress.example/en/rss", "https://news.example/latest"}
    client.close()


def test_enqueue_needs_a_redis_url(db: Database) -> None:
    settings = Settings.model_validate({"feeds": [{"name": "a", "url": "https://a.example/rss"}]})
    with pytest.raises(ConfigError, match="redis_url"):
        enqueue_feeds(settings, db)


def test_dupefilter_leases_expire(redis_url: str, redis_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    df = LeaseDupeFilter(client, keys(redis_prefix)["seen"], lease=1)
    other = LeaseDupeFilter(client, keys(redis_prefix)["seen"], lease=1)  # a second worker
    art = Request("https://armenpress.example/news/1?b=2&a=1")
    assert df.request_seen(art) is False
    assert other.request_seen(Request("https://armenpress.example/news/1?a=1&b=2")) is True
    assert df.request_seen(Request("https://armenpress.example/news/2")) is False
    assert frontier_size(client, redis_prefix)["leases"] == 2
    time.sleep(1.2)
    # the worker that held it may be dead: after the lease another poll may queue it again
    assert other.request_seen(art) is False
    df.clear()
    assert frontier_size(client, redis_prefix)["leases"] == 0
    client.close()


def test_cli_needs_redis_and_enqueues(
    tmp_path: Path, redis_url: str, redis_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from newswatch.cli.app import main

    db = f"sqlite:///{tmp_path / 'nw.db'}"
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text('feeds:\n  - {name: armenpress, url: "https://armenpress.example/rss"}\n')
    assert main(["-c", str(cfg), "--db", db, "worker"]) == 2
    assert "Redis URL" in capsys.readouterr().err
    assert main(["-c", str(cfg), "--db", db, "worker", "--redis-url", "redis://127.0.0.1:1/0"]) == 1
    assert "cannot reach Redis" in capsys.readouterr().err
    args = [
        "-c",
        str(cfg),
        "--db",
        db,
        "enqueue",
        "--redis-url",
        redis_url,
        "--prefix",
        redis_prefix,
    ]
    assert main(args) == 0
    assert "enqueued 1 feed on" in capsys.readouterr().out
    assert main(args) == 0
    assert "enqueued 0 feeds on" in capsys.readouterr().out


def test_enqueue_crawl_stands_in_for_the_crawl(
    db: Database, redis_url: str, redis_prefix: str
) -> None:
    import asyncio

    from newswatch.crawler.distributed import enqueue_crawl

    settings = _settings(redis_url)
    report = asyncio.run(
        enqueue_crawl(
            settings, db, ["apa", "listing"], prefix=redis_prefix, runner=None, judge=None
        )
    )
    assert [(f.name, f.status) for f in report.feeds] == [("apa", "queued"), ("listing", "queued")]
    assert report.totals["fetched"] == 0
    client = redis.Redis.from_url(redis_url)
    assert frontier_size(client, redis_prefix)["feeds"] == 2
    client.close()
