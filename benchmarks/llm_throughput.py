"""LLM engine throughput against a rate-limited, faulty OpenAI-compatible server.

What it measures (issue 3): 2,000 jobs through ``paperreview llm run`` against the fake server
(tests/helpers/fake_openai.py, run in its own process) with RPM/TPM limits and faults on
(500, 503, connection resets, hangs, malformed and truncated JSON):

* achieved tokens/min over the TPM limit in steady state (middle 80% of the run), target >= 0.95
* share of requests answered 429 (target < 1%), lost jobs (0), jobs answered twice (0)
* a run killed with SIGKILL halfway and started again: lost, duplicated, and spend over a clean run
* a naive baseline: sequential SDK calls with the SDK's default retries (time-boxed)

Time is compressed honestly: the limits are 600 RPM / 60k TPM *per compressed minute*; with
``--scale 5`` server and engine both run at 3,000 RPM / 300k TPM (a "minute" lasts 12 s), and
latency, hangs, timeouts and backoffs are shortened likewise. Ratios (TPM/limit, 429 share,
spend overhead) do not depend on the scale. The server tokenizes at 3.5 characters per token
while the engine estimates 4, so the engine must correct itself from ``usage`` and headers.

    .venv/bin/python benchmarks/llm_throughput.py            # ~4 minutes on 2 cores
    .venv/bin/python benchmarks/llm_throughput.py --jobs 300 --scale 10   # quick look
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
RPM, TPM = 600, 60_000


def start_server(args, **over) -> tuple[subprocess.Popen, str]:
    opts = {"rpm": int(RPM * args.scale), "tpm": int(TPM * args.scale), "burst-seconds": 1.0,
            "latency": 1.5 / args.scale, "fault-rate": args.fault_rate,
            "hang-seconds": 20.0 / args.scale, "seed": 7, "chars-per-token": 3.5, **over}
    cmd = [PY, "-m", "tests.helpers.fake_openai", "--answer-fill"]
    for k, v in opts.items():
        cmd += [f"--{k}", str(v)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    return proc, proc.stdout.readline().strip()


def snapshot(url: str) -> dict:
    return httpx.get(url + "/_stats", timeout=30).json()


def write_inputs(path: Path, n: int) -> None:
    filler = "The method section describes the experiments in detail. " * 7   # ~400 chars
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"custom_id": f"job-{i}", "body": {
                "model": "fake-model", "max_tokens": 40, "temperature": 0,
                "messages": [{"role": "user", "content": f"Summarise paper {i}. {filler}"}]}})
                + "\n")


def engine_config(path: Path, args, limits: bool = True) -> Path:
    s = args.scale
    cfg = {"rpm": int(RPM * s), "tpm": int(TPM * s)} if limits else {}
    cfg.update({"concurrency": 64, "burst_seconds": 1.0,
           "connect_timeout": 10.0 / s, "deadline_base": 10.0 / s, "min_tokens_per_s": 1e6,
           "backoff_base": 0.5 / s, "backoff_max": 30.0 / s, "cooldown": 30.0 / s,
           "max_retries": 8})
    path.write_text(json.dumps(cfg))
    return path


def runner_cmd(inp: Path, out: Path, url: str, cfg: Path) -> list[str]:
    return [str(Path(PY).with_name("paperreview")), "llm", "run", str(inp), "-o", str(out),
            "--base-url", url, "--model", "fake-model", "--engine-config", str(cfg),
            "--no-progress"]


def outputs(out: Path, n: int) -> dict:
    rows = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
    ids = [r["custom_id"] for r in rows]
    ok = {r["custom_id"] for r in rows if r["status"] == "ok"}
    return {"rows": len(rows), "ok": len(ok), "lost": n - len(ok),
            "duplicated_rows": len(ids) - len(set(ids)),
            "in_order": ids == [f"job-{i}" for i in range(n)]}


def steady_tpm(snap: dict) -> dict:
    """Tokens/min of answered (HTTP 200) requests in the middle 80% of the run."""
    log = sorted(e for e in snap["log"] if e[1] == 200)
    t0, t1 = log[0][0], log[-1][0]
    lo, hi = t0 + 0.1 * (t1 - t0), t1 - 0.1 * (t1 - t0)
    tokens = sum(e[2] for e in log if lo <= e[0] <= hi)
    n_req = sum(1 for e in snap["log"]) or 1
    return {"seconds": round(t1 - t0, 2), "steady_tokens_per_min": tokens / ((hi - lo) / 60),
            "requests": n_req, "share_429": snap["stats"].get("rate_limit", 0) / n_req}


def clean_run(args, work: Path, name: str = "clean", cfg: str = "engine.json") -> dict:
    proc, url = start_server(args)
    try:
        out = work / f"{name}.jsonl"
        t = time.monotonic()
        subprocess.run(runner_cmd(work / "in.jsonl", out, url, work / cfg),
                       check=True, cwd=REPO)
        wall = time.monotonic() - t
        snap = snapshot(url)
    finally:
        proc.terminate()
    res = {**outputs(out, args.jobs), **steady_tpm(snap), "wall_seconds": round(wall, 1),
           "answered_twice": snap["answered_twice"], "billed_tokens": snap["billed_tokens"],
           "server_stats": snap["stats"]}
    res["tpm_over_limit"] = round(res["steady_tokens_per_min"] / (TPM * args.scale), 4)
    return res


def killed_run(args, work: Path, clean_billed: int) -> dict:
    proc, url = start_server(args)
    try:
        out = work / "killed.jsonl"
        cmd = runner_cmd(work / "in.jsonl", out, url, work / "engine.json")
        runner = subprocess.Popen(cmd, cwd=REPO)
        give_up = time.monotonic() + 600
        while snapshot(url)["answered"] < args.jobs // 2 and time.monotonic() < give_up:
            time.sleep(0.2)
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        at_kill = snapshot(url)["answered"]
        subprocess.run(cmd, check=True, cwd=REPO)
        snap = snapshot(url)
    finally:
        proc.terminate()
    return {**outputs(out, args.jobs), "answered_at_kill": at_kill,
            "answered_twice_server_side": snap["answered_twice"],
            "billed_tokens": snap["billed_tokens"],
            "spend_over_clean": round(snap["billed_tokens"] / clean_billed - 1, 5)}


def naive_run(args, work: Path) -> dict:
    """Sequential SDK calls, default retries (2) and default timeout, time-boxed."""
    import openai

    proc, url = start_server(args)
    client = openai.OpenAI(base_url=url, api_key="naive")
    lines = (work / "in.jsonl").read_text().splitlines()
    ok = failed = 0
    errors: dict[str, int] = {}
    t0 = time.monotonic()
    try:
        for line in lines:
            if time.monotonic() - t0 > args.naive_seconds:
                break
            try:
                client.chat.completions.create(**json.loads(line)["body"])
                ok += 1
            except Exception as exc:  # noqa: BLE001 - the SDK lets some faults escape raw
                failed += 1
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        wall = time.monotonic() - t0
        snap = snapshot(url)
    finally:
        proc.terminate()
    tokens = sum(e[2] for e in snap["log"] if e[1] == 200)
    n_req = len(snap["log"]) or 1
    return {"seconds": round(wall, 1), "attempted": ok + failed, "ok": ok, "lost": failed,
            "lost_by_error": errors,
            "tokens_per_min": round(tokens / (wall / 60), 1),
            "tpm_over_limit": round(tokens / (wall / 60) / (TPM * args.scale), 4),
            "share_429": round(snap["stats"].get("rate_limit", 0) / n_req, 4),
            "projected_seconds_for_all": round(wall * args.jobs / max(ok + failed, 1), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2000)
    ap.add_argument("--scale", type=float, default=5.0, help="time compression factor")
    ap.add_argument("--fault-rate", type=float, default=0.02)
    ap.add_argument("--naive-seconds", type=float, default=60.0)
    ap.add_argument("--out", type=Path,
                    default=REPO / "benchmarks" / "results" / "llm_throughput.json")
    ap.add_argument("--quick", action="store_true", help="smoke run: 30 jobs, 1 s naive run")
    ap.add_argument("--work", type=Path, default=None,
                    help="scratch dir for inputs, outputs and journals (default: a temp dir)")
    args = ap.parse_args()
    if args.quick:
        args.jobs, args.naive_seconds = 30, 1.0
    if args.work is None:
        import tempfile

        args.work = Path(tempfile.mkdtemp(prefix="llm_throughput_"))
    args.work.mkdir(parents=True, exist_ok=True)
    for p in args.work.glob("*"):
        if p.is_dir():
            import shutil

            shutil.rmtree(p)
        else:
            p.unlink()
    write_inputs(args.work / "in.jsonl", args.jobs)
    engine_config(args.work / "engine.json", args)
    clean = clean_run(args, args.work)
    print("clean:", json.dumps({k: v for k, v in clean.items() if k != "server_stats"}))
    killed = killed_run(args, args.work, clean["billed_tokens"])
    print("kill -9 + rerun:", json.dumps(killed))
    # the same run with no limits configured: the engine learns them from x-ratelimit-* headers
    engine_config(args.work / "engine_nolimits.json", args, limits=False)
    learnt = clean_run(args, args.work, "learnt", "engine_nolimits.json")
    print("limits learnt from headers:", json.dumps(
        {k: v for k, v in learnt.items() if k != "server_stats"}))
    naive = naive_run(args, args.work)
    print("naive:", json.dumps(naive))
    result = {"jobs": args.jobs, "limits_per_compressed_minute": {"rpm": RPM, "tpm": TPM},
              "scale": args.scale, "fault_rate": args.fault_rate,
              "clean": clean, "killed": killed, "limits_learnt_from_headers": learnt,
              "naive": naive}
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"TPM/limit {clean['tpm_over_limit']:.3f} (target >= 0.95), 429 share "
          f"{clean['share_429']:.4f} (< 0.01), lost {clean['lost']}, answered twice "
          f"{clean['answered_twice']}; kill -9: lost {killed['lost']}, duplicated rows "
          f"{killed['duplicated_rows']}, spend +{killed['spend_over_clean']:.2%}; limits learnt: "
          f"TPM/limit {learnt['tpm_over_limit']:.3f}, 429 share {learnt['share_429']:.4f}; naive: "
          f"TPM/limit {naive['tpm_over_limit']:.3f}, lost {naive['lost']} -> {out}")


if __name__ == "__main__":
    main()
