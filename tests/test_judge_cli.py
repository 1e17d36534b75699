"""End-to-end runs of the `classify` command through a local Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from newswatch.cli.classify import register

ARTICLES = [
    {
        "id": "a1",
        "title": "Baku court jails Ruben Vardanyan",
        "text": "A military court in Baku sentenced former Artsakh state minister Ruben "
        "Vardanyan to 20 years in prison.",
        "language": "en",
    },
    {
        "id": "a2",
        "title": "Armenian dram strengthens",
        "text": "The dram rose against the dollar as the central bank kept rates unchanged.",
    },
]


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test application."""

    register(app)
    return app


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_classify_file_writes_one_verdict_per_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(a) for a in ARTICLES])
    result = CliRunner().invoke(_app(), ["classify", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2"]
    assert rows[0]["relevant"] and rows[0]["categories"][0] == "detainees"
    assert not rows[1]["relevant"] and rows[1]["categories"] == []
    assert set(rows[0]) == {"id", "relevant", "score", "categories", "reasons"}


def test_classify_reads_stdin() -> None:
    result = CliRunner().invoke(_app(), ["classify", "-"], input=json.dumps(ARTICLES[0]) + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["relevant"] is True


def test_bad_lines_are_named_and_others_still_processed(tmp_path: Path) -> None:
    lines = [
        json.dumps(ARTICLES[0]),
        "{not json",
        json.dumps({"title": "no id"}),
        json.dumps(ARTICLES[1]),
    ]
    result = CliRunner().invoke(_app(), ["classify", str(_write(tmp_path, lines))])
    assert result.exit_code == 1
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a1", "a2"]
    assert "line 2" in result.stderr and "not valid JSON" in result.stderr
    assert "line 3" in result.stderr and "'id'" in result.stderr


def test_explain_prints_reasons(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(ARTICLES[0])])
    result = CliRunner().invoke(_app(), ["classify", str(path), "--explain"])
    assert result.exit_code == 0
    assert "a1" in result.stdout and "relevant" in result.stdout
    assert "cue[detainees]" in result.stdout


def test_custom_profile_and_profile_errors(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: tea\n"
        "entities:\n"
        "  thing:tea:\n"
        "    label: Tea\n"
        "    weight: 5\n"
        "    names: {en: [green tea]}\n"
        "categories:\n"
        "  diplomacy:\n"
        "    groups: {g: {terms: {en: [ceremony]}}}\n",
        encoding="utf-8",
    )
    path = _write(tmp_path, [json.dumps({"id": 1, "title": "Green tea", "text": "green tea"})])
    result = CliRunner().invoke(_app(), ["classify", str(path), "--profile", str(profile)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["relevant"] is True

    profile.write_text(
        "name: broken\nentities: {}\ncategories: {}\ncolour: red\n", encoding="utf-8"
    )
    result = CliRunner().invoke(_app(), ["classify", str(path), "--profile", str(profile)])
    assert result.exit_code == 2
    assert "colour" in result.stderr and str(profile) in result.stderr
