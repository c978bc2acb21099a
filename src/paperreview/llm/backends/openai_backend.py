"""Any OpenAI-compatible endpoint through the official ``openai`` SDK.

The SDK's own retries are off (``max_retries=0``): every retry is scheduled by the engine. Calls
go through ``with_streaming_response`` so the rate-limit headers and the raw body are ours to
read (under the overall deadline); the body is handed back unparsed-by-the-SDK so a malformed
answer is still journaled.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from ..scheduler import Endpoint
from .base import Answer, Backend, CallError, Timeouts

JOB_HEADER = "X-Paperreview-Job-Key"


class OpenAIBackend(Backend):
    def __init__(self, stream: bool = False):
        self.stream = stream
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, ep: Endpoint):
        """The endpoint's ``openai.OpenAI`` client (made once; the Batch API uses it too)."""
        with self._lock:
            if ep.name not in self._clients:
                import openai

                http = openai.DefaultHttpxClient(limits=_limits(ep.cap))
                self._clients[ep.name] = openai.OpenAI(
                    api_key=ep.key, base_url=ep.base_url, max_retries=0, http_client=http)
            return self._clients[ep.name]

    def close(self) -> None:
        with self._lock:
            for c in self._clients.values():
                c.close()
            self._clients.clear()

    def call(self, ep: Endpoint, body: dict[str, Any], job_key: str, timeouts: Timeouts) -> Answer:
        import openai

        client = self.client(ep)
        stream = self.stream
        read = timeouts.silence if stream else timeouts.deadline
        timeout = openai.Timeout(read, connect=timeouts.connect, write=timeouts.connect,
                                 pool=timeouts.deadline)
        kwargs = dict(body, model=body.get("model") or ep.model, timeout=timeout,
                      extra_headers={JOB_HEADER: job_key})
        if stream:
            kwargs["stream"] = True
            kwargs["stream_options"] = {"include_usage": True}
        t0 = time.monotonic()
        try:
            # the body is read here, not by the SDK, so the overall deadline holds even for an
            # answer that trickles in (httpx's read timeout is per chunk)
            with client.chat.completions.with_streaming_response.create(**kwargs) as raw:
                headers, status = dict(raw.headers), raw.status_code
                if stream:
                    text, completion = _read_stream(raw.http_response, t0 + timeouts.deadline)
                else:
                    text = _read_body(raw.http_response, t0 + timeouts.deadline)
                    completion = _decode(text, headers, status)
        except openai.APITimeoutError as exc:
            raise CallError("timeout", f"request timed out ({exc})") from None
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            raise CallError("connection", f"connection failed: {type(cause).__name__}: {cause}"
                            ) from None
        except openai.APIStatusError as exc:
            raise _status_error(exc) from None
        except CallError:
            raise
        except Exception as exc:  # noqa: BLE001 - httpx2 protocol errors while reading a body: treat as a reset
            name = type(exc).__name__
            outcome = "timeout" if "Timeout" in name else "connection"
            raise CallError(outcome, f"{name}: {exc}") from None
        return Answer(raw=text, completion=completion, headers=headers, http_status=status)


def _limits(cap: int):
    import httpx2  # the SDK's HTTP library

    return httpx2.Limits(max_connections=cap * 2 + 4, max_keepalive_connections=cap * 2 + 4)


def _read_body(resp, deadline: float) -> str:
    chunks = []
    for chunk in resp.iter_bytes():
        chunks.append(chunk)
        if time.monotonic() > deadline:
            resp.close()
            raise CallError("timeout", "overall deadline passed while reading the answer")
    return b"".join(chunks).decode(resp.encoding or "utf-8", errors="replace")


def _decode(text: str, headers: dict[str, str], status: int) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CallError("malformed", f"response body is not JSON ({exc.msg} at {exc.pos})",
                        http_status=status, headers=headers, raw=text) from None
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list) or not data["choices"]:
        raise CallError("malformed", "response has no choices", http_status=status,
                        headers=headers, raw=text)
    return data


def _read_stream(resp, deadline: float) -> tuple[str, dict[str, Any]]:
    """Assemble a streamed completion; the silence timeout is the client's read timeout."""
    out: dict[str, Any] = {"object": "chat.completion", "choices": []}
    choices: dict[int, dict[str, Any]] = {}
    for line in resp.iter_lines():
        if time.monotonic() > deadline:
            resp.close()
            raise CallError("timeout", "overall deadline passed while streaming")
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError:
            raise CallError("malformed", f"bad stream chunk: {data[:200]}") from None
        for k in ("id", "model", "created"):
            out.setdefault(k, chunk.get(k))
        if chunk.get("usage"):
            out["usage"] = chunk["usage"]
        for c in chunk.get("choices") or []:
            ch = choices.setdefault(c.get("index", 0), {
                "index": c.get("index", 0), "message": {"role": "assistant", "content": ""},
                "finish_reason": None})
            delta = c.get("delta") or {}
            ch["message"]["content"] += delta.get("content") or ""
            ch["finish_reason"] = c.get("finish_reason") or ch["finish_reason"]
    else:
        raise CallError("connection", "stream ended without [DONE]")
    out["choices"] = [choices[i] for i in sorted(choices)]
    if not out["choices"]:
        raise CallError("malformed", "stream carried no choices")
    return json.dumps(out, ensure_ascii=False), out


def _status_error(exc) -> CallError:
    status = exc.status_code
    headers = dict(exc.response.headers)
    try:
        raw = exc.response.text
    except Exception:  # noqa: BLE001 - a streamed error body may be unreadable
        raw = None
    body = exc.body if isinstance(exc.body, dict) else {}
    code = str(body.get("code") or (body.get("error") or {}).get("code") or "")
    msg = f"HTTP {status}: {exc.message}"
    if status == 429:
        outcome = "quota" if code == "insufficient_quota" else "rate_limit"
    elif status in (401, 403):
        outcome = "auth"
    elif status == 404:
        outcome = "auth"  # model or route missing on this endpoint: fail over, don't retry here
    elif status in (503, 529):
        outcome = "overload"
    elif status >= 500 or status in (408, 409):
        outcome = "server_error"
    else:
        outcome = "bad_request"
    return CallError(outcome, msg, http_status=status, headers=headers, raw=raw)
