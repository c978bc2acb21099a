"""Checklist precision/recall, grounding accuracy and review-pipeline speed.

Figures:
- checklist on planted PDFs (drawn with parse.sample, parsed with parse_pdf): for each rule,
  does it fire on the paper with its problem planted (recall) and stay silent on the clean paper
  (precision); target: every rule 1.0 / 1.0;
- checklist on the real corpus (../shared/data/papers, when present): findings per paper, firings
  per rule, parse and check seconds per paper (informational: no ground truth for findings);
- grounding on the real corpus: share of references to the paper's real figures/tables (and its
  sections) marked found (target >= 0.95), and share of invented ones (a table number past the
  last, Eq. (999), Section 42, Appendix Q) marked not found (target 1.0);
- pipeline overhead: seconds per LLM review (neurips, one member) against the local fake
  OpenAI server, i.e. everything except the model's own time.

Usage: python benchmarks/review_checklist.py [--no-real]
Writes benchmarks/results/review_checklist.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.helpers / tests.review fixtures
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"


def planted(tmp: Path) -> dict:
    from tests.review import papers

    from paperreview.parse import parse_pdf
    from paperreview.parse.sample import write_paper_pdf
    from paperreview.review.check import check_paper

    fired: dict[str | None, set[str]] = {}
    drawable = sorted(set(papers.PLANTS) - papers.PDF_SKIP)  # tag characters: no base-14 glyphs
    for rule in [None, *drawable]:
        path = tmp / f"{rule or 'clean'}.pdf"
        write_paper_pdf(path, papers.spec(rule))
        fired[rule] = {f.rule for f in check_paper(parse_pdf(path))}
    per_rule = {r: {"fires_on_planted": r in fired[r], "silent_on_clean": r not in fired[None]}
                for r in drawable}
    n = len(per_rule)
    return {"rules": per_rule,
            "recall": sum(v["fires_on_planted"] for v in per_rule.values()) / n,
            "precision_on_clean": sum(v["silent_on_clean"] for v in per_rule.values()) / n,
            "clean_paper_findings": sorted(fired[None])}


def real_corpus(limit: int | None = None) -> dict:
    from paperreview.parse import parse_pdf
    from paperreview.review.generate import ReviewOptions, offline_review
    from paperreview.review.grounding import check_grounding
    from paperreview.review.rules.presentation import numbered

    per_rule: Counter = Counter()
    rows, real, invented = [], [0, 0], [0, 0]
    for pdf in sorted(PAPERS.glob("*.pdf"))[:limit]:
        t0 = time.perf_counter()
        try:
            paper = parse_pdf(pdf)
        except Exception as exc:  # noqa: BLE001 - a benchmark row, not a crash
            rows.append({"paper": pdf.name, "error": str(exc)})
            continue
        t1 = time.perf_counter()
        rec = offline_review(paper, ReviewOptions())
        t2 = time.perf_counter()
        per_rule.update(f.rule for f in rec.findings)
        rows.append({"paper": pdf.name, "pages": paper.n_pages, "parse_s": round(t1 - t0, 2),
                     "check_s": round(t2 - t1, 3), "findings": len(rec.findings),
                     "rules": sorted({f.rule for f in rec.findings})})
        # grounding: every real caption and a few sections, then invented ones
        labels = {(c.kind, c.label) for c in paper.captions
                  if c.kind in ("figure", "table") and numbered(c.label)}
        pts = [f"{k.capitalize()} {lab} is discussed." for k, lab in labels]
        pts += [f"Section {i} is long." for i in (1, 2)]
        checks = check_grounding(pts, paper)
        real[0] += sum(c.found for c in checks)
        real[1] += len(checks)
        tables = [int(lab) for k, lab in labels if k == "table" and lab.isdigit()]
        fake = [f"Table {max(tables, default=0) + 2} is wrong.", "Eq. (999) is undefined.",
                "Section 42 repeats itself.", "Appendix Q is missing."]
        checks = check_grounding(fake, paper)
        invented[0] += sum(not c.found for c in checks)
        invented[1] += len(checks)
    ok = [r for r in rows if "error" not in r]
    return {
        "papers": len(rows), "parsed": len(ok),
        "findings_per_paper_mean": round(sum(r["findings"] for r in ok) / max(len(ok), 1), 2),
        "papers_without_findings": sum(r["findings"] == 0 for r in ok),
        "firings_per_rule": dict(per_rule.most_common()),
        "parse_s_per_paper_mean": round(sum(r["parse_s"] for r in ok) / max(len(ok), 1), 3),
        "check_s_per_paper_mean": round(sum(r["check_s"] for r in ok) / max(len(ok), 1), 3),
        "check_s_per_page_mean": round(sum(r["check_s"] for r in ok)
                                       / max(sum(r["pages"] for r in ok), 1), 4),
        "grounding_real_found_rate": round(real[0] / max(real[1], 1), 4),
        "grounding_real_refs": real[1],
        "grounding_invented_flagged_rate": round(invented[0] / max(invented[1], 1), 4),
        "grounding_invented_refs": invented[1],
        "rows": rows,
    }


def pipeline(tmp: Path, n: int = 20) -> dict:
    from tests.helpers.fake_openai import FakeOpenAIServer
    from tests.review import papers

    from paperreview.llm import EngineConfig
    from paperreview.review.generate import ReviewOptions, review_paper

    with FakeOpenAIServer() as srv:
        cfg = EngineConfig(base_url=srv.base_url, model="fake", run_dir=str(tmp / "llm"))
        paper = papers.paper("no-ablation")
        t0 = time.perf_counter()
        for i in range(n):
            p = paper.model_copy(update={"id": f"bench-{i}"})
            p.sections[0] = p.sections[0].model_copy(update={"text": f"Run {i}. "
                                                               + p.sections[0].text})
            rec = review_paper(p, cfg, ReviewOptions(template="neurips"))
            assert rec.status == "ok", rec.error
        dt = time.perf_counter() - t0
    return {"reviews": n, "seconds_per_review": round(dt / n, 4)}


def main(argv: list[str]) -> int:
    from _quick import QUICK_ITEMS, pop_flags

    quick, dest = pop_flags(argv, REPO / "benchmarks" / "results" / "review_checklist.json")
    out: dict = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        t = time.perf_counter()
        out["planted"] = planted(tmp)
        out["planted"]["seconds"] = round(time.perf_counter() - t, 2)
        out["pipeline_fake_server"] = pipeline(tmp, QUICK_ITEMS if quick else 20)
    if "--no-real" not in argv and PAPERS.is_dir():
        out["real_corpus"] = real_corpus(QUICK_ITEMS if quick else None)
    p = out["planted"]
    print(f"checklist on planted PDFs: recall {p['recall']:.2f}, precision on clean "
          f"{p['precision_on_clean']:.2f} ({len(p['rules'])} rules)")
    print(f"pipeline overhead: {out['pipeline_fake_server']['seconds_per_review']:.3f} s/review")
    if "real_corpus" in out:
        r = out["real_corpus"]
        print(f"real corpus: {r['parsed']}/{r['papers']} papers, {r['findings_per_paper_mean']} "
              f"findings/paper ({r['papers_without_findings']} with none), check "
              f"{r['check_s_per_paper_mean']} s/paper, parse {r['parse_s_per_paper_mean']} s/paper")
        print(f"  firings per rule: {r['firings_per_rule']}")
        print(f"grounding: real refs found {r['grounding_real_found_rate']:.3f} "
              f"(n={r['grounding_real_refs']}), invented refs flagged "
              f"{r['grounding_invented_flagged_rate']:.3f} (n={r['grounding_invented_refs']})")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
