"""The README documents every command and every configuration key, and starts with the two commands."""

from __future__ import annotations

from pathlib import Path

from newswatch.docs import commands, config_keys, fill

README = Path(__file__).parents[1] / "README.md"


def test_readme_starts_with_the_two_commands() -> None:
    head = README.read_text(encoding="utf-8").splitlines()[:6]
    assert any(line.startswith("make demo") for line in head)
    assert any(line.startswith("make test") for line in head)


def test_generated_sections_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert fill(text) == text, "run: python -m newswatch.docs --write README.md"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    found = commands()
    assert len(found) >= 7
    for name, help_line in found:
        assert help_line, f"{name} has no help"
        assert f"`{name}`" in text, f"{name} is not in README.md"


def test_every_config_key_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for key, _, desc in config_keys():
        assert f"`{key}`" in text
        assert desc, f"{key} has no description"


def test_key_table_lists_allowed_values() -> None:
    rows = {key: desc for key, _, desc in config_keys()}
    assert "one of: `rss`, `atom`, `json`, `html`, `sitemap`" in rows["feeds[].kind"]
    assert "one of: `starttls`, `ssl`, `none`" in rows["digest.smtp.security"]
    assert "one of:" not in rows["crawl.timeout"]
