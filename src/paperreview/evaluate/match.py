"""One-to-one matching of review points, and the matchers that score point pairs.

A matcher turns reviews into points (``points``) and scores every pair of points of two reviews
(``scores`` -> an ``(n_a, n_b)`` matrix). :func:`hungarian_match` then keeps a one-to-one set of
pairs at or above a threshold, so a human point is never counted twice. Both matchers share it:
the embedding matcher scores with cosine similarity (threshold ~0.6), the LLM matcher with the
Stanford protocol's 5-10 ratings (threshold 7; see :mod:`paperreview.evaluate.llm_match`).

>>> import numpy as np
>>> S = np.array([[0.9, 0.8], [0.85, 0.1]])
>>> [(m.i, m.j) for m in hungarian_match(S, 0.5)]   # greedy would pair (0,0) and leave row 1 out
[(0, 1), (1, 0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .points import Point, points_from_structured, split_points


@dataclass(frozen=True)
class Match:
    i: int  # index of the point in review A
    j: int  # index of the point in review B
    score: float


@dataclass
class ReviewDoc:
    """A review to compare: its key (``"<paper>/<review>"``), text and optional structure."""

    key: str
    text: str = ""
    structured: dict | None = None
    aspects: dict[int, str] | None = None


def hungarian_match(scores: np.ndarray, threshold: float) -> list[Match]:
    """Most pairs with ``score >= threshold`` such that no row or column is used twice.

    Maximises the *number* of pairs first and their total score second: each admissible pair
    weighs ``2K + score/max|score|`` with ``K = min(n_a, n_b) + 1``, so one extra pair always
    outweighs any gain in similarity (proof: k pairs weigh at least k(2K-1) > (k-1)(2K+1)).
    """
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return []
    from scipy.optimize import linear_sum_assignment

    ok = scores >= threshold
    if not ok.any():
        return []
    big = 2.0 * (min(scores.shape) + 1)
    scale = float(np.abs(scores).max()) or 1.0
    weights = np.where(ok, big + scores / scale, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [Match(int(i), int(j), float(scores[i, j])) for i, j in zip(rows, cols, strict=True)
            if ok[i, j]]


class Matcher(Protocol):
    """What hit-rate needs from a matcher. Add one by implementing these three members."""

    name: str
    default_threshold: float

    def points(self, docs: Sequence[ReviewDoc]) -> dict[str, list[Point]]:
        """Points of each review, keyed by ``ReviewDoc.key`` (a failed review may be absent)."""
        ...

    def scores(self, pairs: Sequence[tuple[list[Point], list[Point]]]) -> list[np.ndarray | None]:
        """One ``(len(a), len(b))`` score matrix per pair (``None`` when scoring failed)."""
        ...


def doc_points(doc: ReviewDoc, include_summary: bool = False) -> list[Point]:
    """Points of a review: its structured items when it has them, else sentences/bullets."""
    if doc.structured:
        pts = points_from_structured(doc.structured, source=doc.key)
        if pts:
            return pts
    return split_points(doc.text, source=doc.key, include_summary=include_summary)


class EmbeddingMatcher:
    """Offline matcher: MiniLM cosine similarity between points split from the reviews."""

    name = "embedding"
    default_threshold = 0.6

    def __init__(self, model: str | None = None, include_summary: bool = False,
                 embedder: object | None = None):
        from .embed import Embedder

        self.embedder = embedder or Embedder(model)
        self.include_summary = include_summary

    def points(self, docs: Sequence[ReviewDoc]) -> dict[str, list[Point]]:
        out = {d.key: doc_points(d, self.include_summary) for d in docs}
        # embed everything in one batched call: far faster than pair by pair
        self.embedder.encode([p.text for pts in out.values() for p in pts])
        return out

    def scores(self, pairs: Sequence[tuple[list[Point], list[Point]]]) -> list[np.ndarray | None]:
        return [self.embedder.similarity([p.text for p in a], [p.text for p in b])
                for a, b in pairs]


def threshold_grid(matcher: Matcher) -> list[float]:
    """Thresholds for the sweep chart: cosine 0.40-0.85 or LLM ratings 5-10."""
    if matcher.name == "llm":
        return [5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    return [round(float(x), 2) for x in np.arange(0.40, 0.851, 0.05)]
