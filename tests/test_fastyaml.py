"""The fast profile reader answers exactly as ruamel does, or declines."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from newswatch import fastyaml
from newswatch.judge.profile import _PARSED, default_profile_path, load_profile

pytestmark = pytest.mark.skipif(not fastyaml.available(), reason="libyaml not installed")

AGREE = [
    "a: 1\nb: -3\nc: 1.5\nd: true\ne: FALSE\nf: ~\ng:\nh: null",
    "terms: [44 day war, 30m, 'no', \"010\", Syunik=, x-1]",
    "a: {b: [1, {c: d}]}\nanchored: &x [1, 2]\nalias: *x",
    "a: !!str 010\nb: !!int 12",
]
DIFFER = [  # YAML 1.1 (libyaml) and 1.2 (ruamel) may read these differently, or ruamel rejects
    "a: no",
    "a: On",
    "a: y",
    "a: 010",
    "a: 0o10",
    "a: 0x1f",
    "a: 1_000",
    "a: 1:30",
    "a: 1e5",
    "a: .inf",
    "a: -.5",
    "a: 3.",
    "a: 2020-01-01",
    "a: =",
    "<<: {b: 1}",
    "a: 1\na: 2",
    "a: !!int '010'",
    "a: !!binary aGk=",
    "a: !!set {x}",
    "? [1]\n: 2",
    "a: - x",
]


@pytest.mark.parametrize("text", AGREE)
def test_plain_documents_read_as_ruamel_reads_them(text: str) -> None:
    assert fastyaml.load(text) == YAML(typ="safe").load(text)


@pytest.mark.parametrize("text", DIFFER)
def test_ambiguous_documents_are_declined(text: str) -> None:
    with pytest.raises(fastyaml.Declined):
        fastyaml.load(text)


def test_shipped_profile_reads_the_same() -> None:
    raw = default_profile_path().read_text(encoding="utf-8")
    assert fastyaml.load(raw) == YAML(typ="safe").load(raw)


def test_profile_is_parsed_once_and_again_when_changed(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    raw = default_profile_path().read_text(encoding="utf-8")
    path.write_text(raw, encoding="utf-8")
    first = load_profile(path)
    assert str(path) in _PARSED
    again = load_profile(path)
    assert again == first and again is not first  # fresh objects: callers may change them
    path.write_text(raw.replace("name:", "name: changed\nold_name:", 1), encoding="utf-8")
    with pytest.raises(Exception, match="old_name"):
        load_profile(path)
