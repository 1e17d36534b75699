"""Full crawls of the bundled test site over real HTTP: every source kind, re-polls, hooks."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal

import sqlalchemy as sa

from newswatch.crawler.store import Placement
from newswatch.storage.models import Article, Poll, Source
from tests.plugins.crawl_fixtures import site_feeds


def _articles(db) -> list[Article]:
    with db.session() as s:
        return list(s.scalars(sa.select(Article).order_by(Article.id)))


def test_full_crawl_stores_every_kind_once(test_site, db, make_settings, run_crawl):
    settings = make_settings(site_feeds(test_site))
    seen = []
    report = run_crawl(settings, db, progress=lambda r: seen.append(r.name))

    assert sorted(seen) == sorted(f["name"] for f in site_feeds(test_site))
    by = {f.name: f for f in report.feeds}
    assert all(f.status == "ok" for f in report.feeds), [(f.name, f.error) for f in report.feeds]
    # rss: absolute link, relative link, and an entry whose only link is its GUID; two of its
    # pages are listed by other sources too, and whichever source asks first fetches them
    rss = by["herald-rss"]
    assert rss.found == 3 and rss.new + rss.skipped == 3 and rss.new >= 1
    # JSON Feed: the item without any link is not followed
    assert (by["herald-json"].found, by["herald-json"].new) == (1, 1)
    # the sitemap index lists an archive sitemap and an old story, both outside the look-back
    assert by["herald-sitemap"].new == 1 and "look-back" in (by["herald-sitemap"].warning or "")
    totals = report.totals
    # eight distinct pages; pages listed by two sources are fetched once
    assert totals["new"] == 8 and totals["fetched"] == 8 and totals["failed"] == 0
    assert totals["found"] == totals["new"] + totals["skipped"]

    arts = _articles(db)
    assert len(arts) == 8
    titles = {a.title for a in arts}
    assert "Trial of former Karabakh leaders continues in Baku" in titles
    trial = next(a for a in arts if "baku-trial" in a.url)
    assert "military court in Baku" in trial.text
    assert trial.relevant is True
    weather = next(a for a in arts if "lisbon-weather" in a.url)
    assert weather.relevant is False
    assert all(a.source_id is not None for a in arts)


def test_second_poll_fetches_no_article(test_site, db, make_settings, run_crawl):
    settings = make_settings(site_feeds(test_site))
    first = run_crawl(settings, db)
    assert first.totals["new"] == 8

    second = run_crawl(settings, db)
    assert second.totals["fetched"] == 0 and second.totals["new"] == 0
    # the site answers If-None-Match with 304; every feed document is unchanged
    assert {f.status for f in second.feeds} == {"not_modified"}
    assert len(_articles(db)) == 8
    with db.session() as s:
        outcomes = s.execute(sa.select(Poll.outcome, sa.func.count()).group_by(Poll.outcome)).all()
        sources = list(s.scalars(sa.select(Source)))
    assert dict(outcomes) == {"ok": 5, "not_modified": 5}
    assert all(src.etag and src.next_poll_at and src.consecutive_failures == 0 for src in sources)


def test_repoll_without_validators_skips_known_entries(test_site, db, make_settings, run_crawl):
    settings = make_settings(site_feeds(test_site)[:1])
    run_crawl(settings, db)
    with db.session() as s:  # forget the validators: the feed is downloaded and parsed again
        s.execute(sa.update(Source).values(etag=None, last_modified=None))
    # SiteServer sends the same ETag; without If-None-Match it must answer 200
    report = run_crawl(settings, db)
    rss = report.feed("herald-rss")
    assert rss.status == "ok" and rss.found == 3 and rss.skipped == 3 and rss.fetched == 0


def test_named_feed_only_and_hook_sees_every_result(test_site, db, make_settings, run_crawl):
    settings = make_settings(site_feeds(test_site))
    results = []
    report = run_crawl(settings, db, ["herald-json"], on_ingested=results.append)
    assert [f.name for f in report.feeds] == ["herald-json"]
    assert [r.status for r in results] == ["new"]
    assert results[0].article_id == _articles(db)[0].id


def test_disabled_feeds_are_skipped_unless_named(test_site, db, make_settings, run_crawl):
    feeds = site_feeds(test_site)
    for f in feeds[1:]:
        f["enabled"] = False
    settings = make_settings(feeds)
    assert [f.name for f in run_crawl(settings, db).feeds] == ["herald-rss"]
    assert [f.name for f in run_crawl(settings, db, ["herald-atom"]).feeds] == ["herald-atom"]


def test_check_mode_lists_new_entries_and_stores_nothing(test_site, db, make_settings, run_crawl):
    settings = make_settings(site_feeds(test_site)[:1])
    report = run_crawl(settings, db, follow=False, record=False)
    rss = report.feed("herald-rss")
    assert rss.entries[0].title == "Belgian chamber backs resolution on Nagorno-Karabakh"
    assert rss.fetched == 0 and len(rss.entries) == 3
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Poll)) == 0
    assert _articles(db) == []


def _store_process_used(caplog) -> bool:
    return any("storing articles in a second process" in r.getMessage() for r in caplog.records)


def _loaded_kept_stage(settings, db):
    """What ``on`` keeps between a service's crawls: a store stage whose process has loaded."""
    from newswatch.crawler.store import open_stage

    stage = open_stage(Placement.KEPT, settings, db)
    stage.start().ready.result(timeout=60)
    return stage


