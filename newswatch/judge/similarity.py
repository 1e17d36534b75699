"""Seed-set similarity: TF-IDF over crude stems, seed documents against a background corpus."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from newswatch.judge.normalise import tokens

_STEM = 6
# The opening of an article carries its subject; more text costs time and adds little.
MAX_TOKENS = 300


def features(text: str | Sequence[str]) -> Counter[str]:
    """Stem unigrams and bigrams; truncating words is a language-blind way to merge inflections."""
    toks = tokens(text) if isinstance(text, str) else text
    stems = [t[:_STEM] for t in toks[:MAX_TOKENS] if len(t) > 2 and not t.isdigit()]
    counts: Counter[str] = Counter(stems)
    counts.update(f"{a} {b}" for a, b in pairwise(stems))
    return counts


class SeedIndex:
    """Cosine similarity of a text to the closest seed and the closest background document."""

    def __init__(self, seeds: Sequence[str], background: Sequence[str]) -> None:
        docs = [features(t) for t in (*seeds, *background)]
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.keys())
        # Features seen in one document only are noise for a nearest-neighbour vote.
        vocab = sorted(f for f, n in df.items() if n >= 1)
        self._col = {f: i for i, f in enumerate(vocab)}
        total = len(docs)
        self._idf = np.array([math.log((1 + total) / (1 + df[f])) + 1.0 for f in vocab])
        matrix = np.zeros((len(docs), len(vocab)), dtype=np.float32)
        for row, doc in enumerate(docs):
            for f, n in doc.items():
                col = self._col[f]
                matrix[row, col] = (1 + math.log(n)) * self._idf[col]
            norm = float(np.linalg.norm(matrix[row]))
            if norm:
                matrix[row] /= norm
        # Vocabulary-major, so that the columns of one text are contiguous rows.
        self._by_feature = np.ascontiguousarray(matrix.T)
        self._n_docs = len(docs)
        self._max_idf = math.log(1 + total) + 1.0
        self._n_seeds = len(seeds)

    @property
    def empty(self) -> bool:
        """True when there is no seed to compare with."""
        return self._n_seeds == 0

    def similarity(self, text: str | Sequence[str]) -> tuple[float, float]:
        """Best cosine to a seed document and to a background document (text or its tokens)."""
        if self.empty:
            return 0.0, 0.0
        feats = features(text)
        if not feats:
            return 0.0, 0.0
        get = self._col.get
        cols = np.fromiter((get(f, -1) for f in feats), dtype=np.int64, count=len(feats))
        weights = 1.0 + np.log(np.fromiter(feats.values(), dtype=np.float64, count=len(feats)))
        known = cols >= 0
        if not known.any():
            return 0.0, 0.0
        # Unknown features still lengthen the vector: weight them as the rarest.
        idf = np.where(known, self._idf[np.where(known, cols, 0)], self._max_idf)
        weights *= idf
        norm = math.sqrt(float(weights @ weights))
        sims = weights[known].astype(np.float32) @ self._by_feature[cols[known]]
        sims /= norm
        seed = float(sims[: self._n_seeds].max())
        bg = float(sims[self._n_seeds :].max()) if self._n_docs > self._n_seeds else 0.0
        return seed, bg
