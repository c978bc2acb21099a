"""The small interface every backend implements, and the error it raises.

A backend turns one chat-completion body into one raw answer (text + parsed dict + headers).
Rate limits, retries, journaling and schema handling live in the engine, not here.

How to add a backend: subclass :class:`Backend`, implement ``call`` (raise :class:`CallError`
with an ``outcome`` the scheduler knows), register it in ``paperreview.llm.engine.make_backend``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..scheduler import Endpoint


@dataclass
class Timeouts:
    connect: float
    silence: float     # between streamed chunks
    deadline: float    # whole request


@dataclass
class Answer:
    raw: str                        # what the server sent (journaled before parsing)
    completion: dict[str, Any]      # the chat completion as a dict
    headers: dict[str, str] = field(default_factory=dict)
    http_status: int = 200


class CallError(Exception):
    """One failed call. ``outcome`` is one of: rate_limit, overload, timeout, server_error,
    connection, malformed, bad_request, auth, quota."""

    def __init__(self, outcome: str, message: str, *, http_status: int | None = None,
                 headers: dict[str, str] | None = None, raw: str | None = None):
        super().__init__(message)
        self.outcome = outcome
        self.http_status = http_status
        self.headers = headers or {}
        self.raw = raw

    @property
    def retryable(self) -> bool:
        return self.outcome in ("rate_limit", "overload", "timeout", "server_error", "connection",
                                "malformed")


class Backend:
    """``call(endpoint, body, job_key, timeouts) -> Answer`` or raise :class:`CallError`."""

    supports_response_format = True

    def call(self, endpoint: Endpoint, body: dict[str, Any], job_key: str,
             timeouts: Timeouts) -> Answer:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass
