"""Online story assignment for ingest: open stories from storage, scored by newswatch.dedup."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newswatch.dedup import DocStats, StoryCandidate, StoryFeatures, best_story
from newswatch.dedup.features import (
    ACT_PREFIX,
    SUBJECT_PREFIX,
    entity_kind_weight,
    lead_act_of,
    opens_with_yesterday,
    subject_of,
)
from newswatch.judge import Judgement
from newswatch.storage import stories as store
from newswatch.storage.models import Article

# Scoring reads a few recent reports of each open story; more adds time, not accuracy
# (the story's entity counts already summarise the rest).
MEMBERS_PER_STORY = 2
# Open stories fetched per article, and those kept after the category/entity filter.
MAX_OPEN = 300
MAX_CANDIDATES = 12
# Full scoring is the costly step (a TF-IDF vector per member); only the stories sharing the
# most words, figures and names with the report are scored.
MAX_SCORED = 4
# Recent reports whose document frequencies weigh names and words (a sliding window).
STATS_SIZE = 2000
FEATURE_CACHE = 4096
# Decoded open-story summaries kept between reports (a few windows' worth).
SUMMARY_CACHE = 4 * MAX_OPEN
# Other writers' reports are counted in batches of this many once the statistics hold
# YOUNG_CORPUS reports; before that, every one counts at once (a young corpus is fragile).
CATCH_UP_EVERY = 16
YOUNG_CORPUS = 500


def features(
    article_id: int,
    title: str,
    text: str,
    language: str | None,
    published: datetime | None,
    first_seen: datetime,
    categories: Sequence[str],
    entities: Iterable[str],
    source_id: int | None,
) -> StoryFeatures:
    """What story grouping knows of one article (entities in order of first mention)."""
    entities = list(entities)
    # Only a report naming two kinds of event or two institutions has a second one to prefer.
    acts = sum(e.startswith(ACT_PREFIX) for e in entities)
    orgs = sum(e.startswith(SUBJECT_PREFIX) for e in entities)
    recalled = max(acts, orgs) > 1 and opens_with_yesterday(title or "", text or "")
    return StoryFeatures(
        article_id=article_id,
        title=title or "",
        text=text or "",
        language=language,
        published=published,
        first_seen=first_seen,
        categories=list(categories),
        entities=set(entities),
        source=str(source_id) if source_id is not None else "",
        subject=subject_of(entities, recalled=recalled),
        lead_act=lead_act_of(entities, recalled=recalled),
    )


def _of_article(a: Any) -> StoryFeatures:
    assert a.id is not None
    return features(
        a.id,
        a.title,
        a.text,
        a.language,
        a.published_at,
        a.first_seen_at or datetime.min,
        a.categories or [],
        a.entities or [],
        a.source_id,
    )


def _kinship(story: Any, cats: set[str], weights: dict[str, float]) -> float:
    """Story-level pre-ranking: weight of shared entities, plus one for a shared category.

    ``weights`` holds the report's entities with their kind weights (computed once per report:
    this runs for every open story). Categories only rank, never exclude: judges file one
    development under different categories (a mine blast as security or as demining), and
    excluding those cost recall on the labelled sets at no gain in precision.
    """
    theirs = story.entities or {}
    shared = sum(w for e, w in weights.items() if e in theirs)
    return shared + (0.0 if cats.isdisjoint(story.categories or ()) else 1.0)


@dataclass
class Prepared:
    """A story choice made before the write lock, from the articles stored up to ``mark``.

    ``StoryLinker.link`` checks it under the lock: only stories that reports stored since the
    mark started or joined are scored again, so the costly scoring of the open stories runs
    while other writers store.
    """

    mark: int
    story_id: int | None
    score: float


class StoryLinker:
    """Puts stored reports into stories, keeping corpus statistics and member features cached."""

    def __init__(
        self,
        *,
        threshold: float,
        window: timedelta,
        members: int = MEMBERS_PER_STORY,
        max_candidates: int = MAX_CANDIDATES,
    ) -> None:
        self.threshold = threshold
        self.window = window
        self.members = members
        self.max_candidates = max_candidates
        self.stats: DocStats | None = None
        self._window: deque[StoryFeatures] = deque()
        self._counted: set[int] = set()  # article ids in the statistics' window
        self._seen_upto = 0  # highest article id looked at for the statistics
        self._cache: OrderedDict[int, StoryFeatures] = OrderedDict()
        # story id -> (its article count when read, recent member ids)
        self._member_ids: OrderedDict[int, tuple[int, list[int]]] = OrderedDict()
        # story id -> its open_stories row, kept while its article count stays the same
        self._summaries: dict[int, Any] = {}

    def features_of(
        self,
        article_id: int,
        title: str,
        text: str,
        language: str | None,
        published: datetime | None,
        first_seen: datetime,
        judgement: Judgement,
        source_id: int | None,
    ) -> StoryFeatures:
        """Features of a report just judged (entities from the judge)."""
        return features(
            article_id,
            title,
            text,
            language,
            published,
            first_seen,
            judgement.categories,
            judgement.entities,
            source_id,
        )

    def prepare(self, s: Any, feats: StoryFeatures) -> Prepared:
        """Choose the story of a relevant report not stored yet (no lock needed)."""
        mark = store.newest_article_id(s)  # read first: anything stored later is re-checked
        self._ensure_stats(s, exclude=None)
        self._catch_up(s, mark)
        story_id, score = self._choose(s, feats)
        return Prepared(mark, story_id, score)

    def link(
        self,
        s: Any,
        article_id: int,
        feats: StoryFeatures,
        *,
        relevant: bool,
        original: int | None,
        prepared: Prepared | None = None,
    ) -> int | None:
        """The story the stored article now belongs to (None for off-topic reports)."""
        if original is not None:
            root_story = _story_of(s, original)
            if root_story is not None:
                # A copy adds an outlet, not a new account: count it, keep the entity counts.
                store.join_story(s, root_story, article_id, when=feats.when)
                return root_story
        if not relevant:
            return None
        self._ensure_stats(s, exclude=article_id)
        if prepared is None:
            chosen, _ = self._choose(s, feats)
        else:
            chosen = self._recheck(s, feats, prepared)
        if chosen is None:
            story_id = store.create_story(
                s,
                article_id,
                headline=feats.title,
                categories=feats.categories,
                entities=feats.entities,
                when=feats.when,
            )
        else:
            story_id = chosen
            store.join_story(
                s,
                story_id,
                article_id,
                when=feats.when,
                headline=feats.title,
                categories=feats.categories,
                entities=feats.entities,
            )
        if original is None:
            self._remember(feats)
        return story_id

    def _choose(self, s: Any, feats: StoryFeatures) -> tuple[int | None, float]:
        """(best open story or None, its score) among the stories closest to the report."""
        candidates = sorted(self._candidates(s, feats), key=lambda c: -_affinity(feats, c))
        return self._best(feats, candidates[:MAX_SCORED])

    def _best(
        self, feats: StoryFeatures, candidates: Sequence[StoryCandidate]
    ) -> tuple[int | None, float]:
        chosen, score = best_story(
            feats, candidates, threshold=self.threshold, window=self.window, stats=self.stats
        )
        return (int(chosen.story_id) if chosen is not None else None), score

    def _recheck(self, s: Any, feats: StoryFeatures, prepared: Prepared) -> int | None:
        """The prepared choice, unless a story changed since then now fits better."""
        rows = store.stories_joined_since(s, prepared.mark)
        if not rows:
            return prepared.story_id
        changed = {int(r.id) for r in rows}
        story_id, score = self._best(feats, self._as_candidates(s, rows))
        if prepared.story_id is None:
            return story_id  # the unchanged stories did not reach the threshold before either
        if prepared.story_id in changed:
            # the prepared story itself changed: if it no longer wins, choose afresh
            return story_id if story_id == prepared.story_id else self._choose(s, feats)[0]
        return story_id if story_id is not None and score > prepared.score else prepared.story_id

    def stored(self, article_id: int) -> None:
        """This process stored the article with the next id: nothing of others to catch up on."""
        if article_id == self._seen_upto + 1:
            self._seen_upto = article_id

    def forget(self, article_id: int) -> None:
        """Drop cached features of an edited or removed article."""
        self._cache.pop(article_id, None)

    def _candidates(self, s: Any, feats: StoryFeatures) -> list[StoryCandidate]:
        when = feats.when
        cats = set(feats.categories)
        open_ = self._open_stories(s, when)
        # sorted() is stable: among equals the most recently active stories come first
        weights = {e: entity_kind_weight(e) for e in feats.entities}
        stories = sorted(open_, key=lambda st: -_kinship(st, cats, weights))
        return self._as_candidates(s, stories[: self.max_candidates])

    def _open_stories(self, s: Any, when: datetime) -> list[Any]:
        """Open story rows near ``when``, latest first, decoded only when new or changed."""
        keys = store.open_story_keys(s, when - self.window, when + self.window, limit=MAX_OPEN)
        cache = self._summaries
        stale = [sid for sid, n in keys if sid not in cache or cache[sid].article_count != n]
        if len(cache) + len(stale) > SUMMARY_CACHE:
            current = {sid for sid, _ in keys}
            self._summaries = cache = {k: v for k, v in cache.items() if k in current}
        for row in store.stories_by_id(s, stale):
            cache[int(row.id)] = row
        return [cache[sid] for sid, _ in keys]

    def _as_candidates(self, s: Any, stories: Sequence[Any]) -> list[StoryCandidate]:
        members = self._members(s, stories)
        known = self._features(s, [m for ms in members.values() for m in ms])
        out = []
        for st in stories:
            assert (
                st.id is not None and st.first_seen_at is not None and st.last_seen_at is not None
            )
            out.append(
                StoryCandidate(
                    story_id=st.id,
                    categories=list(st.categories or []),
                    entities=dict(st.entities or {}),
                    first_seen=st.first_seen_at,
                    last_seen=st.last_seen_at,
                    titles=[st.headline],
                    members=[known[m] for m in members.get(st.id, []) if m in known],
                )
            )
        return out

    def _members(self, s: Any, stories: Sequence[Any]) -> dict[int, list[int]]:
        """Recent member ids per story, read only for stories whose article count moved."""
        out: dict[int, list[int]] = {}
        stale = []
        for st in stories:
            cached = self._member_ids.get(st.id)
            if cached is not None and cached[0] == st.article_count:
                self._member_ids.move_to_end(st.id)
                out[st.id] = cached[1]
            else:
                stale.append(st)
        if stale:
            read = store.recent_members(s, [st.id for st in stale], per_story=self.members)
            for st in stale:
                out[st.id] = read.get(st.id, [])
                self._member_ids[st.id] = (st.article_count, out[st.id])
            while len(self._member_ids) > FEATURE_CACHE:
                self._member_ids.popitem(last=False)
        return out

    def _features(self, s: Any, ids: Sequence[int]) -> dict[int, StoryFeatures]:
        """Member features from the cache, reading only the articles not cached yet."""
        missing = [i for i in ids if i not in self._cache]
        for art in store.articles_by_id(s, missing):
            self._cache_put(_of_article(art))
        out = {}
        for i in ids:
            if i in self._cache:
                self._cache.move_to_end(i)
                out[i] = self._cache[i]
        return out

    def _cache_put(self, feats: StoryFeatures) -> None:
        self._cache[int(feats.article_id)] = feats
        while len(self._cache) > FEATURE_CACHE:
            self._cache.popitem(last=False)

    def _ensure_stats(self, s: Any, *, exclude: int | None) -> None:
        """Seed the statistics from the newest stored reports (once per process)."""
        if self.stats is not None:
            return
        self.stats = DocStats()
        for art in reversed(store.recent_originals(s, limit=STATS_SIZE)):
            if art.id != exclude:  # the report being linked is counted by link() itself
                self._remember(_of_article(art))
            self._seen_upto = max(self._seen_upto, int(art.id))

    def _catch_up(self, s: Any, mark: int) -> None:
        """Count the reports other writers stored since this process last looked.

        Word rarity decides how much shared words weigh; statistics of only this process's own
        reports would make two writers group one article differently (a writer that stored
        little sees every word as rare and joins stories too readily).
        """
        if mark <= self._seen_upto:
            return
        if mark - self._seen_upto < CATCH_UP_EVERY and len(self._window) >= YOUNG_CORPUS:
            return  # a few reports among thousands barely move the statistics: read them later
        for art in reversed(store.recent_originals(s, limit=STATS_SIZE, after=self._seen_upto)):
            # a member read for scoring already has its features
            self._remember(self._cache.get(int(art.id)) or _of_article(art))
        self._seen_upto = mark

    def _remember(self, feats: StoryFeatures) -> None:
        assert self.stats is not None
        article_id = int(feats.article_id)
        if article_id in self._counted:
            return  # stored here and counted then; now read back from the database
        self._counted.add(article_id)
        self.stats.add(feats)
        self._window.append(feats)
        if len(self._window) > STATS_SIZE:
            old = self._window.popleft()
            self.stats.remove(old)
            self._counted.discard(int(old.article_id))
        self._cache_put(feats)


def _affinity(a: StoryFeatures, story: StoryCandidate) -> float:
    """Cheap pre-ranking: what the report shares with the story's recent members."""
    best = 0.0
    words = a.terms.keys()
    for m in story.members:
        shared = len(words & m.terms.keys()) / max(1, min(len(words), len(m.terms)))
        shared += 0.5 * len(a.numbers & m.numbers) + 0.5 * len(a.names & m.names)
        best = max(best, shared)
    return best + len(a.entities & story.entities.keys()) / max(1, len(a.entities))


def _story_of(s: Any, article_id: int) -> int | None:
    art = s.get(Article, article_id)
    return art.story_id if art is not None else None
