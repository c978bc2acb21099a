"""Progress bar for engine runs: done, failed, tokens per minute, ETA (rich, on stderr)."""

from __future__ import annotations

import sys
import time

from .types import Result


class Progress:
    """A rich bar on a terminal; without one (nohup, CI logs) a plain line every ``every`` s."""

    def __init__(self, total: int | None, enabled: bool = True, desc: str = "llm",
                 every: float = 60.0):
        self.done = self.failed = self.cached = self.tokens = 0
        self.total, self.desc, self.every, self.enabled = total, desc, every, enabled
        self.t0 = self._last = time.monotonic()
        self._bar = None
        if enabled and sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"), TimeElapsedColumn(), TextColumn("ETA"),
                TimeRemainingColumn(), transient=False)
            self._bar.start()
            self._task = self._bar.add_task(desc, total=total, info="")

    def update(self, res: Result) -> None:
        self.done += 1
        self.failed += res.status != "ok"
        self.cached += res.cached
        if not res.cached:
            self.tokens += int(res.usage.get("total_tokens") or 0)
        now = time.monotonic()
        minutes = max(now - self.t0, 1e-6) / 60
        info = (f"failed {self.failed}  cached {self.cached}  "
                f"{self.tokens / minutes:,.0f} tok/min")
        if self._bar is not None:
            self._bar.update(self._task, advance=1, info=info)
        elif self.enabled and now - self._last >= self.every:
            self._last = now
            eta = ""
            if self.total:
                left = (self.total - self.done) * minutes * 60 / self.done
                eta = f"  ETA {int(left // 3600)}h{int(left % 3600 // 60):02d}m"
            print(f"{self.desc}: {self.done}/{self.total or '?'} done  {info}{eta}",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
