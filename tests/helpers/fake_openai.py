"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

It speaks chat completions (plain and streamed), files and batches; enforces RPM/TPM per API
key with OpenAI's 429 body and ``x-ratelimit-*`` / ``retry-after(-ms)`` headers; injects faults
(500, 503, connection resets, hangs, malformed and truncated JSON, stalled streams, trickled
bodies, 401); and counts well-formed answers per job key so tests can assert nothing was
answered twice.

    with FakeOpenAIServer(rpm=600, tpm=60_000) as srv:
        srv.responder = lambda body: '{"score": 3}'
        srv.inject("500", times=2)            # the next two requests fail with 500
        ... EngineConfig(base_url=srv.base_url, model="fake-model") ...
        assert max(srv.count_by_key.values()) == 1

Token counts use the engine's own estimate (4 characters per token, +4 per message, +3), so
limits in tests are predictable; real servers tokenize differently.
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import struct
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.helpers.fake_batches import BatchStore

FAULTS = ("500", "503", "reset", "hang", "malformed", "truncated", "stall_stream", "trickle",
          "401", "quota", "400")
SCHEMA_MARK = "validates against this JSON schema:\n"


CHARS_PER_TOKEN = [4.0]  # set by the server: a "tokenizer" that differs from the engine's estimate


def count_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN[0])


def prompt_tokens(messages: list[dict]) -> int:
    def text(c):
        return c if isinstance(c, str) else "".join(
            p.get("text", "") for p in (c or []) if isinstance(p, dict))
    return sum(count_tokens(text(m.get("content"))) + 4 for m in messages) + 3


