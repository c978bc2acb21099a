"""``evaluate perturb score``: recall of planted errors, and the precision side.

A planted error counts as caught by a comment on its copy when the comment's quote covers at
least 75% of the perturbed text after normalisation (:func:`coverage`: the longest common
substring over the length of the perturbed text) **and** contains the changed token itself (so
quoting the unchanged words around "Table 2" is not a catch), and, with a judge, when the judge
scores the comment's explanation at least 3 of 5 against ``why_wrong`` (2606.19749's rule).

Precision side: kept comments per paper on the clean originals and on the copies, the share of
comments whose quote is found in the paper's text layer, and with a judge the share of comments
on clean papers it calls invalid (a false-positive rate).

>>> coverage("blocks 71.2%", 'as "the blocks 71.2 % of" shows')
1.0
>>> changed_core("(Table 1).", "(Table 2).")
'2'
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ...records import GeneratedReview, ReviewComment
from ..external import review_comments
from ..stats import bootstrap_ratio

THRESHOLD = 0.75
JUDGE_PASS = 3
_MAP = str.maketrans({"−": "-", "–": "-", "—": "-", "“": '"', "”": '"', "’": "'", "‘": "'",
                      "ﬁ": "fi", "ﬂ": "fl"})


_DROP = re.compile(r"[^\w<>≤≥=+\-×±%/^]")


def normalise(s: str) -> str:
    """NFKC, lower case, unified dashes; only letters, digits and math signs are kept (no
    whitespace, brackets or punctuation: PDF text and quoting styles differ there)."""
    s = unicodedata.normalize("NFKC", s or "").translate(_MAP).lower()
    return _DROP.sub("", s)


def coverage(perturbed: str, quote: str | None) -> float:
    a, b = normalise(perturbed), normalise(quote or "")
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size / len(a)


def changed_core(original: str, perturbed: str) -> str:
    """The part of ``perturbed`` that differs from ``original`` (common prefix/suffix cut)."""
    i = 0
    while i < min(len(original), len(perturbed)) and original[i] == perturbed[i]:
        i += 1
    j = 0
    while j < min(len(original), len(perturbed)) - i and original[-1 - j] == perturbed[-1 - j]:
        j += 1
    return perturbed[i:len(perturbed) - j]


def quotes_of(c: ReviewComment) -> list[str]:
    qs = [c.evidence.quote] if c.evidence.quote else []
    return qs + [q for q in c.metadata.get("quotes", []) if q not in qs]


def quote_hit(row: dict, c: ReviewComment) -> float:
    """Best coverage of the planted text by one of the comment's quotes (0 if the changed
    token is not in that quote)."""
    core = normalise(changed_core(row["original"], row["perturbed"]))
    best = 0.0
    for q in quotes_of(c):
        if core and core not in normalise(q):
            continue
        best = max(best, coverage(row["perturbed"], q))
    return best


def index_reviews(reviews: list[GeneratedReview]) -> dict[str, list[GeneratedReview]]:
    """Reviews by every key that may name their paper: paper_id, id, the source's file stem."""
    out: dict[str, list[GeneratedReview]] = defaultdict(list)
    for g in reviews:
        keys = {g.paper_id, g.id, Path(g.source).name.split(".")[0] if g.source else None}
        for k in keys - {None, ""}:
            out[k].append(g)
    return out


def _pdf_text(path: Path, cache: dict) -> str:
    if path not in cache:
        import pymupdf

        try:
            with pymupdf.open(str(path)) as doc:
                cache[path] = normalise(" ".join(p.get_text() for p in doc))
        except Exception:  # noqa: BLE001 - a missing file only loses the verified share
            cache[path] = ""
    return cache[path]


def _verified(c: ReviewComment, text: str) -> bool | None:
    qs = quotes_of(c)
    if not qs or not text:
        return None
    return any(normalise(q) in text for q in qs)


