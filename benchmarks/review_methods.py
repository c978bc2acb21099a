"""What a review costs: calls, tokens and seconds per paper, zero-shot vs progressive.

Each shared real paper (../shared/data/papers) is reviewed twice through `review_paper` against
the local OpenAI-compatible test server (tests/helpers/fake_openai.py, in process): once with
``--method zero-shot`` and once with ``--method progressive``. The server's answers are
schema-valid placeholders, so **the figures measure cost and overhead only, never quality**:
calls and prompt tokens depend on the paper and the method (the server counts tokens with the
same ~4 characters per token rule for both), completion tokens on the placeholder answers. The
server's reader quotes the first sentence of each part (so those quotes verify) and answers each
cross-check with an invented quote (re-asked once, then withdrawn), a pattern a real model only
approximates.

    python benchmarks/review_methods.py            # every shared paper
    python benchmarks/review_methods.py --quick    # 3 papers (the test suite's smoke run)

Prints a table and writes benchmarks/results/review_methods.json.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.helpers
sys.path.insert(0, str(Path(__file__).resolve().parent))
PAPERS = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
RESULTS = REPO / "benchmarks" / "results" / "review_methods.json"


def main(argv: list[str]) -> int:
    from _quick import QUICK_ITEMS, pop_flags

    quick, out = pop_flags(argv, RESULTS)
    pdfs = sorted(PAPERS.glob("*.pdf"))
    if not pdfs:
        print(f"no papers under {PAPERS}: set PAPERREVIEW_SHARED", file=sys.stderr)
        return 2
    pdfs = pdfs[:QUICK_ITEMS] if quick else pdfs
    from tests.helpers.fake_openai import FakeOpenAIServer
    from tests.review.test_progressive import responder

    from paperreview.io import atomic_write_json
    from paperreview.llm import Engine, EngineConfig
    from paperreview.parse import parse_pdf
    from paperreview.review.generate import ReviewOptions, review_paper

    rows = []
    with FakeOpenAIServer(responder=responder) as srv, tempfile.TemporaryDirectory() as tmp:
        for method in ("zero-shot", "progressive"):
            cfg = EngineConfig(base_url=srv.base_url, model="gpt-4o-mini", max_retries=0,
                               run_dir=str(Path(tmp) / method))
            engine = Engine(cfg)
            try:
                for pdf in pdfs:
                    paper = parse_pdf(pdf)
                    t0 = time.perf_counter()
                    rec = review_paper(paper, cfg, ReviewOptions(method=method), engine=engine)
                    secs = time.perf_counter() - t0
                    usage = rec.metadata.get("usage", {})
                    calls = (sum(rec.metadata.get("calls", {}).values())
                             + (1 if rec.review is not None else 0))
                    llm = [c for c in rec.comments if c.source == "llm"]
                    rows.append({"paper": pdf.stem, "method": method, "status": rec.status,
                                 "calls": calls, "pages": paper.n_pages,
                                 "prompt_tokens": usage.get("prompt_tokens", 0),
                                 "completion_tokens": usage.get("completion_tokens", 0),
                                 "seconds": round(secs, 2), "llm_comments": len(llm)})
            finally:
                engine.close()
    summary = {}
    for method in ("zero-shot", "progressive"):
        rs = [r for r in rows if r["method"] == method]
        summary[method] = {k: round(statistics.mean(r[k] for r in rs), 1)
                           for k in ("calls", "prompt_tokens", "completion_tokens", "seconds")}
        summary[method]["papers"] = len(rs)
    print(f"{'method':12} {'papers':>6} {'calls/paper':>11} {'prompt tok/paper':>16} "
          f"{'completion tok/paper':>20} {'s/paper':>8}")
    for m, s in summary.items():
        print(f"{m:12} {s['papers']:6} {s['calls']:11} {s['prompt_tokens']:16,.0f} "
              f"{s['completion_tokens']:20,.0f} {s['seconds']:8}")
    ratio = (summary["progressive"]["prompt_tokens"] / summary["zero-shot"]["prompt_tokens"]
             if summary["zero-shot"]["prompt_tokens"] else None)
    result = {"benchmark": "review_methods", "quick": quick, "server": "local fake (placeholder "
              "answers: cost and overhead only, no quality)", "summary": summary,
              "prompt_token_ratio_progressive_over_zero_shot": ratio and round(ratio, 2),
              "rows": rows}
    atomic_write_json(out, result)
    print(f"progressive / zero-shot prompt tokens: {ratio:.2f}x" if ratio else "")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
