"""``evaluate scorecard``: every metric of a reviewer on one split, in one report.

Sections (each ``{"status": "ok" | "not run: <why>", ...}``):

* ``hit_rate``: points a human also raised, with the offline embedding matcher and, with a
  model, the LLM matcher (Liang et al.'s protocol), beside the human-vs-human baseline;
* ``scores``: Spearman of the reviewer's ratings with the mean human rating (raw; calibrated
  when ``paperreview.evaluate.calibrate`` is present), beside human-vs-other-humans Spearman;
* ``decisions``: accept/reject accuracy, balanced accuracy and AUC (threshold chosen on dev);
* ``error_injection``: recall and the precision side on perturbed copies of real PDFs;
* ``hidden_instructions``: detection of an instruction planted 8 ways, and false alarms on the
  clean papers (what ``parse`` and the checklist report today);
* ``cost``: tokens, cost and seconds per paper of the reviewer run.

The reviewer is ``--generated`` (ours or another system's reviews), else the LLM reviewer when a
model is configured, else the offline checklist. Published anchors are printed beside our
figures with their datasets, never as if measured here.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..io import write_jsonl
from ..records import GeneratedReview, Paper

NO_MODEL = "not run: no model configured"
ANCHORS = {
    "hit_rate": "Liang et al. 2023 (GPT-4 matcher, 1,709 ICLR papers): GPT-4 vs human 39.23%, "
                "human vs human 35.25% pairwise hit rate",
    "scores": "Agentic Reviewer (ICLR 2025): Spearman 0.42 with one human vs 0.41 human-human",
    "decisions": "ReviewerToo (ICLR-2k, ICLR 2025): accuracy 81.8% vs 83.9% average human; "
                 "AI Scientist (500 ICLR 2022 papers): balanced accuracy 0.65 vs 0.66 human",
    "error_injection": "OpenAIReview (arXiv 2606.19749, its arXiv papers): 71.6% recall (union of "
                       "6 models 83.3%); no precision reported",
    "hidden_instructions": "no reviewer publishes detection recall or false alarms",
    "cost": "coarse: under $2 per review; OpenAIReview progressive $4.18/paper (4 papers)",
}


def as_review(g: GeneratedReview, key: str | None = None) -> GeneratedReview:
    """A review usable by the hit-rate/score code: status ok and a text of bullet points."""
    from .external import review_comments

    g = g.model_copy(deep=True)
    if key:
        g.id = g.paper_id = key
    if not g.text and not g.review:
        g.text = "\n".join(f"- {c.text}" for c in review_comments(g))
    g.status = "ok"
    return g


def run_reviewer(papers: list[tuple], engine: Any = None) -> tuple[list, dict]:
    """Review each ``(key, paper[, pdf_facts])``: the LLM reviewer (``neurips`` template) with an
    engine, else the offline checklist as ``paperreview check`` runs it. Returns (reviews, cost
    section)."""
    from ..review.check import CheckOptions, check_parsed
    from ..review.generate import ReviewOptions, review_paper

    out, secs, tokens, cost = [], [], [], []
    for key, paper, *facts in papers:
        t0 = time.perf_counter()
        if engine is not None:
            rec = review_paper(paper, None, ReviewOptions(template="neurips"), engine=engine)
        else:
            rec = check_parsed(paper, facts[0] if facts else None, CheckOptions())
        secs.append(time.perf_counter() - t0)
        u = (rec.metadata or {}).get("usage") or {}
        tokens.append(int(u.get("prompt_tokens", 0)) + int(u.get("completion_tokens", 0)))
        cost.append(float(u.get("cost") or 0.0))
        if engine is not None and rec.status != "ok":
            continue
        out.append(as_review(rec, key))
    n = len(papers) or 1
    return out, {"status": "ok", "reviewer": "llm" if engine is not None else "checklist",
                 "n_papers": len(papers), "seconds_per_paper": sum(secs) / n,
                 "tokens_per_paper": sum(tokens) / n if engine is not None else 0,
                 "cost_per_paper": sum(cost) / n if engine is not None else 0.0,
                 "note": None if engine is not None else "the offline checklist calls no model"}


def split_papers(human: Path, papers_path: Path | None, limit: int | None
                 ) -> tuple[list, list[tuple[str, Paper]]]:
    from .inputs import load_papers, load_submissions, paper_for

    subs = load_submissions(human)[: limit or None]
    pairs = []
    if papers_path is not None:
        index, _ = load_papers(papers_path)
        pairs = [(s.id, p) for s in subs if (p := paper_for(s, index)) is not None]
    return subs, pairs


def human_spearman(subs: list, seed: int) -> dict:
    """One human's rating vs the mean of the other humans, across papers (>= 2 ratings)."""
    import numpy as np
    from scipy.stats import spearmanr

    from .stats import bootstrap_stat

    a, b = [], []
    for s in subs:
        r = [h.rating for h in s.reviews if h.rating is not None]
        if len(r) >= 2:
            a.append(r[0])
            b.append(float(np.mean(r[1:])))
    if len(a) < 4:
        return {"value": None, "n": len(a)}
    x, y = np.array(a), np.array(b)
    return bootstrap_stat(len(a), lambda i: float(spearmanr(x[i], y[i]).statistic), seed=seed,
                          n_boot=500)


