"""Parse quality on fresh real papers the parser was never tuned on (benchmarks/data/fresh_papers.json).

The 109 papers of the manifest come from public GitHub repositories that commit both a paper's
PDF and its LaTeX source; they were collected on 2026-12-04, after the parser had been tuned on
../shared/data/papers, in four batches. Ground truth is derived from the LaTeX at the PDF's
commit the way ../shared/data/papers/README.md describes (macros expanded, math as approximate
Unicode, citations and cross-references dropped), with ``paperreview.parse.latex.parse_latex(...,
plain=True)``; a manifest entry's ``overrides`` hold fields typed by hand where the LaTeX reader
cannot derive them. Figures as in parse_quality.py, per batch, per part (a paper is "held out"
when sha256(slug) mod 3 == 0), and for the papers whose own figures were never looked at while
the parser was changed (batch 4 and the held-out part of batch 3; ``looked_at`` in the manifest)
against those that were.

The papers are third-party work and are not in this repository. To rebuild SRC_DIR, for every
entry: ``git clone https://github.com/REPO SRC_DIR/SLUG/tree && git -C SRC_DIR/SLUG/tree checkout
COMMIT`` (the PDF is ``tree/PDF_PATH``; its sha256 is checked).

Usage: python benchmarks/fresh_papers.py [SRC_DIR] [--quick] [--out PATH] [--verbose]
SRC_DIR defaults to $PAPERREVIEW_FRESH or ../fresh-papers. ``--quick`` builds one source folder
from the sample paper and scores it (a smoke test; no manifest needed).
Writes benchmarks/results/fresh_papers.json (or --out).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from _quick import pop_flags
from parse_quality import evaluate, held_out, summarise

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "benchmarks" / "data" / "fresh_papers.json"
DEFAULT_SRC = Path(os.environ.get("PAPERREVIEW_FRESH", REPO.parent / "fresh-papers"))


def truth_from_latex(main_tex: Path, overrides: dict | None = None) -> dict:
    """The fields parse_quality.py scores, from a paper's main .tex."""
    from paperreview.parse.latex import parse_latex

    paper = parse_latex(main_tex, plain=True)
    truth = {"title": paper.title, "abstract": paper.abstract,
             "sections": [{"level": s.level, "heading": s.heading}
                          for s in paper.sections if s.heading],
             "captions": [c.text for c in paper.captions if c.text.strip()],
             "n_references": len(paper.references) or None}
    truth.update({k: v for k, v in (overrides or {}).items() if k in truth})
    return truth


def _pdf(entry: dict, folder: Path) -> Path:
    for pdf in (folder / "paper.pdf", folder / "tree" / entry["pdf_path"]):
        if pdf.is_file():
            return pdf
    raise FileNotFoundError(f"{folder}: no paper.pdf and no tree/{entry['pdf_path']}")


def score(entries: list[dict], src: Path, verbose: bool = False) -> list[dict]:
    rows = []
    for entry in entries:
        folder = src / entry["slug"]
        row = {"paper": entry["slug"], "batch": entry.get("batch", 0),
               "part": "held-out" if held_out(entry["slug"]) else "tuned",
               "looked_at": entry.get("looked_at", False)}
        try:
            pdf = _pdf(entry, folder)
            digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
            if entry.get("pdf_sha256") and digest != entry["pdf_sha256"]:
                raise ValueError(f"{pdf}: sha256 {digest[:12]}... is not the manifest's "
                                 f"{entry['pdf_sha256'][:12]}...: check out commit {entry['commit']}")
            truth = truth_from_latex(folder / "tree" / entry["main_tex"], entry.get("overrides"))
        except (OSError, ValueError) as exc:
            rows.append({**row, "error": str(exc)})
            print(f"{entry['slug']}: {exc}", file=sys.stderr)
            continue
        rows.append({**evaluate(pdf, truth), **row})
        if verbose:
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def _quick_source(root: Path) -> list[dict]:
    """One source folder made from the sample paper: its PDF and a .tex with the same text."""
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    folder = root / "sample-paper"
    (folder / "tree").mkdir(parents=True)
    write_paper_pdf(folder / "paper.pdf", SAMPLE_SPEC)
    body = "".join(f"\\{'sub' * (sec[2] - 1) if len(sec) > 2 else ''}section{{{sec[0]}}}\n"
                   f"{sec[1]}\n\n" for sec in SAMPLE_SPEC.sections)
    body += "".join(f"\\begin{{{c.kind}}}\\caption{{{c.text}}}\\end{{{c.kind}}}\n"
                    for c in SAMPLE_SPEC.captions)
    (folder / "tree" / "main.tex").write_text(
        f"\\documentclass{{article}}\n\\title{{{SAMPLE_SPEC.title}}}\n\\begin{{document}}\n"
        f"\\maketitle\n\\begin{{abstract}}{SAMPLE_SPEC.abstract}\\end{{abstract}}\n{body}"
        "\\end{document}\n", encoding="utf-8")
    return [{"slug": "sample-paper", "batch": 0, "pdf_path": "paper.pdf", "main_tex": "main.tex"}]


def main(argv: list[str]) -> int:
    quick, out = pop_flags(argv, REPO / "benchmarks" / "results" / "fresh_papers.json")
    verbose = "--verbose" in argv
    args = [a for a in argv if not a.startswith("--")]
    with tempfile.TemporaryDirectory() as tmp:
        if quick:
            src = Path(tmp)
            entries = _quick_source(src)
        else:
            src = Path(args[0]) if args else DEFAULT_SRC
            entries = json.loads(MANIFEST.read_text(encoding="utf-8"))["papers"]
            if not src.is_dir():
                print(f"{src}: no such folder; build it from {MANIFEST} (see this script's "
                      "docstring) or pass its path", file=sys.stderr)
                return 2
            entries = [e for e in entries if (src / e["slug"]).is_dir()]
            if not entries:
                print(f"{src}: none of the manifest's papers is there", file=sys.stderr)
                return 2
        rows = score(entries, src, verbose)
    groups: dict[str, list[dict]] = {"all": rows}
    for r in rows:
        groups.setdefault(f"batch {r['batch']}", []).append(r)
        groups.setdefault(f"batch {r['batch']} {r['part']}", []).append(r)
        groups.setdefault("looked at" if r["looked_at"] else "never looked at", []).append(r)
    summaries = {name: summarise(group) for name, group in sorted(groups.items())}
    for name, s in summaries.items():
        print(f"{name:24s} papers {s['papers']:3d}  title {s['title_exact']:.3f}  abstract "
              f"{s['abstract_f1']:.3f}  heading F1 {s['heading_f1']:.3f}  captions "
              f"{s['caption_recall']:.3f}  refs out {s['references_out_of_body']:.3f}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summaries, "papers": rows}, indent=1,
                              ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
