"""Shards with completion markers, on any fsspec filesystem (local paths, ``file://``,
``memory://``, ``s3://``, ``gs://``...), as datatrove does it.

A run's items (sorted input URLs) are cut into shards of ``shard_size``; a shard's name is its
index plus a hash of its items, so the same inputs give the same shards on a rerun. A shard task
writes its rows to ``OUT/_shards/<name>.jsonl`` and then the empty marker ``<name>.done``; a
rerun redoes only the shards without a marker (a lost node costs its unfinished shards, no more).

>>> shards = plan_shards([f"p{i}.pdf" for i in range(5)], shard_size=2)
>>> [(s.name[:5], len(s.items)) for s in shards]
[('00000', 2), ('00001', 2), ('00002', 1)]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from ..io import stable_hash

SHARD_DIR = "_shards"


def is_url(path: str) -> bool:
    return "://" in str(path)


def fs_and_path(url: str) -> tuple[Any, str]:
    """``(filesystem, path)`` for a local path or an fsspec URL; a clear error without fsspec."""
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec comes with the scale extra
        raise ConfigError("fsspec is needed for URLs", "pip install 'paperreview[scale]'") from exc
    try:
        return fsspec.core.url_to_fs(str(url))
    except (ImportError, ValueError) as exc:
        raise ConfigError(f"{url}: cannot open this URL ({exc})",
                          "install the fsspec backend it names (s3fs, gcsfs, ...)") from exc


def join(base: str, name: str) -> str:
    return str(base).rstrip("/") + "/" + name


def list_inputs(paths: Iterable[str], suffix: str = ".pdf") -> list[str]:
    """Files as given and ``*suffix`` files under directories, as URLs/paths, sorted per
    argument, without duplicates (the fsspec twin of ``parse.batch.collect_inputs``)."""
    out: list[str] = []
    for p in map(str, paths):
        fs, root = fs_and_path(p)
        if fs.isdir(root):
            found = sorted(f for f in fs.find(root) if f.lower().endswith(suffix))
            out.extend(fs.unstrip_protocol(f) if is_url(p) else f for f in found)
        else:
            out.append(p)
    seen: set[str] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


@dataclass(frozen=True)
class Shard:
    index: int
    items: tuple[tuple, ...]  # one task tuple per item, as the stage's per-item function takes

    @property
    def name(self) -> str:
        return f"{self.index:05d}-{stable_hash(list(map(list, self.items)))[:8]}"


def plan_shards(items: list, shard_size: int) -> list[Shard]:
    """Cut ``items`` (task tuples, or anything JSON-able) into shards of ``shard_size``."""
    if shard_size < 1:
        raise ConfigError(f"shard size {shard_size}: must be at least 1")
    tuples = [tuple(i) if isinstance(i, (list, tuple)) else (i,) for i in items]
    return [Shard(n, tuple(tuples[i:i + shard_size]))
            for n, i in enumerate(range(0, len(tuples), shard_size))]


class ShardStore:
    """The ``_shards`` directory of an output: shard rows and completion markers."""

    def __init__(self, out: str):
        self.root = join(out, SHARD_DIR)
        self.fs, self.path = fs_and_path(self.root)

    def done(self) -> set[str]:
        if not self.fs.exists(self.path):
            return set()
        return {f.rsplit("/", 1)[-1][:-len(".done")] for f in self.fs.ls(self.path, detail=False)
                if f.endswith(".done")}

    def write(self, name: str, rows: list[dict]) -> None:
        """Rows first, marker last: a marker means the rows file is complete."""
        self.fs.makedirs(self.path, exist_ok=True)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        tmp = f"{self.path}/{name}.jsonl.tmp"
        with self.fs.open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        self.fs.mv(tmp, f"{self.path}/{name}.jsonl")
        with self.fs.open(f"{self.path}/{name}.done", "w") as fh:
            fh.write("")

    def rows(self, name: str) -> list[dict]:
        with self.fs.open(f"{self.path}/{name}.jsonl", "r", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
