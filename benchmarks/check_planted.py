"""Planted violations: recall per check and false alarms per clean paper for `paperreview check`.

Figures:
- real papers (../shared/data/papers): each paper unplanted, with an undefined reference planted
  (PyMuPDF: one "Figure 3" -> "Figure ??"), and with a hidden instruction to LLM reviewers (white
  5-pt text); recall of `undefined-reference` and of a critical `hidden-text`, and the alarms of
  those two on the unplanted papers under `--venue generic` (target: recall >= 0.9, at most one or
  two alarms, each a real defect: they are listed with their quote so that can be checked);
- real anonymous review copies (the ACL/ICLR/ICML/NeurIPS review copies in the corpus): names
  planted under the title (redact "Anonymous ..." and write two names) and the PDF's Author
  metadata; recall per anonymity rule and anonymity alarms on the unplanted copies;
- synthetic anonymous submissions (tests/review/submissions.py): one per anonymity violation,
  checked with `--venue neurips`; recall per rule, anonymity/venue alarms on the clean one;
- the weak paper of issue 15 (problems found of 7) and a careful paper (false alarms).

Usage: python benchmarks/check_planted.py [--quick]   (--quick: 8 real papers)
Writes benchmarks/results/check_planted.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.review fixtures
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
if not PAPERS.is_dir():
    PAPERS = Path("/work/shared/data/papers")
REVIEW_COPIES = {  # anonymous review copies in the corpus -> their venue profile
    "aatif-arabic-llm-safety-review": "acl", "data-driven-patches-iclr-review": "iclr",
    "spurious-understanding-icml-review": "icml", "secureclaw-agent-policy-neurips-review": "neurips",
}


def _check(path: Path, venue: str = "generic"):
    from paperreview.review.check import CheckOptions, check_one

    return check_one(path, CheckOptions(venue=venue))


def _marks(rec) -> int:
    """How many undefined-reference marks the record reports ("... (4 places)")."""
    import re

    for f in rec.findings:
        if f.rule == "undefined-reference":
            m = re.search(r"\((\d+) places\)", f.message)
            return int(m.group(1)) if m else 1
    return 0


def real_papers(tmp: Path, quick: bool) -> dict:
    from tests.review.submissions import plant_hidden_instruction, plant_undefined_ref

    pdfs = sorted(PAPERS.glob("*.pdf"))
    if quick:
        pdfs = pdfs[::max(1, len(pdfs) // 8)][:8]
    rows, alarms = [], []
    for pdf in pdfs:
        row = {"paper": pdf.stem}
        clean = _check(pdf)
        if clean.status != "ok":
            row["error"] = clean.error
            rows.append(row)
            continue
        for f in clean.findings:
            if f.rule == "undefined-reference" or (f.rule == "hidden-text"
                                                   and f.severity == "critical"):
                alarms.append({"paper": pdf.stem, "rule": f.rule, "quote": f.evidence.quote,
                               "page": f.evidence.page})
        q = tmp / f"{pdf.stem}.qq.pdf"
        row["planted_at"] = plant_undefined_ref(pdf, q)
        # found: one more "??" than the unplanted paper already had (some real papers do)
        row["undefined_found"] = _marks(_check(q)) > _marks(clean)
        h = tmp / f"{pdf.stem}.hidden.pdf"
        plant_hidden_instruction(pdf, h)
        row["hidden_found"] = any(f.rule == "hidden-text" and f.severity == "critical"
                                  and "IGNORE" in (f.evidence.quote or "").upper()
                                  for f in _check(h).findings)
        rows.append(row)
    ok = [r for r in rows if "error" not in r]
    n = max(len(ok), 1)
    return {"papers": len(rows), "failed": len(rows) - len(ok),
            "recall": {"undefined-reference": round(sum(r["undefined_found"] for r in ok) / n, 3),
                       "hidden-text": round(sum(r["hidden_found"] for r in ok) / n, 3)},
            "alarms_unplanted": alarms,
            "papers_with_alarm_unplanted": len({a["paper"] for a in alarms}),
            "misses": [r for r in ok if not (r["undefined_found"] and r["hidden_found"])]}


def plant_names(src: Path, dst: Path) -> bool:
    """Replace the anonymous author line ("Anonymous Author(s)", "Anonymous ACL submission")
    with two names, as an author who forgot the review option would have it."""
    import pymupdf

    doc = pymupdf.open(src)
    page = doc[0]
    hits = [r for needle in ("Anonymous Author", "Anonymous author", "Anonymous ACL submission",
                             "Anonymous Authors")
            for r in page.search_for(needle)]
    if not hits:
        doc.close()
        return False
    r = hits[0]
    line = pymupdf.Rect(r.x0 - 40, r.y0, r.x1 + 80, r.y1)
    page.add_redact_annot(line)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    page.insert_text((r.x0, r.y1 - 0.22 * r.height), "Jane Smith, Robert Lee", fontsize=r.height * 0.8,
                     fontname="tiro")
    doc.save(dst, garbage=1, deflate=True)
    doc.close()
    return True


def review_copies(tmp: Path) -> dict:
    from tests.review.submissions import set_author

    rows = []
    for stem, venue in REVIEW_COPIES.items():
        pdf = PAPERS / f"{stem}.pdf"
        if not pdf.is_file():
            continue
        base = _check(pdf, venue)
        row = {"paper": stem, "venue": venue,
               "anonymity_alarms_unplanted": [(f.rule, f.evidence.quote) for f in base.findings
                                              if f.rule.startswith("anon-")]}
        named = tmp / f"{stem}.named.pdf"
        if plant_names(pdf, named):
            row["anon-authors"] = any(f.rule == "anon-authors" for f in _check(named, venue).findings)
        meta = tmp / f"{stem}.meta.pdf"
        meta.write_bytes(pdf.read_bytes())
        set_author(meta)
        row["anon-metadata"] = any(f.rule == "anon-metadata" for f in _check(meta, venue).findings)
        rows.append(row)
    return {"copies": rows}


def synthetic(tmp: Path) -> dict:
    from tests.review import submissions

    from paperreview.parse.sample import write_paper_pdf
    from paperreview.review.check import CheckOptions, check_one
    from paperreview.review.rules import RULES

    neurips = CheckOptions(venue="neurips")
    clean = check_one(submissions.write_anon(tmp / "anon-clean.pdf", None), neurips)
    false = [f"{f.rule}: {f.message}" for f in clean.findings if RULES[f.rule].scope != "paper"]
    recall = {}
    for rule in sorted(submissions.ANON_PLANTS):
        rec = check_one(submissions.write_anon(tmp / f"anon-{rule}.pdf", rule), neurips)
        recall[rule] = any(f.rule == rule for f in rec.findings)
    write_paper_pdf(tmp / "weak.pdf", submissions.weak_spec())
    fired = {f.rule for f in check_one(tmp / "weak.pdf").findings}
    weak = {p: bool(rules & fired) for p, rules in submissions.WEAK_PROBLEMS.items()}
    write_paper_pdf(tmp / "careful.pdf", submissions.careful_spec())
    careful = [f"{f.rule}: {f.message}" for f in check_one(tmp / "careful.pdf").findings]
    return {"anonymity_recall": recall, "clean_submission_false_alarms": false,
            "weak_paper": {"found": sum(weak.values()), "of": len(weak), "problems": weak},
            "careful_paper_false_alarms": careful}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="8 real papers instead of all")
    ap.add_argument("--out", default=None, help="write the JSON here (quick runs write only here)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    out: dict = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        out["synthetic"] = synthetic(tmp)
        if PAPERS.is_dir():
            out["real"] = real_papers(tmp, args.quick)
            out["review_copies"] = review_copies(tmp)
        else:
            out["real"] = {"skipped": f"{PAPERS} not found"}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["quick"] = args.quick
    print(json.dumps(out, indent=1, ensure_ascii=False))
    from _quick import save_result

    save_result(out, args.out, args.quick, "check_planted")


if __name__ == "__main__":
    main()