def example_for_schema(schema: dict, defs: dict | None = None) -> Any:
    """A small instance that validates against ``schema`` (the default structured answer)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return example_for_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return example_for_schema(schema[key][0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    t = schema.get("type", "object")
    t = t[0] if isinstance(t, list) else t
    if t == "object":
        return {k: example_for_schema(v, defs) for k, v in schema.get("properties", {}).items()}
    if t == "array":
        return [example_for_schema(schema.get("items", {"type": "string"}), defs)]
    return {"string": "text", "integer": schema.get("minimum", 1), "boolean": True,
            "null": None}.get(t, schema.get("minimum", 1.0))


def default_responder(body: dict) -> str:
    """Schema-valid JSON when the request carries a schema (response_format or the engine's
    schema prompt); otherwise an echo of the last user message."""
    rf = body.get("response_format") or {}
    if rf.get("type") == "json_schema":
        return json.dumps(example_for_schema(rf["json_schema"]["schema"]))
    for m in body.get("messages", []):
        c = m.get("content")
        if isinstance(c, str) and SCHEMA_MARK in c:
            return json.dumps(example_for_schema(json.loads(c.split(SCHEMA_MARK, 1)[1])))
    if rf.get("type") == "json_object":
        return "{}"
    last = next((m for m in reversed(body.get("messages", [])) if m.get("role") == "user"), {})
    return "echo: " + str(last.get("content", ""))[:200]


class _Bucket:
    def __init__(self, limit: float, burst_s: float):
        self.limit, self.cap = limit, max(1.0, limit * burst_s / 60.0)
        self.level, self.t = self.cap, time.monotonic()

    def refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.cap, self.level + (now - self.t) * self.limit / 60.0)
        self.t = now

    def reset_s(self) -> float:
        return max(0.0, (self.cap - self.level) * 60.0 / self.limit)

    def wait_s(self, need: float) -> float:
        return max(0.0, (min(need, self.cap) - self.level) * 60.0 / self.limit)


class FakeOpenAIServer:
    """Context manager; ``base_url`` ends in ``/v1``. See the module docstring."""

    def __init__(self, *, rpm: int | None = None, tpm: int | None = None,
                 burst_seconds: float = 60.0, responder: Callable[[dict], str] | None = None,
                 latency: float = 0.0, tokens_per_second: float | None = None,
                 fault_rate: float = 0.0, fault_kinds: tuple[str, ...] = ("500", "reset",
                 "malformed", "truncated"), hang_seconds: float = 30.0, seed: int = 0,
                 model: str = "fake-model", batch_delay: float = 0.0,
                 reject_json_schema: bool = False, chars_per_token: float = 4.0):
        self.rpm, self.tpm, self.burst = rpm, tpm, burst_seconds
        self.responder = responder or default_responder
        self.latency, self.tokens_per_second = latency, tokens_per_second
        self.fault_rate, self.fault_kinds = fault_rate, fault_kinds
        self.hang_seconds, self.model = hang_seconds, model
        self.reject_json_schema = reject_json_schema
        CHARS_PER_TOKEN[0] = chars_per_token
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.count_by_key: Counter[str] = Counter()     # well-formed answers per job key
        self.generated_by_key: Counter[str] = Counter()  # answers generated (billed), any shape
        self.stats: Counter[str] = Counter()
        self.billed_tokens = 0
        self.billed_prompt_tokens = 0
        self.billed_completion_tokens = 0
        self.log: list[dict[str, Any]] = []
        self.bodies: list[dict[str, Any]] = []
        self.auth_seen: Counter[str] = Counter()
        self._queued: deque[str] = deque()
        self._key_faults: dict[str, str] = {}
        self._buckets: dict[str, dict[str, _Bucket]] = {}
        self.batches = BatchStore(self, batch_delay)
        self._httpd: ThreadingHTTPServer | None = None

    # -- control ---------------------------------------------------------------------------
    def inject(self, kind: str, times: int = 1) -> None:
        """The next ``times`` chat requests get fault ``kind`` (one of FAULTS)."""
        assert kind in FAULTS, kind
        with self.lock:
            self._queued.extend([kind] * times)

    def fail_key(self, api_key: str, kind: str = "401") -> None:
        """Every request made with ``api_key`` gets fault ``kind``."""
        self._key_faults[api_key] = kind

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the server first (use it as a context manager)"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> FakeOpenAIServer:
        handler = type("Handler", (_Handler,), {"srv": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def close(self) -> None:
        self.stop.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def duplicates(self) -> dict[str, int]:
        return {k: v for k, v in self.count_by_key.items() if v > 1}

    def snapshot(self) -> dict[str, Any]:
        """Counters and the response log as JSON (also served at ``GET /v1/_stats``)."""
        with self.lock:
            return {"stats": dict(self.stats), "billed_tokens": self.billed_tokens,
                    "answered": sum(self.count_by_key.values()),
                    "answered_keys": len(self.count_by_key),
                    "answered_twice": len(self.duplicates()),
                    "generated": sum(self.generated_by_key.values()),
                    "log": [[e["t"], e["status"], e.get("tokens", 0), e["key"][:8]]
                            for e in self.log]}

    # -- chat logic --------------------------------------------------------------------------
    def pick_fault(self, api_key: str) -> str | None:
        with self.lock:
            if api_key in self._key_faults:
                return self._key_faults[api_key]
            if self._queued:
                return self._queued.popleft()
            if self.fault_rate and self.rng.random() < self.fault_rate:
                return self.rng.choice(self.fault_kinds)
        return None

    def admit(self, api_key: str, prompt: int, max_tokens: int) -> tuple[dict, dict | None]:
        """Rate-limit check; returns (headers, 429 payload or None). Charges on admission."""
        with self.lock:
            b = self._buckets.setdefault(api_key, {})
            if self.rpm and "r" not in b:
                b["r"] = _Bucket(self.rpm, self.burst)
            if self.tpm and "t" not in b:
                b["t"] = _Bucket(self.tpm, self.burst)
            for x in b.values():
                x.refill()
            need = {"r": 1, "t": prompt + max_tokens}
            over = next((k for k in ("r", "t") if k in b and b[k].level < min(need[k], b[k].cap)),
                        None)
            if over is None:
                if "r" in b:
                    b["r"].level -= 1
                if "t" in b:
                    b["t"].level -= prompt + max_tokens
            headers = self._limit_headers(b)
            if over is None:
                return headers, None
            wait = b[over].wait_s(need[over])
            kind, unit = ("requests", "RPM") if over == "r" else ("tokens", "TPM")
            lim = b[over].limit
            msg = (f"Rate limit reached for {self.model} in organization org-fake on {kind} per "
                   f"min ({unit}): Limit {int(lim)}, Used {int(b[over].cap - b[over].level)}, "
                   f"Requested {need[over]}. Please try again in {wait:.3f}s. Visit "
                   "https://platform.openai.com/account/rate-limits to learn more.")
            headers.update({"retry-after": str(max(1, round(wait + 0.5))),
                            "retry-after-ms": str(int(wait * 1000) + 1)})
            return headers, {"error": {"message": msg, "type": kind, "param": None,
                                       "code": "rate_limit_exceeded"}}

    def settle(self, api_key: str, charged: int, used: int) -> None:
        """Refund the admission charge down to the tokens actually used."""
        with self.lock:
            t = self._buckets.get(api_key, {}).get("t")
            if t:
                t.level = min(t.cap, t.level + charged - used)

    @staticmethod
    def _limit_headers(b: dict[str, _Bucket]) -> dict[str, str]:
        h = {}
        for k, kind in (("r", "requests"), ("t", "tokens")):
            if k in b:
                h[f"x-ratelimit-limit-{kind}"] = str(int(b[k].limit))
                h[f"x-ratelimit-remaining-{kind}"] = str(max(0, int(b[k].level)))
                h[f"x-ratelimit-reset-{kind}"] = f"{b[k].reset_s():.3f}s"
        return h

    def completion(self, body: dict, content: str, n_prompt: int) -> dict:
        n = int(body.get("n") or 1)
        n_out = max(1, count_tokens(content))
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
        finish = "stop"
        if max_tokens and n_out > max_tokens:  # honour max_tokens like a real model would
            content, n_out, finish = content[: max_tokens * 4], max_tokens, "length"
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model") or self.model,
            "choices": [{"index": i, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": finish} for i in range(n)],
            "usage": {"prompt_tokens": n_prompt, "completion_tokens": n_out * n,
                      "total_tokens": n_prompt + n_out * n},
        }

    def bill(self, key: str, usage: dict) -> None:
        with self.lock:
            self.generated_by_key[key] += 1
            self.billed_prompt_tokens += usage["prompt_tokens"]
            self.billed_completion_tokens += usage["completion_tokens"]
            self.billed_tokens += usage["total_tokens"]


def job_key_of(headers, body: dict) -> str:
    key = headers.get("X-Paperreview-Job-Key")
    if key:
        return key
    data = json.dumps({k: body.get(k) for k in sorted(body) if k != "stream"}, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many clients connect at once; the default backlog of 5 drops them
    def handle_error(self, request, client_address) -> None:
        pass  # clients that reset or are killed mid-request are part of the test, not noise


class _Handler(BaseHTTPRequestHandler):
    srv: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    # -- plumbing ----------------------------------------------------------------------------
    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status: int, obj: Any, headers: dict | None = None,
                  raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def reset(self) -> None:
        """Abort the connection with an RST (no HTTP response at all)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def api_key(self) -> str:
        return (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/_stats"):
            return self.send_json(200, self.srv.snapshot())
        if not self.srv.batches.handle(self, "GET", self.path, b""):
            self.send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        raw = self._body()
        if self.path.rstrip("/").endswith("/chat/completions"):
            return self.chat(raw)
        if not self.srv.batches.handle(self, "POST", self.path, raw):
            self.send_json(404, {"error": {"message": f"no route {self.path}"}})

    # -- chat completions --------------------------------------------------------------------
    def chat(self, raw: bytes) -> None:
        srv = self.srv
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            return self.send_json(400, {"error": {"message": "invalid JSON body",
                                                  "type": "invalid_request_error"}})
        key, api_key = job_key_of(self.headers, body), self.api_key()
        with srv.lock:
            srv.stats["requests"] += 1
            srv.auth_seen[api_key] += 1
            srv.bodies.append(body)
        if (body.get("response_format") or {}).get("type") == "json_schema" and \
                srv.reject_json_schema:
            return self._log(key, 400, "json_schema_rejected", lambda: self.send_json(400, {
                "error": {"message": "Invalid parameter: 'response_format' of type "
                          "'json_schema' is not supported with this model.",
                          "type": "invalid_request_error", "param": "response_format"}}))
        fault = srv.pick_fault(api_key)
        if fault in ("400", "401", "500", "503", "reset", "hang", "quota"):
            return self._log(key, None, fault, lambda: self.fault(fault))
        n_prompt = prompt_tokens(body.get("messages", []))
        max_tokens = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        headers, limited = srv.admit(api_key, n_prompt, max_tokens)
        if limited:
            return self._log(key, 429, "rate_limit",
                             lambda: self.send_json(429, limited, headers))
        content = srv.responder(body)
        comp = srv.completion(body, content, n_prompt)
        srv.settle(api_key, n_prompt + max_tokens, comp["usage"]["total_tokens"])
        delay = srv.latency + (comp["usage"]["completion_tokens"] / srv.tokens_per_second
                               if srv.tokens_per_second else 0.0)
        if delay and srv.stop.wait(delay):
            return self.reset()
        srv.bill(key, comp["usage"])
        if fault in ("malformed", "truncated"):
            text = json.dumps(comp).encode()
            bad = b"<html>upstream error</html>{" if fault == "malformed" else text[: len(text) // 2]
            return self._log(key, 200, fault, lambda: self.send_json(200, None, headers, raw=bad))
        if fault == "trickle":  # headers at once, then a byte at a time: only a deadline cuts it
            return self._log(key, 200, fault, lambda: self.trickle(comp, headers))
        if body.get("stream"):
            return self._log(key, 200, fault or "ok", lambda: self.stream(comp, body, headers,
                                                                         stall=fault == "stall_stream"))
        with srv.lock:
            srv.count_by_key[key] += 1
        self._log(key, 200, "ok", lambda: self.send_json(200, comp, headers),
                  comp["usage"]["total_tokens"])

    def _log(self, key: str, status: int | None, kind: str, send: Callable[[], None],
             tokens: int = 0) -> None:
        with self.srv.lock:
            self.srv.stats[kind] += 1
            self.srv.log.append({"key": key, "status": status, "kind": kind, "t": time.time(),
                                 "tokens": tokens})
        try:
            send()
        except OSError:  # the client went away (a killed runner): nothing to do
            pass

    def fault(self, kind: str) -> None:
        if kind == "400":  # a request the API will never accept: retrying cannot help
            self.send_json(400, {"error": {"message": "Invalid value for 'temperature': must be "
                                           "between 0 and 2.", "type": "invalid_request_error",
                                           "param": "temperature", "code": None}})
        elif kind == "401":
            self.send_json(401, {"error": {"message": "Incorrect API key provided: "
                                           f"{self.api_key()}.", "type": "invalid_request_error",
                                           "code": "invalid_api_key"}})
        elif kind == "quota":
            self.send_json(429, {"error": {
                "message": "You exceeded your current quota, please check your plan and billing "
                           "details.", "type": "insufficient_quota", "param": None,
                "code": "insufficient_quota"}})
        elif kind in ("500", "503"):
            msg = ("The server had an error while processing your request. Sorry about that!"
                   if kind == "500" else "The engine is currently overloaded, please try again.")
            self.send_json(int(kind), {"error": {"message": msg, "type": "server_error"}})
        elif kind == "reset":
            self.reset()
        elif kind == "hang":
            self.srv.stop.wait(self.srv.hang_seconds)
            self.reset()

    def trickle(self, comp: dict, headers: dict) -> None:
        data = json.dumps(comp).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        give_up = time.monotonic() + self.srv.hang_seconds
        for i in range(len(data) - 1):  # never the last byte
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            if time.monotonic() > give_up or self.srv.stop.wait(0.05):
                break
        self.reset()

    def stream(self, comp: dict, body: dict, headers: dict, stall: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.close_connection = True
        base = {"id": comp["id"], "object": "chat.completion.chunk", "created": comp["created"],
                "model": comp["model"]}
        text = comp["choices"][0]["message"]["content"]
        pieces = [text[i:i + 16] for i in range(0, len(text), 16)] or [""]
        for i, piece in enumerate(pieces):
            delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
            self._event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            if stall and i == 0:
                self.srv.stop.wait(self.srv.hang_seconds)
                return self.reset()
        self._event({**base, "choices": [{"index": 0, "delta": {},
                                          "finish_reason": comp["choices"][0]["finish_reason"]}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            self._event({**base, "choices": [], "usage": comp["usage"]})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        with self.srv.lock:
            self.srv.count_by_key[job_key_of(self.headers, body)] += 1

    def _event(self, obj: dict) -> None:
        self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
        self.wfile.flush()


def main(argv: list[str] | None = None) -> None:
    """Serve from the command line (benchmarks run the server in its own process):
    ``python -m tests.helpers.fake_openai --rpm 600 --tpm 60000 --fault-rate 0.02``.
    Prints the base URL on the first line of stdout, then serves until killed."""
    import argparse

    ap = argparse.ArgumentParser()
    for name, typ in (("rpm", int), ("tpm", int), ("burst-seconds", float), ("latency", float),
                      ("fault-rate", float), ("hang-seconds", float), ("seed", int),
                      ("chars-per-token", float), ("batch-delay", float)):
        ap.add_argument(f"--{name}", type=typ, default=None)
    ap.add_argument("--fault-kinds", default="500,503,reset,malformed,truncated,hang")
    ap.add_argument("--answer-fill", action="store_true",
                    help="answer with exactly max_tokens tokens of text")
    a = ap.parse_args(argv)
    kw = {k: v for k, v in vars(a).items() if v is not None and k not in ("fault_kinds",
                                                                           "answer_fill")}
    srv = FakeOpenAIServer(fault_kinds=tuple(a.fault_kinds.split(",")), **kw)
    if a.answer_fill:
        srv.responder = lambda body: "x" * int(
            (body.get("max_tokens") or 16) * CHARS_PER_TOKEN[0])
    with srv:
        print(srv.base_url, flush=True)
        srv.stop.wait()


if __name__ == "__main__":
    main()
