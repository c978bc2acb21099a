"""Worker processes for the web app: every upload is opened and reviewed outside the server.

A :class:`Dispatcher` thread in the server owns ``N`` worker processes (forkserver, the parser
preloaded). Each worker runs under an address-space limit (``worker_memory_mb``); a task past
its deadline (the parse stage's ``timeout``, plus ``model_timeout`` when a model is asked) or a
worker that dies (MuPDF crash, out of memory) fails that job only and the worker is replaced.
Page-count probes of fresh uploads go before queued jobs. Only the dispatcher writes job status;
workers send ``("progress", {...})`` messages and one ``("result", {...})`` per task.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from concurrent.futures import Future
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from .jobs import JobStore

PURGE_EVERY = 3600.0  # seconds between retention sweeps


def _limit_memory(mb: int) -> None:
    if mb > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))


def _worker_main(conn: Any, memory_mb: int) -> None:
    _limit_memory(memory_mb)
    from ..errors import PaperReviewError
    from . import reviewer

    while True:
        task = conn.recv()
        if task is None:
            return
        kind, args = task
        if kind == "probe":
            conn.send(("result", reviewer.probe(*args)))
            continue
        job_dir, filename, options, engine, api_key, max_pages, run_dir = args
        task = args = None  # the key is dropped with this frame's references after the job

        def progress(**p: Any) -> None:
            conn.send(("progress", p))

        try:
            out = reviewer.run_job(Path(job_dir), filename, options, engine, api_key, max_pages,
                                   progress, run_dir)
            result = {"ok": True, **out}
        except PaperReviewError as exc:
            result = {"ok": False, "error": exc.message + (f" ({exc.hint})" if exc.hint else "")}
        except MemoryError:
            result = {"ok": False, "error": f"{filename}: the review needed more than the worker "
                                            f"memory limit ({memory_mb} MB)"}
        except Exception as exc:  # noqa: BLE001 - one job fails, the worker goes on
            result = {"ok": False, "error": f"{filename}: {type(exc).__name__}: {exc}"}
        if "error" in result:  # errors name the upload, never the server's paths or the key
            result["error"] = result["error"].replace(str(Path(job_dir) / "paper.pdf"), filename)
            if api_key:
                result["error"] = result["error"].replace(api_key, "***")
        api_key = None
        conn.send(("result", result))


class _Slot:
    def __init__(self, ctx: Any, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple | None = None  # ("probe", Future) or ("job", job_id, filename)
        self.deadline = 0.0

    def give(self, task: tuple, message: tuple, seconds: float) -> None:
        self.task, self.deadline = task, time.monotonic() + seconds
        self.conn.send(message)

    def stop(self, kill: bool = False) -> None:
        from ..parse.batch import stop_worker

        stop_worker(self.proc, self.conn, kill)


class Dispatcher:
    """Feeds queued jobs and upload probes to worker processes; see the module docstring."""

    def __init__(self, store: JobStore, cfg: Any, engine: dict | None):
        self.store, self.cfg, self.engine = store, cfg, engine
        self.keys: dict[str, str] = {}  # job id -> this job's API key, until a worker takes it
        self._probes: list[tuple[str, Future]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.slots: list[_Slot] = []
        self.running = False

    # ------------------------------------------------------------------ public
    def start(self) -> None:
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            ctx.set_forkserver_preload(["pymupdf", "paperreview.parse.pipeline",
                                        "paperreview.web.reviewer"])
        self._ctx = ctx
        self.slots = [_Slot(ctx, self.cfg.worker_memory_mb) for _ in range(self.cfg.workers)]
        self._thread = threading.Thread(target=self._loop, name="paperreview-dispatcher",
                                        daemon=True)
        self._thread.start()
        self.running = True

    def stop(self) -> None:
        self.running = False
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for s in self.slots:
            s.stop(kill=s.task is not None)

    def probe(self, pdf: Path) -> Future:
        """A future for ``reviewer.probe(pdf)`` (page count or parse's error), run first."""
        fut: Future = Future()
        with self._lock:
            self._probes.append((str(pdf), fut))
        self._wake.set()
        return fut

    def submitted(self, job_id: str, api_key: str | None = None) -> None:
        if api_key:
            self.keys[job_id] = api_key
        self._wake.set()

    # ------------------------------------------------------------------ loop
    def _loop(self) -> None:
        last_purge = time.monotonic()
        while not self._stop.is_set():
            self._assign()
            busy = [s for s in self.slots if s.task]
            if busy:
                wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=0.25)
            else:
                self._wake.wait(0.5)
                self._wake.clear()
            for i, s in enumerate(self.slots):
                if s.task is not None:
                    self.slots[i] = self._check(s)
            if time.monotonic() - last_purge > PURGE_EVERY:
                last_purge = time.monotonic()
                self.store.purge(self.cfg.keep_days)

    def _assign(self) -> None:
        for s in self.slots:
            if s.task is not None:
                continue
            with self._lock:
                probe = self._probes.pop(0) if self._probes else None
            if probe is not None:
                s.give(("probe", probe[1]), ("probe", (probe[0], self.cfg.max_pages)),
                       min(self.cfg.parse_timeout, 60.0))
                continue
            job = self.store.claim()
            if job is None:
                return
            key = self.keys.pop(job["id"], None)
            if job["keyed"] and not key:
                self.store.fail(job["id"], "the server restarted while this job waited, and "
                                "the API key given for it is never stored: submit the paper again")
                continue
            seconds = self.cfg.parse_timeout + (
                self.cfg.model_timeout if (job["options"].get("method") != "offline"
                                           and (self.engine or key)) else 0)
            self.store.progress(job["id"], stage="parse", message="starting")
            s.give(("job", job["id"], job["filename"]),
                   ("job", (str(self.store.dir(job["id"])), job["filename"], job["options"],
                            self.engine, key, self.cfg.max_pages,
                            str(self.store.root / "llm"))), seconds)
            key = None

    def _check(self, s: _Slot) -> _Slot:
        """Read what ``s`` sent; replace it when it died or ran past its deadline."""
        result = None
        try:
            while s.conn.poll():
                kind, body = s.conn.recv()
                if kind == "result":
                    result = body
                    break
                if s.task[0] == "job":
                    self.store.progress(s.task[1], **body)
        except (EOFError, OSError):
            pass
        if result is not None:
            self._finish(s.task, result)
            s.task = None
            return s
        dead = not s.proc.is_alive()
        if not dead and time.monotonic() < s.deadline:
            return s
        if dead:
            why = (f"the worker process died (exit code {s.proc.exitcode}): the PDF probably "
                   f"crashes the parser or needs more than {self.cfg.worker_memory_mb} MB")
        else:
            why = "no result in time (the worker was stopped); the PDF may be too large"
        self._finish(s.task, {"ok": False, "error": why, "reason": "worker"})
        s.stop(kill=True)
        return _Slot(self._ctx, self.cfg.worker_memory_mb)

    def _finish(self, task: tuple, result: dict) -> None:
        if task[0] == "probe":
            if "pages" not in result and "error" not in result:
                result = {"error": result.get("error", "the PDF could not be opened"),
                          "hint": None, "reason": "worker"}
            task[1].set_result(result)
            return
        job_id, filename = task[1], task[2]
        if result.get("ok"):
            self.store.finish(job_id)
        else:
            self.store.fail(job_id, str(result.get("error")).replace("paper.pdf", filename))
