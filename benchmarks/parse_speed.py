"""Parse speed: pages per second per worker of `paperreview parse`, against plain PyMuPDF
``page.get_text()`` over the same files in the same run.

Targets: >= 100 pages per CPU second per worker, and at least half of plain get_text speed.
Both are measured in this process, one core, alternating per file so that machine load hits
both alike; CPU seconds (process time) are reported beside wall seconds because a shared
machine inflates wall time. The best of ``--rounds`` runs is kept.

The load average at the start and end is recorded: on a shared machine CPU seconds are the
fair measure (wall seconds include waiting for the core), but caches shared with other jobs
still slow both sides.

A third timing, ``extraction_only_ratio_to_get_text``, runs only the extraction the parser
needs (``get_text("dict")`` with vector shapes on pages that paint, as the provider calls it)
and no processing: the ratio the parser could reach if its processing cost nothing.

Usage: python benchmarks/parse_speed.py [PAPERS_DIR] [--rounds 2] [--quick] [--out PATH]
``--quick`` times the three shortest files once.
Writes benchmarks/results/parse_speed.json.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
TARGETS = {"parse_pages_per_cpu_second": 100.0, "ratio_to_get_text": 0.5}


def plain(path: Path) -> int:
    import pymupdf

    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text()
        return doc.page_count


def extracted(path: Path) -> int:
    """Only the extraction the parser needs (spans with fonts and colours, vectors where text
    can hide), no processing: the ceiling of the parser's ratio to plain get_text."""
    import pymupdf

    from paperreview.parse.provider import page_dict, raw_quads

    with pymupdf.open(path) as doc, raw_quads():
        for page in doc:
            page_dict(page)
        return doc.page_count


def parsed(path: Path) -> int:
    from paperreview.parse import parse_pdf

    return parse_pdf(path, max_pages=0).n_pages


def measure(pdfs: list[Path]) -> dict:
    totals = {"plain": [0.0, 0.0], "extract": [0.0, 0.0], "parse": [0.0, 0.0]}  # [wall, cpu]
    pages = 0
    for pdf in pdfs:
        for name, fn in (("plain", plain), ("extract", extracted), ("parse", parsed)):
            w0, c0 = time.perf_counter(), time.process_time()
            n = fn(pdf)
            totals[name][0] += time.perf_counter() - w0
            totals[name][1] += time.process_time() - c0
        pages += n
    return {"pages": pages, **{f"{k}_{m}_s": round(v[i], 3) for k, v in totals.items()
                               for i, m in enumerate(("wall", "cpu"))}}


def main(argv: list[str]) -> int:
    from _quick import QUICK_ITEMS, pop_flags

    quick, out = pop_flags(argv, REPO / "benchmarks" / "results" / "parse_speed.json")
    rounds = 1 if quick else 2
    if "--rounds" in argv:
        rounds = int(argv[argv.index("--rounds") + 1])
        del argv[argv.index("--rounds"):argv.index("--rounds") + 2]
    folder = Path(argv[0]) if argv else DEFAULT_DIR
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 2
    if quick:  # the shortest files
        pdfs = sorted(pdfs, key=lambda p: p.stat().st_size)[:QUICK_ITEMS]
    import pymupdf  # imported before timing: its import is not parsing work

    import paperreview.parse.pipeline  # noqa: F401

    load_before = os.getloadavg()
    runs = [measure(pdfs) for _ in range(rounds)]
    load_after = os.getloadavg()
    best = min(runs, key=lambda r: r["parse_cpu_s"])
    pages = best["pages"]
    figures = {
        "files": len(pdfs),
        "pages": pages,
        "parse_pages_per_cpu_second": pages / best["parse_cpu_s"],
        "parse_pages_per_wall_second": pages / best["parse_wall_s"],
        "get_text_pages_per_cpu_second": pages / best["plain_cpu_s"],
        "get_text_pages_per_wall_second": pages / best["plain_wall_s"],
        "ratio_to_get_text": best["plain_cpu_s"] / best["parse_cpu_s"],
        # the extraction alone (no processing) against plain get_text: the ceiling of the ratio
        "extraction_only_ratio_to_get_text": best["plain_cpu_s"] / best["extract_cpu_s"],
    }
    load = {"load_average_before": load_before, "load_average_after": load_after}
    print(f"parse speed over {len(pdfs)} PDFs, {pages} pages (best of {rounds}, one core; "
          f"load average {load_before[0]:.1f} -> {load_after[0]:.1f} on {os.cpu_count()} cpus):")
    for key, value in figures.items():
        target = TARGETS.get(key)
        mark = "" if target is None else (" ok" if value >= target else f" (target {target})")
        print(f"  {key:32s} {value:10.2f}{mark}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"figures": figures, "targets": TARGETS, "runs": runs, **load,
                               "pymupdf": pymupdf.VersionBind, "python": platform.python_version(),
                               "machine": platform.machine(), "cpus": os.cpu_count()},
                              indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
