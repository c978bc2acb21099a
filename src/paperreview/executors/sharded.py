"""Sharded, resumable execution of a per-item function, locally or with Ray tasks.

Ray *tasks* rather than Ray Data: each shard is one task that calls the stage's own per-paper
function on its items and writes one JSONL file; Ray retries a task whose worker died
(``max_retries``), and the completion markers make the whole run resumable across drivers. Ray
Data's streaming blocks would add a second notion of progress that the markers already give.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..errors import ConfigError, MissingExtraError
from . import fs

SHARD_DIR = "shards"


class ExecutorOptions(BaseModel):
    executor: str = Field("local", pattern="^(local|ray)$")
    ray_address: str | None = None   # None: start a local Ray with `workers` CPUs
    workers: int = Field(2, ge=1)
    shards: int | None = Field(None, ge=1)  # default: 4 per worker, at most one per item
    max_retries: int = Field(3, ge=0)


def shard_tasks(tasks: list[tuple], n: int) -> list[list[tuple]]:
    """``n`` contiguous slices of ``tasks`` (as even as possible; the same for the same input)."""
    n = max(1, min(n, len(tasks)))
    size, extra = divmod(len(tasks), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (i < extra)
        out.append(tasks[start:end])
        start = end
    return out


def _name(i: int) -> str:
    return f"shard-{i:05d}"


def run_shard(fn: Callable[..., dict], shard_id: int, tasks: list[tuple], out_dir: str) -> int:
    """Run ``fn(*task)`` for each task; write the rows, then the marker. Returns the row count."""
    hook = os.environ.get("PAPERREVIEW_TEST_KILL_SHARD")  # tests: die once, mid-shard
    rows = []
    for k, task in enumerate(tasks):
        if hook == str(shard_id) and k == 1:
            flag = fs.join(out_dir, SHARD_DIR, f"{_name(shard_id)}.killed")
            if not fs.exists(flag):
                fs.write_text(flag, "killed once by the test hook\n")
                os.kill(os.getpid(), 9)
        rows.append(fn(*task))
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    fs.write_text(fs.join(out_dir, SHARD_DIR, f"{_name(shard_id)}.jsonl"), text)
    fs.write_text(fs.join(out_dir, SHARD_DIR, f"{_name(shard_id)}.done"),
                  json.dumps({"rows": len(rows)}) + "\n")
    return len(rows)


def run_sharded(fn: Callable[..., dict], tasks: list[tuple], out_dir: str,
                opts: ExecutorOptions) -> Iterator[dict]:
    """Yield the rows of every shard (done ones from their files); resumable by markers."""
    n = opts.shards or min(len(tasks), opts.workers * 4)
    shards = shard_tasks(tasks, n) if tasks else []
    fs.makedirs(fs.join(out_dir, SHARD_DIR))
    todo = [i for i in range(len(shards))
            if not fs.exists(fs.join(out_dir, SHARD_DIR, f"{_name(i)}.done"))]
    if opts.executor == "local":
        for i in todo:
            run_shard(fn, i, shards[i], out_dir)
    else:
        _run_ray(fn, shards, todo, out_dir, opts)
    for i in range(len(shards)):
        text = fs.read_text(fs.join(out_dir, SHARD_DIR, f"{_name(i)}.jsonl"))
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)


def _run_ray(fn: Callable[..., dict], shards: list[list[tuple]], todo: list[int], out_dir: str,
             opts: ExecutorOptions) -> None:
    try:
        import ray
    except ImportError:
        raise MissingExtraError("ray", "scale", "--executor ray") from None
    started = False
    if not ray.is_initialized():
        kw: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                              "configure_logging": False}
        if opts.ray_address:
            kw["address"] = opts.ray_address
        else:
            kw["num_cpus"] = opts.workers
        # workers import paperreview from the same source tree as the driver
        src = str(Path(__file__).resolve().parents[2])
        kw["runtime_env"] = {"env_vars": {
            "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
            **{k: v for k, v in os.environ.items() if k.startswith("PAPERREVIEW_")}}}
        try:
            ray.init(**kw)
        except ConnectionError as exc:
            raise ConfigError(f"cannot reach the Ray cluster at {opts.ray_address}: {exc}",
                              "check --ray-address (ray://HOST:10001 or HOST:6379), or leave it "
                              "out to start a local Ray") from None
        started = True
    try:
        remote = ray.remote(max_retries=opts.max_retries, retry_exceptions=False,
                            num_cpus=1)(run_shard)
        refs = [remote.remote(fn, i, shards[i], out_dir) for i in todo]
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            ray.get(done)  # a task that failed after its retries raises here
    finally:
        if started:
            ray.shutdown()
