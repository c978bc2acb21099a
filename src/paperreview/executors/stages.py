"""The per-paper stages on an executor: each one's plain per-item function, run in shards.

``parse_sharded`` runs :func:`paperreview.parse.batch.parse_to_file` (the function the local
process pool runs) for every input, so the paper files are the same; inputs and the output
directory may be fsspec URLs (the PDF is copied to a temp dir, the paper file written back).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..stage import Summary, timed
from . import fs
from .sharded import ExecutorOptions, run_sharded


def parse_one(pdf: str, out: str, fmt: str, max_pages: int) -> dict[str, Any]:
    """``parse_to_file`` for paths or URLs: never raises (a failure is a row)."""
    from ..parse.batch import parse_to_file

    if not fs.is_url(pdf) and not fs.is_url(out):
        return parse_to_file(pdf, out, fmt, max_pages)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            local = fs.local_copy(pdf, tmp)
        except Exception as exc:  # noqa: BLE001 - an unreadable object is this item's failure
            return {"input": pdf, "output": None, "status": "failed", "reason": "unreadable",
                    "error": f"{pdf}: {type(exc).__name__}: {exc}"}
        local_out = str(Path(tmp) / ("out" + Path(out).suffix))
        row = parse_to_file(local, local_out, fmt, max_pages)
        row["input"] = pdf
        if row.get("error"):
            row["error"] = row["error"].replace(local, pdf)
        if row["status"] == "ok":
            if local != pdf and fmt == "json":
                _set_source(local_out, pdf)  # the paper names its URL, not the temp copy
            fs.write_text(out, Path(local_out).read_text(encoding="utf-8"))
            row["output"] = out
        return row


def check_row(path: str, options: dict) -> dict[str, Any]:
    """``review.check.check_one`` as a row (never raises: a bad PDF is a failed record)."""
    from ..review.check import CheckOptions, check_one

    return check_one(path, CheckOptions(**options)).model_dump(mode="json")


def _set_source(path: str, source: str) -> None:
    from ..io import atomic_write_text
    from ..parse.render import render
    from ..records import Paper

    paper = Paper.model_validate_json(Path(path).read_text(encoding="utf-8"))
    atomic_write_text(path, render(paper.model_copy(update={"source": source}), "json"))


def parse_sharded(inputs: list[str], out_dir: str, config: Any, opts: ExecutorOptions,
                  on_row: Callable[[dict], None] | None = None) -> Summary:
    """Parse ``inputs`` (files, directories or URLs) into ``out_dir`` with ``opts.executor``."""
    from ..io import JsonlWriter
    from ..parse.batch import output_paths

    files = sorted(dict.fromkeys(f for p in inputs for f in fs.list_files(str(p), ".pdf")))
    # the local executor's names (stem, then -2, -3... for a stem used twice)
    names = output_paths([Path(f.split("://", 1)[-1]) for f in files], Path(), config.format)
    tasks = [(f, fs.join(out_dir, n.name), config.format, config.max_pages)
             for f, n in zip(files, names)]
    summary = Summary(stage="parse")
    fs.makedirs(out_dir)
    from ..parse.batch import LOG_NAME

    log_path = fs.join(out_dir, LOG_NAME)
    url_log: list[str] = []  # object storage: the log written once at the end
    with timed(summary), contextlib.ExitStack() as stack:
        log = None if fs.is_url(out_dir) else stack.enter_context(
            JsonlWriter(log_path, fsync=False))  # rebuildable from the shard files
        stamp = None
        # rows are streamed from the shard files, never all held: a million papers are fine
        for r in run_sharded(parse_one, tasks, out_dir, opts):
            if log is None:
                url_log.append(json.dumps(r) + "\n")
            else:
                stamp = stamp or datetime.now(UTC).isoformat(timespec="seconds")  # shards done
                log.write({**r, "time": stamp})
            summary.count(r["status"], r.get("reason"))
            if r.get("pages"):
                summary.extra["pages"] = summary.extra.get("pages", 0) + r["pages"]
            if on_row is not None:
                on_row(r)
    if url_log:
        fs.write_text(log_path, "".join(url_log))
    summary.extra["executor"] = opts.executor
    summary.outputs = {"dir": str(out_dir), "log": log_path,
                       "shards": fs.join(out_dir, "shards")}
    return summary
