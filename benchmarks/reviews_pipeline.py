"""Throughput of the reviews stage: PeerRead import -> filter -> join, and an offline fetch.

Figures:
- import: PeerRead ICLR 2017 + ACL 2017 files -> Submission JSONL (files/s, reviews/s)
- filter: all rules on the imported submissions (reviews/s)
- join: submissions + PeerRead science-parse papers (papers/s; includes loading the papers)
- fetch: a 600-submission API v2 venue served by the local fake OpenReview server with the real
  openreview-py client, no rate limit (submissions/s: our overhead, not OpenReview's speed;
  the real API is paced by --rps, default 2 requests/s), then a rerun (resume cost)
- peak Python memory (tracemalloc, on a separate run) of each step

Usage: python benchmarks/reviews_pipeline.py [PEERREAD_DIR]
Writes benchmarks/results/reviews_pipeline.json.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_DIR = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "peerread"


def measure(fn):
    """(result, seconds, peak MiB): timed on a plain run, memory on a second traced run
    (tracemalloc slows Python several-fold, so it must not touch the timing)."""
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def fetch_bench(tmp: Path) -> dict:
    from tests.reviews.fake_openreview import FakeOpenReview

    from paperreview.reviews.fetch import FetchConfig, fetch_venue
    from paperreview.reviews.openreview import make_clients

    for var in ("OPENREVIEW_USERNAME", "OPENREVIEW_PASSWORD"):
        os.environ.pop(var, None)
    with FakeOpenReview() as srv:
        base = srv.data["v2"]["notes"]["notes"]
        notes = []
        for i in range(600):
            n = copy.deepcopy(base[i % len(base)])
            n["id"] = n["forum"] = f"bench{i:04d}"
            n["number"] = i
            notes.append(n)
        srv.data["v2"]["notes"]["notes"] = notes
        clients = make_clients(srv.url("v1"), srv.url("v2"))
        cfg = FetchConfig(venue="ICLR.cc/2024/Conference", out_dir=str(tmp / "fetch"), rps=0,
                          progress=False)
        t0 = time.perf_counter()
        first = fetch_venue(cfg, *clients)
        s1 = time.perf_counter() - t0
        t0 = time.perf_counter()
        fetch_venue(cfg, *clients)  # the rerun: everything is already there
        s2 = time.perf_counter() - t0
        tracemalloc.start()  # peak memory of a fresh fetch, on its own run
        fetch_venue(cfg.model_copy(update={"out_dir": str(tmp / "fetch-mem")}), *clients)
        mem = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {"submissions": first.ok, "seconds": round(s1, 3),
            "submissions_per_s": round(first.ok / s1, 1), "requests": first.extra["requests"],
            "rerun_seconds": round(s2, 3), "peak_mb": round(mem, 1)}


def main() -> None:
    from _quick import QUICK_ITEMS, pop_flags

    from paperreview.io import write_jsonl
    from paperreview.reviews.filters import FilterConfig, run_filter
    from paperreview.reviews.join import JoinConfig, run_join
    from paperreview.reviews.peerread import import_peerread

    quick, out = pop_flags(sys.argv, REPO / "benchmarks" / "results" / "reviews_pipeline.json")
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    if not root.exists():
        sys.exit(f"PeerRead not found at {root}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-reviews-"))
    subs_path = tmp / "subs.jsonl"
    from itertools import islice

    n_subs, s_imp, m_imp = measure(lambda: write_jsonl(subs_path, islice(
        import_peerread(root), QUICK_ITEMS * 10 if quick else None)))
    n_reviews = sum(len(json.loads(line)["reviews"]) for line in subs_path.open())
    summary, s_fil, m_fil = measure(lambda: run_filter(FilterConfig(
        input=str(subs_path), out_dir=str(tmp / "filtered"))))
    joined, s_join, m_join = measure(lambda: run_join(JoinConfig(
        submissions=str(subs_path),
        papers=str(root / "data" / "iclr_2017"),
        out_dir=str(tmp / "joined"))))
    results = {
        "import": {"files": n_subs, "reviews": n_reviews, "seconds": round(s_imp, 3),
                   "files_per_s": round(n_subs / s_imp, 1),
                   "reviews_per_s": round(n_reviews / s_imp, 1), "peak_mb": round(m_imp, 1)},
        "filter": {"reviews": n_reviews, "kept": summary.extra["reviews"]["kept"],
                   "seconds": round(s_fil, 3), "reviews_per_s": round(n_reviews / s_fil, 1),
                   "peak_mb": round(m_fil, 1)},
        "join": {"joined": joined.ok, "seconds": round(s_join, 3),
                 "papers_per_s": round(joined.ok / s_join, 1), "peak_mb": round(m_join, 1)},
        "fetch_offline": fetch_bench(tmp),
    }
    for name, figures in results.items():
        print(f"{name:14s} " + "  ".join(f"{k}={v}" for k, v in figures.items()))
    from paperreview.io import atomic_write_json

    atomic_write_json(out, results)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
