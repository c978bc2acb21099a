"""Throughput of the aggregate stage, with the model replaced by the local test server.

Figures:
- bracket: to_bracket / from_bracket (lenient and strict) on synthetic four-aspect reviews with
  12 points each, bracket-heavy text (reviews/s), and that every round trip was lossless
- prompts: rendering the four-aspect prompt for PeerRead's ICLR 2017 + ACL 2017 submissions
  (submissions/s) and the prompt sizes (offline token count: mean, p95, max)
- stage: `aggregate` on those submissions against FakeOpenAIServer (a "merging" responder, no
  latency, no rate limit), i.e. our overhead per paper, not a model's speed (rows/s); then a
  rerun on the same OUT_DIR (resume cost: seconds and new model calls, which must be 0)
- peak Python memory (tracemalloc) of a resumed run (the server runs in a child process)

Usage: python benchmarks/aggregate.py [PEERREAD_DIR]
Writes benchmarks/results/aggregate.json.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_DIR = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "peerread"


def bracket_bench(n: int = 2000) -> dict:
    from paperreview.aggregate.bracket import from_bracket, to_bracket
    from paperreview.aggregate.templates import get_template

    t = get_template("four-aspect")
    rng = random.Random(0)
    words = ["model", "[3]", "<b>", "a > b", "Table 2", "\\alpha", "line\nbreak", "(see", "]"]
    reviews = [{a.key: [{"title": " ".join(rng.choices(words, k=3)),
                         "detail": " ".join(rng.choices(words, k=25)),
                         "raised_by": [f"R{rng.randint(1, 4)}"]} for _ in range(3)]
                for a in t.aspects} for _ in range(n)]
    t0 = time.perf_counter()
    texts = [to_bracket(r, t) for r in reviews]
    t1 = time.perf_counter()
    back = [from_bracket(x, t) for x in texts]
    t2 = time.perf_counter()
    strict = [from_bracket(x, t, strict=True) for x in texts]
    t3 = time.perf_counter()
    return {"reviews": n, "to_bracket_per_s": round(n / (t1 - t0)),
            "from_bracket_per_s": round(n / (t2 - t1)),
            "from_bracket_strict_per_s": round(n / (t3 - t2)),
            "lossless": back == reviews == strict,
            "mean_chars": round(sum(map(len, texts)) / n)}


def prompt_bench(subs) -> dict:
    from paperreview.aggregate.templates import get_template
    from paperreview.reviews.tokens import count_tokens

    t = get_template("four-aspect")
    t0 = time.perf_counter()
    prompts = [t.messages(s) for s in subs if t.reviewer_labels(s)]
    seconds = time.perf_counter() - t0
    sizes = sorted(sum(count_tokens(m["content"]) for m in p) for p in prompts)
    return {"submissions": len(prompts), "per_s": round(len(prompts) / seconds),
            "prompt_tokens_mean": round(sum(sizes) / len(sizes)),
            "prompt_tokens_p95": sizes[int(0.95 * (len(sizes) - 1))],
            "prompt_tokens_max": sizes[-1]}


def _serve(conn) -> None:
    """Child process: the test server, so it does not share our GIL."""
    sys.path.insert(0, str(REPO))
    from tests.aggregate.fakes import merging_responder
    from tests.helpers.fake_openai import FakeOpenAIServer

    with FakeOpenAIServer() as srv:
        srv.responder = merging_responder
        conn.send(srv.base_url)
        while conn.recv() == "calls":
            conn.send(len(srv.bodies))


def stage_bench(subs_path: Path, n: int, tmp: Path) -> dict:
    import multiprocessing as mp

    from paperreview.aggregate.stage import AggregateConfig, run
    from paperreview.llm import EngineConfig

    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    proc.start()
    try:
        base_url = parent.recv()
        cfg = AggregateConfig(
            submissions=str(subs_path), out_dir=str(tmp / "agg"), min_tokens=20,
            engine=EngineConfig(base_url=base_url, model="fake-model", concurrency=8))
        import openai  # noqa: F401 - imported before timing (seconds on a busy machine)

        t0 = time.perf_counter()
        first = run(cfg, progress=False)
        seconds = time.perf_counter() - t0
        parent.send("calls")
        calls = parent.recv()
        t0 = time.perf_counter()
        second = run(cfg, progress=False)
        rerun = time.perf_counter() - t0
        parent.send("calls")
        new_calls = parent.recv() - calls
        tracemalloc.start()  # a third (resumed) run, for the memory figure
        run(cfg, progress=False)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    finally:
        parent.send("stop")
        proc.join(5)
    return {"submissions": n, "seconds": round(seconds, 2),
            "rows_per_s": round(n / seconds, 1), "model_calls": calls,
            "ok": first.ok, "skipped": first.skipped, "failed": first.failed,
            "reasons": first.reasons, "rerun_seconds": round(rerun, 2),
            "rerun_new_calls": new_calls, "rerun_ok": second.ok,
            "rerun_peak_python_mib": round(peak, 1)}


def main() -> None:
    from _quick import QUICK_ITEMS, pop_flags

    from paperreview.io import write_jsonl
    from paperreview.reviews.peerread import import_peerread

    quick, out = pop_flags(sys.argv, REPO / "benchmarks" / "results" / "aggregate.json")
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    results: dict = {"bracket": bracket_bench()}
    print("bracket:", results["bracket"])
    if root.exists():
        subs = list(import_peerread(root))
        if quick:
            subs = subs[:QUICK_ITEMS]
        results["prompts"] = prompt_bench(subs)
        print("prompts:", results["prompts"])
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "subs.jsonl"
            write_jsonl(path, subs)
            results["stage"] = stage_bench(path, len(subs), Path(d))
        print("stage:", results["stage"])
    else:
        print(f"PeerRead not found at {root}: prompt and stage figures skipped")
    from paperreview.io import atomic_write_json

    atomic_write_json(out, results)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
