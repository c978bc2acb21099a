"""Scores for the three tasks, each a plain function over lists (gold, predicted).

* titles: ROUGE-1/2/L F1 (Google's ``rouge-score``, the ROUGE-1.5.5 reimplementation, Porter
  stemming on) and, optionally, cosine similarity of MiniLM embeddings;
* keywords: precision, recall and F1 at 5 and 10 over the top-k predicted phrases, macro-averaged
  over documents (the keyphrase literature's protocol, e.g. Meng et al. 2017), under three match
  rules: ``exact`` (lower-cased, punctuation and spacing normalised), ``stemmed`` (the same after
  Porter stemming, the usual "exact match" of keyphrase papers) and ``partial`` (stemmed; a
  phrase matches when one's stemmed words are a contiguous part of the other's);
* classification: accuracy, macro-F1, F1 of class "1" for binary 0/1 labels (the challenge's
  score), and the majority-class baseline on the same items.

>>> keyword_prf([["neural networks", "pruning"]], [["Neural network", "speed"]], k=5)["partial"]["f1"]
0.5
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

RULES = ("exact", "stemmed", "partial")
_PUNCT = re.compile(r"[^\w\s-]+")


def norm_phrase(p: str) -> tuple[str, ...]:
    return tuple(_PUNCT.sub(" ", p.lower()).replace("-", " ").split())


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.porter import PorterStemmer  # nltk comes with rouge-score

    return PorterStemmer()


@lru_cache(maxsize=100_000)
def stem_phrase(p: str) -> tuple[str, ...]:
    st = _stemmer()
    return tuple(st.stem(w) for w in norm_phrase(p))


def _contains(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when ``b`` is a contiguous run of words inside ``a``."""
    n = len(b)
    return n > 0 and any(a[i:i + n] == b for i in range(len(a) - n + 1))


def _match(rule: str, p: str, g: str) -> bool:
    if rule == "exact":
        return bool(norm_phrase(p)) and norm_phrase(p) == norm_phrase(g)
    sp, sg = stem_phrase(p), stem_phrase(g)
    if rule == "stemmed":
        return bool(sp) and sp == sg
    return bool(sp and sg) and (sp == sg or _contains(sp, sg) or _contains(sg, sp))


def keyword_prf(gold: list[list[str]], pred: list[list[str] | None], k: int) -> dict:
    """Macro-averaged P/R/F1@k for both match rules; a missing prediction scores 0."""
    out = {}
    for rule in RULES:
        ps, rs, fs = [], [], []
        for g, p in zip(gold, pred, strict=True):
            top = list(dict.fromkeys(p or []))[:k]
            hit_p = sum(any(_match(rule, x, y) for y in g) for x in top)
            hit_g = sum(any(_match(rule, x, y) for x in top) for y in g)
            prec = hit_p / len(top) if top else 0.0
            rec = hit_g / len(g) if g else 0.0
            ps.append(prec)
            rs.append(rec)
            fs.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        n = max(len(fs), 1)
        out[rule] = {"precision": round(sum(ps) / n, 4), "recall": round(sum(rs) / n, 4),
                     "f1": round(sum(fs) / n, 4)}
    return out


def keyword_scores(gold: list[list[str]], pred: list[list[str] | None]) -> dict:
    return {f"@{k}": keyword_prf(gold, pred, k) for k in (5, 10)}


def rouge_scores(gold: list[str], pred: list[str | None]) -> dict:
    """Mean ROUGE-1/2/L F1 (missing predictions score 0) and the per-item ROUGE-L."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    per = [scorer.score(g, p) if p else None for g, p in zip(gold, pred, strict=True)]
    n = max(len(per), 1)
    out = {m: round(sum(s[m].fmeasure for s in per if s) / n, 4)
           for m in ("rouge1", "rouge2", "rougeL")}
    out["per_item_rougeL"] = [round(s["rougeL"].fmeasure, 4) if s else 0.0 for s in per]
    return out


def embedding_similarity(gold: list[str], pred: list[str | None], model: str | None = None
                         ) -> float:
    """Mean cosine similarity of MiniLM embeddings (missing predictions score 0)."""
    from ..evaluate.embed import Embedder

    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if p]
    if not pairs:
        return 0.0
    emb = Embedder(model)
    a, b = emb.encode([g for g, _ in pairs]), emb.encode([p for _, p in pairs])
    return round(float((a * b).sum(axis=1).sum() / len(gold)), 4)


def classification_scores(gold: list[str], pred: list[str | None],
                          majority_of: list[str] | None = None) -> dict:
    """Accuracy, macro-F1 (over the gold classes), binary F1 for 0/1 labels, and the majority
    baseline (the most frequent class of ``majority_of``, default the gold itself)."""
    from sklearn.metrics import accuracy_score, f1_score

    classes = sorted(set(gold))
    p = [x if x is not None else "<none>" for x in pred]
    maj_class = Counter(majority_of or gold).most_common(1)[0][0] if gold else None
    maj = [maj_class] * len(gold)
    res = {"n": len(gold), "classes": dict(Counter(gold)),
           "accuracy": round(float(accuracy_score(gold, p)), 4),
           "macro_f1": round(float(f1_score(gold, p, labels=classes, average="macro",
                                            zero_division=0)), 4),
           "unparsed": sum(x is None for x in pred),
           "majority": {"predicts": maj_class,
                        "accuracy": round(float(accuracy_score(gold, maj)), 4),
                        "macro_f1": round(float(f1_score(gold, maj, labels=classes,
                                                         average="macro", zero_division=0)), 4)}}
    if set(classes) <= {"0", "1"}:
        res["f1_positive"] = round(float(f1_score(gold, p, labels=["1"],
                                                  average="macro", zero_division=0)), 4)
        res["majority"]["f1_positive"] = round(float(f1_score(
            gold, maj, labels=["1"], average="macro", zero_division=0)), 4)
    return res
