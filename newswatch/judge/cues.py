"""Category cues: scoring each category and choosing the ordered categories of an article."""

from __future__ import annotations

from newswatch.judge.evidence import Found
from newswatch.judge.profile import Profile


def category_scores(
    profile: Profile, found: dict[str, Found], lead: int
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Score every category from its cue groups and combinations."""
    sc = profile.scoring
    scores: dict[str, float] = {}
    cues: dict[str, list[str]] = {}
    for cat, spec in profile.categories.items():
        score = 0.0
        hit_groups: set[str] = set()
        for name, group in spec.groups.items():
            f = found.get(f"c:{cat}:{name}")
            named = [found[f"e:{e}"] for e in group.entities if f"e:{e}" in found]
            if (f is None and not named) or group.weight == 0:
                # Weightless groups only exist to swallow look-alike phrases.
                continue
            if any(f"e:{e}" in found for e in group.unless):
                continue  # the entity explains these cues away ("court" beside the World Court)
            hit_groups.add(name)
            surfaces = list(f.surfaces) if f else []
            surfaces += [s for e in named for s in e.surfaces]
            count = (f.count if f else 0) + sum(e.count for e in named)
            in_title = (f.in_title if f else False) or any(e.in_title for e in named)
            first = min(([f.first] if f else []) + [e.first for e in named])
            # News puts its subject first: cues only in late background paragraphs count less.
            weight = group.weight * (1.0 if first < lead else sc.late_factor)
            score += weight * min(len(surfaces), group.cap)
            score += weight * sc.title_boost * in_title
            score += 0.1 * weight * min(count - 1, 5)
            cues.setdefault(cat, []).extend(surfaces)
        if spec.requires and not any(
            hit_groups.issuperset(entry.split("+")) for entry in spec.requires
        ):
            # Context alone (who met, who spoke) does not make the subject: the peace treaty
            # needs a word of the treaty itself, not just both leaders at one table.
            cues.pop(cat, None)
            scores[cat] = 0.0
            continue
        for combo in spec.combos:
            if hit_groups.issuperset(combo.groups):
                score += combo.bonus
        scores[cat] = score
    return scores, cues


def pick_categories(
    profile: Profile, order: tuple[str, ...], scores: dict[str, float]
) -> list[str]:
    """Categories worth listing, primary first."""
    sc = profile.scoring
    best = max(scores.values(), default=0.0)
    picked = [
        c
        for c in order
        if scores.get(c, 0.0) >= profile.categories[c].min_score
        and scores[c] >= (profile.categories[c].ratio or sc.category_ratio) * best
    ]
    spec = profile.categories

    def rank(c: str) -> tuple[float, int]:
        # A framing category leads only when it is a major theme, not a passing mention.
        bonus = spec[c].lead_bonus if scores[c] >= 0.5 * best or spec[c].lead_bonus < 0 else 0.0
        return (-scores[c] - bonus, order.index(c))

    picked.sort(key=rank)
    if picked:
        return picked[: sc.max_categories]
    # Weak cues still say more than the default: take the best-supported category.
    if best > 0:
        return [max(order, key=lambda c: (scores.get(c, 0.0), -order.index(c)))]
    return [sc.fallback_category]
