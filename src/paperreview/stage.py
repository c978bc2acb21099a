"""What every stage shares: a run summary with counts by reason, and a progress bar.

A stage reads records and yields records (``process(Iterable[In]) -> Iterator[Out]``), and has
``run(config) -> Summary``. Per-item failures are rows with a status and an error; the summary
counts them by reason so the CLI can print a table at the end.
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

from .io import atomic_write_json

T = TypeVar("T")


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
        for name, path in self.outputs.items():
            console.print(f"  {name}: {path}")


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
