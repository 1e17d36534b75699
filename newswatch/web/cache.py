"""What the pages keep between requests: explanations per report, and rendered pages.

Explaining a report (reasons, gloss) is most of a page's cost and depends only on its title,
text and categories, so it is kept per report; a new report costs one explanation, not a page
of them. A digest already built never changes (feedback never rewrites one), so its page is
kept whole; the front page is kept until a report or digest is added, and at most ``ttl``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from newswatch.judge.explain import Explainer, explainer_for


class _LRU:
    """A small thread-safe LRU (the pages render in a thread pool)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class MemoExplainer:
    """An :class:`Explainer` whose answers are kept per (title, text, categories)."""

    def __init__(self, explainer: Explainer, size: int = 20_000) -> None:
        self.explainer = explainer
        self.profile = explainer.profile
        self._memo = _LRU(size)

    @staticmethod
    def _key(kind: str, title: str, text: str, categories: Sequence[str], *extra: Any) -> Hashable:
        # the text's hash, not the text: 20k long texts would be kept twice otherwise
        return (kind, title, hash(text), len(text), tuple(categories), *extra)

    def _cached(self, key: Hashable, make: Callable[[], Any]) -> Any:
        found = self._memo.get(key)
        if found is None:
            found = make()
            self._memo.put(key, found)
        return found

    def explain(
        self, title: str, text: str, categories: Sequence[str] = (), *, gloss: bool = False
    ) -> tuple[list[str], str]:
        key = self._key("explain", title, text, categories, gloss)
        reasons, line = self._cached(
            key, lambda: self.explainer.explain(title, text, categories, gloss=gloss)
        )
        return list(reasons), line

    def reasons(self, title: str, text: str, categories: Sequence[str] = ()) -> list[str]:
        key = self._key("reasons", title, text, categories)
        return list(self._cached(key, lambda: self.explainer.reasons(title, text, categories)))

    def gloss(self, title: str, text: str, categories: Sequence[str] = ()) -> str:
        key = self._key("gloss", title, text, categories)
        return str(self._cached(key, lambda: self.explainer.gloss(title, text, categories)))


@lru_cache(maxsize=4)
def memo_explainer(profile: Path | None) -> MemoExplainer:
    """The kept explanations of one profile (one per process, like ``explainer_for``)."""
    return MemoExplainer(explainer_for(profile))


class PageCache:
    """Rendered pages by key; an entry older than ``ttl`` seconds (None: never) is made again."""

    def __init__(self, size: int = 64, clock: Callable[[], float] = time.monotonic) -> None:
        self._lru = _LRU(size)
        self.clock = clock

    def get_or_make(self, key: Hashable, make: Callable[[], str], ttl: float | None = None) -> str:
        found = self._lru.get(key)
        now = self.clock()
        if found is not None and (ttl is None or now - found[0] <= ttl):
            return str(found[1])
        body = make()
        self._lru.put(key, (now, body))
        return body


class EntryMemo:
    """Digest entries kept by everything they are made from, so a page rebuilt after one new
    report makes one entry again, not all of them (``build_view``'s ``entry_maker``)."""

    def __init__(self, make: Callable[..., Any], size: int = 5_000) -> None:
        self.make = make
        self._memo = _LRU(size)

    def maker(self, sources: Mapping[int, Any]) -> Callable[..., Any]:
        """An entry maker for one page: the outlets' names and tags are part of every entry."""
        outlets = tuple(
            sorted(
                (i, s.name, s.title, s.language, repr(sorted((s.tags or {}).items())))
                for i, s in sources.items()
            )
        )

        def make(key: str, members: Sequence[Any], sources_: Any, story: Any, **kw: Any) -> Any:
            fingerprint = (
                key,
                tuple(
                    (
                        a.id,
                        a.updated_at,
                        a.status,
                        a.story_id,
                        a.duplicate_of,
                        a.relevant,
                        a.primary_category,
                        tuple(a.categories or ()),
                        a.language,
                        a.title,
                    )
                    for a in members
                ),
                (story.id, story.headline, story.primary_category, story.reported_at)
                if story
                else None,
                kw.get("update"),
                hash(frozenset(kw.get("known") or ())),
                kw.get("reader_language"),
                id(kw.get("explainer")),
                outlets,
            )
            found = self._memo.get(fingerprint)
            if found is None:
                found = self.make(key, members, sources_, story, **kw)
                self._memo.put(fingerprint, found)
            return found

        return make
