"""`newswatch digest` end to end: prints the file, re-runs re-render, formats, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.cli.app import main
from newswatch.storage.db import Database
from tests.plugins.digest_fixtures import T0, News


@pytest.fixture
def cli_env(tmp_path: Path) -> tuple[Path, Path, News]:
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    out = tmp_path / "out"
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text(
        f"default_feeds: false\nstorage:\n  url: {url}\ndigest:\n  output_dir: {out}\n  timezone: Asia/Yerevan\n",
        encoding="utf-8",
    )
    return cfg, out, News(Database.open(url))


def test_digest_prints_the_file_and_reruns_rerender(
    cli_env: tuple[Path, Path, News], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, out, news = cli_env
    news.article(
        "Resolution on Artsakh adopted", seen=T0 + timedelta(hours=1), categories=("resolutions",)
    )
    now = (T0 + timedelta(hours=5)).isoformat()
    assert main(["--config", str(cfg), "digest", "--now", now]) == 0
    first = capsys.readouterr()
    path = Path(first.out.strip())
    assert path.parent == out and path.suffix == ".html"
    # 12:00 UTC is 16:00 in Yerevan: the label is the local date
    assert path.name == "digest-2026-11-20.html"
    assert "Resolution on Artsakh adopted" in path.read_text(encoding="utf-8")
    assert (out / "index.html").exists() and (out / "digests.atom").exists()
    assert main(["--config", str(cfg), "digest", "--now", now, "--format", "json"]) == 0
    second = capsys.readouterr()
    assert json.loads(second.out)["label"] == "2026-11-20"  # the digest itself, not its path
    assert str(out / "digest-2026-11-20.json") in second.err.replace("\n", "")
    assert "already exists" in second.err


def test_digest_for_a_date_uses_that_days_cutoff(
    cli_env: tuple[Path, Path, News], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, _out, news = cli_env
    news.article("Before 07:00 Yerevan on the 21st", seen=T0 + timedelta(hours=15))
    news.article("After it", seen=T0 + timedelta(hours=23, minutes=30))
    now = (T0 + timedelta(days=2)).isoformat()
    assert (
        main(
            [
                "--config",
                str(cfg),
                "digest",
                "--date",
                "2026-11-21",
                "--now",
                now,
                "--format",
                "text",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out  # --format text prints the digest, not a path
    assert "Before 07:00 Yerevan" in text and "After it" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["digest", "--date", "21/11/2026"], "YYYY-MM-DD"),
        (["digest", "--format", "pdf"], "html, text or json"),
        (["digest", "--resend", "2026-11-21"], "no recipients"),
    ],
)
def test_digest_rejects_bad_input(
    cli_env: tuple[Path, Path, News],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    cfg, _out, _news = cli_env
    assert main(["--config", str(cfg), *args]) != 0
    captured = capsys.readouterr()
    assert message in captured.err + captured.out


def test_help_lists_digest_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--date", "--send", "--format", "--resend"):
        assert flag in out
    assert "--now" not in out
