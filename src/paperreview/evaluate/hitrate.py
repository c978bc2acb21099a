"""Hit rate: how many points of a generated review a human reviewer also raised.

For each paper with a generated review G and human reviews H1..Hk, every pair (G, Hj) is matched
one-to-one (:func:`~paperreview.evaluate.match.hungarian_match`). Reported per paper, then
averaged over papers with a bootstrap interval:

* ``hit_rate``: share of G's points matched by *any* human (the issue's definition);
* ``pairwise_hit_rate``: mean over j of the share of G's points matched by Hj (the number Liang et
  al. report: GPT-4 vs human 30.85% Nature / 39.23% ICLR, human vs human 28.58% / 35.25%);
* ``recall``: share of all human points matched by G.

The **human-vs-human baseline** applies the same numbers to each human review Hi against the
other k-1 humans (papers with k >= 2). Note ``hit_rate`` for G uses k references and for Hi only
k-1, which favours G slightly; ``pairwise_hit_rate`` has no such bias.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .match import Matcher, ReviewDoc, hungarian_match, threshold_grid
from .points import Point
from .stats import bootstrap_mean, bootstrap_ratio


@dataclass
class PaperItem:
    """One paper: its generated review (None for a human-only baseline) and its human reviews."""

    key: str
    generated: ReviewDoc | None
    humans: list[ReviewDoc] = field(default_factory=list)


@dataclass
class _Scored:
    points: dict[str, list[Point]]
    matrices: dict[tuple[str, str], np.ndarray]  # (a_key, b_key) -> scores, a's points on rows


def score_items(items: Sequence[PaperItem], matcher: Matcher) -> _Scored:
    """Extract points of every review and score every (generated, human) and (human, human) pair."""
    docs = [d for it in items for d in ([it.generated] if it.generated else []) + it.humans]
    points = matcher.points(docs)
    keys: list[tuple[str, str]] = []
    for it in items:
        hs = [h.key for h in it.humans if points.get(h.key)]
        if it.generated and points.get(it.generated.key):
            keys += [(it.generated.key, h) for h in hs]
        keys += [(hs[a], hs[b]) for a in range(len(hs)) for b in range(a + 1, len(hs))]
    mats = matcher.scores([(points[a], points[b]) for a, b in keys])
    return _Scored(points, {k: m for k, m in zip(keys, mats, strict=True) if m is not None})


def _matched(sc: _Scored, a: str, b: str, t: float) -> tuple[set[int], set[int]] | None:
    """Indices of a's and b's points matched in the pair (either order of storage)."""
    if (a, b) in sc.matrices:
        ms = hungarian_match(sc.matrices[(a, b)], t)
        return {m.i for m in ms}, {m.j for m in ms}
    if (b, a) in sc.matrices:
        ms = hungarian_match(sc.matrices[(b, a)], t)
        return {m.j for m in ms}, {m.i for m in ms}
    return None


def _review_stats(sc: _Scored, key: str, others: list[str], t: float) -> dict[str, Any] | None:
    """Hit numbers of review ``key`` against ``others`` (None when nothing could be compared)."""
    pts = sc.points.get(key) or []
    hit_any: set[int] = set()
    pair_rates, other_hits, other_total = [], 0, 0
    for o in others:
        got = _matched(sc, key, o, t)
        if got is None:
            continue
        mine, theirs = got
        hit_any |= mine
        pair_rates.append(len(mine) / len(pts))
        other_hits += len(theirs)
        other_total += len(sc.points[o])
    if not pair_rates:
        return None
    by_aspect: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, p in enumerate(pts):
        by_aspect[p.aspect][0] += int(i in hit_any)
        by_aspect[p.aspect][1] += 1
    return {"n_points": len(pts), "hits": len(hit_any), "hit_rate": len(hit_any) / len(pts),
            "pairwise_hit_rate": float(np.mean(pair_rates)),
            "recall": other_hits / other_total if other_total else None,
            "other_hits": other_hits, "other_points": other_total,
            "by_aspect": {a: tuple(v) for a, v in by_aspect.items()}}


def paper_stats(sc: _Scored, items: Sequence[PaperItem], t: float) -> list[dict[str, Any]]:
    """Per-paper rows: the generated review's numbers and the mean of each human's vs the rest."""
    rows = []
    for it in items:
        hs = [h.key for h in it.humans if sc.points.get(h.key)]
        gen = _review_stats(sc, it.generated.key, hs, t) if it.generated else None
        humans = [s for s in (_review_stats(sc, h, [o for o in hs if o != h], t) for h in hs) if s]
        row: dict[str, Any] = {"paper": it.key, "n_humans": len(hs), "generated": gen}
        if humans:
            row["human"] = {k: float(np.mean([s[k] for s in humans if s[k] is not None]))
                            for k in ("hit_rate", "pairwise_hit_rate", "recall", "n_points")
                            if any(s[k] is not None for s in humans)}
            agg: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for s in humans:
                for a, (h, n) in s["by_aspect"].items():
                    agg[a][0] += h
                    agg[a][1] += n
            row["human"]["by_aspect"] = {a: tuple(v) for a, v in agg.items()}
        rows.append(row)
    return rows


def _summarise(rows: list[dict[str, Any]], side: str, seed: int) -> dict[str, Any]:
    got = [r[side] for r in rows if r.get(side)]
    out: dict[str, Any] = {"n_papers": len(got)}
    for k in ("hit_rate", "pairwise_hit_rate", "recall", "n_points"):
        out[k] = bootstrap_mean([g[k] for g in got if g.get(k) is not None], seed=seed)
    aspects: dict[str, dict[str, Any]] = {}
    names = sorted({a for g in got for a in g["by_aspect"]})
    for a in names:
        hits = [g["by_aspect"].get(a, (0, 0))[0] for g in got]
        tot = [g["by_aspect"].get(a, (0, 0))[1] for g in got]
        aspects[a] = {**bootstrap_ratio(hits, tot, seed=seed), "n_points": int(sum(tot))}
    out["per_aspect"] = aspects
    return out


def hit_rate(items: Sequence[PaperItem], matcher: Matcher, threshold: float | None = None,
             sweep: bool = True, seed: int = 0) -> dict[str, Any]:
    """Hit rate of generated reviews and the human-vs-human baseline, with bootstrap CIs.

    >>> # items = [PaperItem("p1", ReviewDoc("p1/gen", text), [ReviewDoc("p1/r1", t1), ...])]
    >>> # hit_rate(items, EmbeddingMatcher())["generated"]["hit_rate"]["value"]
    """
    t = matcher.default_threshold if threshold is None else threshold
    sc = score_items(items, matcher)
    rows = paper_stats(sc, items, t)
    result: dict[str, Any] = {
        "matcher": matcher.name, "threshold": t, "n_papers": len(items),
        # a review with no points (empty, or its extraction failed) cannot be scored
        "n_generated_without_points": sum(1 for it in items if it.generated
                                          and not sc.points.get(it.generated.key)),
        "generated": _summarise(rows, "generated", seed),
        "human_vs_human": _summarise(rows, "human", seed),
    }
    if sweep:
        result["threshold_sweep"] = []
        for th in sorted(set(threshold_grid(matcher)) | {t}):
            r = paper_stats(sc, items, th)
            entry = {"threshold": th}
            for side, name in (("generated", "generated"), ("human", "human_vs_human")):
                vals = [x[side]["hit_rate"] for x in r if x.get(side)]
                entry[f"{name}_hit_rate"] = float(np.mean(vals)) if vals else None
            result["threshold_sweep"].append(entry)
    result["examples"] = _examples(sc, items, t)
    result["papers"] = [{k: v for k, v in r.items()} for r in rows]
    return result


def _examples(sc: _Scored, items: Sequence[PaperItem], t: float, n: int = 8) -> list[dict]:
    """A few matched pairs (generated vs human) so a reader can judge what a "hit" means."""
    out: list[dict] = []
    for it in items:
        if not it.generated:
            continue
        for h in it.humans:
            m = sc.matrices.get((it.generated.key, h.key))
            if m is None:
                continue
            for mt in hungarian_match(m, t)[:1]:
                out.append({"paper": it.key, "score": round(mt.score, 3),
                            "generated": sc.points[it.generated.key][mt.i].text,
                            "human": sc.points[h.key][mt.j].text})
            if len(out) >= n:
                return out
    return out
