"""Sharded, resumable execution of a per-item function, locally or with Ray tasks.

Ray *tasks* rather than Ray Data: each shard is one task that calls the stage's own per-paper
function on its items and writes one JSONL file; Ray retries a task whose worker died
(``max_retries``), and the completion markers make the whole run resumable across drivers. Ray
Data's streaming blocks would add a second notion of progress that the markers already give.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def _name(i: int, tasks: list[tuple]) -> str:
    """``shard-NNNNN-<hash of its items>``: a marker left by another shard plan (a rerun with
    other --workers or --shards) never marks these items done, so none is skipped unparsed."""
    from ..io import stable_hash

    return f"shard-{i:05d}-{stable_hash([list(t) for t in tasks])[:8]}"


def run_shard(fn: Callable[..., dict], shard_id: int, tasks: list[tuple], out_dir: str) -> int:
    """Run ``fn(*task)`` for each task; write the rows, then the marker. Returns the row count."""
    rows = [fn(*task) for task in tasks]
    write_shard(out_dir, _name(shard_id, tasks), rows)
    return len(rows)


def write_shard(out_dir: str, name: str, rows: list[dict]) -> None:
    """The shard's rows, then its marker (a marker means the rows file is complete)."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    fs.write_text(fs.join(out_dir, SHARD_DIR, f"{name}.jsonl"), text)
    fs.write_text(fs.join(out_dir, SHARD_DIR, f"{name}.done"),
                  json.dumps({"rows": len(rows)}) + "\n")


def crash_row(item: str, error: str) -> dict:
    """The row of an item whose worker died every time (parse's log row shape)."""
    return {"input": item, "output": None, "status": "failed", "reason": "worker_crashed",
            "error": error}


def run_sharded(fn: Callable[..., dict], tasks: list[tuple], out_dir: str,
                opts: ExecutorOptions,
                crashed: Callable[[str, str], dict] = crash_row) -> Iterator[dict]:
    """Yield the rows of every shard (done ones from their files); resumable by markers.

    ``crashed(item, error)``: the stage's own failed row for an item that killed its Ray worker
    on every retry (reason ``worker_crashed``), so that such rows read like the stage's others."""
    n = opts.shards or min(len(tasks), opts.workers * 4)
    if opts.executor == "ray" and opts.ray_address and opts.shards is None:
        sys.stderr.write(f"warning: {n} shards (4 x --workers {opts.workers}) for the cluster at "
                         f"{opts.ray_address}; pass --shards (about 4 per cluster CPU) and keep "
                         "it the same on reruns so that done shards are reused\n")
    shards = shard_tasks(tasks, n) if tasks else []
    fs.makedirs(fs.join(out_dir, SHARD_DIR))
    todo = [i for i in range(len(shards))
            if not fs.exists(fs.join(out_dir, SHARD_DIR, f"{_name(i, shards[i])}.done"))]
    if opts.executor == "local":
        for i in todo:
            run_shard(fn, i, shards[i], out_dir)
    else:
        _run_ray(fn, shards, todo, out_dir, opts, crashed)
    for i in range(len(shards)):
        text = fs.read_text(fs.join(out_dir, SHARD_DIR, f"{_name(i, shards[i])}.jsonl"))
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)


@contextmanager
def ray_session(opts: ExecutorOptions) -> Iterator[Any]:
    """``ray`` connected to ``opts.ray_address`` or to a local Ray of ``opts.workers`` CPUs; a
    session already open (a test's, a notebook's) is used as it is and left open."""
    try:
        import ray
    except ImportError:
        raise MissingExtraError("ray", "scale", "--executor ray") from None
    if ray.is_initialized():
        yield ray
        return
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
    try:
        yield ray
    finally:
        ray.shutdown()


def _run_ray(fn: Callable[..., dict], shards: list[list[tuple]], todo: list[int], out_dir: str,
             opts: ExecutorOptions, crashed: Callable[[str, str], dict]) -> None:
    with ray_session(opts) as ray:
        remote = ray.remote(max_retries=opts.max_retries, retry_exceptions=False,
                            num_cpus=1)(run_shard)
        refs = {remote.remote(fn, i, shards[i], out_dir): i for i in todo}
        pending, lost = list(refs), []
        tick = _Progress(len(todo), sum(len(shards[i]) for i in todo))
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            try:
                ray.get(done)
            except ray.exceptions.RayError as exc:  # its worker died on every retry
                lost.append((refs[done[0]], _first_line(exc)))
            tick(len(shards[refs[done[0]]]))
        for i, error in lost:
            _isolate(ray, fn, i, shards[i], out_dir, opts, error, crashed)


class _Progress:
    """One stderr line per finished shard, at most every 10 s (and the last): a long cluster run
    shows it is alive without a line per paper."""

    def __init__(self, shards: int, items: int, every_s: float = 10.0):
        import time

        self.clock, self.every_s = time.monotonic, every_s
        self.shards, self.items, self.done, self.done_items = shards, items, 0, 0
        self.t0 = self.last = self.clock()

    def __call__(self, items: int) -> None:
        self.done += 1
        self.done_items += items
        now = self.clock()
        if now - self.last >= self.every_s or self.done == self.shards:
            self.last = now
            sys.stderr.write(f"ray: {self.done}/{self.shards} shards done ({self.done_items}/"
                             f"{self.items} items, {now - self.t0:.0f} s)\n")
            sys.stderr.flush()


def _first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"


def _isolate(ray: Any, fn: Callable[..., dict], i: int, tasks: list[tuple], out_dir: str,
             opts: ExecutorOptions, error: str, crashed: Callable[[str, str], dict]) -> None:
    """A shard that killed its worker on every retry (e.g. a PDF that crashes MuPDF) is rerun one
    item per task, so only the item that kills its worker becomes a ``worker_crashed`` row; the
    shard is then complete (rows + marker) like any other."""
    one = ray.remote(max_retries=opts.max_retries, retry_exceptions=False, num_cpus=1)(fn)
    refs = [one.remote(*task) for task in tasks]
    rows = []
    for task, ref in zip(tasks, refs):
        try:
            rows.append(ray.get(ref))
        except ray.exceptions.RayError as exc:
            rows.append(crashed(task[0], f"{task[0]}: the worker died on this item every "
                                         f"time ({_first_line(exc)}; its shard failed with "
                                         f"{error})"))
    write_shard(out_dir, _name(i, tasks), rows)