def test_the_store_process_stores_the_same(test_site, sqlite_url, make_settings, run_crawl, caplog):
    from newswatch.storage.db import Database

    caplog.set_level(logging.INFO, logger="newswatch.crawler.workers")
    db = Database.open(sqlite_url)
    settings = make_settings(site_feeds(test_site))
    stage = _loaded_kept_stage(settings, db)
    try:
        results = []
        report = run_crawl(settings, db, on_ingested=results.append, store=stage)
        assert _store_process_used(caplog)
        assert report.totals["new"] == 8 and len(results) == 8
        assert len({r.article_id for r in results}) == 8
        assert {a.title for a in _articles(db)} >= {"Demining teams clear farmland near Aghdam"}
        assert any(r.story_id for r in results)  # judged and grouped over there
        assert stage.proc is not None and stage.proc.usable()  # kept: its owner closes it
        assert run_crawl(settings, db, store=stage).totals["fetched"] == 0
    finally:
        stage.close()
        db.close()
    assert multiprocessing.active_children() == []


def test_auto_starts_the_store_process_only_for_big_crawls(
    test_site, sqlite_url, make_settings, run_crawl, caplog
):
    from newswatch.storage.db import Database

    caplog.set_level(logging.INFO, logger="newswatch.crawler.workers")
    db = Database.open(sqlite_url)
    try:
        settings = make_settings(site_feeds(test_site))
        assert settings.crawl.store_process == "auto"
        run_crawl(settings, db)  # 8 articles: below STORE_PROCESS_MIN
        assert not _store_process_used(caplog)
        assert multiprocessing.active_children() == []
    finally:
        db.close()


def test_a_dead_store_process_loses_no_article(
    test_site, sqlite_url, make_settings, run_crawl, caplog
):
    from newswatch.storage.db import Database

    db = Database.open(sqlite_url)
    settings = make_settings(site_feeds(test_site))
    stage = _loaded_kept_stage(settings, db)
    try:
        os.kill(stage.proc.pid(), signal.SIGKILL)  # dies between crawls (OOM killer, say)
        report = run_crawl(settings, db, store=stage)
        assert report.totals["new"] == 8 and report.totals["failed"] == 0
        assert len(_articles(db)) == 8
        assert any("store process failed" in r.getMessage() for r in caplog.records)
        assert not stage.serves(settings, db)  # its owner starts a fresh one for the next crawl
    finally:
        stage.close()
        db.close()


def _stored(db) -> dict[str, tuple]:
    # what the page gives (dates and verdicts may come from whichever feed listed it first)
    return {a.url: (a.title, a.text, a.language, a.canonical_url) for a in _articles(db)}


