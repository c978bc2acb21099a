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
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
if not PAPERS.is_dir():
    PAPERS = Path("/work/shared/data/papers")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="8 papers, one repeat")
    ap.add_argument("--venue", default="neurips", help="profile to check with (default neurips: "
                                                         "every rule runs)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    if not PAPERS.is_dir():
        print(json.dumps({"skipped": f"{PAPERS} not found"}))
        return
    from paperreview.parse import parse_pdf
    from paperreview.review.check import CheckOptions, check_one

    pdfs = sorted(PAPERS.glob("*.pdf"))
    repeat = args.repeat
    if args.quick:
        pdfs, repeat = pdfs[::max(1, len(pdfs) // 8)][:8], 1
    options = CheckOptions(venue=args.venue)
    parse_pdf(pdfs[0]), check_one(pdfs[0], options)  # warm up: imports and first-call costs
    parse_s = check_s = 0.0
    pages = findings = failed = 0
    per_paper = []
    for pdf in pdfs:
        best_p = best_c = float("inf")
        for _ in range(repeat):  # min of repeats: the least disturbed by other processes
            t0 = time.process_time()
            paper = parse_pdf(pdf)
            t1 = time.process_time()
            rec = check_one(pdf, options)
            t2 = time.process_time()
            best_p, best_c = min(best_p, t1 - t0), min(best_c, t2 - t1)
        parse_s += best_p
        check_s += best_c
        pages += paper.n_pages
        findings += len(rec.findings)
        failed += rec.status != "ok"
        per_paper.append({"paper": pdf.stem, "pages": paper.n_pages, "parse_s": round(best_p, 3),
                          "check_s": round(best_c, 3)})
    slow = sorted(per_paper, key=lambda r: r["check_s"] / max(r["parse_s"], 1e-6))[-3:]
    out = {"figures": {
        "papers": len(pdfs), "pages": pages, "venue": args.venue,
        "parse_cpu_s": round(parse_s, 2), "parse_plus_check_cpu_s": round(check_s, 2),
        "overhead_ratio": round(check_s / parse_s, 3),
        "check_pdfs_per_cpu_second": round(len(pdfs) / check_s, 2),
        "check_pages_per_cpu_second": round(pages / check_s, 1),
        "findings": findings, "failed": failed},
        "target": {"overhead_ratio": 1.25},
        "highest_overhead": slow,
        "note": "CPU seconds (process_time), min of repeats; the machine is shared, so absolute "
                "speeds are noisy; the ratio is measured in the same run",
        "python": platform.python_version(), "cpus": os.cpu_count(), "repeat": repeat}
    print(json.dumps(out, indent=1))
    if not args.quick:
        sys.path.insert(0, str(REPO / "src"))
        from paperreview.io import atomic_write_json

        atomic_write_json(REPO / "benchmarks" / "results" / "check_speed.json", out)


if __name__ == "__main__":
    main()
