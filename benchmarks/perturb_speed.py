"""Error-injection generation speed: perturbed copies per second on the shared real papers.

Runs ``evaluate perturb make`` (every rule kind, no model, 2 copies per paper) over
../shared/data/papers and reports copies per wall and CPU second, with the share of the time
spent parsing (the parse that gives each error its section) apart from finding and writing edits.

Usage: python benchmarks/perturb_speed.py [--quick] [--out PATH] [PDF_DIR]
Writes benchmarks/results/perturb_speed.json. Timings on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
DEFAULT_DIR = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"


def main(argv: list[str]) -> int:
    from _quick import QUICK_ITEMS, pop_flags

    quick, out = pop_flags(argv, REPO / "benchmarks" / "results" / "perturb_speed.json")
    folder = Path(argv[0]) if argv else DEFAULT_DIR
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 2
    pdfs = pdfs[:QUICK_ITEMS] if quick else pdfs
    from paperreview import parse
    from paperreview.evaluate.perturb.make import make_perturbations

    parse_s = [0.0]
    real = parse.parse_pdf

    def timed_parse(*a, **kw):  # count the parse apart: it is not perturbation work
        t = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            parse_s[0] += time.perf_counter() - t

    parse.parse_pdf = timed_parse
    with tempfile.TemporaryDirectory() as tmp:
        w0, c0 = time.perf_counter(), time.process_time()
        s = make_perturbations(pdfs, Path(tmp), None, per_paper=2, seed=0)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        rows = [json.loads(x) for x in (Path(tmp) / "manifest.jsonl").read_text().splitlines()]
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    figures = {"papers": len(pdfs), "copies": s.ok, "errors": len(rows),
               "copies_per_wall_second": s.ok / wall, "copies_per_cpu_second": s.ok / cpu,
               "copies_per_second_without_parse": s.ok / max(wall - parse_s[0], 1e-9),
               "parse_share_of_wall": parse_s[0] / wall, "wall_s": wall, "cpu_s": cpu,
               "errors_by_kind": kinds, "skipped_or_dropped": s.reasons}
    print(f"perturb make over {len(pdfs)} PDFs: {s.ok} copies, {len(rows)} errors in {wall:.1f}s")
    for k, v in figures.items():
        print(f"  {k:34s} {v if isinstance(v, (dict, int)) else round(v, 3)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"figures": figures, "python": platform.python_version(),
                               "cpus": os.cpu_count(),
                               "note": "shared 2-core machine: timings are noisy"},
                              indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
