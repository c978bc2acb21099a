"""Executors for the per-paper stages: local worker processes or Ray tasks, over sharded inputs
with completion markers, reading and writing local paths or fsspec URLs (docs/scale.md).

Ray is imported only when ``--executor ray`` runs (``pip install 'paperreview[scale]'``).
"""

from .base import DEFAULT_SHARD_SIZE, Executor, LocalExecutor, run_shard, run_sharded
from .shards import Shard, ShardStore, plan_shards

__all__ = ["DEFAULT_SHARD_SIZE", "Executor", "LocalExecutor", "Shard", "ShardStore",
           "plan_shards", "run_shard", "run_sharded"]
