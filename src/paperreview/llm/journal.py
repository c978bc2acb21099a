"""The run journal: SQLite (WAL) at ``<run_dir>/journal.sqlite``.

Every API answer is committed to ``calls`` *before* it is parsed, so parsing, repair and
validation can be redone without paying again. ``jobs`` holds one row per job key with its final
status; a rerun skips ``ok`` jobs (that is the cache and the resume). Keys are never written:
endpoints are recorded by name only, and error texts are scrubbed of known keys first.

The schema has a version (``PRAGMA user_version``) and numbered migrations, as simonw/llm does
it: :data:`MIGRATIONS` ``[n]`` takes a journal from version ``n`` to ``n + 1``, each applied once
in its own transaction. A journal made before versions existed is version 0; migration 0 creates
(or keeps) the tables it already has. To change the schema, append a migration; never edit one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS jobs (
  job_key TEXT PRIMARY KEY, custom_id TEXT, status TEXT NOT NULL, model TEXT, request TEXT,
  content TEXT, parsed TEXT, response TEXT, error TEXT, reason TEXT, attempts INTEGER DEFAULT 0,
  prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0, cost REAL,
  endpoint TEXT, batch_id TEXT, created REAL, updated REAL);
CREATE TABLE IF NOT EXISTS calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT, job_key TEXT NOT NULL, ts REAL NOT NULL, endpoint TEXT,
  kind TEXT, http_status INTEGER, outcome TEXT NOT NULL, latency REAL,
  prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0, cost REAL, raw TEXT,
  error TEXT);
CREATE INDEX IF NOT EXISTS calls_job ON calls(job_key);
CREATE TABLE IF NOT EXISTS batches (
  batch_id TEXT PRIMARY KEY, input_file_id TEXT, output_file_id TEXT, error_file_id TEXT,
  status TEXT, n INTEGER, endpoint TEXT, created REAL, imported INTEGER DEFAULT 0);
"""


#: MIGRATIONS[n] takes a journal from schema version n to n + 1 (SQL run as one script)
MIGRATIONS: list[str] = [
    SCHEMA_V1,  # 0 -> 1: the first schema (IF NOT EXISTS: a version-0 journal already has it)
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` to :data:`SCHEMA_VERSION`; returns the version it had. A journal from a newer
    paperreview is refused rather than misread."""
    from ..errors import ConfigError

    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ConfigError(f"the journal has schema version {version}, newer than this "
                          f"paperreview knows ({SCHEMA_VERSION})",
                          "upgrade paperreview, or use another --run-dir")
    for n in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in (x.strip() for x in MIGRATIONS[n].split(";")):
                if stmt:
                    db.execute(stmt)
            db.execute(f"PRAGMA user_version={n + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return version


class Journal:
    """Thread-safe access to one run's journal (one connection, one lock)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL survives a killed process; answers are written with FULL (see record_call)
        self._db.execute("PRAGMA synchronous=NORMAL")
        migrate(self._db)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    def job(self, job_key: str) -> dict[str, Any] | None:
        row = self._exec("SELECT * FROM jobs WHERE job_key=?", (job_key,)).fetchone()
        return dict(row) if row else None

    def start_job(self, job_key: str, custom_id: str | None, model: str, request: dict) -> None:
        now = time.time()
        self._exec(
            "INSERT INTO jobs(job_key, custom_id, status, model, request, created, updated) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(job_key) DO UPDATE SET status="
            "CASE WHEN jobs.status='batch' THEN 'batch' ELSE 'pending' END, updated=excluded.updated",
            (job_key, custom_id, "pending", model, json.dumps(request, ensure_ascii=False), now, now))

    def record_call(self, job_key: str, *, endpoint: str, kind: str, outcome: str,
                    http_status: int | None = None, latency: float | None = None,
                    prompt_tokens: int = 0, completion_tokens: int = 0, cost: float | None = None,
                    raw: str | None = None, error: str | None = None) -> int:
        """Append one API call, committed at once. An answer (``raw``) is fsynced before it is
        parsed, so it survives even a power loss; other rows survive a killed process."""
        with self._lock:
            if raw is not None:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                return self._insert_call(job_key, endpoint, kind, outcome, http_status, latency,
                                         prompt_tokens, completion_tokens, cost, raw, error)
            finally:
                if raw is not None:
                    self._db.execute("PRAGMA synchronous=NORMAL")

    def _insert_call(self, job_key, endpoint, kind, outcome, http_status, latency, prompt_tokens,
                     completion_tokens, cost, raw, error) -> int:
        cur = self._db.execute(
            "INSERT INTO calls(job_key, ts, endpoint, kind, http_status, outcome, latency, "
            "prompt_tokens, completion_tokens, cost, raw, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (job_key, time.time(), endpoint, kind, http_status, outcome, latency, prompt_tokens,
             completion_tokens, cost, raw, error))
        return int(cur.lastrowid)

    def answered_calls(self, job_key: str) -> list[dict[str, Any]]:
        """The calls that returned an answer (outcome ok), oldest first: what a resume re-parses."""
        rows = self._exec("SELECT * FROM calls WHERE job_key=? AND outcome='ok' ORDER BY id",
                          (job_key,)).fetchall()
        return [dict(r) for r in rows]

    def finish(self, job_key: str, *, status: str, content: str = "", parsed: Any = None,
               response: Any = None, error: str | None = None, reason: str | None = None,
               attempts: int = 0, endpoint: str | None = None) -> None:
        with self._lock:
            tot = self._db.execute(
                "SELECT COALESCE(SUM(prompt_tokens),0), COALESCE(SUM(completion_tokens),0), "
                "SUM(cost) FROM calls WHERE job_key=?", (job_key,)).fetchone()
            self._db.execute(
                "UPDATE jobs SET status=?, content=?, parsed=?, response=?, error=?, reason=?, "
                "attempts=?, prompt_tokens=?, completion_tokens=?, cost=?, endpoint=?, updated=? "
                "WHERE job_key=?",
                (status, content, _dump(parsed), _dump(response), error, reason, attempts,
                 tot[0], tot[1], tot[2], endpoint, time.time(), job_key))

    def mark_batch(self, job_keys: list[str], batch_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("UPDATE jobs SET status='batch', batch_id=? WHERE job_key=?",
                                 [(batch_id, k) for k in job_keys])
            self._db.execute("COMMIT")

    def save_batch(self, batch_id: str, **fields: Any) -> None:
        cols = ["batch_id", *fields]
        with self._lock:
            self._db.execute(
                f"INSERT INTO batches({','.join(cols)}) VALUES ({','.join('?' * len(cols))}) "
                f"ON CONFLICT(batch_id) DO UPDATE SET "
                + ",".join(f"{c}=excluded.{c}" for c in fields),
                (batch_id, *fields.values()))

    def open_batches(self) -> list[dict[str, Any]]:
        rows = self._exec("SELECT * FROM batches WHERE imported=0 ORDER BY created").fetchall()
        return [dict(r) for r in rows]

    def query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._exec(sql, args).fetchall()]


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def load_json_field(value: str | None) -> Any:
    return None if value is None else json.loads(value)
