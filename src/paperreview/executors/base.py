"""Run a per-item function over sharded inputs on an executor; resumable by completion markers.

A stage gives a module-level ``fn(*task) -> row`` (its pure per-item core, which never raises:
a failure is a row with ``status: failed``) and the task tuples; :func:`run_sharded` cuts them
into shards, skips shards that have a marker under ``OUT/_shards``, runs the rest on the
executor and yields one row per item. A shard whose task dies for good (a worker lost more
times than the executor retries, e.g. a PDF that crashes MuPDF every time) is rerun one item
per task, so only the item that kills its worker becomes a ``worker_crashed`` row.

>>> from paperreview.executors import LocalExecutor, run_sharded   # doctest: +SKIP
>>> rows = list(run_sharded(fn, tasks, "out/", LocalExecutor(workers=2)))  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from .shards import Shard, ShardStore, plan_shards

DEFAULT_SHARD_SIZE = 16


class Executor(Protocol):
    name: str

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[tuple[tuple, Any, str | None]]:
        """Yield ``(task, fn(*task), None)`` or ``(task, None, error)`` in completion order."""
        ...


def run_shard(fn: Callable, items: tuple, name: str, out: str) -> dict[str, Any]:
    """One shard: every item through ``fn``, rows then marker into ``out/_shards``.

    Returns the rows and the worker's pid (tests kill that pid to check that a lost worker
    loses nothing)."""
    rows = [fn(*item) for item in items]
    ShardStore(out).write(name, rows)
    return {"name": name, "rows": rows, "pid": os.getpid()}


def _crashed(item: tuple, error: str) -> dict[str, Any]:
    return {"input": item[0], "output": None, "id": None, "status": "failed",
            "reason": "worker_crashed", "pages": None, "seconds": None, "hidden_text": 0,
            "error": f"{item[0]}: the worker died on this item every time ({error})"}


def run_sharded(fn: Callable, tasks: list[tuple], out: str, executor: Executor,
                shard_size: int = DEFAULT_SHARD_SIZE,
                on_skipped: Callable[[Shard], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield one row per task not already done (see the module docstring)."""
    store = ShardStore(out)
    done = store.done()
    shards = plan_shards(tasks, shard_size)
    todo = []
    for s in shards:
        if s.name in done:
            if on_skipped is not None:
                on_skipped(s)
        else:
            todo.append(s)
    jobs = [(fn, s.items, s.name, out) for s in todo]
    retry: list[tuple] = []
    for job, result, error in executor.map(run_shard, jobs):
        if error is None:
            yield from result["rows"]
        elif len(job[1]) == 1:
            row = _crashed(job[1][0], error)
            store.write(job[2], [row])  # a failed row is a result: the rerun does not redo it
            yield row
        else:  # find the item that kills its worker: one task per item
            retry.extend((fn, (item,), f"{job[2]}.{i:04d}", out) for i, item in enumerate(job[1]))
    by_parent: dict[str, list[dict]] = {}
    for job, result, error in executor.map(run_shard, retry):
        rows = result["rows"] if error is None else [_crashed(job[1][0], error)]
        by_parent.setdefault(job[2].rsplit(".", 1)[0], []).extend(rows)
        yield from rows
    for name, rows in by_parent.items():  # the split shard is complete: mark it for reruns
        store.write(name, rows)


class LocalExecutor:
    """Shards in worker processes on this machine (``workers=0``: in this process), each
    process isolated as ``parse`` isolates PDFs (a crash costs one shard attempt)."""

    name = "local"

    def __init__(self, workers: int = 1, timeout: float = 3600.0):
        self.workers, self.timeout = workers, timeout

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[tuple[tuple, Any, str | None]]:
        if self.workers <= 0:
            for t in tasks:
                try:
                    yield t, fn(*t), None
                except Exception as exc:  # noqa: BLE001 - a shard's failure is reported, not raised
                    yield t, None, f"{type(exc).__name__}: {exc}"
            return
        from ..parse.batch import run_pool

        by_name = {t[2]: t for t in tasks}
        pool_tasks = [(t[2], t[0], t[1], t[3]) for t in tasks]  # run_pool names a task by [0]
        for row in run_pool(pool_tasks, self.workers, self.timeout, fn=_pool_shard):
            task = by_name[row["input"]]
            if row.get("status") == "failed":
                yield task, None, row.get("error") or "worker failed"
            else:
                yield task, row["result"], None


def _pool_shard(name: str, fn: Callable, items: tuple, out: str) -> dict[str, Any]:
    """``run_shard`` in the shape ``parse.batch.run_pool`` expects (``input`` names the task)."""
    return {"input": name, "status": "ok", "result": run_shard(fn, items, name, out)}
