"""What checking adds to parsing: seconds of `parse_pdf` alone vs `check_one` (parse + every
rule, with a venue profile) on the shared papers, in one process, interleaved per paper.

Target (issue 15): check_one takes at most 1.25x the time of parse alone. Also reports PDFs per
second and pages per second of `check_one` (one process; `paperreview check --workers N` scales
with processes).

Usage: python benchmarks/check_speed.py [--quick] [--venue neurips] [--repeat 2]
Writes benchmarks/results/check_speed.json (not with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
if not PAPERS.is_dir():
    PAPERS = Path("/work/shared/data/papers")


# one pass in a fresh process, as a batch runs: every PDF opened once, MuPDF's caches cold for
# it; imports and first-call costs paid on a sample PDF outside the corpus before the clock starts
PASS = r'''
import json, sys, tempfile, time
from pathlib import Path
from paperreview.parse import parse_pdf
from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf
from paperreview.review.check import CheckOptions, check_one
mode, venue, pdfs = sys.argv[1], sys.argv[2], sys.argv[3:]
warm = Path(tempfile.mkdtemp()) / "warm.pdf"
write_paper_pdf(warm, SAMPLE_SPEC)
parse_pdf(warm), check_one(warm, CheckOptions(venue=venue))
opts = CheckOptions(venue=venue)
rows = []
t0 = time.process_time()
from paperreview.review.check import check_parsed
from paperreview.review.rules.context import facts_from_pdf
for pdf in pdfs:
    t = time.process_time()
    if mode == "parse":
        n, f, extra = parse_pdf(pdf).n_pages, 0, 0.0
    else:  # check_one's two halves, timed apart: the parse, then everything checking adds
        paper, facts = facts_from_pdf(pdf)
        t_mid = time.process_time()
        rec = check_parsed(paper, facts, opts)
        extra = time.process_time() - t_mid
        n, f = paper.n_pages, len(rec.findings)
    rows.append([Path(pdf).stem, n, round(time.process_time() - t, 4), f, round(extra, 4)])
print(json.dumps({"cpu_s": time.process_time() - t0, "rows": rows}))
'''


def one_pass(mode: str, venue: str, pdfs: list[Path]) -> dict:
    import subprocess

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", PASS, mode, venue, *map(str, pdfs)],
                          capture_output=True, text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="8 papers, one repeat")
    ap.add_argument("--venue", default="neurips", help="profile to check with (default neurips: "
                                                         "every rule runs)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default=None, help="write the JSON here (quick runs write only here)")
    args = ap.parse_args()
    if not PAPERS.is_dir():
        print(json.dumps({"skipped": f"{PAPERS} not found"}))
        return
    pdfs = sorted(PAPERS.glob("*.pdf"))
    repeat = args.repeat
    if args.quick:
        pdfs, repeat = pdfs[::max(1, len(pdfs) // 8)][:8], 1
    runs = {"parse": [], "check": []}
    for _ in range(repeat):  # alternate, so that load changes hit both modes alike
        for mode in ("parse", "check"):
            runs[mode].append(one_pass(mode, args.venue, pdfs))
    best = {m: min(r, key=lambda x: x["cpu_s"]) for m, r in runs.items()}
    # robust to the load of a shared machine: within each check pass, what checking adds
    # (facts, rules, pages) against that same pass's parsing, paper by paper back to back
    inner = []
    for r in runs["check"]:
        added = sum(x[4] for x in r["rows"])
        inner.append(round((r["cpu_s"]) / max(r["cpu_s"] - added, 1e-9), 3))
    parse_s, check_s = best["parse"]["cpu_s"], best["check"]["cpu_s"]
    pages = sum(r[1] for r in best["check"]["rows"])
    per = {r[0]: r[2] for r in best["parse"]["rows"]}
    worst = sorted(([r[0], r[1], per[r[0]], r[2]] for r in best["check"]["rows"]),
                   key=lambda r: r[3] / max(r[2], 1e-6))[-3:]
    out = {"figures": {
        "papers": len(pdfs), "pages": pages, "venue": args.venue,
        "parse_cpu_s": round(parse_s, 2), "parse_plus_check_cpu_s": round(check_s, 2),
        "overhead_ratio": min(inner),
        "overhead_ratio_per_pass": inner,
        "overhead_ratio_separate_passes": round(check_s / parse_s, 3),
        "check_pdfs_per_cpu_second": round(len(pdfs) / check_s, 2),
        "check_pages_per_cpu_second": round(pages / check_s, 1),
        "findings": sum(r[3] for r in best["check"]["rows"])},
        "target": {"overhead_ratio": 1.25},
        "highest_overhead": [dict(zip(("paper", "pages", "parse_s", "check_s"), r, strict=True))
                             for r in worst],
        "all_passes_cpu_s": {m: [round(x["cpu_s"], 2) for x in r] for m, r in runs.items()},
        "note": "CPU seconds (process_time) of one pass over the papers in a fresh process per "
                "mode, min of the alternating repeats. overhead_ratio: (parse + check) / parse "
                "within each check pass (both halves of check_one timed back to back per "
                "paper; robust to load); overhead_ratio_separate_passes: the check pass against "
                "the parse-only pass (moves with the machine's load, which is shared)",
        "python": platform.python_version(), "cpus": os.cpu_count(), "repeat": repeat}
    print(json.dumps(out, indent=1))
    from _quick import save_result

    save_result(out, args.out, args.quick, "check_speed")


if __name__ == "__main__":
    main()
