"""Accept/reject prediction from scores: threshold chosen on a dev split, metrics on the rest.

The papers are split (stratified, seeded) into dev and test. On dev, the threshold on the score
that maximises balanced accuracy is chosen; on test, accuracy, balanced accuracy, F1 (accept is
the positive class), ROC AUC (threshold-free, from the raw scores), false positive and false
negative rates are reported, beside the majority baseline (dev's majority class on test).

>>> m = classification_metrics([1, 1, 0, 0], [1, 0, 0, 0], scores=[0.9, 0.4, 0.3, 0.1])
>>> m["accuracy"], m["roc_auc"], m["fnr"]
(0.75, 1.0, 0.5)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .stats import bootstrap_stat


def classification_metrics(y_true: Sequence[int], y_pred: Sequence[int],
                           scores: Sequence[float] | None = None) -> dict[str, Any]:
    """Accuracy, balanced accuracy, F1, ROC AUC, FPR, FNR and the confusion counts (1 = accept)."""
    from sklearn.metrics import balanced_accuracy_score, f1_score, roc_auc_score

    y, p = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    tp, tn = int(((y == 1) & (p == 1)).sum()), int(((y == 0) & (p == 0)).sum())
    fp, fn = int(((y == 0) & (p == 1)).sum()), int(((y == 1) & (p == 0)).sum())
    both = len(set(y.tolist())) == 2
    auc = None
    if scores is not None and both:
        auc = float(roc_auc_score(y, np.asarray(scores, dtype=float)))
    return {
        "n": int(y.size), "accuracy": float((y == p).mean()) if y.size else None,
        "balanced_accuracy": float(balanced_accuracy_score(y, p)) if both else None,
        "f1": float(f1_score(y, p, zero_division=0)), "roc_auc": auc,
        "fpr": fp / (fp + tn) if fp + tn else None, "fnr": fn / (fn + tp) if fn + tp else None,
        "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
    }


def best_threshold(scores: Sequence[float], y: Sequence[int]) -> float:
    """The cut (predict accept when score >= cut) maximising balanced accuracy.

    Cuts lie midway between consecutive observed scores (plus one below and one above them all),
    so the choice never sits on a dev paper's own score; ties -> the middle of the best run.

    >>> best_threshold([3, 4, 7, 8], [0, 0, 1, 1])
    5.5
    """
    s, yy = np.asarray(scores, dtype=float), np.asarray(y, dtype=int)
    cand = np.unique(s)
    cuts = np.concatenate([[cand[0] - 1.0], (cand[:-1] + cand[1:]) / 2, [cand[-1] + 1.0]])

    def bal(c: float) -> float:
        p = s >= c
        tpr = p[yy == 1].mean() if (yy == 1).any() else 0.0
        tnr = (~p[yy == 0]).mean() if (yy == 0).any() else 0.0
        return (tpr + tnr) / 2

    vals = np.array([bal(c) for c in cuts])
    best = np.flatnonzero(np.isclose(vals, vals.max()))
    return float(cuts[best[len(best) // 2]])


def split_dev_test(y: Sequence[int], dev_fraction: float, seed: int) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Stratified index split; every class keeps at least one paper on each side when it can."""
    rng = np.random.default_rng(seed)
    y = np.asarray(y, dtype=int)
    dev, test = [], []
    for cls in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == cls))
        k = round(len(idx) * dev_fraction)
        k = min(max(k, 1), len(idx) - 1) if len(idx) > 1 else 0
        dev += idx[:k].tolist()
        test += idx[k:].tolist()
    return np.sort(dev), np.sort(test)


def decide(scores: Sequence[float], y: Sequence[int], dev_fraction: float = 0.3, seed: int = 0,
           threshold: float | None = None) -> dict[str, Any]:
    """Choose the threshold on dev (unless given) and report test metrics with bootstrap CIs."""
    s, yy = np.asarray(scores, dtype=float), np.asarray(y, dtype=int)
    dev, test = split_dev_test(yy, dev_fraction, seed)
    if threshold is None:
        threshold = best_threshold(s[dev], yy[dev]) if len(dev) else float(np.median(s))
    pred = (s >= threshold).astype(int)
    m = classification_metrics(yy[test], pred[test], s[test])
    ys, ps = yy[test], pred[test]
    m["accuracy_ci"] = bootstrap_stat(len(test), lambda i: float((ys[i] == ps[i]).mean()),
                                      seed=seed, n_boot=1000)
    m["balanced_accuracy_ci"] = bootstrap_stat(len(test), lambda i: _bal(ys[i], ps[i]), seed=seed,
                                               n_boot=1000)
    majority = round(float(yy[dev].mean() if len(dev) else yy.mean()))
    base = classification_metrics(yy[test], np.full(len(test), majority))
    return {"threshold": float(threshold), "n_dev": len(dev), "n_test": len(test),
            "accept_rate": float(yy.mean()), "test": m,
            "majority": {"predicts": "accept" if majority else "reject", **base},
            "predicted_accept_rate": float(pred[test].mean()) if len(test) else None}


def _bal(y: np.ndarray, p: np.ndarray) -> float:
    if len(set(y.tolist())) < 2:
        return float("nan")
    return float(((p[y == 1] == 1).mean() + (p[y == 0] == 0).mean()) / 2)
