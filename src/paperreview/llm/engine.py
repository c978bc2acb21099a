"""The engine: the one way every stage calls a model.

>>> from paperreview.llm import Engine, EngineConfig, Request
>>> engine = Engine(EngineConfig(base_url="http://127.0.0.1:8000/v1", model="m",
...                              run_dir="runs/demo"))                        # doctest: +SKIP
>>> for res in engine.run([Request(messages=[{"role": "user", "content": "Hi"}])]):
...     print(res.status, res.content)                                       # doctest: +SKIP

``run`` yields results in input order. Each answer is committed to the journal before it is
parsed; a rerun with the same ``run_dir`` skips journaled successes (``retry_failed`` redoes the
failures). Only configuration, authentication and environment problems raise; everything else
is a ``Result`` with ``status="failed"``, a ``reason`` and the raw answer when there was one.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Self

from ..config import save_resolved
from ..errors import ConfigError
from .backends.base import Backend, CallError, Timeouts
from .jobs import (
    body_for,
    charge,
    deadline,
    estimate_tokens,
    first_content,
    journal_request,
    result_from_row,
)
from .journal import Journal
from .pool import build_endpoints, scrub
from .pricing import cost as price
from .progress import Progress
from .scheduler import Endpoint, Scheduler, backoff, retry_after
from .structured import parse_answer, reask_messages
from .types import EngineConfig, Request, Result


def make_backend(cfg: EngineConfig) -> tuple[Backend, list[Endpoint]]:
    """The backend for ``cfg`` and its endpoints. Register new backends here."""
    if cfg.backend == "transformers" or cfg.local_model:
        from .backends.transformers_backend import TransformersBackend

        if cfg.batch_api:
            raise ConfigError("--batch-api needs an OpenAI-compatible endpoint, not a local model",
                              "drop --batch-api, or --local-model/--adapter")

        backend = TransformersBackend(cfg.local_model, cfg.adapter, cfg.device)
        ep = Endpoint(name="local", base_url=None, key=None, model=backend.identity(),
                      json_schema=False, max_context=cfg.max_context, cap=1)
        return backend, [ep]
    from .backends.openai_backend import OpenAIBackend

    return OpenAIBackend(stream=cfg.stream), build_endpoints(cfg)


class Engine:
    """Run chat-completion jobs at the endpoints' rate limits, journaled in ``config.run_dir``."""

    def __init__(self, config: EngineConfig | None = None, **overrides):
        cfg = config or EngineConfig(**overrides)
        if config is not None and overrides:
            cfg = config.model_copy(update=overrides)
        self.config = cfg
        self.run_dir = Path(cfg.run_dir)
        self.backend, self.endpoints = make_backend(cfg)
        # one local model serves every job: key, journal and price them under its identity
        self.local = cfg.backend == "transformers" or bool(cfg.local_model)
        if self.local:
            self.config = cfg.model_copy(update={"model": self.endpoints[0].model})
        self.scheduler = Scheduler(self.endpoints, cfg.cooldown)
        self.journal = Journal(self.run_dir / "journal.sqlite")
        save_resolved(cfg, self.run_dir, "engine_config.json")  # as given: reusable as a config

    def close(self) -> None:
        self.backend.close()
        self.journal.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def job_key(self, request: Request) -> str:
        return request.key_for(self.config.model if self.local else
                               request.model or self.config.model)

    def complete(self, request: Request) -> Result:
        """Run one request (journaled like any other) in this thread and return its result."""
        if self.config.batch_api:
            gen = self.run([request], progress=False)
            try:
                return next(gen)
            finally:
                gen.close()
        res = self._job(request, self.job_key(request))
        return res.model_copy(update={"custom_id": request.custom_id,
                                      "metadata": request.metadata})

    def run(self, requests: Iterable[Request], progress: bool = True) -> Iterator[Result]:
        """Yield one :class:`Result` per request, in input order."""
        if self.config.batch_api:
            from .batch_api import run_batch

            yield from run_batch(self, requests, progress=progress)
            return
        total = len(requests) if hasattr(requests, "__len__") else None
        cap = sum(min(e.cap, 256) for e in self.endpoints)
        pool = ThreadPoolExecutor(max_workers=cap + 4, thread_name_prefix="llm")
        window = max(256, 8 * cap)
        pending: deque[tuple[Request, str, Future]] = deque()
        live: dict[str, list] = {}  # job key -> [future, refcount]: duplicates share one call
        it = iter(requests)
        bar = Progress(total, enabled=progress)
        try:
            while True:
                while len(pending) < window:
                    req = next(it, None)
                    if req is None:
                        break
                    key = self.job_key(req)
                    if key not in live:
                        live[key] = [pool.submit(self._job, req, key), 0]
                    live[key][1] += 1
                    pending.append((req, key, live[key][0]))
                if not pending:
                    break
                req, key, fut = pending.popleft()
                res = fut.result()
                live[key][1] -= 1
                if not live[key][1]:
                    del live[key]
                res = res.model_copy(update={"custom_id": req.custom_id, "metadata": req.metadata})
                bar.update(res)
                yield res
        finally:
            bar.close()
            pool.shutdown(wait=False, cancel_futures=True)

    # -- one job ---------------------------------------------------------------------------
    def _job(self, request: Request, key: str) -> Result:
        cfg = self.config
        if self.local and request.model:  # a request's model name means nothing to a local model
            request = request.model_copy(update={"model": None})
        row = self.journal.job(key)
        if row and (row["status"] == "ok" or (row["status"] == "failed" and not cfg.retry_failed)):
            return result_from_row(row, request, cached=True)
        if row and row["status"] == "batch":  # never pay twice: the open batch will answer it
            return result_from_row(dict(row, status="failed", reason="batch_pending", error=(
                "batch_pending: this job is in an open Batch API batch; run with --batch-api "
                "to collect it")), request, cached=True)
        fresh = bool(row and row["status"] == "failed")
        self.journal.start_job(key, request.custom_id, request.model or cfg.model,
                               journal_request(request))
        state = JobState(list(request.messages))
        if not fresh:  # answers already paid for (a killed run) are parsed again, not re-bought
            for call in self.journal.answered_calls(key):
                state.calls += 1
                done = self._judge(request, key, state, json.loads(call["raw"]), call["endpoint"])
                if done:
                    return done
        return self._call_loop(request, key, state)

    def _call_loop(self, request: Request, key: str, state: JobState) -> Result:
        cfg = self.config
        prompt_est = estimate_tokens(request.messages)
        while True:
            lease = self.scheduler.acquire(prompt_est + state.extra_prompt,
                                           charge(request, cfg, 0), cfg.max_queue_wait)
            ep = lease.endpoint
            if ep.max_context and prompt_est >= ep.max_context:
                self.scheduler.release(lease, "skipped")
                return self._fail(key, state, "context_length",
                                  f"prompt of ~{prompt_est} tokens exceeds max_context "
                                  f"{ep.max_context} of {ep.name}; shorten the input")
            mode = self.mode(ep)
            body = body_for(request, state.messages, mode, ep.model)
            t = ep.timeouts
            timeouts = Timeouts(t.get("connect_timeout", cfg.connect_timeout),
                                t.get("stream_timeout", cfg.stream_timeout),
                                deadline(request, cfg, t.get("deadline_base")))
            t0 = time.monotonic()
            try:
                # re-asks are other questions: tag them so servers can tell them from repeats
                tag = f"{key}/reask-{state.reasks}" if state.reasks else key
                ans = self.backend.call(ep, body, tag, timeouts)
            except CallError as exc:
                out = self._on_error(request, key, state, lease, exc, mode, time.monotonic() - t0)
                if out is not None:
                    return out
                continue
            except BaseException:  # a config/environment error stops the run: free the slot so
                self.scheduler.release(lease, "skipped")  # other threads do not wait forever
                raise
            usage = ans.completion.get("usage") or {}
            pt, ct = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
            self.journal.record_call(  # committed before parsing: paid work is never lost
                key, endpoint=ep.name, kind="reask" if state.reasks else "call", outcome="ok",
                http_status=ans.http_status, latency=time.monotonic() - t0, prompt_tokens=pt,
                completion_tokens=ct, cost=price(body["model"], pt, ct, overrides=cfg.prices),
                raw=ans.raw)
            self.scheduler.release(lease, "ok", usage=usage or None, headers=ans.headers)
            state.calls += 1
            done = self._judge(request, key, state, ans.completion, ep.name)
            if done:
                return done

    def judge_answer(self, request: Request, key: str, completion: dict, endpoint: str | None,
                     calls: int = 1) -> Result | None:
        """Parse an answer that arrived outside the call loop (a Batch API result) and finish its
        job in the journal; no re-ask (``final``)."""
        state = JobState([])
        state.calls = calls
        return self._judge(request, key, state, completion, endpoint, final=True)

    def _judge(self, request: Request, key: str, state: JobState, completion: dict,
               endpoint: str | None, final: bool = False) -> Result | None:
        """Parse one answer: finish the job, or extend the conversation for a re-ask."""
        content = first_content(completion)
        state.endpoint = endpoint
        if request.schema_ is None:
            parsed, err, reason = None, None, None
        else:
            parsed, err, reason = parse_answer(content, request.schema_)
        if err is None:
            self.journal.finish(key, status="ok", content=content, parsed=parsed,
                                response=completion, attempts=state.calls, endpoint=endpoint)
            return result_from_row(self.journal.job(key), request, cached=False)
        if final or state.reasks >= self.config.max_reasks:
            self.journal.finish(key, status="failed", content=content, response=completion,
                                error=f"{reason}: {err}", reason=reason, attempts=state.calls,
                                endpoint=endpoint)
            return result_from_row(self.journal.job(key), request, cached=False)
        turns = reask_messages(content, err)
        state.messages += turns
        state.extra_prompt += estimate_tokens(turns)
        state.reasks += 1
        return None

    def _on_error(self, request: Request, key: str, state: JobState, lease, exc: CallError,
                  mode: str, latency: float) -> Result | None:
        cfg, ep = self.config, lease.endpoint
        msg = scrub(str(exc), self.endpoints)
        self.journal.record_call(key, endpoint=ep.name, kind="reask" if state.reasks else "call",
                                 outcome=exc.outcome, http_status=exc.http_status, latency=latency,
                                 raw=scrub(exc.raw, self.endpoints), error=msg)
        wait = retry_after(exc.headers, exc.raw) if exc.outcome == "rate_limit" else None
        sched = "auth" if exc.outcome == "quota" else exc.outcome
        self.scheduler.release(lease, sched, headers=exc.headers, wait=wait, error=msg)
        state.calls += 1
        if exc.outcome == "bad_request":
            if request.schema_ is not None and mode != "prompt" and _about_format(exc):
                self._downgrade(ep, mode)  # the endpoint lacks this response_format: try the next
                return None
            return self._fail(key, state, "bad_request", msg)
        if exc.outcome in ("auth", "quota"):
            return None  # that endpoint is out; the scheduler fails over (or raises if none left)
        if exc.outcome == "rate_limit":
            state.rate_limited += 1
            if state.rate_limited > cfg.max_rate_limit_retries:
                return self._fail(key, state, "rate_limit", msg)
            return None  # the endpoint-wide pause does the waiting
        state.transient += 1
        if state.transient > cfg.max_retries:
            return self._fail(key, state, exc.outcome, msg)
        time.sleep(backoff(state.transient - 1, cfg.backoff_base, cfg.backoff_max))
        return None

    def _fail(self, key: str, state: JobState, reason: str, error: str) -> Result:
        self.journal.finish(key, status="failed", error=f"{reason}: {error}", reason=reason,
                            attempts=state.calls, endpoint=state.endpoint)
        return result_from_row(self.journal.job(key), None, cached=False)

    _mode_lock = threading.Lock()

    def mode(self, ep: Endpoint) -> str:
        """How ``ep`` is asked for structured output: json_schema, json_object or prompt."""
        if not self.backend.supports_response_format:
            return "prompt"
        if ep.json_schema is None or ep.json_schema:
            return "json_schema"
        return "json_object" if self.config.json_mode else "prompt"

    def _downgrade(self, ep: Endpoint, mode: str) -> None:
        with self._mode_lock:
            if mode == "json_schema":
                ep.json_schema = False
            elif mode == "json_object":
                self.config.json_mode = False


class JobState:
    """One job's conversation and counters while the engine works on it."""

    def __init__(self, messages: list[dict]):
        self.messages = messages
        self.calls = self.reasks = self.transient = self.rate_limited = self.extra_prompt = 0
        self.endpoint: str | None = None


def _about_format(exc: CallError) -> bool:
    text = f"{exc} {exc.raw or ''}".lower()
    return "response_format" in text or "json_schema" in text or "json_object" in text
