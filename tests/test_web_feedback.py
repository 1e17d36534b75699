"""Feedback beyond the page: exported with `export`, measured by `backtest --feedback`, never
rewriting a digest; the configuration and command-line wiring of `serve`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.cli.app import main
from newswatch.config import load_config
from newswatch.digests import service
from newswatch.errors import ConfigError
from newswatch.storage.db import Database
from newswatch.storage.feedback import FeedbackKind, add_feedback, corrected_articles
from tests.plugins.digest_fixtures import T0, News, make_settings

BODY = (
    "Deputies adopted a resolution on Karabakh and the Armenian prisoners held in Baku, "
    "demanding their release and access for observers to the detainees."
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_feedback_is_exported_and_backtested(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = News(db)
    sport = news.article(
        "Cup final in Yerevan ends 2-1",
        seen=T0,
        text="The cup final ended 2-1 after extra time in Yerevan.",
        categories=("diplomacy",),
    )
    resolution = news.article(
        "Chamber adopts Karabakh resolution", seen=T0, text=BODY, categories=("diplomacy",)
    )
    untouched = news.article("Talks in Abu Dhabi", seen=T0)
    settings = make_settings(tmp_path / "out")
    service.build_digest(settings, db, cutoff=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    sent = (tmp_path / "out" / "digest-2026-11-21.html").read_text(encoding="utf-8")
    with db.session() as s:
        add_feedback(s, sport, FeedbackKind.NOT_RELEVANT, user="ann", at=T0 + timedelta(days=2))
        add_feedback(s, resolution, FeedbackKind.WRONG_CATEGORY, user="bob", category="resolutions")
        add_feedback(s, resolution, FeedbackKind.NOT_SAME_STORY, user="bob")
        with pytest.raises(LookupError):
            add_feedback(s, 999_999, FeedbackKind.NOT_RELEVANT, user="ann")
    with db.session() as s:
        assert [a.id for a, _f in corrected_articles(s)] == [sport, resolution]

    rc, out, _ = run(capsys, "--db", db_url, "export")
    rows = {r["title"]: r for r in map(json.loads, out.splitlines())}
    assert rc == 0 and len(rows) == 3
    assert rows["Talks in Abu Dhabi"]["feedback"] == []
    [fb] = rows["Cup final in Yerevan ends 2-1"]["feedback"]
    assert (
        fb["kind"] == "not-relevant" and fb["user"] == "ann" and fb["at"].startswith("2026-11-22")
    )
    assert [f["kind"] for f in rows["Chamber adopts Karabakh resolution"]["feedback"]] == [
        "wrong-category",
        "not-same-story",
    ]
    rc, out, _ = run(capsys, "--db", db_url, "export", "--corrected")
    assert rc == 0 and sorted(json.loads(line)["title"] for line in out.splitlines()) == [
        "Chamber adopts Karabakh resolution",
        "Cup final in Yerevan ends 2-1",
    ]

    rc, out, _ = run(capsys, "--db", db_url, "backtest", "--feedback")
    assert rc == 0, out
    # the stored judgement (both relevant, both "diplomacy") agrees with neither correction;
    # the packaged profile drops the sport and files the resolution under resolutions
    assert (
        "2 corrected articles re-judged: the profile agrees with readers on 2 (the stored judgement on 0)"
        in out
    )
    assert "1 story correction not judged" in out
    # the digest already written is as it was, and the articles keep their judgement
    assert (tmp_path / "out" / "digest-2026-11-21.html").read_text(encoding="utf-8") == sent
    with db.session() as s:
        from newswatch.storage.models import Article

        assert s.get(Article, sport).relevant is True
    assert untouched


def test_web_settings_secrets_come_from_the_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "nw.yaml"
    cfg.write_text("web:\n  auth: token\n", encoding="utf-8")
    loaded = load_config(cfg, env={"NEWSWATCH_WEB_TOKEN": "1234"})
    assert loaded.settings.web.token.get_secret_value() == "1234"  # a string, not a number
    with pytest.raises(ConfigError) as err:
        load_config(cfg, env={})
    assert "NEWSWATCH_WEB_TOKEN" in str(err.value.problems)
    cfg.write_text("web:\n  auth: token\n  token: abc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="secrets are not read from files"):
        load_config(cfg, env={"NEWSWATCH_WEB_TOKEN": "x"})
    cfg.write_text("service:\n  web_port: 8090\n", encoding="utf-8")
    assert load_config(cfg, env={}).settings.service.web_port == 8090


def test_serve_refuses_an_open_address_without_auth(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _, err = run(capsys, "--db", sqlite_url, "serve", "--host", "0.0.0.0", "--port", "8999")
    assert rc == 2 and "web.auth" in err


def test_serve_names_the_extra_when_it_is_missing(tmp_path: Path, sqlite_url: str) -> None:
    # a fresh interpreter where starlette cannot be imported
    code = (
        "import sys; sys.modules['starlette'] = None\n"
        "from newswatch.cli.app import main\n"
        f"sys.exit(main(['--db', {sqlite_url!r}, 'serve']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode != 0
    assert "newswatch[web]" in proc.stderr


def test_run_serves_the_pages_when_web_port_is_set(
    tmp_path: Path, sqlite_url: str, service_site: object, service_process: object
) -> None:
    from tests.plugins.service_fixtures import service_config, wait_for
    from tests.plugins.web_fixtures import fetch, free_port

    port = free_port()
    cfg = service_config(
        tmp_path / "nw.yaml", site=service_site, db_url=sqlite_url, service={"web_port": port}
    )
    proc = service_process(cfg)  # type: ignore[operator]

    def page() -> tuple[int, dict[str, str], str] | None:
        try:
            return fetch(f"http://127.0.0.1:{port}/feeds")
        except OSError:
            return None

    code, headers, body = wait_for(page, timeout=60, what="the web pages of `newswatch run`")
    assert code == 200 and "Feed health" in body and "x-content-type-options" in headers
    # the service crawls the site; the pages show what it stored without a restart
    wait_for(
        lambda: 'class="hit"' in fetch(f"http://127.0.0.1:{port}/search?q=")[2],
        timeout=90,
        what="stored news on the pages",
    )
    wait_for(lambda: "service started" in proc.output(), what="the service's signal handlers")  # type: ignore[attr-defined]
    assert proc.stop() == 0  # type: ignore[attr-defined]
    with pytest.raises(OSError):
        fetch(f"http://127.0.0.1:{port}/feeds")


def test_serve_in_a_subprocess_answers_and_stops_on_sigterm(
    tmp_path: Path, sqlite_url: str
) -> None:
    import os
    import signal

    from tests.plugins.service_fixtures import wait_for
    from tests.plugins.web_fixtures import fetch, free_port

    Database.open(sqlite_url).close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", sqlite_url, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def up() -> bool:
            try:
                return fetch(f"http://127.0.0.1:{port}/digests/")[0] == 200
            except OSError:
                return False

        wait_for(up, timeout=60, what="newswatch serve")
        proc.send_signal(signal.SIGTERM)
        # a graceful shutdown and exit 0, like `newswatch run` (uvicorn alone would die by SIGTERM)
        assert proc.wait(30) == 0
        assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
        with pytest.raises(OSError):
            fetch(f"http://127.0.0.1:{port}/digests/")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
