"""OpenAI Batch API mode: export -> upload -> create -> poll -> download -> import.

Half price and a separate quota, at the cost of latency (up to the 24 h completion window).
Jobs are exported with ``custom_id`` = job key; results are imported into the *same* journal, so
a later realtime run reuses them and ``llm stats`` counts them (at batch prices). A submission is
journaled before the batch is created (with a ``paperreview_submission`` metadata tag), so a run
killed at any point finds its batch again instead of paying for a second one. Answers that fail
schema validation are not re-asked inside a batch: they fail with their raw output kept, and a
realtime ``--retry-failed`` run can re-ask them.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from .jobs import body_for, journal_request, result_from_row
from .journal import Journal
from .pricing import cost as price
from .scheduler import Endpoint
from .types import EngineConfig, Request, Result


class Engine(Protocol):
    """What the Batch API needs of :class:`paperreview.llm.engine.Engine` (its public side only;
    declared here so that this module does not import the engine, which imports it)."""

    config: EngineConfig
    endpoints: list[Endpoint]
    journal: Journal
    run_dir: Path
    backend: Any  # the OpenAI backend: ``client(endpoint)`` gives its openai.OpenAI client

    def job_key(self, request: Request) -> str: ...
    def mode(self, ep: Endpoint) -> str: ...
    def judge_answer(self, request: Request, key: str, completion: dict, endpoint: str | None,
                     calls: int = 1) -> Result | None: ...

MAX_LINES = 50_000              # OpenAI's per-batch request limit
MAX_BYTES = 190 * 1024 * 1024   # under the 200 MB file limit
TERMINAL = ("completed", "failed", "expired", "cancelled")


def export_jobs(engine: Engine, requests: list[Request]) -> list[list[str]]:
    """Batch input lines for the jobs not yet done, chunked under the API limits."""
    ep = engine.endpoints[0]
    mode = engine.mode(ep)
    chunks: list[list[str]] = [[]]
    size, seen = 0, set()
    for req in requests:
        key = engine.job_key(req)
        if key in seen:
            continue
        seen.add(key)
        body = body_for(req, list(req.messages), mode, ep.model)
        line = json.dumps({"custom_id": key, "method": "POST", "url": "/v1/chat/completions",
                           "body": body}, ensure_ascii=False)
        if len(chunks[-1]) >= MAX_LINES or size + len(line) > MAX_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return [c for c in chunks if c]


def submit(engine: Engine, lines: list[str]) -> str:
    """Upload one chunk and create its batch; returns the batch id."""
    client = engine.backend.client(engine.endpoints[0])
    sub = uuid.uuid4().hex
    path = engine.run_dir / "batches" / f"{sub}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine.journal.save_batch(f"pending:{sub}", status="submitting", n=len(lines),
                              created=time.time())
    keys = [json.loads(x)["custom_id"] for x in lines]
    file = client.files.create(file=(path.name, path.read_bytes()), purpose="batch")
    batch = client.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions",
                                  completion_window="24h",
                                  metadata={"paperreview_submission": sub})
    _adopt(engine, f"pending:{sub}", batch, keys)
    return batch.id


def _adopt(engine: Engine, placeholder: str, batch, keys: list[str]) -> None:
    j = engine.journal
    j.save_batch(batch.id, input_file_id=batch.input_file_id, status=batch.status, n=len(keys),
                 endpoint=engine.endpoints[0].name, created=time.time())
    j.mark_batch(keys, batch.id)
    j.query("DELETE FROM batches WHERE batch_id=?", (placeholder,))


def recover(engine: Engine) -> None:
    """Find batches created by a run killed before it could journal their ids."""
    pending = [b for b in engine.journal.open_batches() if b["batch_id"].startswith("pending:")]
    if not pending:
        return
    client = engine.backend.client(engine.endpoints[0])
    remote = {((b.metadata or {}).get("paperreview_submission")): b
              for b in client.batches.list(limit=100)}
    for b in pending:
        sub = b["batch_id"].split(":", 1)[1]
        path = engine.run_dir / "batches" / f"{sub}.jsonl"
        keys = [json.loads(x)["custom_id"] for x in path.read_text().splitlines() if x.strip()] \
            if path.exists() else []
        if sub in remote:
            _adopt(engine, b["batch_id"], remote[sub], keys)
        else:  # never created: forget it, the jobs are exported again
            engine.journal.query("DELETE FROM batches WHERE batch_id=?", (b["batch_id"],))


def poll(engine: Engine, batch_ids: list[str], log=print) -> dict[str, object]:
    """Wait (bounded by ``batch_timeout``) until every batch is in a terminal state."""
    client = engine.backend.client(engine.endpoints[0])
    give_up = time.monotonic() + engine.config.batch_timeout
    done: dict[str, object] = {}
    while True:
        for bid in batch_ids:
            if bid not in done:
                b = client.batches.retrieve(bid)
                engine.journal.save_batch(bid, status=b.status)
                if b.status in TERMINAL:
                    done[bid] = b
                else:
                    rc = b.request_counts
                    log(f"batch {bid}: {b.status} "
                        f"({getattr(rc, 'completed', 0)}/{getattr(rc, 'total', 0)})")
        if len(done) == len(batch_ids) or time.monotonic() > give_up:
            return done
        time.sleep(engine.config.batch_poll_interval)


def import_batch(engine: Engine, batch, requests: dict[str, Request]) -> None:
    """Download a finished batch's output/error files into the journal."""
    client = engine.backend.client(engine.endpoints[0])
    j, seen = engine.journal, set()
    for file_id in (batch.output_file_id, batch.error_file_id):
        if not file_id:
            continue
        for line in client.files.content(file_id).text.splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            key, resp = item.get("custom_id"), item.get("response") or {}
            req, seen = requests.get(key), seen | {key}
            status, body = resp.get("status_code"), resp.get("body")
            if status == 200 and isinstance(body, dict):
                u = body.get("usage") or {}
                pt, ct = u.get("prompt_tokens") or 0, u.get("completion_tokens") or 0
                j.record_call(key, endpoint=engine.endpoints[0].name, kind="batch", outcome="ok",
                              http_status=200, prompt_tokens=pt, completion_tokens=ct,
                              cost=price(body.get("model") or engine.config.model, pt, ct,
                                         batch=True, overrides=engine.config.prices),
                              raw=json.dumps(body, ensure_ascii=False))
                if req is not None:
                    engine.judge_answer(req, key, body, engine.endpoints[0].name)
            else:
                err = json.dumps(item.get("error") or body, ensure_ascii=False)[:2000]
                j.record_call(key, endpoint=engine.endpoints[0].name, kind="batch",
                              outcome="batch_error", http_status=status, error=err)
                j.finish(key, status="failed", error=f"batch_error: {err}", reason="batch_error",
                         attempts=1)
    for row in j.query("SELECT job_key FROM jobs WHERE batch_id=? AND status='batch'",
                       (batch.id,)):
        if row["job_key"] not in seen:
            j.finish(row["job_key"], status="failed", reason=f"batch_{batch.status}",
                     error=f"batch_{batch.status}: the batch ended without an answer for this job")
    j.save_batch(batch.id, status=batch.status, output_file_id=batch.output_file_id,
                 error_file_id=batch.error_file_id, imported=1)


