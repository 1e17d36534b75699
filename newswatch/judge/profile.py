"""The topic profile: typed schema, loading from YAML or a dict, and the packaged default."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from newswatch import fastyaml
from newswatch.categories import CATEGORIES
from newswatch.errors import ConfigError

Names = dict[str, list[str]]


class ProfileError(ConfigError, ValueError):
    """The profile file cannot be read or does not follow the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Entity(_Strict):
    """A canonical person, place or institution with its spellings per language."""

    label: str
    weight: float = Field(0.0, description="topic evidence a mention gives")
    names: Names


class TermGroup(_Strict):
    """Weighted terms, listed per language; a trailing '=' forbids suffixes."""

    weight: float = 1.0
    cap: int = Field(3, description="distinct terms counted at most")
    terms: Names = {}
    entities: list[str] = Field(default_factory=list, description="entity ids that count as hits")
    needs_cues: bool = Field(
        False, description="topic only: counts in full only beside a category cue"
    )
    suppresses: list[str] = Field(
        default_factory=list, description="negatives only: entity ids this look-alike explains away"
    )
    unless: list[str] = Field(
        default_factory=list, description="categories only: entity ids whose mention silences it"
    )


class Combo(_Strict):
    """Extra score when every listed group of the category matched."""

    groups: list[str]
    bonus: float


class Category(_Strict):
    """Cue groups and combinations that point at one category."""

    groups: dict[str, TermGroup]
    combos: list[Combo] = []
    requires: list[str] = Field(
        default_factory=list,
        description=(
            "groups of which one must match for the category to count at all;"
            " 'a+b' is met only when both match"
        ),
    )
    min_score: float = 2.0
    lead_bonus: float = Field(
        0.0, description="added when ordering, for categories that frame a story"
    )
    ratio: float | None = Field(
        None, description="share of the best category's score needed to be listed too"
    )
    relevance_weight: float = Field(
        1.0, description="how much this category's cues add to relevance"
    )

    @field_validator("combos")
    @classmethod
    def _known_groups(cls, combos: list[Combo], info: Any) -> list[Combo]:
        groups = info.data.get("groups", {})
        for combo in combos:
            missing = [g for g in combo.groups if g not in groups]
            if missing:
                raise ValueError(f"combo names unknown groups {missing}")
        return combos

    @field_validator("requires")
    @classmethod
    def _known_required(cls, requires: list[str], info: Any) -> list[str]:
        groups = info.data.get("groups", {})
        missing = [g for entry in requires for g in entry.split("+") if g not in groups]
        if missing:
            raise ValueError(f"requires names unknown groups {missing}")
        return requires


class Scoring(_Strict):
    """Weights that turn evidence into a 0..1 score."""

    bias: float = 3.5
    slope: float = 1.2
    threshold: float = 0.5
    title_boost: float = 0.5
    repeat_bonus: float = 0.25
    pair_bonus: float = 1.5
    cue_weight: float = 0.5
    cue_cap: float = 4.0
    gate: float = Field(1.5, description="topic evidence at which category cues count in full")
    seed_weight: float = 4.0
    category_ratio: float = 0.35
    max_categories: int = Field(3, description="categories reported at most per article")
    lead_tokens: int = Field(100, description="body words counted as the article's lead")
    side_cap: float = Field(1.2, description="most evidence one side's own names can give")
    isolated_factor: float = Field(
        0.3, description="weight of topic terms met only in passing, after the lead"
    )
    negative_window: int = Field(
        40, description="words around a topic term where look-alikes count"
    )
    late_factor: float = Field(0.6, description="weight of category cues first seen after the lead")
    side_gate: float = Field(
        0.0, description="share of one side's own names that opens the gate for category cues"
    )
    fallback_category: str = "diplomacy"


class Profile(_Strict):
    """A whole topic profile."""

    name: str
    description: str = ""
    min_stem: int = 4
    max_suffix: int = 7
    sides: list[list[str]] = Field(
        default_factory=list, description="two lists of entity ids: the conflict's parties"
    )
    scoring: Scoring = Scoring()
    entities: dict[str, Entity]
    topic: dict[str, TermGroup] = {}
    categories: dict[str, Category]
    negatives: dict[str, TermGroup] = {}

    @field_validator("sides")
    @classmethod
    def _pair(cls, sides: list[list[str]]) -> list[list[str]]:
        if sides and len(sides) != 2:
            raise ValueError("sides lists exactly two lists of entity ids")
        return sides


def default_profile_path() -> Path:
    """The profile shipped in the `seeds` package."""
    return Path(str(resources.files("newswatch.seeds").joinpath("profile.yaml")))


def default_documents_dir() -> Path:
    """The seed documents shipped in the `seeds` package."""
    return Path(str(resources.files("newswatch.seeds").joinpath("documents")))


def load_profile(source: str | Path | dict[str, Any] | None) -> Profile:
    """Read and validate a profile; errors name the file and the key."""
    where = "<dict>"
    if source is None:
        source = default_profile_path()
    if isinstance(source, dict):
        data: Any = source
    else:
        path = Path(source)
        where = str(path)
        data = _read(path)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"{where}: {key}: {first['msg']}") from exc
    referenced = [("sides", e) for side in profile.sides for e in side]
    for cat, spec in profile.categories.items():
        for name, group in spec.groups.items():
            referenced += [(f"categories.{cat}.groups.{name}.entities", e) for e in group.entities]
    for name, group in profile.negatives.items():
        referenced += [(f"negatives.{name}.suppresses", e) for e in group.suppresses]
    for key, entity_id in referenced:
        if entity_id not in profile.entities:
            raise ProfileError(f"{where}: {key}: unknown entity {entity_id!r}")
    if profile.scoring.fallback_category not in profile.categories:
        raise ProfileError(f"{where}: scoring.fallback_category: not a category")
    return profile


# path -> ((mtime_ns, size), parsed data): every Judge of a process (crawl, store worker,
# explain) reads the same file; validation makes new objects, so the data is never shared.
_PARSED: dict[str, tuple[tuple[int, int], Any]] = {}


def _read(path: Path) -> Any:
    """The profile file's data, parsed once per process while the file stays the same."""
    where = str(path)
    try:
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size)
        cached = _PARSED.get(where)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read profile ({exc.strerror})") from exc
    try:
        if path.suffix == ".json":
            data = json.loads(raw)
        else:
            try:
                data = fastyaml.load(raw)
            except fastyaml.Declined:  # ruamel reads it (and words any error)
                data = YAML(typ="safe").load(raw)
    except (YAMLError, json.JSONDecodeError) as exc:
        raise ProfileError(f"{where}: not valid YAML/JSON: {exc}") from exc
    _PARSED[where] = (stamp, data)
    return data


def category_order(profile: Profile) -> tuple[str, ...]:
    """Profile categories, the shared default order first."""
    known = [c for c in CATEGORIES if c in profile.categories]
    return tuple(known + [c for c in profile.categories if c not in known])


def cue_acts(profile: Profile) -> frozenset[str]:
    """Lexicon keys of the kinds of event that some category counts as its cue."""
    return frozenset(
        f"e:{entity_id}"
        for spec in profile.categories.values()
        for group in spec.groups.values()
        for entity_id in group.entities
        if entity_id.startswith("act:")
    )


def read_documents(dirs: Sequence[Path]) -> tuple[list[str], list[str]]:
    """Seed texts (*.txt) and background texts (background*.jsonl, field 'text') from folders."""
    seeds: list[str] = []
    background: list[str] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            seeds.append(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("background*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    background.append(f"{item.get('title', '')}\n{item['text']}")
    return seeds, background
