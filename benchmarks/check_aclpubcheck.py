"""`paperreview check --venue acl` against aclpubcheck (ACL's own format checker) on the checks
both make: paper size (A4) and the page limit (long paper: 8 pages of content).

aclpubcheck is not a dependency of paperreview (0.2.0 pins pandas<2 and pdfminer.six, which
would downgrade the project's environment), so it is run from its own virtual environment:
``ACLPUBCHECK_PYTHON=/tmp/acl-venv/bin/python`` (default: that path; create it with
``python -m venv /tmp/acl-venv && /tmp/acl-venv/bin/pip install aclpubcheck 'bibtexparser<2'``).
Without it the script prints why and exits 0.

Each PDF is checked by aclpubcheck's ``Formatter.format_check`` in a subprocess with a timeout
(``--timeout``, default 120 s; aclpubcheck has none: its own source says "A few papers take hours
to check. Consider using a timeout"). Every disagreement is listed with the reason found by
looking at the two outputs (see docs/check.md for the explanations).

Usage: python benchmarks/check_aclpubcheck.py [--quick] [--timeout 120]
Writes benchmarks/results/check_aclpubcheck.json (not with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
if not PAPERS.is_dir():
    PAPERS = Path("/work/shared/data/papers")
ACL_PYTHON = os.environ.get("ACLPUBCHECK_PYTHON", "/tmp/acl-venv/bin/python")

# runs inside aclpubcheck's environment: one PDF, its error log as JSON on the last line
RUNNER = r'''
import contextlib, io, json, os, signal, sys, time, traceback
from collections import defaultdict
import pdfplumber
from aclpubcheck import formatchecker
formatchecker.args = type("A", (), {"disable_name_check": False})()  # name check off
class Late(Exception): pass
def late(*_):
    # its margin loop has bare `except:` clauses that would swallow an exception: report what
    # was found so far and leave
    out["errors"]["margin"] = f"timeout after {margin_limit} s"
    out["seconds"]["margin"] = margin_limit
    out["logs"] = {str(k.value): v for k, v in f.logs.items()}
    sys.__stdout__.write(json.dumps(out) + "\n")  # not into the redirect around the check
    sys.__stdout__.flush()
    os._exit(0)
signal.signal(signal.SIGALRM, late)
f = formatchecker.Formatter()
f.pdf = pdfplumber.open(sys.argv[1]); f.pdfpath = sys.argv[1]; f.number = "x"
f.logs = defaultdict(list); f.page_errors = set()
out = {"logs": {}, "errors": {}, "seconds": {}}
margin_limit = int(sys.argv[3])
def page_limit(f):
    kept = set(f.page_errors)
    f.page_errors.clear()
    try:
        f.check_page_num("long")
    finally:
        f.page_errors.update(kept)  # the margin check skips non-A4 pages, as in its own flow
# each check alone, so that one crash or hang does not hide the others' answers; the page
# limit runs with the size errors cleared (its own code skips every non-A4 page and crashes)
for name, call in (("size", lambda: f.check_page_size()),
                   ("page_limit", lambda: page_limit(f)),
                   ("font", lambda: f.check_font()),
                   ("margin", lambda: f.check_page_margin(sys.argv[2]))):
    t0 = time.time()
    if name == "margin":
        signal.alarm(margin_limit)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            call()
    except Late:
        out["errors"][name] = f"timeout after {margin_limit} s"
    except Exception as exc:
        out["errors"][name] = f"{type(exc).__name__}: {exc}"
    signal.alarm(0)
    out["seconds"][name] = round(time.time() - t0, 2)
out["logs"] = {str(k.value): v for k, v in f.logs.items()}
print(json.dumps(out))
'''


def run_aclpubcheck(pdf: Path, timeout: float, tmp: Path) -> dict:
    t0 = time.time()
    try:
        proc = subprocess.run([ACL_PYTHON, "-c", RUNNER, str(pdf), str(tmp),
                               str(int(timeout * 0.5))], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s", "seconds": round(time.time() - t0, 1)}
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if not lines:
        return {"error": f"no output (exit {proc.returncode}): {proc.stderr[-300:]}"}
    return json.loads(lines[-1])


def ours(pdf: Path) -> dict:
    from paperreview.review.check import CheckOptions, check_one

    t0 = time.time()
    rec = check_one(pdf, CheckOptions(venue="acl", rules=["page-limit", "paper-size"]))
    rules = {f.rule: f.message for f in rec.findings}
    return {"size": "paper-size" in rules, "page_limit": "page-limit" in rules,
            "messages": rules, "seconds": round(time.time() - t0, 2), "status": rec.status}


def explain(row: dict) -> str:
    a, o = row["aclpubcheck"], row["ours"]
    if a.get("error"):
        if "timeout" in a["error"]:
            return ("aclpubcheck ran past the timeout: its margin check renders the page once "
                    "per coloured word in the margin (a review copy's line numbers: 1072 words "
                    "in a 9-page ACL copy), and without ImageMagick each render is a failed "
                    "import of Wand that searches for the library again (1.7 s)")
        if "NoneType" in a["error"]:
            return ("aclpubcheck crashed in check_page_num: no line contains 'References' (or "
                    "an acknowledgment/ethics marker) as it extracts text, so `marker` stays "
                    "None and `None > (10, 1)` raises")
        return f"aclpubcheck failed: {a['error']}"
    why = []
    if a["size"] != o["size"]:
        why.append("paper size: different tolerance (aclpubcheck wants exactly 595x842 after "
                   "rounding)")
    if a["page_limit"] != o["page_limit"]:
        m = (o["messages"].get("page-limit") or "")
        why.append("page limit: aclpubcheck takes the first line containing 'References', "
                   "'Acknowledgment' or 'Ethics...' anywhere (body text included) and allows it "
                   "up to page 10 line 1; paperreview counts the pages before the first heading "
                   "that ends the main text (References, Appendix, Limitations, Ethics) against 8"
                   + (f" [{m}]" if m else "") + (f" [aclpubcheck: {a['logs'].get('Page Limit')}]"
                                                  if a["logs"].get("Page Limit") else ""))
    return "; ".join(why)


def _secs(value: float | dict | None) -> float:
    """Seconds of one run: a dict per check, or one number for a run that timed out."""
    return sum(value.values()) if isinstance(value, dict) else float(value or 0)


def _skip(args, reason: str) -> None:
    print(json.dumps({"skipped": reason}))
    if args.out:
        Path(args.out).write_text(json.dumps({"skipped": reason}) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 papers, 20 s per check")
    ap.add_argument("--papers", type=int, default=14, help="how many (the review copies first)")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--out", default=None, help="write the JSON here (quick runs write only here)")
    args = ap.parse_args()
    if not Path(ACL_PYTHON).exists():
        _skip(args, f"aclpubcheck not installed ({ACL_PYTHON} missing); see the docstring")
        return
    if not PAPERS.is_dir():
        _skip(args, f"{PAPERS} not found")
        return
    import tempfile

    pdfs = sorted(PAPERS.glob("*.pdf"))
    n = 2 if args.quick else args.papers
    if args.quick:  # a smoke run: two papers, short per-check limit
        args.timeout = min(args.timeout, 20.0)
    first = [p for p in pdfs if p.stem.endswith("-review")]
    rest = [p for p in pdfs if p not in first]
    pdfs = (first + rest[::max(1, len(rest) // max(n - len(first), 1))])[:n]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for pdf in pdfs:
            a = run_aclpubcheck(pdf, args.timeout, Path(d))
            logs = a.setdefault("logs", {})
            errs = a.get("errors") or {}
            a.update(size=bool(logs.get("Size")), page_limit=bool(logs.get("Page Limit")),
                     margin=len(logs.get("Margin", [])), font=logs.get("Font", []),
                     error=a.get("error") or errs.get("size") or errs.get("page_limit"))
            row = {"paper": pdf.stem, "aclpubcheck": a, "ours": ours(pdf)}
            row["agree"] = not a.get("error") and all(a[k] == row["ours"][k]
                                                      for k in ("size", "page_limit"))
            row["why"] = "" if row["agree"] else explain(row)
            rows.append(row)
            print(f"{pdf.stem:45} acl: size={a['size']!s:5} limit={a['page_limit']!s:5} "
                  f"{a.get('error') or ''} {a.get('seconds', '')} {errs} | ours: "
                  f"size={row['ours']['size']!s:5} limit={row['ours']['page_limit']!s:5} "
                  f"{row['ours']['seconds']}s", file=sys.stderr)
    ok = [r for r in rows if not r["aclpubcheck"].get("error")]
    out = {"papers": len(rows), "aclpubcheck_failed": len(rows) - len(ok),
           "agree_on_size": sum(r["aclpubcheck"]["size"] == r["ours"]["size"] for r in ok),
           "agree_on_page_limit": sum(r["aclpubcheck"]["page_limit"] == r["ours"]["page_limit"]
                                      for r in ok),
           "compared": len(ok),
           "aclpubcheck_seconds": round(sum(_secs(r["aclpubcheck"].get("seconds"))
                                            for r in rows), 1),
           "aclpubcheck_check_errors": {r["paper"]: r["aclpubcheck"].get("errors")
                                        for r in rows if r["aclpubcheck"].get("errors")},
           "ours_seconds": round(sum(r["ours"]["seconds"] for r in rows), 1),
           "disagreements": [{"paper": r["paper"], "why": r["why"],
                              "aclpubcheck": {k: r["aclpubcheck"].get(k) for k in (
                                  "size", "page_limit", "error", "errors", "seconds")},
                              "ours": r["ours"]["messages"]} for r in rows if not r["agree"]],
           "timeout_s": args.timeout}
    print(json.dumps(out, indent=1))
    from _quick import save_result

    save_result(out, args.out, args.quick, "check_aclpubcheck")


if __name__ == "__main__":
    main()
