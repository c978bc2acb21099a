"""Shards as Ray tasks: a local Ray started here with N CPUs, or a cluster at ``--ray-address``.

Why Ray tasks and not Ray Data: our unit of resumable work is a shard with a completion marker,
which is exactly one task (retried by Ray when its worker or node dies: ``max_retries``); the
per-item cores already read and write files themselves, so Ray Data's Arrow blocks, streaming
operators and its pyarrow dependency would add a conversion and hide the shard boundary that
resume relies on. See docs/scale.md.

>>> ex = RayExecutor(num_cpus=2)                                  # doctest: +SKIP
>>> rows = list(run_sharded(fn, tasks, "s3://bucket/out", ex))    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..errors import ConfigError

#: times Ray resubmits a shard whose worker process (or node) died
MAX_RETRIES = 3


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--executor ray needs Ray",
                          "pip install 'paperreview[scale]' (or use --executor local)") from exc
    return ray


class RayExecutor:
    """Run shard tasks on Ray. ``address=None`` starts a local Ray with ``num_cpus`` CPUs for
    this run (and stops it after); an address (``ray://host:10001``, ``auto``) joins a cluster."""

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 max_retries: int = MAX_RETRIES):
        self.address, self.num_cpus, self.max_retries = address, num_cpus, max_retries

    def start(self) -> bool:
        """Connect (or start a local Ray); True when this call started it."""
        ray = import_ray()
        if ray.is_initialized():
            return False
        kw: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                              "configure_logging": False}
        if self.address:
            kw["address"] = self.address
        else:
            kw["num_cpus"] = self.num_cpus or None
        try:
            ray.init(**kw)
        except ConnectionError as exc:
            raise ConfigError(f"--ray-address {self.address}: cannot connect ({exc})",
                              "start the cluster (ray start --head) or leave --ray-address out "
                              "to start a local Ray") from exc
        return True

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[tuple[tuple, Any, str | None]]:
        if not tasks:
            return
        ray = import_ray()
        started = self.start()
        try:
            remote = ray.remote(num_cpus=1, max_retries=self.max_retries)(fn)
            pending = {remote.remote(*t): t for t in tasks}
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                task = pending.pop(ready[0])
                try:
                    yield task, ray.get(ready[0]), None
                except Exception as exc:  # noqa: BLE001 - a lost shard is reported, not raised
                    yield task, None, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        finally:
            if started:
                ray.shutdown()