def _section(fn, *args, **kw) -> dict:
    from ..errors import PaperReviewError

    try:
        return fn(*args, **kw)
    except PaperReviewError as exc:
        return {"status": f"not run: {exc.message}"}


def hit_rate_section(gen: Path, human: Path, out: Path, cfg: Any, seed: int) -> dict:
    from .pipeline import run_hit_rate

    sec: dict[str, Any] = {"status": "ok", "anchor": ANCHORS["hit_rate"]}
    for matcher in ("embedding", "llm"):
        if matcher == "llm" and cfg is None:
            sec[matcher] = {"status": NO_MODEL}
            continue
        try:
            r = run_hit_rate(gen, human, out / f"hit_rate_{matcher}", matcher,
                             engine_config=cfg, seed=seed, print_table=False)
        except Exception as exc:  # noqa: BLE001 - a missing extra or empty join: say so
            sec[matcher] = {"status": f"not run: {getattr(exc, 'message', exc)}"}
            continue
        sec[matcher] = {"status": "ok",
                        **{k: r["generated"][k] for k in ("hit_rate", "pairwise_hit_rate")},
                        "human_vs_human": {k: r["human_vs_human"][k]
                                           for k in ("hit_rate", "pairwise_hit_rate")}}
    return sec


def scores_section(gen_reviews: list, gen: Path, human: Path, subs: list, out: Path,
                   seed: int) -> dict:
    from .pipeline import run_decisions, run_scores

    base = human_spearman(subs, seed)
    sec: dict[str, Any] = {"anchor": ANCHORS["scores"], "human_vs_human_spearman": base}
    if not any(g.rating is not None for g in gen_reviews):
        sec["status"] = "not run: the reviewer gives no ratings"
        sec["calibrated"] = {"status": "not run: the reviewer gives no ratings"}
        dec = {"status": "not run: the reviewer gives no ratings or decisions",
               "anchor": ANCHORS["decisions"]}
        return sec | {"decisions": dec}
    r = _section(run_scores, gen, human, out / "scores", seed, print_table=False)
    sec["status"] = r.get("status", "ok")
    if "scores" in r and "rating" in r["scores"]:
        sec["spearman"] = r["scores"]["rating"]["spearman"]
        sec["mae"] = r["scores"]["rating"]["mae"]
    sec["calibrated"] = calibrated(gen_reviews, subs, seed)
    d = _section(run_decisions, gen, human, out / "decisions", seed=seed, print_table=False)
    dec = {"status": d.get("status", "ok"), "anchor": ANCHORS["decisions"]}
    for name, p in (d.get("predictors") or {}).items():
        t = p.get("test", p)
        dec[name] = {k: t.get(k) for k in ("accuracy", "balanced_accuracy", "roc_auc", "n")}
    if "majority" in d:
        dec["majority"] = d["majority"]
    return sec | {"decisions": dec}


