"""Review jobs in SQLite under ``--data-dir``: they survive a restart, even after ``kill -9``.

One row per job; its files live in ``DATA/jobs/<id>/`` (``paper.pdf``, ``review.json``,
``report.md``, ``annotated.pdf``). Status goes queued -> running -> done | failed. On start the
server puts jobs left ``running`` by a killed process back in the queue; their model calls come
back from the LLM journal, so nothing is paid twice. An API key given for one job is never a
column here: the store keeps only whether one was given.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,            -- queued | running | done | failed
    created REAL NOT NULL,
    updated REAL NOT NULL,
    filename TEXT NOT NULL,          -- shown to the user only, never used as a path
    options TEXT NOT NULL,           -- JSON: venue, template, method, model (no key)
    progress TEXT NOT NULL,          -- JSON: {"stage": ..., "done": n, "total": n, "message": ...}
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    keyed INTEGER NOT NULL DEFAULT 0 -- 1: the job came with its own API key (the key: memory only)
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created);
"""
STATUSES = ("queued", "running", "done", "failed")


class JobStore:
    """Thread-safe job table. ``data_dir/jobs.sqlite`` plus one folder per job."""

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir)
        (self.root / "jobs").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.root / "jobs.sqlite", check_same_thread=False,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    # ------------------------------------------------------------------ files
    def dir(self, job_id: str) -> Path:
        if not _is_id(job_id):
            raise KeyError(job_id)
        return self.root / "jobs" / job_id

    # ------------------------------------------------------------------ rows
    def upload_path(self) -> Path:
        """A fresh path for an upload being checked (``DATA/incoming/<random>.pdf``)."""
        (self.root / "incoming").mkdir(exist_ok=True)
        return self.root / "incoming" / f"{uuid.uuid4().hex}.pdf"

    def create(self, upload: Path, filename: str, options: dict[str, Any],
               keyed: bool = False) -> str:
        """A queued job for the checked ``upload`` (moved to ``jobs/<id>/paper.pdf``)."""
        job_id = uuid.uuid4().hex
        d = self.dir(job_id)
        d.mkdir(parents=True)
        upload.replace(d / "paper.pdf")
        now = time.time()
        progress = {"stage": "queued", "message": "waiting for a worker"}
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs (id, status, created, updated, filename, options, progress, "
                "keyed) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?)",
                (job_id, now, now, filename[:200], json.dumps(options), json.dumps(progress),
                 int(keyed)))
        return job_id

    def get(self, job_id: str) -> dict[str, Any] | None:
        if not _is_id(job_id):
            return None
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _row(row) if row else None

    def claim(self) -> dict[str, Any] | None:
        """The oldest queued job, now marked running, or None (one dispatcher claims)."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM jobs WHERE status = 'queued' ORDER BY created LIMIT 1").fetchone()
            if row is None:
                return None
            self._db.execute("UPDATE jobs SET status = 'running', updated = ?, "
                             "attempts = attempts + 1 WHERE id = ?", (time.time(), row["id"]))
        job = _row(row)
        job["status"] = "running"
        return job

    def progress(self, job_id: str, **progress: Any) -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET progress = ?, updated = ? WHERE id = ?",
                             (json.dumps(progress), time.time(), job_id))

    def finish(self, job_id: str) -> None:
        self._set(job_id, "done", None, {"stage": "done", "message": "review ready"})

    def fail(self, job_id: str, error: str) -> None:
        self._set(job_id, "failed", error, {"stage": "failed", "message": error})

    def _set(self, job_id: str, status: str, error: str | None, progress: dict) -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET status = ?, error = ?, progress = ?, updated = ? "
                             "WHERE id = ?", (status, error, json.dumps(progress), time.time(),
                                              job_id))

    def requeue_running(self) -> int:
        """Jobs a killed server left running go back to the queue; returns how many."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE jobs SET status = 'queued', progress = ? WHERE status = 'running'",
                (json.dumps({"stage": "queued", "message": "resumed after a restart"}),))
            return cur.rowcount

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        return {s: 0 for s in STATUSES} | {r[0]: r[1] for r in rows}

    def purge(self, keep_days: float) -> int:
        """Delete jobs (rows and files) not updated for ``keep_days``; returns how many."""
        cutoff = time.time() - keep_days * 86400
        with self._lock:
            ids = [r[0] for r in self._db.execute(
                "SELECT id FROM jobs WHERE updated < ? AND status IN ('done', 'failed')",
                (cutoff,)).fetchall()]
            self._db.executemany("DELETE FROM jobs WHERE id = ?", [(i,) for i in ids])
        for i in ids:
            shutil.rmtree(self.dir(i), ignore_errors=True)
        for f in (self.root / "incoming").glob("*.pdf"):  # uploads a killed server left half-checked
            if f.stat().st_mtime < time.time() - 3600:
                f.unlink(missing_ok=True)
        return len(ids)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _is_id(job_id: str) -> bool:
    return len(job_id) == 32 and all(c in "0123456789abcdef" for c in job_id)


def _row(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["options"] = json.loads(d["options"])
    d["progress"] = json.loads(d["progress"])
    return d
