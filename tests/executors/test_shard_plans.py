"""Shard markers belong to their items: a rerun with another shard plan skips nothing unparsed;
papers read from URLs name their URL; a poison item under Ray costs only itself."""

from __future__ import annotations

import json
import os
import sys

import fsspec
import pytest

from paperreview.executors import ExecutorOptions, run_sharded
from paperreview.executors.sharded import SHARD_DIR

CALLS: list[str] = []


def echo(x: str) -> dict:
    CALLS.append(x)
    return {"input": x, "status": "ok"}


def kill_on_boom(x: str) -> dict:
    if x == "boom":
        os.kill(os.getpid(), 9)  # like a PDF that crashes MuPDF: the worker dies every time
    return {"input": x, "status": "ok"}


def test_a_rerun_with_another_shard_plan_loses_nothing(tmp_path):
    tasks = [(f"p{i}",) for i in range(7)]
    out = str(tmp_path / "out")
    list(run_sharded(echo, tasks, out, ExecutorOptions(shards=4)))
    markers = sorted((tmp_path / "out" / SHARD_DIR).glob("*.done"))
    assert len(markers) == 4
    for m in markers[2:]:  # the run was lost after its first two shards (items p0-p3)
        m.unlink()
    CALLS.clear()
    rows = list(run_sharded(echo, tasks, out, ExecutorOptions(shards=2)))  # other --workers
    assert sorted(r["input"] for r in rows) == [f"p{i}" for i in range(7)]
    assert sorted(CALLS) == [f"p{i}" for i in range(7)]  # the old markers are not theirs


def test_papers_read_from_urls_name_their_url(tmp_path):
    from paperreview.executors.stages import parse_sharded
    from paperreview.parse.batch import ParseConfig
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    write_paper_pdf(str(tmp_path / "a.pdf"), SAMPLE_SPEC)
    mem = fsspec.filesystem("memory")
    mem.pipe_file("/urls-in/a.pdf", (tmp_path / "a.pdf").read_bytes())
    mem.pipe_file("/urls-in/bad.pdf", b"%PDF-1.4 nothing else")
    summary = parse_sharded(["memory://urls-in"], "memory://urls-out", ParseConfig(workers=1),
                            ExecutorOptions(shards=1))
    assert summary.ok == 1 and summary.failed == 1
    paper = json.loads(mem.cat_file("/urls-out/a.json"))
    assert paper["source"] == "memory:///urls-in/a.pdf"  # not the temp copy it was parsed from
    log = [json.loads(x) for x in mem.cat_file("/urls-out/parse_log.jsonl").splitlines()]
    bad = next(r for r in log if r["status"] == "failed")
    assert "/tmp" not in bad["error"] and "bad.pdf" in bad["error"]


@pytest.mark.slow
def test_a_poison_item_under_ray_fails_alone(tmp_path, ray_session):
    ray = pytest.importorskip("ray", reason="the scale extra is not installed")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        rows = list(run_sharded(kill_on_boom, [("a",), ("boom",), ("c",)], str(tmp_path),
                                ExecutorOptions(executor="ray", workers=1, shards=1,
                                                max_retries=1)))
    finally:
        ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    by = {r["input"]: r for r in rows}
    assert sorted(by) == ["a", "boom", "c"]
    assert by["a"]["status"] == by["c"]["status"] == "ok"
    assert by["boom"]["reason"] == "worker_crashed"
    assert len(list((tmp_path / SHARD_DIR).glob("*.done"))) == 1  # the shard is complete


@pytest.mark.slow
def test_a_poison_item_gets_the_stages_own_failed_row(tmp_path, ray_session):
    """``crashed`` builds the row of an item that killed its worker every time, so that a stage
    reads it like its other rows (check's and review's: a failed GeneratedReview)."""
    from paperreview.executors.stages import failed_review
    from paperreview.records import GeneratedReview

    ray = pytest.importorskip("ray", reason="the scale extra is not installed")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        rows = list(run_sharded(kill_on_boom, [("a",), ("boom",)], str(tmp_path),
                                ExecutorOptions(executor="ray", workers=1, shards=1,
                                                max_retries=0),
                                crashed=lambda item, error: failed_review(
                                    item, error, "worker_crashed")))
    finally:
        ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert rows[0] == {"input": "a", "status": "ok"}
    rec = GeneratedReview.model_validate(rows[1])
    assert (rec.source, rec.status, rec.metadata["reason"]) == ("boom", "failed", "worker_crashed")
    assert "the worker died on this item every time" in rec.error


PID_DIR = ""  # set by the kill test; this module is pickled by value into the Ray workers


def slow_parse(pdf: str, out: str, fmt: str, max_pages: int) -> dict:
    """The real per-paper function, slowed so that its worker can be killed while it works."""
    import time
    from pathlib import Path

    from paperreview.executors.stages import parse_one

    assert PID_DIR, "slow_parse must be pickled by value, with PID_DIR set"
    Path(PID_DIR, f"{os.getpid()}-{Path(pdf).stem}").touch()
    time.sleep(1.0)
    return parse_one(pdf, out, fmt, max_pages)


@pytest.mark.slow
def test_killing_a_ray_worker_by_pid_loses_and_duplicates_nothing(tmp_path,
                                                                 ray_session):
    import signal
    import threading
    import time

    ray = pytest.importorskip("ray", reason="the scale extra is not installed")
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    global PID_DIR
    PID_DIR = str(tmp_path / "pids")
    os.makedirs(PID_DIR)
    pdfs = []
    for i in range(4):
        pdfs.append(str(tmp_path / f"p{i}.pdf"))
        write_paper_pdf(pdfs[-1], SAMPLE_SPEC)
    out = tmp_path / "out"
    tasks = [(p, str(out / f"p{i}.json"), "json", 300) for i, p in enumerate(pdfs)]
    killed: list[int] = []

    def killer() -> None:  # kill the first worker seen working, from outside, by its pid
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            seen = os.listdir(PID_DIR)
            if seen:
                killed.append(int(seen[0].split("-")[0]))
                os.kill(killed[0], signal.SIGKILL)
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        rows = list(run_sharded(slow_parse, tasks, str(out),
                                ExecutorOptions(executor="ray", workers=2, shards=2)))
    finally:
        ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        thread.join(timeout=5)
    assert killed, "no worker was killed"
    assert sorted(r["input"] for r in rows) == pdfs  # none lost, none twice
    assert all(r["status"] == "ok" for r in rows)
    assert len(list(out.glob("p*.json"))) == 4
    marks = os.listdir(PID_DIR)
    victim = next(m.split("-", 1)[1] for m in marks if m.startswith(f"{killed[0]}-"))
    assert any(m.endswith(f"-{victim}") and not m.startswith(f"{killed[0]}-") for m in marks)


def test_executor_options_doctest():
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module("paperreview.executors.options"))
    assert result.attempted and not result.failed
