"""Every benchmark's ``--quick`` mode runs in the test suite, so none can rot unnoticed: a smoke
run on a few items that must complete and write its JSON (the figures mean nothing here).
Benchmarks that read ../shared/data skip with the reason when it is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SHARED

BENCH = REPO / "benchmarks"

#: script -> shared data it needs (None: runs on what it builds itself)
NEEDS = {
    "aggregate": None,
    "dataset_speed": None,
    "evaluate_accept_baseline": "peerread",
    "evaluate_peerread_hitrate": "peerread",
    "llm_throughput": None,
    "parse_quality": "papers",
    "fresh_papers": None,
    "parse_speed": "papers",
    "review_checklist": None,
    "review_methods": "papers",
    "scale_parse_check": None,
    "serve_load": None,
    "reviews_pipeline": "peerread",
    "reviews_tokens": "peerread",
    "title_lora": "paper-tasks",
    "train_throughput": None,
    "perturb_speed": "papers",
    "checklist_perturb_recall": "papers",
    "check_planted": "papers",
    "check_speed": "papers",
    "check_aclpubcheck": "papers",
}
#: quick runs over ~10 s on two busy cores (still run by `make test`)
SLOW = {"evaluate_peerread_hitrate", "train_throughput", "llm_throughput", "dataset_speed",
        "evaluate_accept_baseline", "reviews_pipeline", "scale_parse_check", "review_methods",
        "serve_load", "title_lora", "perturb_speed", "checklist_perturb_recall",
        "check_planted", "check_speed", "check_aclpubcheck"}


def test_every_benchmark_is_listed():
    scripts = {p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(NEEDS)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n
                                  for n in sorted(NEEDS)])
def test_quick_mode_completes_and_writes_json(name, tmp_path):
    if NEEDS[name] and not (SHARED / NEEDS[name]).exists():
        pytest.skip(f"shared research data not found at {SHARED / NEEDS[name]}")
    out = tmp_path / f"{name}.json"
    published = BENCH / "results" / f"{name}.json"
    before = published.stat().st_mtime_ns if published.exists() else None
    env = dict(os.environ, PAPERREVIEW_SHARED=str(SHARED.parent), HF_HUB_OFFLINE="1",
               PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO),
                                           os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert isinstance(json.loads(out.read_text(encoding="utf-8")), dict)
    after = published.stat().st_mtime_ns if published.exists() else None
    assert after == before, "a quick run must not overwrite the published figures"
