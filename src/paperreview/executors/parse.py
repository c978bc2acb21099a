"""``parse`` on an executor: local paths or fsspec URLs in and out, sharded, resumable.

Each PDF goes through the same per-paper core as ``parse --executor local``
(:func:`paperreview.parse.batch.parse_to_file`), so the paper files and the log rows are the
same; a remote PDF is copied to a temp file first and its output uploaded after. Rows go to
``OUT/_shards/<shard>.jsonl`` + ``.done`` (see :mod:`.shards`) and to ``OUT/parse_log.jsonl``.

>>> from paperreview.executors.parse import run                              # doctest: +SKIP
>>> run(["s3://bucket/pdfs/"], "s3://bucket/parsed", ParseConfig(), RayExecutor())  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..parse.batch import LOG_NAME, ParseConfig, collect_inputs, output_paths, parse_to_file
from ..stage import Summary, progress, timed
from .base import DEFAULT_SHARD_SIZE, Executor, run_sharded
from .shards import ShardStore, fs_and_path, is_url, join, list_inputs


def parse_one(src: str, out: str, fmt: str, max_pages: int, overwrite: bool) -> dict[str, Any]:
    """:func:`parse_to_file` for local paths or URLs; skips a paper whose output exists."""
    out_fs, out_path = fs_and_path(out) if is_url(out) else (None, out)
    exists = out_fs.exists(out_path) if out_fs else Path(out).exists()
    if exists and not overwrite:
        return {"input": src, "output": out, "status": "skipped", "reason": "already done",
                "error": None}
    if not (is_url(src) or out_fs):
        return parse_to_file(src, out, fmt, max_pages)
    with tempfile.TemporaryDirectory(prefix="paperreview-") as tmp:
        local_src = src
        if is_url(src):
            fs, path = fs_and_path(src)
            local_src = os.path.join(tmp, "in.pdf")
            fs.get(path, local_src)
        local_out = os.path.join(tmp, "out" + Path(out).suffix) if out_fs else out
        row = parse_to_file(local_src, local_out, fmt, max_pages)
        if row["output"] and local_src != src and fmt == "json":
            _set_source(local_out, src)  # the paper names its URL, not the temp copy
        if out_fs and row["output"]:
            out_fs.put(local_out, out_path)
        row["input"] = src
        row["output"] = out if row["output"] else None
        if row.get("error"):
            row["error"] = row["error"].replace(local_src, src)
    return row


def _set_source(path: str, source: str) -> None:
    from ..io import atomic_write_text
    from ..parse.render import render
    from ..records import Paper

    paper = Paper.model_validate_json(Path(path).read_text(encoding="utf-8"))
    atomic_write_text(path, render(paper.model_copy(update={"source": source}), "json"))


def plan(paths: Iterable[str | Path], out: str, fmt: str, suffix: str = ".pdf"
         ) -> list[tuple[str, str]]:
    """``(input, output)`` pairs: the local executor's inputs and output names, for URLs too."""
    paths = [str(p) for p in paths]
    if any(is_url(p) for p in paths):
        inputs = list_inputs(paths, suffix)
    else:
        inputs = [str(p) for p in collect_inputs(paths, suffix)]
    names = [o.name for o in output_paths([Path(i) for i in inputs], Path("."), fmt)]
    outs = [join(out, n) if is_url(out) else str(Path(out) / n) for n in names]
    return list(zip(inputs, outs))


def run(paths: Iterable[str | Path], out: str | Path, config: ParseConfig, executor: Executor,
        on_row: Callable | None = None, fn: Callable = parse_one,
        shard_size: int = DEFAULT_SHARD_SIZE) -> Summary:
    """Parse ``paths`` into ``out`` on ``executor``; returns the stage summary.

    ``fn(src, out, fmt, max_pages, overwrite) -> row`` is the per-paper core (a module-level
    function; tests pass a slowed one)."""
    from ..parse.batch import _record  # the local executor's row bookkeeping, shared

    out = str(out)
    pairs = plan(paths, out, config.format)
    tasks = [(i, o, config.format, config.max_pages, config.overwrite) for i, o in pairs]
    summary = Summary(stage="parse")
    summary.extra["executor"] = executor.name
    if config.overwrite:
        _clear_markers(out)
    log = _Log(out)

    def skipped(shard: Any) -> None:
        for item in shard.items:
            _record(log, summary, {"input": item[0], "output": item[1], "status": "skipped",
                                   "reason": "already done", "error": None}, on_row)

    with timed(summary):
        stream = run_sharded(fn, tasks, out, executor, shard_size, on_skipped=skipped)
        for row in progress(stream, total=len(tasks), desc=f"parse ({executor.name})"):
            _record(log, summary, row, on_row)
        log.close()
    summary.outputs = {"dir": out, "log": join(out, LOG_NAME)}
    return summary


def _clear_markers(out: str) -> None:
    store = ShardStore(out)
    if store.fs.exists(store.path):
        store.fs.rm(store.path, recursive=True)


class _Log:
    """``parse_log.jsonl``: appended line by line on a local disk (as the local executor does);
    on object storage (no append) rewritten whole at the end with the earlier rows kept."""

    def __init__(self, out: str):
        self.url = is_url(out)
        if self.url:
            self.fs, self.path = fs_and_path(join(out, LOG_NAME))
            self.rows: list[dict] = []
        else:
            from ..io import JsonlWriter

            Path(out).mkdir(parents=True, exist_ok=True)
            self.writer = JsonlWriter(Path(out) / LOG_NAME)

    def write(self, row: dict) -> None:
        if self.url:
            self.rows.append(row)
        else:
            self.writer.write(row)

    def close(self) -> None:
        if not self.url:
            self.writer.close()
            return
        old = self.fs.cat_file(self.path).decode() if self.fs.exists(self.path) else ""
        text = old + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.rows)
        self.fs.pipe_file(self.path, text.encode())


def write_stage_files(out: str, config: ParseConfig, summary: Summary) -> None:
    """``parse_config.json`` and ``parse_summary.json`` beside the outputs, local or URL."""
    if not is_url(out):
        from ..config import save_resolved

        save_resolved(config, out, "parse_config.json")
        summary.write(Path(out) / "parse_summary.json")
        return
    fs, path = fs_and_path(out)
    from ..config import redact

    data = redact(config.model_dump(mode="json", exclude={"env_vars"}))
    fs.pipe_file(path.rstrip("/") + "/parse_config.json", json.dumps(data, indent=2).encode())
    fs.pipe_file(path.rstrip("/") + "/parse_summary.json",
                 summary.model_dump_json(indent=2).encode())
