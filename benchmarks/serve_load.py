"""Load on `paperreview serve`: 50 concurrent uploads of a 10-page paper, offline analysis.

Starts the real server as a subprocess on a free port (``--workers 2``, a fresh data dir), posts
the paper from 50 threads at once, polls every job until it is done or failed and reports the
latency from the start of each upload to its ``done`` (p50, p95, max), the peak resident memory
of the server with all its worker processes (sampled from /proc every 0.1 s), and whether any
job was lost (not done, or done without a review), and that every review of the same paper has
the same comments. The paper is ``../shared/data/papers/mlops-xai-rai-governance.pdf``
(10 pages) when present, else the drawn sample paper repeated to 10 pages.

Usage: python benchmarks/serve_load.py [--uploads 50] [--workers 2] [--quick] [--out PATH]
Writes benchmarks/results/serve_load.json, or ``--out`` (``--quick``: 4 uploads, a smoke run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]
SHARED = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "papers"
PAPER = SHARED / "mlops-xai-rai-governance.pdf"  # 10 pages, one checklist finding


def ten_page_pdf(tmp: Path) -> Path:
    if PAPER.exists():
        return PAPER
    import pymupdf

    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    one = tmp / "sample.pdf"
    write_paper_pdf(str(one), SAMPLE_SPEC)
    out = pymupdf.open()
    with pymupdf.open(one) as src:
        while out.page_count < 10:
            out.insert_pdf(src, to_page=min(src.page_count, 10 - out.page_count) - 1)
    path = tmp / "ten-pages.pdf"
    out.save(path)
    return path


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d.name))
            rss[int(d.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uploads", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="4 uploads: a smoke run")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "serve_load.json")
    args = ap.parse_args()
    n = 4 if args.quick else args.uploads
    import httpx
    from tests.web.serving import Served

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        pdf = ten_page_pdf(tmp)
        data = pdf.read_bytes()
        cfg = tmp / "serve.json"
        cfg.write_text(json.dumps({"rate_per_minute": 10 * n}))
        srv = Served(tmp / "data", tmp / "serve.log", "--workers", str(args.workers),
                     "--config", str(cfg)).start()
        peak, stop = [0], threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], tree_rss(srv.proc.pid))
                time.sleep(0.1)

        def one(i: int) -> dict:
            t0 = time.perf_counter()
            r = httpx.post(f"{srv.url}/api/v1/reviews", timeout=600,
                           files={"file": (f"paper-{i}.pdf", data, "application/pdf")},
                           data={"method": "offline"})
            accepted = time.perf_counter() - t0
            if r.status_code != 202:
                return {"status": f"http {r.status_code}", "latency": None}
            job_id = r.json()["id"]
            while True:
                time.sleep(1.0)
                job = httpx.get(f"{srv.url}/api/v1/reviews/{job_id}", timeout=60).json()
                if job["status"] in ("done", "failed"):
                    break
            ok = job["status"] == "done" and job["review"] is not None
            return {"status": job["status"] if ok else f"{job['status']} without a review",
                    "comments": len((job["review"] or {}).get("comments") or []),
                    "latency": time.perf_counter() - t0, "accepted": accepted,
                    "error": job.get("error")}

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.perf_counter()
        try:
            with ThreadPoolExecutor(n) as pool:
                rows = list(pool.map(one, range(n)))
        finally:
            wall = time.perf_counter() - t0
            stop.set()
            sampler.join()
            srv.stop()
    lat = sorted(r["latency"] for r in rows if r["latency"] is not None)
    acc = sorted(r["accepted"] for r in rows if r.get("accepted") is not None)
    done = sum(r["status"] == "done" for r in rows)
    q = statistics.quantiles(lat, n=20) if len(lat) > 1 else lat * 19
    figures = {
        "uploads": n, "workers": args.workers, "paper": pdf.name, "done": done,
        "lost": n - done, "statuses": {s: sum(r["status"] == s for r in rows)
                                       for s in {r["status"] for r in rows}},
        "latency_p50_s": round(statistics.median(lat), 2), "latency_p95_s": round(q[18], 2),
        "latency_max_s": round(lat[-1], 2), "upload_accepted_p95_s": round(
            statistics.quantiles(acc, n=20)[18] if len(acc) > 1 else acc[0], 2),
        "comments_per_review": sorted({r.get("comments", 0) for r in rows}),
        "wall_s": round(wall, 1), "reviews_per_minute": round(60 * done / wall, 1),
        "peak_rss_mib": round(peak[0] / 2**20), "cpus": os.cpu_count()}
    print(json.dumps(figures, indent=2))
    from paperreview.io import atomic_write_json

    atomic_write_json(args.out, {"figures": figures, "quick": args.quick,
                                 "errors": [r.get("error") for r in rows
                                            if r["status"] != "done"]})
    if done != n:
        sys.exit(1)


if __name__ == "__main__":
    main()
