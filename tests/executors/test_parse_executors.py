"""``parse`` on the executors: same records as the local executor, fsspec URLs, a killed Ray
worker costing nothing, resume by completion markers."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner

from paperreview.cli import cli
from paperreview.executors import LocalExecutor
from paperreview.executors import parse as sharded
from paperreview.parse.batch import ParseConfig

from .conftest import strip_times

PID_DIR = ""  # set by the kill test; this module is pickled by value into the Ray workers


def slow_parse(src, out, fmt, max_pages, overwrite):
    """The real per-paper core, slowed so that a worker can be killed while it works."""
    assert PID_DIR, "slow_parse must be pickled by value, with PID_DIR set"
    Path(PID_DIR, f"{os.getpid()}-{Path(src).stem}").touch()
    time.sleep(1.0)
    return sharded.parse_one(src, out, fmt, max_pages, overwrite)


def _log(out: Path) -> list[dict]:
    rows = [json.loads(line) for line in (out / "parse_log.jsonl").read_text().splitlines()]
    for r in rows:
        if r.get("output"):
            r["output"] = Path(r["output"]).name
    return rows


def _papers(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.glob("*.json")
            if not p.name.startswith("parse_")}


def _cli(*args: str):
    return CliRunner().invoke(cli, ["parse", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def local_run(pdf_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    res = _cli(str(pdf_dir), "-o", str(out), "--workers", "0")
    assert res.exit_code == 1  # broken.pdf fails
    return out


def test_memory_urls_give_the_local_records(pdf_dir, local_run):
    fs = fsspec.filesystem("memory")
    for p in sorted(pdf_dir.iterdir()):
        fs.pipe_file(f"/in/{p.name}", p.read_bytes())
    res = _cli("memory://in", "-o", "memory://parsed", "--workers", "0")
    assert res.exit_code == 1, res.output
    papers = {p.rsplit("/", 1)[-1]: json.loads(fs.cat_file(p))
              for p in fs.ls("/parsed", detail=False) if p.endswith(".json") and "parse_" not in p}
    assert papers["paper0.json"]["source"] == "memory:///in/paper0.pdf"  # fsspec's spelling
    local = {k: json.loads(v) for k, v in _papers(local_run).items()}
    for name, paper in papers.items():  # the same paper, naming its URL instead of its path
        paper["source"] = local[name]["source"]
    assert papers == local and len(papers) == 6
    log = [json.loads(line) for line in fs.cat_file("/parsed/parse_log.jsonl").splitlines()]
    for r in log:  # the same rows, with the URLs where the local run has paths
        r["input"] = str(pdf_dir / r["input"].rsplit("/", 1)[-1])
        r["output"] = r["output"] and r["output"].rsplit("/", 1)[-1]
        if r.get("error"):
            r["error"] = r["error"].replace("memory:///in/", f"{pdf_dir}/")
    assert strip_times(log) == strip_times(_log(local_run))
    assert fs.exists("/parsed/parse_summary.json") and fs.exists("/parsed/parse_config.json")


def test_local_executor_resumes_from_markers(pdf_dir, tmp_path):
    out = tmp_path / "out"
    cfg = ParseConfig(workers=1)
    first = sharded.run([str(pdf_dir)], out, cfg, LocalExecutor(workers=1), shard_size=3)
    assert first.ok == 6 and first.failed == 1
    assert len(list((out / "_shards").glob("*.done"))) == 3
    again = sharded.run([str(pdf_dir)], out, cfg, LocalExecutor(workers=1), shard_size=3)
    assert again.skipped == 7 and again.ok == 0


@pytest.mark.slow
def test_ray_cli_writes_the_local_records(pdf_dir, local_run, tmp_path):
    pytest.importorskip("ray", reason="the scale extra (ray) is not installed")
    out = tmp_path / "ray"
    res = _cli(str(pdf_dir), "-o", str(out), "--executor", "ray", "--workers", "2")
    assert res.exit_code == 1, res.output
    assert _papers(out) == _papers(local_run)
    assert strip_times(_log(out)) == strip_times(_log(local_run))
    assert json.loads((out / "parse_summary.json").read_text())["extra"]["executor"] == "ray"


@pytest.mark.slow
def test_killing_a_ray_worker_loses_and_duplicates_nothing(pdf_dir, tmp_path, monkeypatch):
    ray = pytest.importorskip("ray", reason="the scale extra (ray) is not installed")
    from ray import cloudpickle  # Ray pickles tasks with its own copy of cloudpickle

    from paperreview.executors.ray import RayExecutor

    global PID_DIR
    PID_DIR = str(tmp_path / "pids")
    os.makedirs(PID_DIR)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            seen = os.listdir(PID_DIR)
            if seen:
                pid = int(seen[0].split("-")[0])
                os.kill(pid, signal.SIGKILL)  # mid-item: the worker sleeps inside slow_parse
                killed.append(pid)
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    out = tmp_path / "out"
    try:
        summary = sharded.run([str(pdf_dir)], out, ParseConfig(), RayExecutor(num_cpus=2),
                              fn=slow_parse, shard_size=2)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        thread.join(timeout=5)
    assert killed, "no worker was killed"
    assert not ray.is_initialized()
    rows = _log(out)
    inputs = [r["input"] for r in rows]
    assert sorted(inputs) == sorted(str(p) for p in pdf_dir.iterdir())  # none lost, none twice
    assert summary.ok == 6 and summary.failed == 1
    assert len(_papers(out)) == 6
    # the killed worker's item really was redone by another process
    redone = {f.split("-", 1)[1] for f in os.listdir(PID_DIR) if not f.startswith(f"{killed[0]}-")}
    first = next(f for f in os.listdir(PID_DIR) if f.startswith(f"{killed[0]}-"))
    assert first.split("-", 1)[1] in redone
