"""Executors for the per-paper stages: the same work on this machine or on a Ray cluster.

As in datatrove, a run is a list of **shards** (a fixed, sorted slice of the inputs each); a
shard's rows go to ``OUT/shards/shard-NNNNN.jsonl`` and, only once all of them are written, a
completion marker ``shard-NNNNN.done``. A rerun (after a lost node, a killed driver, or a Ray
worker that died mid-task) redoes exactly the shards without a marker; a shard redone rewrites its
file from scratch, so nothing is lost or counted twice. Per-paper outputs are written by the same
function the local executor uses, so the records are the same.

    from paperreview.executors import ExecutorOptions, run_sharded
    rows = run_sharded(fn, tasks, out_dir, ExecutorOptions(executor="ray", shards=64))

Inputs and outputs may be fsspec URLs (``s3://``, ``gs://``, ``file://``): see :mod:`.fs`.
"""

from __future__ import annotations

from .sharded import ExecutorOptions, run_sharded

__all__ = ["ExecutorOptions", "run_sharded"]
