"""Worker threads that take queued jobs from the store and run them one at a time each.

A job's heavy part (parsing) runs in a separate process; the review itself is I/O-bound model
calls (or the quick offline checks), so threads are enough. A per-job API key is held in
``Workers.keys`` (memory) until the job ends; a job that needed one and lost it in a restart
fails with a message saying to submit again, since keys are never written anywhere.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ..errors import PaperReviewError
from .jobs import JobStore

log = logging.getLogger("paperreview.web")


class Workers:
    def __init__(self, store: JobStore, settings: Any, engine_config: Any):
        self.store, self.settings, self.engine_config = store, settings, engine_config
        self.keys: dict[str, str] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.settings.workers):
            t = threading.Thread(target=self._loop, name=f"review-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)

    def _loop(self) -> None:
        last_purge = time.monotonic()
        while not self._stop.is_set():
            job = self.store.claim()
            if job is None:
                self._wake.wait(1.0)
                self._wake.clear()
                if time.monotonic() - last_purge > 3600:
                    self.store.purge(self.settings.keep_days)
                    last_purge = time.monotonic()
                continue
            self.run_one(job)

    def run_one(self, job: dict[str, Any]) -> None:
        from .reviewer import run_job

        job_id = job["id"]
        key = self.keys.pop(job_id, None)

        def progress(**p: Any) -> None:
            self.store.progress(job_id, **p)

        try:
            if job["options"].get("needs_key") and not key:
                raise PaperReviewError("the API key given for this job was not kept across a "
                                       "server restart (keys are never stored)",
                                       "submit the paper again with your key")
            run_job(job, self.store.dir(job_id), self.engine_config, key, progress,
                    parse_timeout=self.settings.parse_timeout)
        except PaperReviewError as exc:
            self.store.fail(job_id, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the worker
            log.exception("job %s failed", job_id)
            self.store.fail(job_id, f"{type(exc).__name__}: {_scrub(str(exc), key)}")
        else:
            self.store.finish(job_id)
        finally:
            key = None


def _scrub(text: str, key: str | None) -> str:
    return text.replace(key, "***") if key else text
