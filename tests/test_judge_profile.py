"""Profile loading, validation errors, user seed documents and the seed index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newswatch.judge import Judge, ProfileError, load_profile
from newswatch.judge.normalise import fold, tokens
from newswatch.judge.similarity import SeedIndex


def _tiny_profile() -> dict[str, Any]:
    return {
        "name": "volcanoes",
        "scoring": {"bias": 1.5, "fallback_category": "diplomacy"},
        "entities": {
            "place:etna": {"label": "Etna", "weight": 3, "names": {"en": ["Etna"], "it": ["Etna"]}},
        },
        "categories": {
            "security": {
                "min_score": 1.0,
                "groups": {"eruption": {"weight": 1.5, "terms": {"en": ["eruption", "lava"]}}},
            },
            "diplomacy": {"groups": {"talk": {"terms": {"en": ["talks"]}}}},
        },
    }


def test_profile_from_dict_drives_the_judge() -> None:
    judge = Judge.load(_tiny_profile())
    assert judge.categories == ("security", "diplomacy")
    verdict = judge.judge("Etna erupts", "Lava flows from Etna after a night of eruptions.")
    assert verdict.relevant and verdict.categories == ["security"]
    assert verdict.entities == ["place:etna"]
    assert not judge.judge("Vesuvius", "A quiet day on the bay of Naples.").relevant


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(colour="red"), "colour"),
        (
            lambda p: p["entities"]["place:etna"].update(weight="heavy"),
            "entities.place:etna.weight",
        ),
        (lambda p: p.update(sides=[["place:etna"], ["place:nowhere"]]), "place:nowhere"),
        (lambda p: p["scoring"].update(fallback_category="sport"), "fallback_category"),
        (
            lambda p: p["categories"]["security"].update(combos=[{"groups": ["x"], "bonus": 1}]),
            "unknown groups",
        ),
        (lambda p: p["categories"]["security"].update(requires=["x"]), "requires names unknown"),
        (
            lambda p: p["categories"]["security"].update(requires=["eruption+x"]),
            "requires names unknown",
        ),
    ],
)
def test_invalid_profiles_name_the_key(change: Any, message: str) -> None:
    profile = _tiny_profile()
    change(profile)
    with pytest.raises(ProfileError, match=message):
        load_profile(profile)


def test_a_category_that_requires_a_group_needs_it_to_count() -> None:
    profile = _tiny_profile()
    security = profile["categories"]["security"]
    security["groups"]["scene"] = {"weight": 1.5, "terms": {"en": ["crater", "summit"]}}
    security["requires"] = ["eruption"]
    judge = Judge.load(profile)
    quiet = judge.judge("Etna", "Hikers reached the crater and the summit of Etna.")
    assert quiet.details["category_scores"].get("security", 0) == 0
    assert "security" not in quiet.details["cues"]
    loud = judge.judge("Etna", "Hikers at the crater of Etna saw lava and a small eruption.")
    assert loud.categories[0] == "security"


def test_a_requirement_joined_with_plus_needs_every_group() -> None:
    profile = _tiny_profile()
    security = profile["categories"]["security"]
    security["groups"]["scene"] = {"weight": 1.5, "terms": {"en": ["crater", "summit"]}}
    security["requires"] = ["eruption+scene"]
    judge = Judge.load(profile)
    one = judge.judge("Etna", "Hikers at Etna saw lava and a small eruption.")
    assert one.details["category_scores"].get("security", 0) == 0
    both = judge.judge("Etna", "Hikers at the crater of Etna saw lava and a small eruption.")
    assert both.categories[0] == "security"


def test_profile_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad.yaml"):
        load_profile(path)
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "missing.yaml")


def test_default_profile_loads_with_packaged_documents() -> None:
    judge = Judge.load()
    assert not judge._seeds.empty
    assert len(judge.profile.entities) > 40


def test_user_seed_documents_are_read(tmp_path: Path) -> None:
    (tmp_path / "seed.txt").write_text(
        "Lava flows and eruption columns over Etna.", encoding="utf-8"
    )
    (tmp_path / "background.jsonl").write_text(
        json.dumps({"title": "Markets", "text": "Stocks and bonds rose on Monday."}) + "\n",
        encoding="utf-8",
    )
    judge = Judge.load(_tiny_profile(), seed_dirs=[tmp_path])
    # No entity named: the lexicon alone is undecided, so similarity is consulted.
    verdict = judge.judge("Tonight", "Lava flows and eruption columns tonight.")
    assert verdict.details["seed_similarity"] is not None
    assert verdict.details["seed_similarity"] > verdict.details["background_similarity"]


def test_seed_index_prefers_the_closer_set() -> None:
    index = SeedIndex(
        ["Prisoners held in Baku face trial", "Peace treaty initialled in Washington"],
        ["Football club wins the league", "Central bank holds interest rate"],
    )
    seed, bg = index.similarity("The trial of prisoners in Baku resumed")
    assert seed > bg
    seed, bg = index.similarity("The central bank raised the interest rate")
    assert bg > seed
    assert SeedIndex([], []).similarity("anything") == (0.0, 0.0)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("İlham Əliyev", "ilham eliyev"),
        ("Azerbaïdjan", "azerbaidjan"),
        ("КАРАБАХ ёлка", "карабах елка"),
        ("ﬁnal", "final"),
        ("Außenminister", "aussenminister"),
        ("qәtnamәni qәbul edib", "qetnameni qebul edib"),  # Cyrillic schwa in Latin-script text
    ],
)
def test_folding(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_tokens_split_persian_joiner_and_cjk() -> None:
    assert tokens("قره\u200cباغ") == ["قره", "باغ"]
    assert tokens("卡拉巴赫 Karabakh") == ["卡", "拉", "巴", "赫", "karabakh"]
