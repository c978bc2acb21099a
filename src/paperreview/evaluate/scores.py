"""Score agreement: predicted ratings (and sub-scores) against the human reviewers' ratings.

Per paper the prediction is compared with the mean human rating (MAE, RMSE, Spearman) and with
each human (share matching at least one human exactly after rounding, share within 1). The spread
of predicted scores exposes a model that says "8" for everything. The human baseline scores each
human against the mean of the *other* humans on the same paper.

>>> r = score_agreement([(6.0, [6, 8]), (3.0, [3, 4]), (8.0, [5, 6])])
>>> r["exact_match_any"]["value"], r["mae"]["value"]
(0.6666666666666666, 1.3333333333333333)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..records import GeneratedReview, Submission
from .stats import bootstrap_mean, bootstrap_stat

SUB_SCORES = ("soundness", "presentation", "contribution")


def as_number(value: Any) -> float | None:
    """3, "3", "3: good", "8: Top 50% of accepted papers" -> float; anything else -> None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if np.isfinite(value) else None
    m = re.match(r"\s*(-?\d+(?:\.\d+)?)", str(value))
    return float(m.group(1)) if m else None


def predicted_scores(g: GeneratedReview) -> dict[str, float]:
    """``rating`` plus sub-scores found in ``review``, ``review["scores"]`` or ``metadata["scores"]``."""
    out: dict[str, float] = {}
    if g.rating is not None:
        out["rating"] = float(g.rating)
    pools = [g.review or {}, (g.review or {}).get("scores") or {}, g.metadata.get("scores") or {}]
    for name in SUB_SCORES:
        for pool in pools:
            if isinstance(pool, dict) and (v := as_number(pool.get(name))) is not None:
                out[name] = v
                break
    return out


def human_scores(sub: Submission, name: str) -> list[float]:
    vals = []
    for r in sub.reviews:
        v = r.rating if name == "rating" else as_number((r.fields or {}).get(name))
        if v is not None:
            vals.append(float(v))
    return vals


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


def _spread(values: Sequence[float]) -> dict[str, Any]:
    v = np.asarray(values, dtype=float)
    counts = Counter(float(x) for x in np.round(v, 2))
    top, top_n = counts.most_common(1)[0]
    return {"mean": float(v.mean()), "std": float(v.std()), "min": float(v.min()),
            "max": float(v.max()), "n_distinct": len(counts), "most_common": top,
            "most_common_share": top_n / len(v),
            "histogram": {str(k): c for k, c in sorted(counts.items())}}


def score_agreement(pairs: Sequence[tuple[float, Sequence[float]]], seed: int = 0
                    ) -> dict[str, Any]:
    """Metrics for one score over ``(predicted, [human scores])`` pairs (papers without humans
    are skipped)."""
    pairs = [(float(p), [float(h) for h in hs]) for p, hs in pairs if hs and p is not None]
    if not pairs:
        return {"n": 0}
    pred = np.array([p for p, _ in pairs])
    mean_h = np.array([np.mean(hs) for _, hs in pairs])
    err = pred - mean_h
    exact = [float(any(round(p) == round(h) for h in hs)) for p, hs in pairs]
    within1 = [float(any(abs(p - h) <= 1 for h in hs)) for p, hs in pairs]
    out: dict[str, Any] = {
        "n": len(pairs),
        "mae": bootstrap_mean(np.abs(err), seed=seed),
        "rmse": float(np.sqrt(np.mean(err ** 2))),
        "bias": float(err.mean()),
        "spearman": bootstrap_stat(len(pairs), lambda i: _spearman(pred[i], mean_h[i]), seed=seed,
                                   n_boot=500),
        "exact_match_any": bootstrap_mean(exact, seed=seed),
        "within_1_any": bootstrap_mean(within1, seed=seed),
        "predicted_spread": _spread(pred),
        "human_spread": _spread([h for _, hs in pairs for h in hs]),
    }
    out["human_baseline"] = _human_baseline([hs for _, hs in pairs], seed)
    return out


def _human_baseline(humans: Sequence[Sequence[float]], seed: int) -> dict[str, Any]:
    """Each human vs the mean of the other humans on the same paper (papers with >= 2 humans)."""
    abs_err, exact = [], []
    for hs in humans:
        if len(hs) < 2:
            continue
        for i, h in enumerate(hs):
            rest = [x for j, x in enumerate(hs) if j != i]
            abs_err.append(abs(h - np.mean(rest)))
            exact.append(float(any(round(h) == round(x) for x in rest)))
    return {"mae": bootstrap_mean(abs_err, seed=seed),
            "exact_match_any": bootstrap_mean(exact, seed=seed), "n_reviews": len(abs_err)}


def evaluate_scores(pairs: Sequence[tuple[GeneratedReview, Submission]], seed: int = 0
                    ) -> dict[str, Any]:
    """Score agreement for ``rating`` and each sub-score present on both sides."""
    result: dict[str, Any] = {"n_papers": len(pairs), "scores": {}}
    for name in ("rating", *SUB_SCORES):
        rows = [(predicted_scores(g).get(name), human_scores(s, name)) for g, s in pairs]
        rows = [(p, hs) for p, hs in rows if p is not None and hs]
        if rows:
            result["scores"][name] = score_agreement(rows, seed)
    return result