def score(manifest: list[dict], reviews: list[GeneratedReview], base: Path,
          judge: Any = None, seed: int = 0, max_judged: int = 20) -> tuple[dict, list[dict]]:
    """(report, per-error rows). ``base``: the manifest's directory (copy paths are relative)."""
    index = index_reviews(reviews)
    rows, texts = [], {}
    for m in manifest:
        revs = index.get(m["copy_id"], [])
        comments = [c for g in revs for c in review_comments(g)]
        hits = [(quote_hit(m, c), c) for c in comments]
        hits = [(h, c) for h, c in hits if h >= THRESHOLD]
        row = {"id": m["id"], "copy_id": m["copy_id"], "paper_id": m["paper_id"],
               "category": m["category"], "kind": m["kind"], "reviewed": bool(revs),
               "quote_matches": len(hits), "best_coverage": max((h for h, _ in hits), default=0)}
        if judge is not None and hits:
            scores = judge.detect(m, [c for _, c in hits])
            row["judge_scores"] = scores
            row["detected"] = any(s is not None and s >= JUDGE_PASS for s in scores)
        else:
            row["detected"] = bool(hits) if judge is None else False
        rows.append(row)
    scored = [r for r in rows if r["reviewed"]]
    report: dict[str, Any] = {
        "rule": f"quote coverage >= {THRESHOLD}" + (f" and judge >= {JUDGE_PASS}/5" if judge
                                                     else " (no judge: quote match only)"),
        "n_errors": len(rows), "n_scored": len(scored),
        "n_without_review": len(rows) - len(scored),
        "recall": _recall(scored, seed),
        "by_category": {k: _recall([r for r in scored if r["category"] == k], seed)
                        for k in sorted({r["category"] for r in scored})},
        "by_kind": {k: _recall([r for r in scored if r["kind"] == k], seed)
                    for k in sorted({r["kind"] for r in scored})},
    }
    report["precision"] = precision(manifest, index, base, texts, judge, max_judged)
    return report, rows


def _recall(rows: list[dict], seed: int) -> dict:
    """Pooled recall with a bootstrap interval that resamples papers (errors of one paper are
    not independent)."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        per[r["paper_id"]][0] += int(r["detected"])
        per[r["paper_id"]][1] += 1
    res = bootstrap_ratio([v[0] for v in per.values()], [v[1] for v in per.values()], seed=seed)
    res["n_errors"] = len(rows)
    res["n_papers"] = res.pop("n")
    return res


def precision(manifest: list[dict], index: dict, base: Path, texts: dict, judge: Any,
              max_judged: int) -> dict:
    copies = {m["copy_id"]: base / m["file"] for m in manifest}
    clean = {m["paper_id"]: Path(m["source"]) for m in manifest}
    out: dict[str, Any] = {}
    clean_comments: list[tuple[ReviewComment, Path]] = []
    for name, papers in (("clean", clean), ("perturbed", copies)):
        counts, verified, quoted = [], 0, 0
        for pid, path in papers.items():
            revs = index.get(pid, [])
            if not revs:
                continue
            cs = [c for g in revs for c in review_comments(g)]
            counts.append(len(cs) / len(revs))
            text = _pdf_text(path, texts)
            for c in cs:
                v = _verified(c, text)
                quoted += v is not None
                verified += bool(v)
            if name == "clean":
                clean_comments += [(c, path) for c in cs[:max_judged]]
        out[name] = {"n_papers": len(counts),
                     "comments_per_paper": sum(counts) / len(counts) if counts else None,
                     "n_quoted": quoted,
                     "verified_quote_share": verified / quoted if quoted else None}
    if judge is not None and clean_comments:
        valid = judge.validity(clean_comments)
        judged = [v for v in valid if v is not None]
        out["judge_false_positive_rate"] = (sum(not v for v in judged) / len(judged)
                                            if judged else None)
        out["n_judged"] = len(judged)
        out["n_judge_failed"] = len(valid) - len(judged)
    else:
        out["judge_false_positive_rate"] = "not run: no judge model configured" if judge is None \
            else "not run: no comments on clean papers"
    return out
