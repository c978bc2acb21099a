"""A classical acceptance predictor: paper text + simple features, cross-validated.

The reference point is PeerRead (Kang et al., 2018), whose best model reached 65.3% accuracy on
ICLR 2017 (majority baseline 59.2% on their test split). Three scikit-learn models are
cross-validated on the same folds:

* ``hand``: standardised :func:`~paperreview.evaluate.features.paper_features` -> logistic
  regression;
* ``text``: TF-IDF of abstract + body -> logistic regression;
* ``hand+text``: both feature sets side by side (the default headline model).

>>> # res = accept_baseline(submissions, papers)   # see `paperreview evaluate accept-baseline`
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from ..records import Paper, Submission
from .features import paper_features
from .inputs import paper_for
from .stats import bootstrap_stat

PEERREAD_ACCURACY = 0.653  # Kang et al. 2018, Table 4, ICLR 2017 test
MODELS = ("hand", "text", "hand+text")


def _text(paper: Paper, sub: Submission, max_chars: int = 10000) -> str:
    body = " ".join(s.text for s in paper.body_sections)
    return f"{paper.abstract or sub.abstract}\n{body}"[:max_chars]


def build_table(subs: Sequence[Submission], papers: dict[str, Paper]
                ) -> tuple[list[dict[str, float]], list[str], np.ndarray, list[str], Counter]:
    """Features, texts and labels of the submissions with a decision and a paper."""
    feats, texts, y, ids, skipped = [], [], [], [], Counter()
    for s in subs:
        if s.decision is None:
            skipped["no accept/reject decision"] += 1
            continue
        paper = paper_for(s, papers)
        if paper is None:
            skipped["no paper for the submission"] += 1
            continue
        if not paper.abstract and s.abstract:
            paper = paper.model_copy(update={"abstract": s.abstract})
        if not paper.title and s.title:
            paper = paper.model_copy(update={"title": s.title})
        feats.append(paper_features(paper))
        texts.append(_text(paper, s))
        y.append(int(s.decision == "accept"))
        ids.append(s.id)
    return feats, texts, np.asarray(y, dtype=int), ids, skipped


def _pipeline(kind: str, names: list[str], seed: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    parts = []
    if kind in ("hand", "hand+text"):
        parts.append(("hand", StandardScaler(), names))
    if kind in ("text", "hand+text"):
        parts.append(("text", TfidfVectorizer(max_features=20000, min_df=2, sublinear_tf=True,
                                              stop_words="english"), "text"))
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    return make_pipeline(ColumnTransformer(parts), clf)


def accept_baseline(subs: Sequence[Submission], papers: dict[str, Paper], folds: int = 10,
                    seed: int = 0, model: str = "hand+text") -> dict[str, Any]:
    """Cross-validated accuracy, balanced accuracy and ROC AUC of each model, plus the majority
    baseline; the headline numbers (``accuracy``, ``balanced_accuracy``) are ``model``'s."""
    import pandas as pd
    from sklearn.metrics import balanced_accuracy_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    if model not in MODELS:
        raise InputError(f"unknown model '{model}'", f"choose one of {', '.join(MODELS)}")
    feats, texts, y, ids, skipped = build_table(subs, papers)
    if len(y) < 2 * folds or len(set(y.tolist())) < 2 or min(np.bincount(y)) < folds:
        raise InputError(f"only {len(y)} papers with a decision and a paper text "
                         f"({dict(skipped)}); {folds}-fold CV needs more of each class",
                         "check that --papers matches --human, or lower --folds")
    names = list(feats[0])
    frame = pd.DataFrame(feats, columns=names)
    frame["text"] = texts
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results: dict[str, dict[str, Any]] = {}
    probs: dict[str, np.ndarray] = {}
    for kind in MODELS:
        p = cross_val_predict(_pipeline(kind, names, seed), frame, y, cv=cv,
                              method="predict_proba")[:, 1]
        pred = (p >= 0.5).astype(int)
        probs[kind] = pred
        results[kind] = {"accuracy": float((pred == y).mean()),
                         "balanced_accuracy": float(balanced_accuracy_score(y, pred)),
                         "roc_auc": float(roc_auc_score(y, p))}
    pred = probs[model]
    top = _pipeline("hand", names, seed).fit(frame, y)[-1].coef_[0]
    order = np.argsort(-np.abs(top))
    majority = float(max(y.mean(), 1 - y.mean()))
    return {
        "model": model, "folds": folds, "seed": seed, "n_papers": len(y),
        "n_accepted": int(y.sum()), "skipped": dict(skipped),
        "accuracy": results[model]["accuracy"],
        "accuracy_ci": bootstrap_stat(len(y), lambda i: float((pred[i] == y[i]).mean()),
                                      seed=seed, n_boot=1000),
        "balanced_accuracy": results[model]["balanced_accuracy"],
        "roc_auc": results[model]["roc_auc"],
        "majority_accuracy": majority,
        "peerread_published_accuracy": PEERREAD_ACCURACY,
        "models": results,
        "top_features": [(names[i], float(top[i])) for i in order],
        "predictions": [{"id": i, "accepted": int(t), "predicted": int(p)}
                        for i, t, p in zip(ids, y, pred, strict=True)],
    }
