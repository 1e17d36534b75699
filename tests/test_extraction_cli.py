"""The `extract` command on saved pages, plain and gzipped, with one unreadable file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from newswatch.cli.extract import register

DATA = Path(__file__).parent / "data" / "extraction"


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:
        """Keep Typer in multi-command mode so `extract` is addressed by name."""

    return app


def test_extract_plain_gz_and_missing(tmp_path: Path) -> None:
    plain = tmp_path / "wire.html"
    plain.write_bytes((DATA / "wire_service.html").read_bytes())
    packed = tmp_path / "longread.html.gz"
    packed.write_bytes(gzip.compress((DATA / "longread_pullquotes.html").read_bytes()))
    missing = tmp_path / "absent.html"
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00not really gzip")

    result = CliRunner().invoke(
        _app(),
        [
            "extract",
            str(plain),
            str(missing),
            str(packed),
            str(broken),
            "--url",
            "https://news.example/page",
        ],
    )

    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == [str(plain), str(packed)]
    wire_truth = json.loads((DATA / "wire_service.json").read_text(encoding="utf-8"))
    assert lines[0]["title"] == wire_truth["title"]
    assert lines[0]["url"] == "https://news.example/page"
    assert lines[1]["published"].startswith("2023-11-08")
    assert str(missing) in result.stderr
    assert str(broken) in result.stderr


def test_extract_all_good_exits_zero(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_bytes((DATA / "armenian_script.html").read_bytes())
    result = CliRunner().invoke(_app(), ["extract", str(page)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["language"] == "hy"


def test_extract_explain_says_which_candidate_won_and_why(tmp_path: Path) -> None:
    page = tmp_path / "wire.html"
    page.write_bytes((DATA / "wire_service.html").read_bytes())
    plain = CliRunner().invoke(_app(), ["extract", str(page)])
    explained = CliRunner().invoke(_app(), ["extract", str(page), "--explain"])
    assert plain.exit_code == explained.exit_code == 0, explained.output
    assert "explain" not in json.loads(plain.stdout)
    why = json.loads(explained.stdout)["explain"]
    assert why["text"]["winner"] == why["text"]["source"]
    assert why["text"]["reason"]
    names = [c["name"] for c in why["text"]["candidates"]]
    assert names[0] == "trafilatura"
    assert why["title"]["source"] and why["published"]["source"]
