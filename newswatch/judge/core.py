"""The judge: lexicon evidence, category cues and seed similarity combined into a verdict.

Evidence, summed into a raw score and squashed to 0..1 around the profile's bias:
topic entities and terms (title-boosted, weaker when met only in passing after the lead),
each side's own names (capped), the pair of sides (only beside a conflict cue), category
cues (gated by topic evidence), look-alikes next to topic words (subtracted) and, when the
lexicon leaves the verdict open, closeness to the seed documents against a background set.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newswatch.judge.cues import category_scores, pick_categories
from newswatch.judge.evidence import BODY_OFFSET, Found, collect, drop_nested_cues
from newswatch.judge.lexicon import Hit, Lexicon, Term, terms_of
from newswatch.judge.normalise import paragraph_tokens, tokens
from newswatch.judge.profile import (
    Profile,
    category_order,
    cue_acts,
    default_documents_dir,
    load_profile,
    read_documents,
)

# Token positions skipped between paragraphs (more than any look-alike window).
PARAGRAPH_GAP = 1000
# Seed-minus-background cosine is clipped to this range before weighting.
SEED_MARGIN = (-0.1, 0.5)
# Only the part of the margin above this counts as topic evidence for category cues.
SEED_GATE_FLOOR = 0.05


@dataclass
class Judgement:
    """The verdict on one article, with the evidence behind it."""

    relevant: bool
    score: float
    categories: list[str]
    reasons: list[str]
    entities: list[str]
    details: dict[str, Any] = field(default_factory=dict)


class Judge:
    """Scores relevance to a topic profile and assigns ordered categories with reasons."""

    def __init__(self, profile: Profile, seeds: Sequence[str], background: Sequence[str]) -> None:
        self.profile = profile
        self.categories: tuple[str, ...] = category_order(profile)
        terms: list[Term] = []
        for entity_id, entity in profile.entities.items():
            terms += terms_of(f"e:{entity_id}", entity.names)
        for name, group in profile.topic.items():
            terms += terms_of(f"t:{name}", group.terms)
        for cat, spec in profile.categories.items():
            for name, group in spec.groups.items():
                terms += terms_of(f"c:{cat}:{name}", group.terms)
        for name, group in profile.negatives.items():
            terms += terms_of(f"n:{name}", group.terms)
        unique = {(t.key, t.parts, t.exact, t.cased): t for t in reversed(terms)}
        terms = list(unique.values())[::-1]
        self._lexicon = Lexicon(terms, profile.min_stem, profile.max_suffix)
        self._entity_lexicon = Lexicon(
            [t for t in terms if t.key.startswith("e:")], profile.min_stem, profile.max_suffix
        )
        # numpy comes with the seed index: a process that only reads verdicts never loads it
        from newswatch.judge.similarity import SeedIndex

        self._seeds = SeedIndex(seeds, background)
        self._side_ids = {e for side in profile.sides for e in side}
        self._cue_acts = cue_acts(profile)

    def _supports(self, key: str) -> bool:
        """Whether a key shows the topic itself: a core entity or term, or a specific cue."""
        kind = key[0]
        if kind == "e":
            entity_id = key[2:]
            return entity_id not in self._side_ids and self.profile.entities[entity_id].weight > 0
        if kind == "c":
            return self.profile.categories[key.split(":")[1]].relevance_weight >= 1.0
        return kind == "t"

    @classmethod
    def load(
        cls, profile: str | Path | dict[str, Any] | None = None, seed_dirs: Sequence[Path] = ()
    ) -> Judge:
        """Build a judge from a profile (default: the packaged one) and seed-document folders."""
        dirs = [Path(d) for d in seed_dirs]
        if profile is None:
            dirs.insert(0, default_documents_dir())
        seeds, background = read_documents(dirs)
        return cls(load_profile(profile), seeds, background)

    def entity_labels(self) -> dict[str, str]:
        """Every canonical entity id of the profile with its display label."""
        return {entity_id: e.label for entity_id, e in self.profile.entities.items()}

    def entities(self, text: str) -> set[str]:
        """Canonical entity ids mentioned in a text."""
        return {term.key[2:] for term, _ in self._entity_lexicon.find(tokens(text), text)}

    def judge(self, title: str, text: str, language: str | None = None) -> Judgement:
        """Judge one article."""
        sc = self.profile.scoring
        title_tokens = tokens(title)
        body_hits, text_tokens, lead, isolated = self._body(text, sc.lead_tokens)
        found = collect(
            drop_nested_cues(self._lexicon.find(title_tokens, title), self._cue_acts),
            drop_nested_cues(body_hits, self._cue_acts),
            isolated,
        )
        details: dict[str, Any] = {"language": language}
        reasons: list[str] = []

        negative, negatives = self._negatives(found)
        cat_scores, cues = category_scores(self.profile, found, BODY_OFFSET + lead)
        ranked = [
            *sorted(
                (s * self.profile.categories[c].relevance_weight for c, s in cat_scores.items()),
                reverse=True,
            ),
            0.0,
            0.0,
        ]
        # Naming both countries, or the pair, says little without anything conflict-like.
        cue_presence = min(1.0, ranked[0] / 2.0)
        # A named pair (Armenia and Turkey) is the topic beside any category's cue, diplomacy's
        # too: envoys of the two meeting is the normalisation itself.
        pair_context = min(1.0, max(cat_scores.values(), default=0.0) / 2.0)
        topic, core, by_language = self._topic_evidence(found, pair_context)
        pair = 0.0
        sides = self.profile.sides
        if sides and all(
            any(f"e:{e}" in found and found[f"e:{e}"].supported for e in side) for side in sides
        ):
            pair = sc.pair_bonus * cue_presence
        # Category cues only support a topic already present beyond a bare country name.
        full_cues = sc.cue_weight * min(ranked[0] + 0.5 * ranked[1], sc.cue_cap)
        # A side's own names (its parliament, ministry, capital) open the gate only in part: a
        # resolution against one of the sides is the topic, a country's energy news is not.
        core += sc.side_gate * (topic - core)
        cue_part = full_cues * min(1.0, (core + pair) / sc.gate)
        lexical = topic + pair + cue_part - negative
        seed_sim: float | None = None
        bg_sim: float | None = None
        seed_part = 0.0
        low, high = sc.seed_weight * SEED_MARGIN[0], sc.seed_weight * SEED_MARGIN[1]
        upper = lexical - cue_part + full_cues + high
        # Similarity only matters where it can change the verdict; skipping it elsewhere
        # keeps the judge fast on the bulk of clearly off-topic or clearly on-topic articles.
        if not self._seeds.empty and upper > sc.bias and lexical + low < sc.bias + 1.0:
            seed_sim, bg_sim = self._seeds.similarity(title_tokens + text_tokens)
            margin = max(SEED_MARGIN[0], min(SEED_MARGIN[1], seed_sim - bg_sim))
            seed_part = sc.seed_weight * margin
            # Closeness to the seed set is topic evidence too: it lets cues count in a
            # report that names none of the profile's entities.
            support = max(seed_part - SEED_GATE_FLOOR * sc.seed_weight, 0.0)
            cue_part = full_cues * min(1.0, (core + pair + support) / sc.gate)
        raw = topic + pair + cue_part - negative + seed_part
        score = 1.0 / (1.0 + math.exp(-sc.slope * (raw - sc.bias)))
        relevant = score >= sc.threshold

        for lang, names in by_language.items():
            reasons.append(f"terms[{lang}]: {', '.join(names[:6])}")
        if pair:
            reasons.append("both countries named")
        categories: list[str] = []
        if relevant:
            categories = pick_categories(self.profile, self.categories, cat_scores)
        for cat in sorted(cues, key=lambda c: -cat_scores[c]):
            reasons.append(f"cue[{cat}]: {', '.join(cues[cat][:5])}")
        for name, names in negatives.items():
            reasons.append(f"negative[{name}]: {', '.join(names[:5])}")
        if seed_sim is not None and bg_sim is not None:
            reasons.append(f"seed similarity {seed_sim:.2f} (background {bg_sim:.2f})")

        entities = [
            k[2:]
            for k, _ in sorted(found.items(), key=lambda kv: kv[1].first)
            if k.startswith("e:")
        ]
        details.update(
            terms=by_language,
            cues=cues,
            category_scores={c: round(s, 2) for c, s in cat_scores.items() if s},
            negatives=negatives,
            seed_similarity=None if seed_sim is None else round(seed_sim, 3),
            background_similarity=None if bg_sim is None else round(bg_sim, 3),
            evidence={
                "topic": round(topic, 2),
                "pair": pair,
                "cues": round(cue_part, 2),
                "negatives": round(negative, 2),
                "seed": round(seed_part, 2),
                "raw": round(raw, 2),
            },
        )
        return Judgement(relevant, round(score, 4), categories, reasons, entities, details)

    def _body(self, text: str, lead_tokens: int) -> tuple[list[Hit], list[str], int, set[int]]:
        """Hits paragraph by paragraph, topical tokens, the lead's end and isolated mentions.

        Paragraphs with no topic term or cue are left out of the returned tokens (unless no
        paragraph has one), so that seed similarity looks at the part of a round-up that
        is about the topic. A topic mention after the lead in a paragraph with no other topic
        term or cue is isolated: a passing reference, not the story.
        """
        hits: list[Hit] = []
        topical: list[str] = []
        all_tokens: list[str] = []
        isolated: set[int] = set()
        seen = 0
        position = 0
        lead = -1
        # folding neither adds nor removes a newline: the raw lines pair with the folded ones
        for toks, line in zip(paragraph_tokens(text), text.split("\n"), strict=True):
            if not toks:
                continue
            found = self._lexicon.find(toks, line)
            hits.extend((term, position + i) for term, i in found)
            if any(term.key[0] in "etc" for term, _ in found):
                topical += toks
            if seen >= lead_tokens:
                support = {term.key for term, _ in found if self._supports(term.key)}
                if len(support) < 2:
                    isolated.update(position + i for term, i in found if term.key[0] in "et")
            if lead < 0 and seen + len(toks) >= lead_tokens:
                lead = position + lead_tokens - seen
            seen += len(toks)
            if not topical:
                all_tokens += toks
            # A gap between paragraphs keeps terms and look-alikes from reaching across them.
            position += len(toks) + PARAGRAPH_GAP
        return hits, topical or all_tokens, lead if lead >= 0 else position, isolated

    def _topic_evidence(
        self, found: dict[str, Found], cue_presence: float
    ) -> tuple[float, float, dict[str, list[str]]]:
        """Total topic evidence, the part not from the sides' own names, and terms by language."""
        sc = self.profile.scoring
        side_of = {f"e:{e}": i for i, side in enumerate(self.profile.sides) for e in side}
        side_parts = [0.0] * len(self.profile.sides)
        total = 0.0
        core = 0.0
        by_language: dict[str, list[str]] = {}
        for key, f in found.items():
            kind, _, name = key.partition(":")
            if kind == "e":
                weight = self.profile.entities[name].weight
                units = 1.0
            elif kind == "t":
                group = self.profile.topic[name]
                weight = group.weight * (cue_presence if group.needs_cues else 1.0)
                units = float(min(len(f.surfaces), group.cap))
            else:
                continue
            if weight <= 0:
                continue
            if not f.supported:
                weight *= sc.isolated_factor
            part = weight * units * (1 + sc.title_boost * f.in_title)
            part += sc.repeat_bonus * weight * min(f.count - 1, 3)
            if key in side_of:
                # A country named over and over is still only a country: cap each side.
                side_parts[side_of[key]] += part
            else:
                total += part
                core += part
            if kind == "e":
                # Name the entity once, by its label, under the language it was first seen in.
                language = next(iter(f.surfaces.values()))
                labels = [self.profile.entities[name].label]
            else:
                labels = list(f.surfaces)
                language = next(iter(f.surfaces.values()))
            names = by_language.setdefault(language, [])
            names.extend(label for label in labels if label not in names)
        total += sum(min(part, sc.side_cap) for part in side_parts)
        return total, core, by_language

    def _negatives(self, found: dict[str, Found]) -> tuple[float, dict[str, list[str]]]:
        """Penalty for look-alike subjects; removes the entities a look-alike explains away."""
        total = 0.0
        named: dict[str, list[str]] = {}
        for name, group in self.profile.negatives.items():
            f = found.get(f"n:{name}")
            if f is None:
                continue
            for entity_id in group.suppresses:
                found.pop(f"e:{entity_id}", None)
        anchors = sorted(
            p
            for key, f in found.items()
            if (key[0] == "e" and self.profile.entities[key[2:]].weight > 0) or key[0] == "t"
            for p in f.positions
        )
        window = self.profile.scoring.negative_window
        for name, group in self.profile.negatives.items():
            f = found.get(f"n:{name}")
            if f is None:
                continue
            # A look-alike counts only beside the topic's own words: a sports result next to
            # the name of Karabakh, not an exchange-rate paragraph elsewhere in a round-up.
            local: list[str] = []
            for position, text in f.occurrences:
                i = bisect_left(anchors, position - window)
                if i < len(anchors) and anchors[i] <= position + window and text not in local:
                    local.append(text)
            if local:
                total += group.weight * min(len(local), group.cap)
                named[name] = local
        return total, named
