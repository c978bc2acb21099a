"""The stage contract, in one screen.

Every stage has the same shape (``paperreview.reviews.filters`` is the worked example in
docs/architecture.md):

* a typed config, ``class XConfig(StageConfig)`` (:mod:`paperreview.config`): unknown keys are
  rejected; built by ``resolve_config(XConfig, --config file, flags)`` (defaults < file <
  environment < flags);
* ``run(config) -> Summary``: records in through one reader (:func:`paperreview.io.iter_jsonl`,
  the input given as a file or as the previous stage's output dir, :func:`paperreview.io.
  resolve_input`), out through one writer (:class:`paperreview.io.JsonlWriter`: a killed run's
  half line cut off, one flushed line per record); resume skips ids already in the output
  (:func:`paperreview.io.done_ids`);
* one bad-input rule: a malformed input line becomes a failed row naming ``path:line`` and the
  reason (:meth:`Summary.fail_row`), counted, and the run goes on;
* beside the outputs, ``config.json`` (secrets redacted) and ``summary.json``
  (:func:`write_stage_files`);
* exit status (:func:`finish`): 0 all ok, 1 some items failed, 2 usage or config error
  (:class:`~paperreview.errors.ConfigError`/:class:`~paperreview.errors.InputError`).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from .config import save_resolved
from .io import BadLine, atomic_write_json

T = TypeVar("T")

#: how many failed rows a summary lists by name (all are counted)
MAX_FAILED_ROWS = 200


class Summary(BaseModel):
    stage: str
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    reasons: dict[str, int] = Field(default_factory=dict)  # "failed: <reason>" -> count
    seconds: float = 0.0
    outputs: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    #: the first MAX_FAILED_ROWS failed rows: {"where": "path:line", "error": "why"}
    failed_rows: list[dict[str, str]] = Field(default_factory=list)

    def fail_row(self, where: str, error: str, reason: str = "malformed input line") -> None:
        """Count one failed input row (a malformed line, an unreadable file) and name it."""
        self.count("failed", reason)
        if len(self.failed_rows) < MAX_FAILED_ROWS:
            self.failed_rows.append({"where": where, "error": error})

    def bad_line(self, bad: BadLine, reason: str = "malformed input line") -> None:
        """:meth:`fail_row` for a :class:`~paperreview.io.BadLine` from ``iter_jsonl``."""
        self.fail_row(bad.where, bad.error, reason)

    @property
    def exit_code(self) -> int:
        """0 when every item was ok or skipped, 1 when some failed."""
        return 1 if self.failed else 0

    def count(self, status: str, reason: str | None = None, n: int = 1) -> None:
        self.total += n
        if status == "ok":
            self.ok += n
        elif status == "skipped":
            self.skipped += n
        else:
            self.failed += n
        if reason:
            key = f"{status}: {reason}"
            self.reasons[key] = self.reasons.get(key, 0) + n

    def merge_reasons(self, counter: Counter) -> None:
        for k, v in counter.items():
            self.reasons[k] = self.reasons.get(k, 0) + v

    def write(self, path: str | Path) -> None:
        atomic_write_json(path, self)

    def print(self, console: Any | None = None) -> None:
        from rich.console import Console
        from rich.table import Table

        console = console or Console(stderr=True)
        t = Table(title=f"{self.stage}: {self.ok} ok, {self.failed} failed, "
                        f"{self.skipped} skipped of {self.total} ({self.seconds:.1f}s)")
        t.add_column("status: reason")
        t.add_column("count", justify="right")
        for k, v in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            t.add_row(k, str(v))
        if self.reasons:
            console.print(t)
        else:
            console.print(t.title)
        for row in self.failed_rows[:5]:
            console.print(f"  failed row: {row['error']}", markup=False, highlight=False)
        if len(self.failed_rows) > 5 or self.failed > len(self.failed_rows) > 0:
            console.print("  (all failed rows are listed in summary.json)")
        for name, path in self.outputs.items():
            console.print(f"  {name}: {path}")


def write_stage_files(out_dir: str | Path, config: BaseModel | None, summary: Summary) -> None:
    """Write ``config.json`` (secrets redacted) and ``summary.json`` beside a stage's outputs."""
    if config is not None:
        save_resolved(config, out_dir)
    summary.write(Path(out_dir) / "summary.json")


def finish(summary: Summary, out_dir: str | Path | None = None,
           config: BaseModel | None = None) -> None:
    """End a stage command: write the stage files (when ``out_dir``), print the summary, and
    exit 1 when some items failed (returning means exit 0)."""
    if out_dir is not None:
        write_stage_files(out_dir, config, summary)
    summary.print()
    if summary.exit_code:
        sys.exit(summary.exit_code)


@contextmanager
def timed(summary: Summary) -> Iterator[Summary]:
    t0 = time.perf_counter()
    try:
        yield summary
    finally:
        summary.seconds = round(time.perf_counter() - t0, 3)


def progress(items: Iterable[T], total: int | None = None, desc: str = "", disable: bool | None = None
             ) -> Iterator[T]:
    """A tqdm-style progress bar on stderr (rich); silent when stderr is not a terminal."""
    if disable is None:
        disable = not sys.stderr.isatty()
    if disable:
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), transient=False) as bar:
        task = bar.add_task(desc, total=total)
        for item in items:
            yield item
            bar.advance(task)
