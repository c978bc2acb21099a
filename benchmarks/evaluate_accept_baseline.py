"""Acceptance-baseline accuracy on PeerRead ICLR 2017 (10-fold CV), beside PeerRead's 65.3%.

    .venv/bin/python benchmarks/evaluate_accept_baseline.py [--folds 10] [--seed 0]

Reads ../shared/data/peerread (reviews + science-parse parsed_pdfs); writes
benchmarks/results/evaluate_accept_baseline.json and prints the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data"
OUT = REPO / "benchmarks" / "results" / "evaluate_accept_baseline.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--seeds", type=int, default=3, help="CV repeated with seeds 0..N-1")
    ap.add_argument("--out", type=Path, default=OUT, help="result JSON (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 folds, 1 seed")
    args = ap.parse_args()
    if args.quick:
        args.folds, args.seeds = 2, 1
    root = SHARED / "peerread" / "data" / "iclr_2017" / "train"
    if not root.exists():
        sys.exit(f"PeerRead not found at {root}")

    from paperreview.evaluate.accept_baseline import accept_baseline
    from paperreview.evaluate.inputs import load_papers
    from paperreview.reviews.peerread import import_peerread

    t0 = time.perf_counter()
    subs = list(import_peerread(root / "reviews"))
    papers, bad = load_papers(root / "parsed_pdfs")
    runs = []
    for seed in range(args.seeds):
        r = accept_baseline(subs, papers, folds=args.folds, seed=seed)
        runs.append(r)
    r0 = runs[0]
    mean = lambda xs: sum(xs) / len(xs)
    result = {
        "dataset": "PeerRead iclr_2017/train (science-parse text)", "n_papers": r0["n_papers"],
        "n_accepted": r0["n_accepted"], "folds": args.folds, "seeds": args.seeds,
        "model": r0["model"],
        "accuracy": mean([r["accuracy"] for r in runs]),
        "accuracy_by_seed": [r["accuracy"] for r in runs],
        "accuracy_ci_seed0": r0["accuracy_ci"],
        "balanced_accuracy": mean([r["balanced_accuracy"] for r in runs]),
        "roc_auc": mean([r["roc_auc"] for r in runs]),
        "majority_accuracy": r0["majority_accuracy"],
        "peerread_published_accuracy": r0["peerread_published_accuracy"],
        "models": {k: {m: mean([r["models"][k][m] for r in runs]) for m in r0["models"][k]}
                   for k in r0["models"]},
        "top_features_seed0": r0["top_features"][:10],
        "unreadable_papers": dict(bad),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    from paperreview.io import atomic_write_json

    atomic_write_json(args.out, result)
    print(f"PeerRead ICLR 2017 train: {result['n_papers']} papers ({result['n_accepted']} "
          f"accepted), {args.folds}-fold CV x {args.seeds} seeds")
    for k, v in result["models"].items():
        print(f"  {k:10s} accuracy {v['accuracy']:.3f}  balanced {v['balanced_accuracy']:.3f}  "
              f"ROC AUC {v['roc_auc']:.3f}")
    print(f"  headline ({result['model']}): accuracy {result['accuracy']:.3f} "
          f"(seed 0 CI {r0['accuracy_ci']['ci_low']:.3f}-{r0['accuracy_ci']['ci_high']:.3f}), "
          f"balanced {result['balanced_accuracy']:.3f}")
    print(f"  majority {result['majority_accuracy']:.3f}; PeerRead published 0.653 (their split)")
    print(f"  {result['seconds']} s; wrote {OUT}")


if __name__ == "__main__":
    main()