def test_each_crawl_placement_extracts_and_stores_in_a_process_of_the_crawl(
    test_site, tmp_path, make_settings, run_crawl, caplog
):
    """The service's ``auto``: pages go to a store process started for the crawl; same result."""
    from newswatch.storage.db import Database

    caplog.set_level(logging.INFO, logger="newswatch.crawler.workers")
    settings = make_settings(site_feeds(test_site))
    here = Database.open(f"sqlite:///{tmp_path / 'here.db'}")
    there = Database.open(f"sqlite:///{tmp_path / 'there.db'}")
    try:
        run_crawl(settings, here, store=Placement.HERE)
        assert not _store_process_used(caplog)
        results = []
        report = run_crawl(settings, there, on_ingested=results.append, store=Placement.EACH_CRAWL)
        assert _store_process_used(caplog)
        assert report.totals["new"] == 8 and len(results) == 8 and report.totals["failed"] == 0
        assert _stored(there) == _stored(here)  # extracted over there exactly as here
        assert all(title and text for title, text, *_ in _stored(there).values())
        assert multiprocessing.active_children() == []  # gone with its crawl
        assert run_crawl(settings, there).totals["fetched"] == 0
    finally:
        here.close()
        there.close()


def test_each_crawl_placement_survives_its_store_process_dying(
    test_site, sqlite_url, make_settings, run_crawl, caplog
):
    from newswatch.storage.db import Database

    db = Database.open(sqlite_url)
    settings = make_settings(site_feeds(test_site))
    killed = []

    def kill_the_store_process(result) -> None:
        if not killed:  # after the first article: the rest meet a dead process
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)

    try:
        report = run_crawl(
            settings, db, on_ingested=kill_the_store_process, store=Placement.EACH_CRAWL
        )
        assert killed
        assert report.totals["new"] == 8 and report.totals["failed"] == 0
        stored = _articles(db)
        assert len(stored) == 8 and all(a.title and a.text for a in stored)
        assert any("store process failed" in r.getMessage() for r in caplog.records)
    finally:
        db.close()


CRAWL_PROCESS = """
import json, sys
from newswatch.config import Settings
from newswatch.crawler.runner import crawl_sync
from newswatch.crawler.store import Placement
from newswatch.storage.db import Database

settings = Settings.model_validate_json(open(sys.argv[1]).read())
db = Database.open(sys.argv[2])
report = crawl_sync(settings, db, store=Placement.EACH_CRAWL)
heavy = ["trafilatura", "py3langid", "numpy", "datasketch", "scipy", "alembic"]
print(json.dumps({"new": report.totals["new"], "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_a_crawl_placed_like_the_service_never_loads_the_heavy_stages(
    test_site, tmp_path, make_settings
):
    """What keeps an idle service small: extraction, MinHash and migrations stay out of it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from newswatch.storage.db import Database

    url = f"sqlite:///{tmp_path / 'n.db'}"
    Database.open(url).close()  # migrated already, as a service's database is
    cfg = tmp_path / "settings.json"
    cfg.write_text(make_settings(site_feeds(test_site)).model_dump_json())
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", CRAWL_PROCESS, str(cfg), url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"new": 8, "loaded": []}


ORPHAN_PARENT = """
import sys, time
from newswatch.config import Settings
from newswatch.crawler import workers

proc = workers.StoreProcess(sys.argv[1], Settings.model_validate({}))
proc.ready.result(timeout=60)
print(proc.pid(), flush=True)
time.sleep(600)
"""


def test_a_store_process_ends_when_its_crawl_process_is_killed(tmp_path):
    """``kill -9`` of the service (or an OOM kill) must not leave its store process running."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    from newswatch.storage.db import Database

    url = f"sqlite:///{tmp_path / 'n.db'}"
    Database.open(url).close()
    root = Path(__file__).resolve().parents[1]
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_PARENT, url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
            if Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break  # exited, waiting to be reaped
            time.sleep(0.2)
        alive = Path(f"/proc/{child}").exists() and (
            Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        )
        if alive:
            os.kill(child, signal.SIGKILL)
        assert not alive, "the store process outlived its crawl process"
    finally:
        if parent.poll() is None:
            parent.kill()