def run_batch(engine: Engine, requests: Iterable[Request], progress: bool = True
              ) -> Iterator[Result]:
    """Engine.run for ``batch_api=True``: one pass of submit/poll/import, results in order."""
    reqs = list(requests)
    log = (lambda msg: print(msg, file=sys.stderr)) if progress else (lambda msg: None)
    j, cfg = engine.journal, engine.config
    by_key = {engine.job_key(r): r for r in reqs}
    recover(engine)
    todo = []
    for key, req in by_key.items():
        row = j.job(key)
        if row and (row["status"] in ("ok", "batch") or
                    (row["status"] == "failed" and not cfg.retry_failed)):
            continue
        j.start_job(key, req.custom_id, req.model or cfg.model, journal_request(req))
        todo.append(req)
    for chunk in export_jobs(engine, todo):
        log(f"submitted batch {submit(engine, chunk)} ({len(chunk)} requests)")
    open_ids = [b["batch_id"] for b in j.open_batches() if not b["batch_id"].startswith("pending:")]
    for batch in poll(engine, open_ids, log).values():
        import_batch(engine, batch, by_key)
    for req in reqs:
        row = j.job(engine.job_key(req))
        if row["status"] == "batch":  # still running (batch_timeout passed): report, don't lose
            row = dict(row, status="failed", reason="batch_pending",
                       error="batch_pending: the batch is still running; run again to collect it")
        yield result_from_row(row, req, cached=False)
