"""What a run cost and achieved, computed from its journal (``paperreview llm stats``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from .journal import Journal


def run_stats(run_dir: str | Path) -> dict[str, Any]:
    """Jobs by status, failures by reason, calls by outcome, tokens, cost and throughput."""
    path = Path(run_dir) / "journal.sqlite"
    if not path.exists():
        raise InputError(f"{run_dir}: no journal.sqlite here",
                         "pass the run directory of an `llm run` (or a stage's --run-dir)")
    j = Journal(path)
    try:
        jobs = {r["status"]: r["n"] for r in j.query(
            "SELECT status, COUNT(*) n FROM jobs GROUP BY status")}
        reasons = {r["reason"]: r["n"] for r in j.query(
            "SELECT reason, COUNT(*) n FROM jobs WHERE status='failed' GROUP BY reason")}
        calls = {r["outcome"]: r["n"] for r in j.query(
            "SELECT outcome, COUNT(*) n FROM calls GROUP BY outcome")}
        t = j.query("SELECT COALESCE(SUM(prompt_tokens),0) p, COALESCE(SUM(completion_tokens),0) c,"
                    " SUM(cost) cost, SUM(cost IS NULL AND outcome='ok') unpriced,"
                    " MIN(ts) t0, MAX(ts) t1 FROM calls")[0]
        batches = j.query("SELECT COUNT(*) n FROM batches")[0]["n"]
    finally:
        j.close()
    n_calls = sum(calls.values())
    minutes = max(((t["t1"] or 0) - (t["t0"] or 0)) / 60.0, 1e-9)
    tokens = t["p"] + t["c"]
    return {
        "run_dir": str(run_dir),
        "jobs": {"total": sum(jobs.values()), **jobs},
        "failed_by_reason": reasons,
        "requests": n_calls,
        "calls_by_outcome": calls,
        "rate_limited_share": round(calls.get("rate_limit", 0) / n_calls, 4) if n_calls else 0.0,
        "prompt_tokens": t["p"], "completion_tokens": t["c"], "total_tokens": tokens,
        "cost_usd": round(t["cost"], 6) if t["cost"] is not None else None,
        "unpriced_calls": t["unpriced"] or 0,
        "active_minutes": round(minutes, 3) if n_calls else 0.0,
        "tokens_per_minute": round(tokens / minutes, 1) if n_calls > 1 else None,
        "requests_per_minute": round(n_calls / minutes, 1) if n_calls > 1 else None,
        "batches": batches,
    }
