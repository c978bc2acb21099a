"""Shard planning, completion markers and resume, with the in-process local executor."""

from __future__ import annotations

import json

import fsspec
import pytest

from paperreview.errors import ConfigError
from paperreview.executors import LocalExecutor, ShardStore, plan_shards, run_sharded
from paperreview.executors.options import make_executor

CALLS: list[str] = []


def echo(x: str, out: str) -> dict:
    CALLS.append(x)
    if x == "boom":
        raise RuntimeError("worker lost")  # a shard that dies; the executor retries it split
    return {"input": x, "status": "ok", "out": out}


def test_plan_is_stable_and_names_change_with_content():
    a = plan_shards([("a",), ("b",), ("c",)], 2)
    assert [s.name for s in a] == [s.name for s in plan_shards([("a",), ("b",), ("c",)], 2)]
    assert a[0].name != plan_shards([("a",), ("x",), ("c",)], 2)[0].name
    assert a[1].name == plan_shards([("a",), ("x",), ("c",)], 2)[1].name
    with pytest.raises(ConfigError):
        plan_shards([1], 0)


def test_markers_make_a_rerun_redo_only_unfinished_shards():
    out = "memory://run1/out"
    tasks = [(f"p{i}", "x") for i in range(5)]
    CALLS.clear()
    rows = list(run_sharded(echo, tasks, out, LocalExecutor(workers=0), shard_size=2))
    assert sorted(r["input"] for r in rows) == [f"p{i}" for i in range(5)]
    store = ShardStore(out)
    assert len(store.done()) == 3
    lost = sorted(store.done())[1]  # a node lost this shard: its marker never got written
    store.fs.rm(f"{store.path}/{lost}.done")
    CALLS.clear()
    skipped: list = []
    rows = list(run_sharded(echo, tasks, out, LocalExecutor(workers=0), shard_size=2,
                            on_skipped=skipped.append))
    assert CALLS == ["p2", "p3"] and [r["input"] for r in rows] == ["p2", "p3"]
    assert len(skipped) == 2
    with fsspec.open(f"{out}/_shards/{lost}.jsonl") as fh:
        assert [json.loads(line)["input"] for line in fh] == ["p2", "p3"]


def test_a_shard_that_always_dies_is_split_so_only_its_bad_item_fails():
    out = "memory://run2/out"
    tasks = [("a", ""), ("boom", ""), ("c", "")]
    rows = list(run_sharded(echo, tasks, out, LocalExecutor(workers=0), shard_size=3))
    by = {r["input"]: r for r in rows}
    assert sorted(by) == ["a", "boom", "c"]
    assert by["boom"]["reason"] == "worker_crashed" and by["a"]["status"] == "ok"
    CALLS.clear()  # the split shard is marked complete: a rerun does nothing
    assert list(run_sharded(echo, tasks, out, LocalExecutor(workers=0), shard_size=3)) == []
    assert CALLS == []


def test_ray_address_without_ray_executor_is_a_usage_error():
    with pytest.raises(ConfigError):
        make_executor("local", "auto", 1)
