"""Scale: parse (+ the offline check) with the local executor and with Ray at 1 and 2 workers.

The corpus is the shared real papers (../shared/data/papers) plus generated papers
(`paperreview.parse.sample`, 8 layouts), copied into a temp dir until it holds ``--pdfs``
files. Each configuration parses the whole corpus into a fresh directory:

* ``local``: `paperreview parse` today (a process pool of N workers, no shards);
* ``ray-1`` / ``ray-2``: `parse --executor ray` with a local Ray of 1 / 2 CPUs, 4 shards per worker.

It reports pages per second (wall clock) per configuration, the seconds per page of the
one-worker local run (the cost that scales), and a projection for 1M papers at the corpus' mean
pages per paper on an N-node cluster. With ``--check`` every configuration then checks the whole
corpus offline (`check DIR -o x.jsonl`, local or ``--executor ray``). The machine is small and
may be shared: each row prints the load average when it ends.

    PAPERREVIEW_SHARED=/work/shared python benchmarks/scale_parse_check.py --pdfs 2000 --check
    python benchmarks/scale_parse_check.py --quick          # 4 PDFs, local and ray-1 (smoke run)

Writes benchmarks/results/scale_parse_check.json.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
RESULTS = REPO / "benchmarks" / "results" / "scale_parse_check.json"


LAYOUTS = [{}, {"two_column": False}, {"paper": "a4"}, {"line_numbers": False, "header": None},
           {"watermark": "DRAFT"}, {"two_column": False, "paper": "a4", "body_size": 11.0},
           {"arxiv_stamp": "arXiv:2401.01234v1 [cs.CL] 3 Jan 2024"}, {"hyphenate": False}]


def build_corpus(d: Path, n: int) -> list[Path]:
    """A quarter real papers (cycled), the rest copies of 8 generated layouts: drawing a PDF takes
    about 0.5 s here, so 2,000 distinct ones would cost longer than parsing them."""
    from dataclasses import replace

    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    real = sorted(PAPERS.glob("*.pdf"))
    made = d.parent / "layouts"
    made.mkdir(exist_ok=True)
    layouts = []
    for k, kw in enumerate(LAYOUTS):
        layouts.append(made / f"layout{k}.pdf")
        write_paper_pdf(str(layouts[-1]), replace(SAMPLE_SPEC, title=f"{SAMPLE_SPEC.title} {k}",
                                                  **kw))
    out = []
    for i in range(n):
        if real and i % 4 == 0:
            src = real[(i // 4) % len(real)]
            dst = d / f"p{i:05d}-r-{src.name}"  # real and generated interleave in name order,
            # so the contiguous shards of the sorted list are alike
        else:
            src = layouts[i % len(layouts)]
            dst = d / f"p{i:05d}-g.pdf"
        shutil.copyfile(src, dst)
        out.append(dst)
    return out


def run(config: str, corpus: Path, out: Path, workers: int) -> dict:
    from paperreview.executors import ExecutorOptions
    from paperreview.executors.stages import parse_sharded
    from paperreview.parse.batch import ParseConfig
    from paperreview.parse.batch import run as run_local

    cfg = ParseConfig(workers=workers)
    t0 = time.perf_counter()
    if config == "local":
        summary = run_local([corpus], out, cfg)
    else:
        summary = parse_sharded([str(corpus)], str(out), cfg,
                                ExecutorOptions(executor="ray", workers=workers))
    wall = time.perf_counter() - t0
    pages = summary.extra.get("pages", 0)
    return {"config": config, "workers": workers, "papers_ok": summary.ok,
            "failed": summary.failed, "pages": pages, "seconds": round(wall, 2),
            "pages_per_s": round(pages / wall, 1) if wall else None}


def run_check(config: str, corpus: Path, out: Path, workers: int) -> dict:
    """The offline check of every paper (`check DIR -o x.jsonl`), local pool or Ray tasks."""
    import contextlib
    import io
    import json

    from paperreview.executors import ExecutorOptions
    from paperreview.review.check import CheckOptions
    from paperreview.review.check_batch import run_batch

    opts = ExecutorOptions(executor="ray", workers=workers) if config.startswith("ray") else None
    t0 = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):  # its per-rule table, not a figure
        run_batch([str(corpus)], str(out), "jsonl", CheckOptions(), workers, None, opts)
    wall = time.perf_counter() - t0
    recs = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
    ok = sum(r["status"] == "ok" for r in recs)
    return {"config": f"check-{config}", "workers": workers, "papers_ok": ok,
            "failed": len(recs) - ok, "seconds": round(wall, 2),
            "papers_per_s": round(len(recs) / wall, 2) if wall else None}


def main(argv: list[str]) -> int:
    from _quick import pop_flags

    quick, out_path = pop_flags(argv, RESULTS)
    n = 4 if quick else int(argv[argv.index("--pdfs") + 1]) if "--pdfs" in argv else 2000
    from paperreview.io import atomic_write_json

    load = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        t0 = time.perf_counter()
        files = build_corpus(corpus, n)
        n_real = sum("-r-" in f.name for f in files)
        print(f"corpus: {n} PDFs ({n_real} real from {PAPERS}) in "
              f"{time.perf_counter() - t0:.0f}s; load {load[0]:.1f}", flush=True)
        configs = [("local", 1)] + [(f"ray-{w}", w) for w in ((1,) if quick else (1, 2))]
        for config, w in configs:
            rows.append(run(config, corpus, Path(tmp) / config, w))
            r = rows[-1]
            r["load_after"] = round(os.getloadavg()[0], 2)
            print(f"{time.strftime('%H:%M:%S')} {r['config']:8} {r['papers_ok']:6} ok "
                  f"{r['failed']:3} failed {r['pages']:7} pages {r['seconds']:8.1f} s "
                  f"{r['pages_per_s']:7} pages/s (load {r['load_after']})", flush=True)
        checks = []
        if "--check" in argv:
            for config, w in configs:
                checks.append(run_check(config, corpus, Path(tmp) / f"check-{config}.jsonl", w))
                r = checks[-1]
                r["load_after"] = round(os.getloadavg()[0], 2)
                print(f"{time.strftime('%H:%M:%S')} {r['config']:12} {r['papers_ok']:6} ok "
                      f"{r['failed']:3} failed {r['seconds']:8.1f} s {r['papers_per_s']:7} "
                      f"papers/s (load {r['load_after']})", flush=True)
    base = rows[0]
    pages_per_paper = base["pages"] / max(1, base["papers_ok"] + base["failed"])
    per_page_s = 1 / base["pages_per_s"] if base["pages_per_s"] else None
    projection = None
    if per_page_s:
        core_hours = 1_000_000 * pages_per_paper * per_page_s / 3600
        projection = {"papers": 1_000_000, "pages_per_paper": round(pages_per_paper, 1),
                      "seconds_per_page_one_worker": round(per_page_s, 4),
                      "core_hours": round(core_hours, 1),
                      "hours_on_nodes": {f"{nodes}x{cores}": round(core_hours / (nodes * cores), 2)
                                         for nodes, cores in ((1, 32), (8, 32), (32, 64))}}
        print(f"1M papers x {pages_per_paper:.1f} pages at {per_page_s * 1000:.1f} ms/page: "
              f"{core_hours:,.0f} core-hours; "
              + ", ".join(f"{k} nodes x cores: {v} h" for k, v in
                          projection["hours_on_nodes"].items()), flush=True)
    if projection and checks and checks[0]["papers_per_s"]:
        check_core_hours = 1_000_000 / checks[0]["papers_per_s"] / 3600
        projection["check_core_hours"] = round(check_core_hours, 1)
        print(f"1M papers checked at {checks[0]['papers_per_s']} papers/s per worker: "
              f"{check_core_hours:,.0f} core-hours more", flush=True)
    result = {"benchmark": "scale_parse_check", "quick": quick, "pdfs": n, "real_pdfs": n_real,
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "command": "python benchmarks/scale_parse_check.py " + " ".join(argv),
              "load_before": [round(x, 2) for x in load],
              "load_after": [round(x, 2) for x in os.getloadavg()], "cores": os.cpu_count(),
              "rows": rows, "check_rows": checks, "projection": projection,
              "note": "Ray figures include starting a local Ray (about 5-10 s); the projection "
                      "assumes linear scaling of the measured one-worker cost, which the Ray rows "
                      "check on this machine's 2 cores only."}
    atomic_write_json(out_path, result)
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
