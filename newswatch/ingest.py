"""The judge → deduplicate → store stages, shared by the crawler's pipelines and `import`.

Identity: one article per canonical URL hash, per GUID within a source, and per body
fingerprint within a source; a known article whose title or body changed is updated in place
(status ``updated``, ``changes`` from ``diff_summary``); a removed one is never stored again.
Copies: an exact body copy from another outlet (``syndicated``) or a MinHash near-duplicate
(``near_duplicate``) is stored, linked to the earliest original and put in its story.
Stories: other relevant reports join the best open story (``newswatch.stories``) or start one.

Several workers may share one database: the lookups and writes of one article run in one
transaction under ``storage.articles.write_lock`` (BEGIN IMMEDIATE on SQLite, an advisory
lock on PostgreSQL), so a copy stored by one worker is seen by the next and two reports of one
development never open two stories. Judging, hashing and choosing a story happen before the
lock is taken; under it only the stories changed since are scored again (``StoryLinker.link``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newswatch.config import DedupConfig, Settings
from newswatch.dedup import (
    StoryFeatures,
    canonical_url,
    content_fingerprint,
    diff_summary,
    url_hash,
)
from newswatch.judge import Judge, Judgement
from newswatch.storage import articles as store
from newswatch.storage.db import Database
from newswatch.storage.models import Article, utcnow
from newswatch.storage.sources import source_for_import
from newswatch.storylink import Prepared, StoryLinker

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newswatch.dedup.minhash import MinHasher

# The LSH layout needs a threshold below 1; a configured 1.0 means "identical signatures".
MAX_LSH_THRESHOLD = 0.99
# Sharing one band is a weak hint; more candidates than this means boilerplate, not copies.
MAX_BAND_CANDIDATES = 50
# Below this many words a text says too little to call another one its copy.
MIN_SKETCH_WORDS = 20


@dataclass
class RawArticle:
    """An article as collected or imported, before judgement."""

    url: str
    title: str = ""
    text: str = ""
    source: str | None = None
    guid: str | None = None
    published: datetime | None = None
    published_source: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    external_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class IngestResult:
    """What happened to one article."""

    # new | syndicated | near_duplicate | updated | unchanged | removed | duplicate (lost a race)
    status: str
    article_id: int | None
    judgement: Judgement | None = None
    duplicate_of: int | None = None
    story_id: int | None = None
    similarity: float | None = None


def guid_hash(guid: str | None) -> str | None:
    return hashlib.sha256(guid.encode("utf-8")).hexdigest() if guid else None


@dataclass
class Identity:
    canonical: str
    url_hash: str
    guid_hash: str | None


def identity(url: str, page_canonical: str | None, guid: str | None) -> Identity:
    canon = canonical_url(url, page_canonical)
    return Identity(canon, url_hash(canon), guid_hash(guid))


@lru_cache(maxsize=4)
def cached_judge(profile: Path | None, seed_dirs: tuple[Path, ...]) -> Judge:
    """One judge per profile and seed folders per process (loading reads every seed document)."""
    return Judge.load(profile, seed_dirs=seed_dirs)


@lru_cache(maxsize=4)
def cached_hasher(threshold: float) -> MinHasher:
    """One MinHasher per threshold (building its permutations is the costly part)."""
    from newswatch.dedup.minhash import MinHasher  # datasketch: only where articles are stored

    return MinHasher(threshold=min(threshold, MAX_LSH_THRESHOLD))


def _clean(title: str | None) -> str:
    return " ".join((title or "").split())


def sketch(hasher: MinHasher, title: str, text: str) -> tuple[Any, list[tuple[int, int]]]:
    """MinHash signature and LSH bands; too short a text gets no bands (never a candidate)."""
    covered = signature_text(title, text)
    sig = hasher.signature(covered)
    # Teasers and stock titles ("Live updates") are identical across unrelated articles.
    return sig, hasher.band_hashes(sig) if len(covered.split()) >= MIN_SKETCH_WORDS else []


def signature_text(title: str, text: str) -> str:
    """What the MinHash covers: the body (copies often change the headline), else the title."""
    return text if len(text.split()) >= 5 else f"{title}\n{text}"


def _match(existing: Article | None, ident: Identity, source_id: int | None) -> str:
    """How a found article relates: none, same (URL or GUID), copy_here (same source) or copy."""
    if existing is None:
        return "none"
    same_source = existing.source_id == source_id
    if existing.url_hash == ident.url_hash or (
        same_source and ident.guid_hash is not None and existing.guid_hash == ident.guid_hash
    ):
        return "same"
    return "copy_here" if same_source else "copy"


def _edited(existing: Article, raw: RawArticle, chash: str | None) -> tuple[bool, bool]:
    """(title changed, body changed); an empty new body is a feed without text, not an edit."""
    title = bool(_clean(raw.title)) and _clean(raw.title) != _clean(existing.title)
    body = chash is not None and chash != existing.content_hash
    return title, body


class Ingestor:
    """Runs the shared stages against one database."""

    def __init__(
        self,
        db: Database,
        judge: Judge,
        *,
        dedup: DedupConfig | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        cfg = dedup or DedupConfig()
        self.db = db
        self.judge = judge
        self.clock = clock
        self.near_threshold = cfg.near_duplicate_threshold
        self.hasher = cached_hasher(cfg.near_duplicate_threshold)
        self.stories = StoryLinker(threshold=cfg.story_threshold, window=cfg.story_window)
        self._source_ids: dict[str, int] = {}

    @classmethod
    def from_settings(cls, settings: Settings, db: Database) -> Ingestor:
        """The ingestor the configuration asks for (profile, seed documents, thresholds)."""
        judge = cached_judge(settings.judge.profile, tuple(settings.judge.seed_dirs))
        return cls(db, judge, dedup=settings.dedup)

    def ingest(
        self, raw: RawArticle, source_id: int | None = None, *, expect_new: bool = False
    ) -> IngestResult:
        """Judge, deduplicate, store and group one article.

        ``expect_new``: the caller follows only entries it does not know (the crawler), so the
        first look without the lock, which answers known articles cheaply, is skipped.
        """
        ident = identity(raw.url, raw.canonical_url, raw.guid)
        chash = content_fingerprint(raw.title, raw.text)
        if source_id is None and raw.source:
            source_id = self._import_source(raw.source)
        now = self.clock()
        prepared: Prepared | None = None
        feats: StoryFeatures | None = None
        with self.db.session() as s:
            if not expect_new:
                # Most entries of a re-polled feed are known and unchanged: answer those unlocked.
                existing = self._find(s, ident, chash, source_id)
                settled = self._settled(existing, _match(existing, ident, source_id), raw, chash)
                if settled is not None:
                    return settled
            judgement = self.judge.judge(raw.title, raw.text, raw.language)
            if judgement.relevant:
                # Choosing a story is the costly part of storing: do it before the lock.
                feats = self._features(0, raw, now, judgement, source_id)
                prepared = self.stories.prepare(s, feats)
        sig, bands = sketch(self.hasher, raw.title, raw.text)
        with self.db.session() as s:
            store.write_lock(s)
            # Look again under the lock: another worker may have stored it meanwhile.
            existing = self._find(s, ident, chash, source_id)
            match = _match(existing, ident, source_id)
            settled = self._settled(existing, match, raw, chash)
            if settled is not None:
                return settled
            if match == "same":
                assert existing is not None
                return self._update(s, existing, raw, chash, judgement)
            return self._insert(
                s,
                raw,
                ident,
                chash,
                source_id,
                judgement,
                (sig, bands),
                existing,
                (now, feats, prepared),
            )

    def remove(
        self, url: str, *, source_id: int | None = None, guid: str | None = None
    ) -> int | None:
        """Mark a withdrawn article removed (kept, so it never returns as new); its id."""
        ident = identity(url, None, guid)
        with self.db.session() as s:
            store.write_lock(s)
            found = self._find(s, ident, None, source_id)
            if found is None or found.id is None:
                return None
            store.mark_removed(s, found.id, self.clock())
            self.stories.forget(found.id)
            return found.id

    def _find(
        self, s: Session, ident: Identity, chash: str | None, source_id: int | None
    ) -> Article | None:
        # a read-only row with an Article's columns, typed as the Article it mirrors
        found: Article | None = store.find_existing(
            s,
            url_hash=ident.url_hash,
            source_id=source_id,
            guid_hash=ident.guid_hash,
            content_hash=chash,
        )
        return found

    def _settled(
        self, existing: Article | None, match: str, raw: RawArticle, chash: str | None
    ) -> IngestResult | None:
        """The result when nothing needs storing, else None."""
        if existing is None or match == "copy":
            return None
        if existing.status == "removed":
            return IngestResult("removed", existing.id)
        if match == "same" and any(_edited(existing, raw, chash)):
            return None
        # Same article (or its body again at another address of the same outlet).
        return IngestResult(
            "unchanged", existing.id, duplicate_of=existing.duplicate_of, story_id=existing.story_id
        )

    def _import_source(self, name: str) -> int:
        if name not in self._source_ids:
            with self.db.session() as s:
                store.write_lock(s)
                src_id = source_for_import(s, name).id
                assert src_id is not None
            self._source_ids[name] = src_id
        return self._source_ids[name]

    def _near_duplicate(
        self, s: Session, bands: Sequence[tuple[int, int]], sig: Any
    ) -> tuple[int, float] | None:
        """(earliest original, best similarity) among stored articles at or above the threshold."""
        root: int | None = None
        best = 0.0
        for art_id, blob, dup_of in store.band_candidates(s, bands, limit=MAX_BAND_CANDIDATES):
            if blob is None:
                continue
            sim = self.hasher.similarity(sig, self.hasher.from_bytes(blob))
            if sim >= self.near_threshold:
                original = dup_of or art_id
                root = original if root is None else min(root, original)
                best = max(best, sim)
        return (root, best) if root is not None else None

    def _insert(
        self,
        s: Session,
        raw: RawArticle,
        ident: Identity,
        chash: str | None,
        source_id: int | None,
        judgement: Judgement,
        sketched: tuple[Any, list[tuple[int, int]]],
        copy_of: Article | None,
        story: tuple[datetime, StoryFeatures | None, Prepared | None],
    ) -> IngestResult:
        sig, bands = sketched
        now, feats, prepared = story
        root: int | None = None
        similarity: float | None = None
        status = "new"
        if copy_of is not None:
            root, similarity, status = copy_of.duplicate_of or copy_of.id, 1.0, "syndicated"
        else:
            hit = self._near_duplicate(s, bands, sig)
            if hit is not None:
                (root, similarity), status = hit, "near_duplicate"
        values = self._values(raw, ident, chash, source_id, judgement, now)
        values.update(signature=self.hasher.to_bytes(sig), duplicate_of=root)
        new_id = store.insert_article(s, values)
        if new_id is None:  # stored by a writer that does not take the lock
            again = store.find_existing(
                s, url_hash=ident.url_hash, source_id=source_id, guid_hash=ident.guid_hash
            )
            return IngestResult("duplicate", again.id if again else None, judgement)
        store.add_bands(s, new_id, bands)
        self.stories.stored(new_id)
        if feats is None:
            feats = self._features(new_id, raw, now, judgement, source_id)
        feats.article_id = new_id
        story_id = self.stories.link(
            s,
            new_id,
            feats,
            relevant=bool(judgement.relevant),
            original=root,
            prepared=prepared,
        )
        return IngestResult(status, new_id, judgement, root, story_id, similarity)

    def _features(
        self,
        article_id: int,
        raw: RawArticle,
        first_seen: datetime,
        judgement: Judgement,
        source_id: int | None,
    ) -> StoryFeatures:
        return self.stories.features_of(
            article_id,
            raw.title,
            raw.text,
            raw.language,
            raw.published,
            first_seen,
            judgement,
            source_id,
        )

    def _values(
        self,
        raw: RawArticle,
        ident: Identity,
        chash: str | None,
        source_id: int | None,
        j: Judgement,
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "url_hash": ident.url_hash,
            "url": raw.url,
            "canonical_url": ident.canonical,
            "source_id": source_id,
            "guid": raw.guid,
            "guid_hash": ident.guid_hash,
            "external_id": raw.external_id,
            "title": raw.title or "",
            "text": raw.text or "",
            "published_at": raw.published,
            "published_source": raw.published_source,
            "language": raw.language,
            "authors": list(raw.authors),
            "first_seen_at": now,
            "content_hash": chash,
            **self._verdict(j),
            "status": "new",
            "meta": dict(raw.meta),
        }

    @staticmethod
    def _verdict(j: Judgement) -> dict[str, Any]:
        return {
            "relevant": j.relevant,
            "score": j.score,
            "primary_category": j.categories[0] if j.categories else None,
            "categories": list(j.categories),
            "reasons": list(j.reasons),
            # In order of first mention: the story grouper reads the leading institution.
            "entities": list(dict.fromkeys(j.entities)),
        }

    def _update(
        self,
        s: Session,
        existing: Article,
        raw: RawArticle,
        chash: str | None,
        judgement: Judgement,
    ) -> IngestResult:
        """A publisher's edit: the stored article takes the new text, with a summary of the change."""
        assert existing.id is not None
        title_changed, body_changed = _edited(existing, raw, chash)
        title = raw.title if title_changed else existing.title
        text = raw.text if body_changed else existing.text
        if not body_changed:  # a title-only edit: judge the stored body under the new title
            judgement = self.judge.judge(title, text, raw.language or existing.language)
        now = self.clock()
        changes = diff_summary(existing.title, title, existing.text, text)
        changes["at"] = now.isoformat()
        changes["edits"] = int((existing.changes or {}).get("edits", 0)) + 1
        values: dict[str, Any] = {
            "title": title,
            "text": text,
            "content_hash": chash if body_changed else existing.content_hash,
            "updated_at": now,
            "status": "updated",
            "changes": changes,
            **self._verdict(judgement),
        }
        if body_changed:
            sig, bands = sketch(self.hasher, title, text)
            values["signature"] = self.hasher.to_bytes(sig)
            store.replace_bands(s, existing.id, bands)
        store.update_article(s, existing.id, values)
        self.stories.forget(existing.id)
        story_id = existing.story_id
        if story_id is None and existing.duplicate_of is None and judgement.relevant:
            # An edit that made the article relevant: it joins or starts a story now.
            feats = self.stories.features_of(
                existing.id,
                title,
                text,
                existing.language,
                existing.published_at,
                existing.first_seen_at or now,
                judgement,
                existing.source_id,
            )
            story_id = self.stories.link(s, existing.id, feats, relevant=True, original=None)
        return IngestResult("updated", existing.id, judgement, existing.duplicate_of, story_id)
