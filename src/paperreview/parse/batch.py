"""Parse many PDFs with worker processes: one output per paper, ``parse_log.jsonl``, resume.

Each PDF is parsed in a worker process, so a PDF that makes MuPDF crash (segfault, abort) or
hang only costs that PDF: the worker is replaced and the input gets a ``failed`` row with reason
``worker_crashed`` or ``timeout``. Outputs are written atomically by the worker, so an output
file that exists is complete; a rerun skips it unless ``overwrite``.

>>> from paperreview.parse.batch import ParseConfig, run          # doctest: +SKIP
>>> summary = run(["papers/"], "parsed/", ParseConfig(workers=2))  # doctest: +SKIP
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from ..config import StageConfig
from ..errors import InputError
from ..io import JsonlWriter, atomic_write_text
from ..stage import Summary, progress, timed
from .provider import DEFAULT_MAX_PAGES
from .render import EXTENSIONS, render

LOG_NAME = "parse_log.jsonl"


class ParseConfig(StageConfig):
    format: Literal["json", "markdown", "tagged"] = "json"
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)  # 0 = in-process
    overwrite: bool = False
    max_pages: int = Field(default=DEFAULT_MAX_PAGES, ge=0)  # 0 = no limit
    timeout: float = Field(default=300.0, gt=0)  # seconds per PDF before its worker is killed


def collect_inputs(paths: Iterable[str | Path], suffix: str = ".pdf") -> list[Path]:
    """Files as given (whatever their extension: a non-PDF is reported, not ignored) and
    ``*.pdf`` (``suffix``) files found under directories, sorted, without duplicates."""
    out: list[Path] = []
    from .latex import is_latex_input

    for p in map(Path, paths):
        if p.is_dir() and not any(p.rglob(f"*{suffix}")) and is_latex_input(p):
            out.append(p)  # a LaTeX source folder is one paper
        elif p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == suffix))
        else:
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))]


def output_paths(inputs: list[Path], out_dir: Path, fmt: str) -> list[Path]:
    """``OUT_DIR/<stem><ext>``; a stem used twice gets ``-2``, ``-3``... in input order."""
    used: dict[str, int] = {}
    out = []
    for p in inputs:
        base = p.name
        for suffix in (".json", ".pdf", ".tex", ".tar.gz", ".tgz", ".tar"):  # PeerRead: <id>.pdf.json
            if base.lower().endswith(suffix) and len(base) > len(suffix):
                base = base[: -len(suffix)]
        n = used.get(base.lower(), 0) + 1
        used[base.lower()] = n
        stem = base if n == 1 else f"{base}-{n}"
        out.append(out_dir / f"{stem}{EXTENSIONS[fmt]}")
    return out


def _one_line(text: str) -> str:
    """MuPDF messages can span lines; the log and stderr get one line per input."""
    return " ".join(str(text).split())


def parse_to_file(pdf: str, out: str, fmt: str, max_pages: int) -> dict[str, Any]:
    """Parse one paper (PDF or LaTeX source) and write its output; never raises (a failure
    is a row)."""
    from . import load_paper as parse_pdf
    from .provider import ParseInputError

    t0 = time.perf_counter()
    row: dict[str, Any] = {"input": pdf, "output": None, "id": None, "status": "ok",
                           "reason": None, "pages": None, "seconds": None, "hidden_text": 0,
                           "error": None}
    try:
        paper = parse_pdf(pdf, max_pages)
        atomic_write_text(out, render(paper, fmt))
        row.update(output=out, id=paper.id, pages=paper.n_pages,
                   hidden_text=len(paper.hidden_text),
                   hidden_reasons=sorted({h.reason for h in paper.hidden_text}),
                   # phrases, not stray glyphs: what a planted instruction looks like
                   hidden_phrases=sum(len(h.text.split()) >= 3 for h in paper.hidden_text))
    except ParseInputError as exc:
        row.update(status="failed", reason=exc.status, error=_one_line(exc.message),
                   hint=exc.hint)
    except InputError as exc:  # LaTeX input: no main file, not an archive
        row.update(status="failed", reason="bad_input", error=_one_line(exc.message),
                   hint=exc.hint)
    except Exception as exc:  # noqa: BLE001 - MuPDF and our processors: any error fails this PDF only
        row.update(status="failed", reason="parser_error",
                   error=_one_line(f"{pdf}: {type(exc).__name__}: {exc}"),
                   hint="report it with the file; the rest of the batch goes on")
    row["seconds"] = round(time.perf_counter() - t0, 3)
    return row


def _worker(conn: Any) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        fn, args = task
        conn.send(fn(*args))


def stop_worker(proc: Any, conn: Any, kill: bool = False) -> None:
    """End a worker process: ask it to stop (None on its pipe), or kill it; kill it anyway if it
    has not gone after 5 s; close the pipe."""
    if kill:
        proc.kill()
    else:
        try:
            conn.send(None)
        except OSError:
            pass
    proc.join(timeout=5)
    if proc.is_alive():
        proc.kill()
        proc.join(timeout=5)
    conn.close()


class _Slot:
    def __init__(self, ctx: Any, fn: Any):
        self.fn = fn
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple | None = None
        self.started = 0.0

    def give(self, task: tuple) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send((self.fn, task))

    def stop(self, kill: bool = False) -> None:
        stop_worker(self.proc, self.conn, kill)


def _failed(task: tuple, reason: str, error: str, started: float) -> dict[str, Any]:
    return {"input": task[0], "output": None, "id": None, "status": "failed", "reason": reason,
            "pages": None, "seconds": round(time.monotonic() - started, 3), "hidden_text": 0,
            "error": error}


def run_pool(tasks: list[tuple], workers: int, timeout: float,
             fn: Any = parse_to_file) -> Iterator[dict[str, Any]]:
    """Yield ``fn(*task)`` rows (in completion order), isolating crashes and hangs.

    ``fn`` must be a module-level function (it is sent to the workers by name).
    """
    if workers <= 0:
        for task in tasks:
            yield fn(*task)
        return
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:  # workers fork from a server that has the parser imported
        ctx.set_forkserver_preload(["pymupdf", "paperreview.parse.pipeline", fn.__module__])
    queue = list(reversed(tasks))
    slots = [_Slot(ctx, fn) for _ in range(min(workers, len(tasks)))]
    try:
        while queue or any(s.task for s in slots):
            for s in slots:
                if s.task is None and queue:
                    s.give(queue.pop())
            busy = [s for s in slots if s.task]
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=1.0)
            now = time.monotonic()
            for i, s in enumerate(slots):
                if s.task is None:
                    continue
                row = None
                if s.conn in ready:
                    try:
                        row = s.conn.recv()
                    except (EOFError, OSError):
                        row = None
                if row is None and (s.proc.sentinel in ready or not s.proc.is_alive()):
                    code = s.proc.exitcode
                    row = _failed(s.task, "worker_crashed",
                                  f"{s.task[0]}: the parser process died (exit code {code}); "
                                  "the PDF probably crashes MuPDF", s.started)
                    s.stop(kill=True)
                    slots[i] = s = _Slot(ctx, fn)
                elif row is None and now - s.started > timeout:
                    row = _failed(s.task, "timeout", f"{s.task[0]}: no result after {timeout:.0f}s"
                                  " (the parser was stopped); raise --timeout for huge PDFs",
                                  s.started)
                    s.stop(kill=True)
                    slots[i] = s = _Slot(ctx, fn)
                if row is not None:
                    s.task = None
                    yield row
    finally:
        for s in slots:
            s.stop(kill=s.task is not None)


def run(paths: Iterable[str | Path], out_dir: str | Path, config: ParseConfig,
        on_row: Any = None, fn: Any = parse_to_file, suffix: str = ".pdf") -> Summary:
    """Parse ``paths`` (files and directories) into ``out_dir``; append to its parse log."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = collect_inputs(paths, suffix)
    outputs = output_paths(inputs, out_dir, config.format)
    summary = Summary(stage="parse")
    tasks = []
    with timed(summary), JsonlWriter(out_dir / LOG_NAME) as log:
        for pdf, out in zip(inputs, outputs):
            if out.exists() and not config.overwrite:
                row = {"input": str(pdf), "output": str(out), "status": "skipped",
                       "reason": "already done", "error": None}
                _record(log, summary, row, on_row)
            else:
                tasks.append((str(pdf), str(out), config.format, config.max_pages))
        rows = run_pool(tasks, config.workers, config.timeout, fn)
        for row in progress(rows, total=len(tasks), desc="parse"):
            _record(log, summary, row, on_row)
    summary.outputs = {"dir": str(out_dir), "log": str(out_dir / LOG_NAME)}
    return summary


def _record(log: JsonlWriter, summary: Summary, row: dict, on_row: Any) -> None:
    row["time"] = datetime.now(UTC).isoformat(timespec="seconds")
    log.write(row)
    summary.count(row["status"], row.get("reason"))
    if row.get("pages"):
        summary.extra["pages"] = summary.extra.get("pages", 0) + row["pages"]
    if row.get("hidden_text"):
        summary.extra["papers_with_hidden_text"] = summary.extra.get(
            "papers_with_hidden_text", 0) + 1
    if on_row is not None:
        on_row(row)
