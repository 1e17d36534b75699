"""Story grouping: which existing story (development) a new report belongs to, if any."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from newswatch.config import STORY_THRESHOLD, STORY_WINDOW
from newswatch.dedup.features import (
    ACT_PREFIX,
    DATE_PREFIX,
    REPLY,
    DocStats,
    StoryCandidate,
    StoryFeatures,
    as_utc,
    cosine,
    entity_weight,
    name_weight,
    number_weight,
    sequel_of,
    story_presence,
    term_vector,
    weighted_overlap,
)

# One threshold and one window for production, tests and benches: the configuration's defaults.
DEFAULT_WINDOW = STORY_WINDOW
DEFAULT_THRESHOLD = STORY_THRESHOLD
# Confidence that a perfect match of one signal alone gives for "same development". Signals
# combine as a noisy-OR, so one strong signal suffices (same names and figures across
# languages, or near-identical wording); judge entities and name keys see the same people and
# places, so they form one "actors" signal and only the stronger of the two counts.
EVIDENCE = {"entities": 0.9, "text": 0.85, "numbers": 0.6, "names": 0.85, "acts": 0.5}
# Reports of one kind (a shared category or kind of event) published within a day of each other
# are often one development: this much evidence at no gap, none a day apart.
SAME_DAY_EVIDENCE = 0.15
SAME_DAY = timedelta(hours=24)
# Reports naming only different kinds of event (a verdict and a handover, a shooting and a drone
# crash) are different developments even when the actors are the same: the score keeps this much.
ACT_CLASH = 0.6
# A reply and the resolution it answers, or a ceasefire and the offensive it ends, share actors,
# words and figures by nature: only the event each leads with separates them.
SEQUEL_CLASH = 0.25
# Reports of one development name the same day ("on 13 September"); two that each name days,
# none in common, tell of different days' events (a shooting and its renewal the next morning).
DATE_CLASH = 0.35
# Reports leading with different institutions (the Senate that adopted a resolution, the other
# side's parliament that answered it) tell of different acts.
SUBJECT_CLASH = 0.5
# TF-IDF cosine at which reworded same-language reports count as full text evidence.
TEXT_FULL = 0.5
# Same-topic vocabulary overlaps across unrelated reports: wording counts fully only once the
# reports share this much entity evidence, half without any.
TEXT_GATE_ENTITIES = 0.3
# One to three shared words between short texts is chance, not evidence.
MIN_SHARED_TERMS = 4
# Same-language reports of one development share vocabulary; below this cosine the score is
# scaled down towards TEXT_DOUBT_FLOOR (shared names are then likely a coincidence).
TEXT_SUPPORT = 0.25
TEXT_DOUBT_FLOOR = 0.5
NEAR_DUPLICATE_TEXT = 0.8
NEAR_DUPLICATE_SCORE = 0.9
# Shared entity weight needed for full entity credit, so that two reports naming only the same
# countries are not taken for one development.
ENTITY_MASS = 1.3
NUMBER_MASS = 1.0
# Name keys are coarse, so two rare ones must agree before they count fully.
NAME_MASS = 1.5
# Same development but filed under different categories happens (judges disagree); keep most.
CATEGORY_FACTOR = {"shared": 1.0, "unknown": 0.9, "disjoint": 0.75}
# A report at the far edge of the window keeps this share of its score.
TIME_FLOOR = 0.7
MAX_MEMBERS = 8
# Fewer reports than this say nothing reliable about which names are common.
MIN_LOCAL_SAMPLE = 8


def _gap(when: datetime, start: datetime, end: datetime) -> timedelta:
    start, end = as_utc(start), as_utc(end)
    if when < start:
        return start - when
    if when > end:
        return when - end
    return timedelta(0)


# Days named in a lead at most this long before publication (or a day after) are its event's day.
EVENT_DAY_SPAN = (timedelta(days=3), timedelta(days=1))


def event_days(a: StoryFeatures) -> set[str]:
    """Date keys in a's lead that fall just before its publication (its event's day).

    A day named only as when something was said or reported is the report's, not the event's.
    """
    if a.published is None:
        return set()
    when = as_utc(a.published)
    out = set()
    for key in a.numbers:
        if not key.startswith(DATE_PREFIX) or key in a.report_dates:
            continue
        day, month = (int(x) for x in key[len(DATE_PREFIX) :].split("."))
        for year in (when.year, when.year - 1):
            try:
                named = when.replace(year=year, month=month, day=day)
            except ValueError:
                continue
            if -EVENT_DAY_SPAN[1] <= when - named <= EVENT_DAY_SPAN[0]:
                out.add(key)
    return out


def _same_language(a: StoryFeatures, b: StoryFeatures) -> bool:
    return not a.language or not b.language or a.language.lower() == b.language.lower()


class _Scorer:
    """Scores with fixed corpus statistics, caching per-article vectors."""

    def __init__(self, stats: DocStats | None) -> None:
        self.stats = stats
        # Keyed by identity; the article is kept alongside so its id cannot be reused.
        self._vectors: dict[int, tuple[StoryFeatures, dict[str, float]]] = {}

    def vector(self, a: StoryFeatures) -> dict[str, float]:
        key = id(a)
        if key not in self._vectors:
            self._vectors[key] = (a, term_vector(a.terms, self.stats))
        return self._vectors[key][1]

    def entity_part(self, a: StoryFeatures, s: StoryCandidate) -> float:
        def weigh(e: str) -> float:
            return entity_weight(e, self.stats)

        counts = {e: n for e, n in s.entities.items() if not e.startswith(ACT_PREFIX)}
        whole, mass = weighted_overlap(a.actors, story_presence(counts, s.members), weigh)
        best = whole
        for m in s.members:
            cos, m_mass = weighted_overlap(a.actors, dict.fromkeys(m.actors, 1.0), weigh)
            best = max(best, cos)
            mass = max(mass, m_mass)
        return best * min(1.0, mass / ENTITY_MASS)

    def act_part(self, a: StoryFeatures, s: StoryCandidate) -> float:
        """Share of the kinds of event that a and its closest member have in common."""
        best = 0.0
        for m in s.members:
            if a.acts and m.acts:
                best = max(best, len(a.acts & m.acts) / min(len(a.acts), len(m.acts)))
        return best

    def act_clash(self, a: StoryFeatures, s: StoryCandidate) -> bool:
        """a names kinds of event, the story others and none of a's.

        The whole story counts (its entity counts hold every member's kinds), so that a member
        naming no kind of event cannot hide one that names another kind.
        """
        story_acts = {e for e, n in s.entities.items() if n > 0 and e.startswith(ACT_PREFIX)}
        return bool(a.acts and story_acts and a.acts.isdisjoint(story_acts))

    def sequel_clash(self, a: StoryFeatures, s: StoryCandidate) -> bool:
        """a leads with an event that ends or answers the one every member leads with.

        A reply quotes the resolution and a ceasefire report recalls the offensive, so their
        kinds of event overlap; the one each leads with tells them apart.
        """
        lead = a.lead_act
        leads = [m for m in s.members if m.lead_act]
        return bool(lead and leads and all(self._answers(a, m) for m in leads))

    @staticmethod
    def _answers(a: StoryFeatures, m: StoryFeatures) -> bool:
        """a's lead event ends or answers m's, or the other way round.

        A body does not reply to itself: a resolution that "condemns" and a report of that
        resolution, both led by the same institution, are one act.
        """
        assert a.lead_act is not None and m.lead_act is not None
        if not sequel_of(a.lead_act, m.lead_act):
            return False
        same_body = a.subject is not None and a.subject == m.subject
        return not (same_body and REPLY in (a.lead_act, m.lead_act))

    def subject_clash(self, a: StoryFeatures, s: StoryCandidate) -> bool:
        """a leads with an institution, and every member that leads with one names another."""
        theirs = [m.subject for m in s.members if m.subject]
        return bool(a.subject and theirs and a.subject not in theirs)

    def date_clash(self, a: StoryFeatures, s: StoryCandidate) -> bool:
        """Both name the day of their event, and no member names a's day.

        Only days just before publication count as the event's day; older dates in a lead
        are background ("detained on 16 November") that reports of one development may differ in.
        """
        mine = event_days(a)
        if not mine:
            return False
        theirs = [t for t in (event_days(m) for m in s.members) if t]
        return bool(theirs) and all(mine.isdisjoint(t) for t in theirs)

    def number_part(self, a: StoryFeatures, s: StoryCandidate) -> float:
        def weigh(n: str) -> float:
            return number_weight(n, self.stats)

        best = 0.0
        for m in s.members:
            cos, mass = weighted_overlap(a.numbers, dict.fromkeys(m.numbers, 1.0), weigh)
            best = max(best, cos * min(1.0, mass / NUMBER_MASS))
        return best

    def name_part(self, a: StoryFeatures, s: StoryCandidate) -> float:
        """Shared rare proper names with reports in other languages (transliteration-proof)."""
        best = 0.0
        for m in s.members:
            if _same_language(a, m) or not m.names or not a.names:
                continue  # wording already compares same-language reports
            shared = sum(name_weight(k, self.stats) for k in a.names & m.names)
            # Containment in the smaller set: languages capitalise differently (English titles
            # and German nouns add keys the other report cannot have).
            smaller = min(
                sum(name_weight(k, self.stats) for k in a.names),
                sum(name_weight(k, self.stats) for k in m.names),
            )
            if smaller > 0:
                best = max(best, shared / smaller * min(1.0, shared / NAME_MASS))
        return best

    def text_part(self, a: StoryFeatures, s: StoryCandidate) -> float | None:
        """Best same-language text similarity, or None when no report shares a's language."""
        mine = self.vector(a)
        others = [self.vector(m) for m in s.members if _same_language(a, m)]
        if s.keywords:
            others.append(s.keywords)
        if not others:
            return None
        return max(
            cosine(mine, o) * min(1.0, len(mine.keys() & o.keys()) / MIN_SHARED_TERMS)
            for o in others
        )

    def _shares_anything(self, a: StoryFeatures, s: StoryCandidate) -> bool:
        """Cheap pre-check: every signal is zero unless some name, figure or word is shared."""
        if not a.entities.isdisjoint(s.entities) or (s.keywords and a.terms.keys() & s.keywords):
            return True
        return any(
            not a.numbers.isdisjoint(m.numbers)
            or not a.names.isdisjoint(m.names)
            or not a.terms.keys().isdisjoint(m.terms.keys())
            for m in s.members
        )

    def signals(self, a: StoryFeatures, s: StoryCandidate) -> tuple[dict[str, float], float | None]:
        """Each signal in 0..1, and the raw same-language text cosine (None across languages)."""
        text = self.text_part(a, s)
        entities = self.entity_part(a, s)
        gate = 0.5 + 0.5 * min(1.0, entities / TEXT_GATE_ENTITIES)
        parts = {
            "entities": entities,
            "text": min(1.0, (text or 0.0) / TEXT_FULL) * gate,
            "numbers": self.number_part(a, s),
            "names": self.name_part(a, s),
            "acts": self.act_part(a, s),
        }
        return parts, text

    def score(
        self, a: StoryFeatures, s: StoryCandidate, window: timedelta
    ) -> tuple[float, list[str]]:
        gap = _gap(a.when, s.first_seen, s.last_seen)
        if gap > window:
            return 0.0, [f"outside window: {gap.total_seconds() / 3600:.0f} h away"]
        if not self._shares_anything(a, s):
            return 0.0, ["nothing in common"]
        if not a.categories or not s.categories:
            cat = "unknown"
        else:
            cat = "shared" if set(a.categories) & set(s.categories) else "disjoint"
        parts, text = self.signals(a, s)
        actors = max(EVIDENCE["entities"] * parts["entities"], EVIDENCE["names"] * parts["names"])
        doubt = (1.0 - actors) * (1.0 - EVIDENCE["text"] * parts["text"])
        doubt *= 1.0 - EVIDENCE["numbers"] * parts["numbers"]
        doubt *= 1.0 - EVIDENCE["acts"] * parts["acts"] * actors
        if gap < SAME_DAY and (cat == "shared" or parts["acts"] > 0):
            doubt *= 1.0 - SAME_DAY_EVIDENCE * (1.0 - gap / SAME_DAY)
        score = (1.0 - doubt) * CATEGORY_FACTOR[cat]
        # Related-but-distinct developments share actors and words; what happened, who acted
        # and on which day tell them apart.
        clashes = []
        for clash, factor, reason in (
            (self.act_clash, ACT_CLASH, "different kinds of event"),
            (self.sequel_clash, SEQUEL_CLASH, "one event answers or ends the other"),
            (self.subject_clash, SUBJECT_CLASH, "led by different institutions"),
            (self.date_clash, DATE_CLASH, "different days named"),
        ):
            if clash(a, s):
                score *= factor
                clashes.append(reason)
        reasons = [f"{k} {v:.2f}" for k, v in parts.items() if v > 0] + [f"categories {cat}"]
        reasons += clashes
        if text is None:
            reasons.append("cross-language")
        else:
            support = min(1.0, text / TEXT_SUPPORT)
            score *= TEXT_DOUBT_FLOOR + (1.0 - TEXT_DOUBT_FLOOR) * support
            if text >= NEAR_DUPLICATE_TEXT:
                score = max(score, NEAR_DUPLICATE_SCORE)
                reasons.append("near-duplicate text")
        factor = 1.0 - (1.0 - TIME_FLOOR) * (gap / window)
        if factor < 1.0:
            reasons.append(f"time gap {gap.total_seconds() / 3600:.0f} h")
        return round(min(1.0, score * factor), 4), reasons


def story_score(
    a: StoryFeatures,
    s: StoryCandidate,
    *,
    window: timedelta = DEFAULT_WINDOW,
    stats: DocStats | None = None,
) -> tuple[float, list[str]]:
    """How well article a fits story s (0..1) and why; pass corpus stats when available."""
    return _Scorer(stats or _local_stats(a, [s])).score(a, s, window)


def _local_stats(a: StoryFeatures, candidates: Sequence[StoryCandidate]) -> DocStats | None:
    """Rarity estimated from the open stories' recent reports when the caller has no corpus."""
    sample = [a] + [m for s in candidates for m in s.members]
    return DocStats.from_articles(sample) if len(sample) >= MIN_LOCAL_SAMPLE else None


def _best(
    scorer: _Scorer,
    a: StoryFeatures,
    candidates: Sequence[StoryCandidate],
    threshold: float,
    window: timedelta,
) -> StoryCandidate | None:
    return _best_scored(scorer, a, candidates, threshold, window)[0]


def _best_scored(
    scorer: _Scorer,
    a: StoryFeatures,
    candidates: Sequence[StoryCandidate],
    threshold: float,
    window: timedelta,
) -> tuple[StoryCandidate | None, float]:
    best: StoryCandidate | None = None
    best_score = threshold
    for s in candidates:
        score, _ = scorer.score(a, s, window)
        if score >= best_score and (best is None or score > best_score):
            best, best_score = s, score
    return best, best_score


def assign_story(
    a: StoryFeatures,
    candidates: Sequence[StoryCandidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = DEFAULT_WINDOW,
    stats: DocStats | None = None,
) -> StoryCandidate | None:
    """The best-fitting story at or above threshold, or None for a new story."""
    return best_story(a, candidates, threshold=threshold, window=window, stats=stats)[0]


def best_story(
    a: StoryFeatures,
    candidates: Sequence[StoryCandidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = DEFAULT_WINDOW,
    stats: DocStats | None = None,
) -> tuple[StoryCandidate | None, float]:
    """``assign_story`` with the winning score (the threshold when no story qualifies)."""
    scorer = _Scorer(stats or _local_stats(a, candidates))
    return _best_scored(scorer, a, candidates, threshold, window)


def new_story(story_id: int | str, a: StoryFeatures) -> StoryCandidate:
    """A one-report story started by a."""
    return StoryCandidate(
        story_id=story_id,
        categories=list(a.categories),
        entities=dict(Counter(a.entities)),
        first_seen=a.when,
        last_seen=a.when,
        titles=[a.title],
        members=[a],
    )


def add_member(s: StoryCandidate, a: StoryFeatures, *, max_members: int = MAX_MEMBERS) -> None:
    """Fold a into s: counts, time span, categories, and the recent-members sample."""
    s.entities = dict(Counter(s.entities) + Counter(a.entities))
    s.categories = s.categories + [c for c in a.categories if c not in s.categories]
    s.first_seen = min(as_utc(s.first_seen), a.when)
    s.last_seen = max(as_utc(s.last_seen), a.when)
    s.titles.append(a.title)
    s.members = ([*s.members, a])[-max_members:]


def cluster(
    articles: Sequence[StoryFeatures],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = DEFAULT_WINDOW,
) -> list[list[int | str]]:
    """Offline grouping by the online rules: in time order, each article joins or starts a story."""
    scorer = _Scorer(DocStats.from_articles(articles))
    stories: list[StoryCandidate] = []
    ids: list[list[int | str]] = []
    for a in sorted(articles, key=lambda x: x.when):
        open_ = [s for s in stories if a.when - s.last_seen <= window]
        chosen = _best(scorer, a, open_, threshold, window)
        if chosen is None:
            stories.append(new_story(len(stories), a))
            ids.append([a.article_id])
        else:
            add_member(chosen, a)
            ids[int(chosen.story_id)].append(a.article_id)
    return ids
