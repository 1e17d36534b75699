"""Fixtures for the scale-out tests: extra PostgreSQL databases, a filled installation, Redis keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newswatch.storage.db import Database
from newswatch.storage.models import (
    AlertSent,
    Article,
    ArticleBand,
    CrawlRun,
    Delivery,
    Digest,
    DigestEntry,
    Poll,
    ServiceLock,
    ServiceState,
    Source,
    Story,
)


@pytest.fixture
def pg_url_factory(pg_server_url: str) -> Iterator[Callable[[], str]]:
    """Make fresh, empty PostgreSQL databases on the test server (dropped afterwards)."""
    from tests.conftest import PG_ADMIN_URL

    made: list[str] = []
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def make() -> str:
        name = f"nw_{uuid.uuid4().hex[:12]}"
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return sa.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as c:
        for name in made:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_url_factory: Callable[[], str]) -> str:
    """One fresh, empty PostgreSQL database."""
    return pg_url_factory()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A Redis key prefix of this test alone; its keys are deleted afterwards."""
    import redis

    prefix = f"nwtest:{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


T0 = datetime(2026, 11, 20, 6, 30, 15, 123456, tzinfo=UTC)


def fill_installation(db: Database, articles: int = 40) -> dict[str, int]:
    """Rows in every table, with awkward values (Unicode, micro-seconds, bytes, big ints, JSON)."""
    with db.session() as s:
        src = [
            Source(
                name=f"outlet-{i}",
                url=f"https://news{i}.example/rss",
                kind="rss",
                title=f"Լրատու {i} — «Ազատություն»",
                language="hy",
                tags={"country": "AM", "n": i},
                etag=f'W/"{i}"',
                last_polled_at=T0 + timedelta(minutes=i),
                consecutive_failures=i % 3,
                active=i != 2,
                created_at=T0,
            )
            for i in range(3)
        ]
        s.add_all(src)
        s.flush()
        s.add_all(
            Poll(
                source_id=x.id,
                started_at=T0,
                duration_ms=120,
                status=200,
                bytes=5123,
                items_found=7,
                items_new=2,
            )
            for x in src
        )
        story = Story(
            headline="Released detainees return via the Lachin road",
            categories=["detainees"],
            entities={"Ruben Vardanyan": 2, "Baku": 1},
            first_seen_at=T0,
            last_seen_at=T0,
            article_count=articles,
        )
        s.add(story)
        s.flush()
        for i in range(articles):
            s.add(
                Article(
                    id=i + 1,
                    url_hash=f"{i:064x}",
                    url=f"https://news{i % 3}.example/a/{i}",
                    canonical_url=f"https://news{i % 3}.example/a/{i}",
                    source_id=src[i % 3].id,
                    guid=f"guid-{i}",
                    guid_hash=f"{i + 1000:064x}",
                    title=f"Trial session {i} in Baku — «Ստեփանակերտ» ‘quoted’",
                    text=f"Hearing {i} of the military court. Ադրբեջան Azərbaycan " * 3,
                    published_at=T0 - timedelta(hours=i, microseconds=i),
                    first_seen_at=T0 + timedelta(seconds=i),
                    content_hash=f"{i:064x}",
                    signature=bytes(range(i % 7, i % 7 + 16)),
                    relevant=[True, False, None][i % 3],
                    score=i / 7,
                    primary_category="detainees",
                    categories=["detainees", "diplomacy"],
                    reasons=["cue: trial"],
                    entities=["Baku"],
                    authors=["A. Hakobyan"],
                    story_id=story.id,
                    meta={"nested": {"k": [1, 2.5, None]}},
                )
            )
        s.flush()
        # forward references: the original is stored later than its duplicate
        s.execute(
            sa.update(Article)
            .where(Article.id % 10 == 1, Article.id + 1 <= articles)
            .values(duplicate_of=Article.id + 1)
        )
        s.add_all(
            ArticleBand(article_id=i + 1, band=b, hash=(2**63 - 1 - i * 31 - b) * (-1) ** b)
            for i in range(articles)
            for b in range(4)
        )
        s.add(
            CrawlRun(
                started_at=T0,
                finished_at=T0 + timedelta(seconds=3),
                sources=3,
                fetched=articles,
                new=articles,
                worker="host-a:123",
            )
        )
        digest = Digest(
            label="2026-11-20",
            window_start=T0 - timedelta(days=1),
            window_end=T0,
            created_at=T0,
            status="rendered",
            counts={"new": articles},
            files={"html": "digests-out/x.html"},
        )
        s.add(digest)
        s.flush()
        s.add_all(
            DigestEntry(digest_id=digest.id, article_id=i + 1, story_id=story.id)
            for i in range(articles // 2)
        )
        s.add(
            Delivery(
                digest_id=digest.id,
                channel="email",
                status="sent",
                attempts=1,
                sent_at=T0,
                message_id="<x@localhost>",
            )
        )
        s.add(
            AlertSent(
                rule="detainee released",
                story_id=story.id,
                article_id=1,
                fired_at=T0,
                status="sent",
            )
        )
        s.add(ServiceLock(name="run", pid=4242, host="host-a", acquired_at=T0, heartbeat_at=T0))
        s.add_all(
            ServiceState(key=k, value={"next": T0.isoformat()}, updated_at=T0)
            for k in ("b", "a", "Z", "é")
        )
    with db.engine.connect() as c:
        return {t: int(c.scalar(sa.text(f'SELECT count(*) FROM "{t}"')) or 0) for t in _TABLES}


_TABLES = [
    m.__tablename__
    for m in (
        Source,
        Poll,
        Story,
        Article,
        ArticleBand,
        CrawlRun,
        Digest,
        DigestEntry,
        Delivery,
        AlertSent,
        ServiceLock,
        ServiceState,
    )
]


def dump(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as the ORM types read them, sorted by primary key."""
    from newswatch.storage.copy import row_json, tables

    out: dict[str, list[dict[str, Any]]] = {}
    with db.engine.connect() as c:
        for table in tables():
            rows = [dict(r) for r in c.execute(sa.select(table)).mappings()]
            out[table.name] = sorted(
                rows, key=lambda r: row_json({c.name: r[c.name] for c in table.primary_key.columns})
            )
    return out


_PLACES = [
    "Goris",
    "Stepanakert",
    "Lachin",
    "Aghdam",
    "Shusha",
    "Yerevan",
    "Baku",
    "Syunik",
    "Tavush",
    "Kapan",
    "Jermuk",
    "Ijevan",
    "Fuzuli",
    "Kalbajar",
    "Martuni",
    "Askeran",
]
_TOPICS = [
    "demining teams cleared another stretch of farmland",
    "families displaced in 2023 asked about housing",
    "a court in Baku adjourned a hearing of detained officials",
    "border commissions met on delimitation",
    "monitors photographed a medieval church",
    "aid convoys waited at a checkpoint",
    "deputies debated a resolution on prisoners",
    "ministers discussed the draft peace treaty",
]


def write_site(root: Path, feeds: int = 4, per_feed: int = 50) -> list[str]:
    """A local news site: ``feeds`` RSS feeds of ``per_feed`` distinct articles; the article paths."""
    paths: list[str] = []
    for f in range(feeds):
        items = []
        for i in range(per_feed):
            path = f"a/{f}/{i}.html"
            paths.append(path)
            place, other = (
                _PLACES[(i + f) % len(_PLACES)],
                _PLACES[(3 * i + 5 * f + 1) % len(_PLACES)],
            )
            topic = _TOPICS[(i * 7 + f) % len(_TOPICS)]
            title = f"Report {f}-{i}: near {place}, {topic}"
            paras = "".join(
                f"<p>Paragraph {p} of report {f}-{i}. Near {place}, {topic}; residents of {other} "
                f"counted {i * 13 + p * 7 + f} cases and officials promised a reply within {p + i % 9 + 2} days. "
                f"Observers from {other} compared the figures with those of week {(i + p) % 52 + 1}.</p>"
                for p in range(4)
            )
            day = 1 + i % 28
            (root / "a" / str(f)).mkdir(parents=True, exist_ok=True)
            (root / path).write_text(
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f'<title>{title}</title><meta property="article:published_time" '
                f'content="2026-10-{day:02d}T08:{i % 60:02d}:00+00:00"></head><body><main><article>'
                f"<h1>{title}</h1>{paras}</article></main></body></html>",
                encoding="utf-8",
            )
            items.append(
                f"<item><title>{title}</title><link>http://demo.invalid/{path}</link>"
                f'<guid isPermaLink="false">site-{f}-{i}</guid>'
                f"<pubDate>{day:02d} Oct 2026 08:{i % 60:02d}:00 GMT</pubDate></item>"
            )
        (root / f"feed-{f}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Outlet {f}</title><link>http://demo.invalid/</link><description>test</description>"
            + "".join(items)
            + "</channel></rss>",
            encoding="utf-8",
        )
    return paths


def site_config(
    path: Path, base_url: str, db_url: str, redis_url: str, feeds: int, **crawl: Any
) -> Path:
    """A configuration file for the generated site: no delays or throttling, the given services."""
    import json

    conf = {
        "storage": {"url": db_url},
        "service": {"redis_url": redis_url, "role": "scheduler", "worker_concurrency": 16},
        "crawl": {
            "download_delay": 0,
            "autothrottle": False,
            "concurrent_per_host": 16,
            "obey_robots": False,
            "timeout": 10,
            "retries": 1,
            **crawl,
        },
        "feeds": [
            {"name": f"outlet-{f}", "url": f"{base_url}feed-{f}.xml", "interval": "5m"}
            for f in range(feeds)
        ],
    }
    path.write_text(json.dumps(conf, indent=1), encoding="utf-8")  # JSON is YAML
    return path
