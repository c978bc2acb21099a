"""``--executor local|ray`` and ``--ray-address``: one click decorator for every per-paper stage.

>>> import click
>>> @click.command()
... @executor_options
... def cmd(executor, ray_address):
...     click.echo(f"{executor} {ray_address}")
>>> from click.testing import CliRunner
>>> CliRunner().invoke(cmd, ["--executor", "ray"]).output
'ray None\\n'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import ConfigError


def executor_options(fn: Callable) -> Callable:
    """Add ``--executor`` and ``--ray-address`` (passed as ``executor`` and ``ray_address``)."""
    fn = click.option("--ray-address", default=None, metavar="ADDRESS",
                      help="Ray cluster to join (ray://HOST:10001 or auto); default: start a "
                           "local Ray with --workers CPUs for this run.")(fn)
    return click.option("--executor", type=click.Choice(["local", "ray"]), default="local",
                        show_default=True,
                        help="Where the per-paper work runs: worker processes here, or Ray tasks "
                             "(sharded, resumable; see docs/scale.md).")(fn)


def make_executor(name: str, ray_address: str | None, workers: int, timeout: float = 3600.0
                  ) -> Any:
    """The executor the options chose (``workers``: local processes, or local Ray's CPUs)."""
    if ray_address and name != "ray":
        raise ConfigError("--ray-address needs --executor ray")
    if name == "ray":
        from .ray import RayExecutor

        return RayExecutor(address=ray_address, num_cpus=max(workers, 1))
    from .base import LocalExecutor

    return LocalExecutor(workers=workers, timeout=timeout)
