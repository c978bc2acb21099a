"""The per-paper stages on an executor: each one's plain per-item function, run in shards.

``parse_sharded`` runs :func:`paperreview.parse.batch.parse_to_file` (the function the local
process pool runs) for every input, so the paper files are the same; inputs and the output
directory may be fsspec URLs (the PDF is copied to a temp dir, the paper file written back).
``check_row``, ``offline_review_row`` and ``perturb_row`` do the same for the other per-paper
stages through :func:`from_url` (URL inputs, local outputs).
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
    return from_url(_parse_to, _unreadable_pdf, pdf, out, fmt, max_pages, pdf)


def _parse_to(local: str, out: str, fmt: str, max_pages: int, source: str) -> dict[str, Any]:
    """``parse_to_file`` of a local PDF into a temp file copied to ``out`` (a path or a URL);
    the paper names ``source``, not the temp copy it was parsed from."""
    from ..parse.batch import parse_to_file

    with tempfile.TemporaryDirectory() as tmp:
        local_out = str(Path(tmp) / ("out" + Path(out).suffix))
        row = parse_to_file(local, local_out, fmt, max_pages)
        if row["status"] == "ok":
            if local != source and fmt == "json":
                _set_source(local_out, source)
            fs.write_text(out, Path(local_out).read_text(encoding="utf-8"))
            row["output"] = out
    return row


def _unreadable_pdf(pdf: str, error: str) -> dict[str, Any]:
    return {"input": pdf, "output": None, "status": "failed", "reason": "unreadable",
            "error": error}


def from_url(fn: Callable[..., dict], failed: Callable[[str, str], dict], path: str,
             *args: Any) -> dict[str, Any]:
    """``fn(path, *args)`` for a path or an fsspec URL: a URL is copied to a temp dir first, and
    the row names the URL wherever it named the temp copy (``source``, ``input``, errors).
    An object that cannot be read is the item's row ``failed(path, error)``: the batch goes on."""
    if not fs.is_url(path):
        return fn(path, *args)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            local = fs.local_copy(path, tmp)
        except Exception as exc:  # noqa: BLE001 - an unreadable object is this item's failure
            return failed(path, f"{path}: cannot read it ({type(exc).__name__}: {exc})")
        row = fn(local, *args)
    return json.loads(json.dumps(row).replace(json.dumps(local)[1:-1], json.dumps(path)[1:-1]))


def failed_review(path: str, error: str, reason: str = "unreadable",
                  **fields: Any) -> dict[str, Any]:
    """A failed ``GeneratedReview`` row for ``path`` (check and offline review)."""
    from ..records import GeneratedReview

    meta = {**fields.pop("metadata", {}), "reason": reason}
    return GeneratedReview(id=path, source=path, status="failed", error=error, metadata=meta,
                           **fields).model_dump(mode="json")


def _check_local(path: str, options: dict) -> dict[str, Any]:
    from ..review.check import CheckOptions, check_one

    return check_one(path, CheckOptions(**options)).model_dump(mode="json")


def check_row(path: str, options: dict) -> dict[str, Any]:
    """``review.check.check_one`` as a row, for a path or a URL (never raises: a bad PDF is a
    failed record)."""
    return from_url(_check_local, failed_review, path, options)


def offline_review_row(path: str, options: dict) -> dict[str, Any]:
    """The offline review of one paper (``review.run.offline_row``), for a path or a URL."""
    from ..review.run import offline_row

    return from_url(offline_row, failed_review, path, options)


def failed_copy(path: str, error: str, reason: str = "unreadable PDF: cannot read it"
                ) -> dict[str, Any]:
    """``make_one``'s row for a paper that gave no copy (perturb make)."""
    name = path.rsplit("/", 1)[-1].removesuffix(".pdf")
    return {"input": path, "status": "failed", "manifest": [], "events": [("failed", reason)],
            "copies": [{"copy_id": name, "file": path, "status": "failed", "error": error}]}


def perturb_row(pdf: str, out: str, kinds: list[str], per_paper: int, per_copy: int,
                seed: int) -> dict[str, Any]:
    """One paper's perturbed copies (``evaluate.perturb.make.make_one``), for a path or a URL;
    the copies go to the local ``out``. The seed depends on the file name, which the temp copy
    keeps, so a URL gives the copies its local file gives."""
    from ..evaluate.perturb.make import make_one

    return from_url(make_one, failed_copy, pdf, out, kinds, per_paper, per_copy, seed)


def expand_inputs(inputs: list, local: Callable[[list], list], executor: Any) -> list:
    """A stage's inputs in order: local paths through the stage's own ``local`` expansion, URLs
    (``executor`` set: the workers read them) the PDFs under them (``fs.list_files``); a URL
    without an executor is a usage error (:func:`refuse_urls`)."""
    if executor is None:
        refuse_urls(inputs)
        return local(inputs)
    out: list = []
    for p in inputs:
        out += fs.list_files(str(p), ".pdf") if fs.is_url(str(p)) else [str(x) for x in local([p])]
    return out


def refuse_urls(inputs: list[str]) -> None:
    """URLs are read by the executors' workers only: without ``--executor ray``, a usage error."""
    urls = [str(p) for p in inputs if fs.is_url(str(p))]
    if urls:
        from ..errors import ConfigError

        raise ConfigError(f"{urls[0]}: a URL input needs --executor ray",
                          "add --executor ray (a local Ray is started), or copy the files "
                          "to a local folder")


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
    from ..parse.batch import LOG_NAME, output_paths

    files = sorted(dict.fromkeys(f for p in inputs for f in fs.list_files(str(p), ".pdf")))
    # the local executor's names (stem, then -2, -3... for a stem used twice)
    names = output_paths([Path(f.split("://", 1)[-1]) for f in files], Path(), config.format)
    tasks = [(f, fs.join(out_dir, n.name), config.format, config.max_pages)
             for f, n in zip(files, names)]
    summary = Summary(stage="parse")
    fs.makedirs(out_dir)
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
