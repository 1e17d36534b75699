"""End-to-end runs of the core commands: config check, db upgrade, import, export, search, backtest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newswatch.cli.app import main

ITEMS = [
    {
        "id": "r1",
        "url": "https://a.example/news/1?utm_medium=rss",
        "title": "Chamber adopts Karabakh resolution",
        "text": "Deputies adopted a resolution on Karabakh and the prisoners held in Baku, demanding their release.",
    },
    {
        "id": "r2",
        "url": "https://a.example/news/1",
        "title": "Chamber adopts Karabakh resolution",
        "text": "Deputies adopted a resolution on Karabakh and the prisoners held in Baku, demanding their release.",
    },
    {
        "id": "s1",
        "url": "https://b.example/sport/9",
        "title": "Cup final in Yerevan",
        "text": "The cup final ended 2-1 after extra time.",
    },
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_config_check_ok_and_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWATCH_SMTP_PASSWORD", "s3cret")
    cfg = tmp_path / "nw.yaml"
    cfg.write_text("digest:\n  timezone: Asia/Baku\n", encoding="utf-8")
    rc, out, err = run(capsys, "--config", str(cfg), "config", "check")
    assert rc == 0 and "configuration OK" in err
    assert "Asia/Baku" in out and "s3cret" not in out and "********" in out


def test_config_check_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "nw.yaml"
    cfg.write_text("crawl:\n  timeout: soon\n", encoding="utf-8")
    rc, _, err = run(capsys, "--config", str(cfg), "config", "check")
    assert rc == 2 and f"{cfg}:2: crawl.timeout" in err


def test_db_upgrade(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--db", sqlite_url, "db", "upgrade")
    assert rc == 0 and "at revision" in out


def test_db_unreachable_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _, err = run(capsys, "--db", f"sqlite:///{tmp_path}/missing/dir/x.db", "db", "upgrade")
    assert rc == 1 and "folder of the database does not exist" in err


def test_import_export_search_backtest(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "items.jsonl"
    src.write_text("\n".join(json.dumps(i) for i in ITEMS) + "\n{broken\n", encoding="utf-8")
    rc, out, err = run(capsys, "--db", sqlite_url, "import", str(src))
    assert rc == 1  # one bad line, the others are kept
    assert f"{src}:4: not valid JSON" in err
    assert "new: 2" in out and "unchanged: 1" in out
    rc, out, _ = run(capsys, "--db", sqlite_url, "import", str(src))
    assert "unchanged: 3" in out and "new:" not in out  # a second import adds nothing
    rc, out, _ = run(capsys, "--db", sqlite_url, "export")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["r1", "s1"]
    assert rows[0]["relevant"] is True and rows[1]["relevant"] is False
    rc, out, _ = run(capsys, "--db", sqlite_url, "search", "prisoners")
    assert rc == 0 and "Chamber adopts Karabakh resolution" in out
    rc, out, _ = run(capsys, "--db", sqlite_url, "backtest", "--days", "2")
    assert rc == 0 and "2 articles re-judged" in out


def test_scheduler_role_needs_redis(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "nw.yaml"
    cfg.write_text("feeds: []\n", encoding="utf-8")
    rc, _, err = run(capsys, "--config", str(cfg), "--db", sqlite_url, "run", "--role", "scheduler")
    assert rc == 2 and "service.redis_url" in err
    rc, _, err = run(capsys, "--config", str(cfg), "--db", sqlite_url, "run", "--role", "boss")
    assert rc == 2 and "expected standalone or scheduler" in err


SECRETS = (
    "hunter/2@x",
    "123456:AAbbCCdd",
    "T0AAA/B0BBB/XXsecretXX",
    "discordtok",
    "qsecret",
    "pgpass",
)


def test_config_check_masks_every_credential(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWATCH_REDIS_URL", "redis://:hunter/2@x@redis.internal:6379/0")
    cfg = tmp_path / "nw.yaml"
    cfg.write_text(
        "storage:\n  url: postgresql+psycopg://nw:pgpass@db/nw\n"
        "alerts:\n  urls:\n    - tgram://123456:AAbbCCdd/-1001\n    - slack://T0AAA/B0BBB/XXsecretXX/#news\n"
        "    - discord://4242/discordtok\n"
        "feeds:\n  - name: paid\n    url: https://reader:qsecret@paywall.example/feed?token=qsecret&lang=en\n",
        encoding="utf-8",
    )
    rc, out, err = run(capsys, "--config", str(cfg), "config", "check")
    assert rc == 0, err
    for secret in SECRETS:
        assert secret not in out, secret
    assert "redis://:****@redis.internal:6379/0" in out
    assert "https://reader:****@paywall.example/feed?token=****&lang=en" in out


def test_errors_and_logs_mask_credentials(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    from newswatch.logs import setup_logging

    # a Redis nobody listens on: the error names the URL, without its password
    rc, _, err = run(
        capsys, "--db", sqlite_url, "worker", "--redis-url", "redis://:hunter/2@x@127.0.0.1:9/0"
    )
    assert rc != 0 and "127.0.0.1:9" in err and "hunter" not in err
    setup_logging("text", logging.INFO)
    try:
        logging.getLogger("urllib3").warning(
            "POST /bot123456:AAbbCCdd/sendMessage via %s", "https://u:pgpass@h/x"
        )
        try:
            raise ValueError("cannot open redis://:qsecret@h:1/0")
        except ValueError:
            logging.getLogger("newswatch").exception("failed")
    finally:
        setup_logging("text", logging.WARNING)
    err = capsys.readouterr().err
    assert "sendMessage" in err and "cannot open redis://:****@h:1/0" in err
    for secret in SECRETS:
        assert secret not in err, secret


def test_bad_import_lines_are_skipped_and_counted(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from newswatch.cli import data

    good = {
        "id": "g1",
        "url": "https://a.example/good",
        "title": "Karabakh talks",
        "text": "Talks in Baku.",
    }
    lines = [
        json.dumps({**good, "id": "j", "url": "javascript:alert(1)"}).encode(),
        b'{"id": "s", "url": "https://a.example/s", "title": "half \\ud800 char", "text": "t"}',
        json.dumps({**good, "id": "b"}).encode().replace(b"Baku", b"Bak\xff"),
        b'{"id": "big", "text": "' + b"x" * 3000 + b'"}',
        json.dumps(good).encode(),
    ]
    src = tmp_path / "items.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    old = data.MAX_LINE_BYTES
    data.MAX_LINE_BYTES = 2000  # the bound, made small for the test
    try:
        rc, out, err = run(capsys, "--db", sqlite_url, "import", str(src))
    finally:
        data.MAX_LINE_BYTES = old
    assert rc == 1 and "new: 1" in out and "bad lines: 4" in out
    assert f"{src}:1: url: expected an http:// or https:// URL" in err
    assert f"{src}:2: title: contains a lone surrogate" in err
    assert f"{src}:3: not UTF-8 text" in err and f"{src}:4: line longer than" in err
    assert "Traceback" not in err


def test_read_lines_is_bounded() -> None:
    import io

    from newswatch.cli.data import read_lines

    got = list(read_lines(io.BytesIO(b"short\n" + b"y" * 5000 + b"\nnext\n"), limit=100))
    assert [(n, text) for n, text, _ in got] == [(1, "short\n"), (2, None), (3, "next\n")]


def test_search_shows_markup_in_text_as_text(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "items.jsonl"
    src.write_text(
        json.dumps(
            {
                "id": "m",
                "url": "https://a.example/m",
                "title": "Markup [/red] in [bold]title",
                "text": "Negotiators [/red] met on the peace [link=x]treaty[/link] in Baku.",
            }
        )
        + "\n"
    )
    assert run(capsys, "--db", sqlite_url, "import", str(src))[0] == 0
    rc, out, err = run(capsys, "--db", sqlite_url, "search", "peace")
    assert rc == 0, err
    flat = " ".join(out.split())
    assert (
        "[/red]" in flat
        and "[bold]" in flat
        and "peace" in flat
        and "[link=x]treaty[/link]" in flat
    )


def test_corrupted_database_is_a_sentence_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "news.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    before = bad.read_bytes()
    for command in (["status"], ["search", "x"], ["crawl", "--feed", "nope"], ["db", "upgrade"]):
        rc, _, err = run(capsys, "--db", f"sqlite:///{bad}", *command)
        assert rc != 0 and "Traceback" not in err, (command, err)
        if command[0] != "crawl":
            assert "file is not a database" in err and "hint:" in err, (command, err)
    assert bad.read_bytes() == before


def test_output_dir_that_is_a_file_is_a_sentence(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("I am a file")
    cfg = tmp_path / "nw.yaml"
    cfg.write_text(f"feeds: []\ndigest:\n  output_dir: {blocker}\n", encoding="utf-8")
    rc, _, err = run(capsys, "--config", str(cfg), "--db", sqlite_url, "digest")
    assert rc == 1 and f"{blocker} is a file, not a folder" in err and "digest.output_dir" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["status"], ["search", "peace"], ["export"]])
def test_read_only_commands_create_no_database(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    rc, _, err = run(capsys, *command)
    assert rc == 1 and "no database at newswatch.db yet" in err and "newswatch crawl" in err
    assert list(tmp_path.iterdir()) == []


def test_export_has_everything_and_speaks_csv(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    items = [
        {**ITEMS[0], "published": "2026-11-20T09:30:00Z", "language": "en", "source": "wire"},
        ITEMS[2],
    ]
    src = tmp_path / "items.jsonl"
    src.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    assert run(capsys, "--db", sqlite_url, "import", str(src))[0] == 0
    rc, out, err = run(capsys, "--db", sqlite_url, "export", "--since", "1d")
    assert rc == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    first = rows[0]
    assert first["text"].startswith("Deputies adopted") and first["published"].startswith(
        "2026-11-20T09:30"
    )
    assert first["source"] == "wire" and first["language"] == "en" and first["relevant"] is True
    assert 0 < first["score"] <= 1 and first["reasons"] and first["story_id"] and first["story"]
    for since, count in (("2000-01-01", 2), ("2000-01-01T08:00", 2), ("2999-01-01", 0), ("2h", 2)):
        rc, out, _ = run(capsys, "--db", sqlite_url, "export", "--since", since)
        assert rc == 0 and len(out.splitlines()) == count, since
    rc, _, err = run(capsys, "--db", sqlite_url, "export", "--since", "last tuesday")
    assert rc == 2 and "duration (36h, 7d)" in err
    rc, out, _ = run(capsys, "--db", sqlite_url, "export", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == ["r1", "s1"] and table[0]["source"] == "wire"
    assert table[0]["relevant"] == "true" and table[0]["reasons"] == "; ".join(first["reasons"])


def test_counts_read_as_words() -> None:
    """'1 feed', '2 feeds': no 'feed(s)' in what people read (one helper for every message)."""
    from newswatch.scheduler.report import format_figures
    from newswatch.wording import counted

    assert counted(1, "feed") == "1 feed" and counted(2, "feed") == "2 feeds"
    assert counted(0, "entry", "entries") == "0 entries"
    line = format_figures(
        {
            "feeds": 1,
            "fetched": 3,
            "new": 2,
            "duplicates": 1,
            "failed": 0,
            "seconds": 1.0,
            "feed_errors": [],
        }
    )
    assert "1 feed," in line and "1 duplicate," in line and "(s)" not in line
