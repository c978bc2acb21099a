"""The offline checklist scored as a reviewer: error-injection recall by kind, the precision
side, and hidden-instruction detection, on the shared real papers.

Plants errors with ``evaluate perturb make`` (every rule kind, no model, 2 copies per paper),
runs the offline checklist (``paperreview check``'s rules, as ``paperreview review`` without a
model) on each copy and each clean original, and scores the findings' quotes with ``evaluate
perturb score``. Then plants a hidden instruction 8 ways in the first ``--hidden N`` papers
(default 5) and reports what parse + the checklist flag, and false alarms on the clean papers.

Usage: python benchmarks/checklist_perturb_recall.py [--quick] [--out PATH] [--hidden N]
       [--papers N] [DIR]   (--papers: only the first N PDFs, sorted by name)
Writes benchmarks/results/checklist_perturb_recall.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
DEFAULT_DIR = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"


def main(argv: list[str]) -> int:
    from _quick import QUICK_ITEMS, pop_flags

    quick, out = pop_flags(argv, REPO / "benchmarks" / "results" / "checklist_perturb_recall.json")
    n_hidden = 1 if quick else 5
    if "--hidden" in argv:
        i = argv.index("--hidden")
        n_hidden = int(argv[i + 1])
        del argv[i:i + 2]
    n_papers = None
    if "--papers" in argv:
        i = argv.index("--papers")
        n_papers = int(argv[i + 1])
        del argv[i:i + 2]
    folder = Path(argv[0]) if argv else DEFAULT_DIR
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 2
    pdfs = pdfs[:QUICK_ITEMS] if quick else pdfs[:n_papers]
    from paperreview.evaluate.scorecard import perturb_section
    from paperreview.evaluate.scorecard_run import hidden_section

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        inj = perturb_section(pdfs, Path(tmp), None, per_paper=2, seed=0, generated=None)
        hid = hidden_section(pdfs[:n_hidden], Path(tmp)) if n_hidden else {}
    res = {"papers": len(pdfs), "error_injection": inj, "hidden_instructions": hid,
           "seconds": time.perf_counter() - t0}
    rec = inj.get("recall", {})
    print(f"checklist as a reviewer on {len(pdfs)} papers: recall {rec.get('value')} over "
          f"{rec.get('n_errors')} planted errors")
    for k, v in inj.get("by_kind", {}).items():
        print(f"  {k:22s} {v['value']:.3f} ({v['n_errors']} errors)")
    p = inj.get("precision", {})
    for side in ("clean", "perturbed"):
        if side in p:
            print(f"  {side}: {p[side]['comments_per_paper']} comments/paper, verified quotes "
                  f"{p[side]['verified_quote_share']}")
    for w, v in hid.get("by_way", {}).items():
        print(f"  hidden {w:13s} planted {v['planted']}/{v['n']} flagged {v['flagged']}")
    if hid:
        print(f"  hidden false alarms on clean papers: {hid['false_alarm_rate']}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
