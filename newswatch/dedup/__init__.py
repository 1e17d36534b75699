"""Article identity, near-duplicate detection and story grouping (pure logic, no SQL).

How storage and the pipeline use it:
1. Identity: key articles by url_hash(canonical_url(url, page_canonical)); content_fingerprint()
   (None for empty bodies) catches the same body at another address; diff_summary() describes
   a publisher's edit when a known URL comes back with a different fingerprint.
2. Near-duplicates: sig = MinHasher().signature(text); store to_bytes(sig) with the article and
   one (band, hash) row per band_hashes(sig), primary key (band, hash, article_id). Look up with
   "WHERE (band = ? AND hash = ?) OR ..." (SQLite plans "(band, hash) IN (VALUES ...)" as a full
   scan), then keep candidates whose similarity() >= threshold.
3. Stories: build StoryFeatures, fetch open stories (last_seen within the window) as
   StoryCandidate with a few recent members, call assign_story(); None means start a story with
   new_story(), otherwise add_member(). Pass a DocStats kept over recent articles (add/remove,
   to_dict/from_dict) so that names common to the whole topic weigh little.
"""

from __future__ import annotations

from newswatch.dedup.features import DocStats, StoryCandidate, StoryFeatures, keywords
from newswatch.dedup.fingerprint import content_fingerprint, diff_summary
from newswatch.dedup.stories import (
    add_member,
    assign_story,
    best_story,
    cluster,
    new_story,
    story_score,
)
from newswatch.dedup.urls import canonical_url, registered_domain, url_hash

__all__ = [
    "DocStats",
    "MinHasher",
    "StoryCandidate",
    "StoryFeatures",
    "add_member",
    "assign_story",
    "best_story",
    "canonical_url",
    "cluster",
    "content_fingerprint",
    "diff_summary",
    "keywords",
    "new_story",
    "registered_domain",
    "story_score",
    "url_hash",
]


def __getattr__(name: str) -> object:
    # MinHasher loads datasketch, which loads scipy (about 50 MB): only a process that stores
    # articles needs it, not a service waiting for its next poll
    if name == "MinHasher":
        from newswatch.dedup.minhash import MinHasher

        return MinHasher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