def calibrated(gen_reviews: list, subs: list, seed: int) -> dict:
    """Fit ``paperreview.evaluate.calibrate`` on half of the rated papers (dev), apply it to the
    other half (test): Spearman and MAE against the mean human rating, raw and calibrated.
    The map is monotone, so Spearman can only change through ties; MAE shows the scale fix."""
    try:
        from .calibrate import fit_calibration
    except ImportError:
        return {"status": "not run: no calibration"}
    import numpy as np
    from scipy.stats import spearmanr

    from ..errors import InputError
    from .inputs import join

    pairs, _ = join(gen_reviews, subs)
    rows = [(g.rating, [h.rating for h in s.reviews if h.rating is not None])
            for g, s in pairs if g.rating is not None]
    rows = [(r, hs) for r, hs in rows if hs]
    if len(rows) < 10:
        return {"status": f"not run: {len(rows)} rated papers, too few to fit and test a "
                          "calibration (need 10)"}
    idx = np.random.default_rng(seed).permutation(len(rows))
    dev, test = [rows[i] for i in idx[: len(rows) // 2]], [rows[i] for i in idx[len(rows) // 2:]]
    try:
        cal = fit_calibration([r for r, _ in dev], [h for _, hs in dev for h in hs], "split",
                              seed=seed)
    except InputError as exc:
        return {"status": f"not run: {exc.message}"}
    raw = np.array([r for r, _ in test], dtype=float)
    mapped = np.array([cal.apply(r)[0] for r in raw])
    human = np.array([np.mean(hs) for _, hs in test])

    def rho(x):
        return None if np.ptp(x) == 0 or np.ptp(human) == 0 else float(spearmanr(x, human)[0])

    return {"status": "ok", "value": rho(mapped), "raw_on_same_papers": rho(raw),
            "mae_raw": float(np.abs(raw - human).mean()),
            "mae_calibrated": float(np.abs(mapped - human).mean()),
            "n_dev": len(dev), "n_test": len(test)}


def perturb_section(pdfs: list[Path], out: Path, engine: Any, per_paper: int, seed: int,
                    generated: list[Path] | None) -> dict:
    from .perturb.make import make_perturbations
    from .perturb.run import run_perturb_score

    pdir = out / "perturb"
    s = make_perturbations(pdfs, pdir, None, per_paper, 1, seed, engine)
    copies = [r for r in _rows(pdir / "copies.jsonl") if r.get("status") != "failed"]
    if not generated:
        from ..review.rules.context import facts_from_pdf

        todo = []
        for c in copies:
            path = Path(c["file"]) if c.get("clean") else pdir / c["file"]
            try:
                paper, facts = facts_from_pdf(str(path))
            except Exception:  # noqa: BLE001 - scored as a copy without review (counted)
                paper = None
            if paper is not None:
                todo.append((c["copy_id"], paper, facts))
        reviews, _ = run_reviewer(todo, engine)
        write_jsonl(pdir / "reviews.jsonl", reviews)
        generated = [pdir / "reviews.jsonl"]
    cfg = engine.config if engine is not None else None
    if not (pdir / "manifest.jsonl").exists() or not _rows(pdir / "manifest.jsonl"):
        return {"status": "not run: no error could be planted in these PDFs"}
    r = run_perturb_score(pdir / "manifest.jsonl", generated, out / "perturb_score", cfg, seed)
    rep = r["report"]
    return {"status": "ok", "n_copies": s.ok, "rule": rep["rule"], "recall": rep["recall"],
            "by_category": rep["by_category"], "by_kind": rep["by_kind"],
            "precision": rep["precision"], "anchor": ANCHORS["error_injection"]}


def _rows(path: Path) -> list[dict]:
    from ..io import iter_jsonl

    return [r for r in iter_jsonl(path) if isinstance(r, dict)] if path.exists() else []
