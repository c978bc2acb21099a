"""``--executor local|ray``, ``--ray-address``, ``--shards``, ``--workers`` for a stage command
that had no executor before (``evaluate perturb make``, the offline ``review``).

>>> import click
>>> @click.command()
... @executor_options("OUTPUT/shards/ (docs/scale.md)")
... def cmd(**kw):
...     click.echo(executor_from_options(kw))
>>> from click.testing import CliRunner
>>> CliRunner().invoke(cmd, ["--executor", "ray", "--workers", "2"]).output.split()[:2]
["executor='ray'", 'ray_address=None']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])
_RAY_ONLY = ("ray_address", "shards", "workers")


def executor_options(shards_in: str, local_workers: bool = False) -> Callable[[F], F]:
    """The options, passed as ``executor``, ``ray_address``, ``shards`` and (unless the command
    has its own ``--workers`` for a local pool: ``local_workers``) ``workers``; ``shards_in``
    says where the command keeps its shards (for the help)."""
    return lambda fn: _add(fn, shards_in, local_workers)


def _add(fn: F, shards_in: str, local_workers: bool) -> F:
    opts = [
        click.option("--executor", type=click.Choice(["local", "ray"]), default="local",
                     show_default=True,
                     help=f"ray: papers as Ray tasks over resumable shards in {shards_in}."),
        click.option("--ray-address", default=None,
                     help="With --executor ray: the Ray cluster to join (default: start a local "
                          "Ray with --workers CPUs)."),
        click.option("--shards", type=click.IntRange(1), default=None,
                     help="With --executor ray: how many shards (default: 4 per worker)."),
    ]
    if not local_workers:
        opts.append(click.option("--workers", type=click.IntRange(1), default=None,
                                 help="With --executor ray: CPUs of the local Ray it starts "
                                      "(default 2)."))
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def executor_from_options(kw: dict[str, Any], local_workers: int | None = None) -> Any:
    """Pop the options from ``kw``; ``None`` for the local executor, else ``ExecutorOptions``.

    ``local_workers``: the value of a command's own ``--workers`` (its local pool), which is
    also the local Ray's size; without it ``--workers`` is a Ray-only option."""
    executor = kw.pop("executor", "local")
    ray_only = _RAY_ONLY if local_workers is None else _RAY_ONLY[:2]
    given = {k: kw.pop(k, None) for k in ray_only}
    if executor == "local":
        extra = [f"--{k.replace('_', '-')}" for k, v in given.items() if v is not None]
        if extra:
            verb = "applies" if len(extra) == 1 else "apply"
            raise ConfigError(f"{', '.join(extra)} only {verb} to --executor ray",
                              "add --executor ray, or drop them")
        return None
    from .sharded import ExecutorOptions

    workers = max(1, local_workers) if local_workers is not None else given["workers"] or 2
    return ExecutorOptions(executor="ray", ray_address=given["ray_address"],
                           shards=given["shards"], workers=workers)
