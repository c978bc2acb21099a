"""Rate limits per endpoint and key: token buckets, pauses, AIMD concurrency, backoff.

Each endpoint (a base URL + key) has request and token buckets per minute and per day. A job
charges ``1`` request and ``prompt estimate + n * max_tokens`` tokens up front; the answer's
``usage`` refunds the difference. Responses' ``x-ratelimit-*`` headers pull the buckets down to
what the server reports (and teach the limits when none were configured). A 429 pauses the
*whole endpoint* until ``retry-after(-ms)`` has passed, so waiting tasks do not hammer it, and
halves its concurrency; successes add one slot per window (AIMD).
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_DUR = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str | None) -> float | None:
    """OpenAI reset strings ("1s", "6m0s", "20ms", "1h2m3.5s") -> seconds."""
    if not text:
        return None
    parts = _DUR.findall(str(text))
    if not parts:
        try:
            return float(text)
        except ValueError:
            return None
    mult = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    return sum(float(v) * mult[u] for v, u in parts)


def retry_after(headers: dict[str, str] | None, body: str | None = None) -> float | None:
    """Seconds to wait after a 429, from retry-after-ms, retry-after, the message, or resets."""
    h = {k.lower(): v for k, v in (headers or {}).items()}
    if h.get("retry-after-ms"):
        try:
            return float(h["retry-after-ms"]) / 1000.0
        except ValueError:
            pass
    ra = h.get("retry-after")
    if ra:
        try:
            return float(ra)
        except ValueError:
            when = email.utils.parsedate_to_datetime(ra) if ra else None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    m = re.search(r"try again in (\d+(?:\.\d+)?)(ms|s)", body or "")
    if m:
        return float(m.group(1)) / (1000.0 if m.group(2) == "ms" else 1.0)
    resets = [parse_duration(h.get(k)) for k in ("x-ratelimit-reset-requests",
                                                 "x-ratelimit-reset-tokens")]
    resets = [r for r in resets if r is not None]
    return min(resets) if resets else None


class Bucket:
    """A token bucket holding ``capacity`` and refilling at ``limit / period`` per second.

    ``take`` may drive the level negative (a request bigger than the bucket is let through when
    the bucket is full), which simply delays the next one.
    """

    def __init__(self, limit: float, period: float, burst: float):
        self.limit, self.period = float(limit), period
        self.capacity = max(1.0, self.limit * min(burst, period) / period)
        self.level = self.capacity
        self.t = time.monotonic()

    def _refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.t) * self.limit / self.period)
        self.t = now

    def wait(self, amount: float, now: float) -> float:
        self._refill(now)
        need = min(amount, self.capacity) - self.level
        return 0.0 if need <= 0 else need * self.period / self.limit

    def take(self, amount: float) -> None:
        self.level -= amount

    def give(self, amount: float) -> None:
        self.level = min(self.capacity, self.level + amount)

    def observe(self, remaining: float, now: float) -> None:
        self._refill(now)
        self.level = min(self.level, remaining)


@dataclass
class Endpoint:
    """Live state of one endpoint/key. ``key`` lives only in memory and is never logged."""

    name: str
    base_url: str | None
    key: str | None
    model: str
    json_schema: bool | None = None
    max_context: int | None = None
    limits: dict[str, int | None] = field(default_factory=dict)   # rpm, tpm, rpd, tpd
    timeouts: dict[str, float] = field(default_factory=dict)      # per-endpoint overrides
    cap: int = 16
    burst: float = 1.0
    buckets: dict[str, Bucket] = field(default_factory=dict)
    limit: float = 16.0                  # AIMD concurrency
    prompt_ratio: float = 1.0            # server's prompt tokens / our estimate (learnt)
    ratio_samples: int = 0
    slow_start: bool = True              # double per window until the first cut (like TCP)
    in_flight: int = 0
    pause_until: float = 0.0
    cooldown_until: float = 0.0
    cooldown_s: float = 0.0
    failures: int = 0
    last_decrease: float = 0.0
    dead: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # start small: a cold start must not fire a full burst before the first answer has
        # taught us the server's token counts and limits
        self.limit = float(min(self.cap, 4))
        for name, val in self.limits.items():
            if val:
                self._set_bucket(name, val)

    def _set_bucket(self, name: str, val: float) -> None:
        day = name.endswith("d")
        self.buckets[name] = Bucket(val, 86400.0 if day else 60.0, 86400.0 if day else self.burst)

    def cost(self, prompt_est: float, completion: float) -> float:
        return prompt_est * self.prompt_ratio + completion

    def ready_in(self, tokens: float, now: float) -> float:
        if self.dead:
            return float("inf")
        waits = [self.pause_until - now, self.cooldown_until - now, 0.0]
        if self.in_flight >= max(1, int(self.limit)):
            waits.append(0.5)  # woken early by a release
        for name, b in self.buckets.items():
            waits.append(b.wait(1 if name.startswith("r") else tokens, now))
        return max(waits)


@dataclass
class Lease:
    endpoint: Endpoint
    tokens: float
    prompt_est: float = 0.0


class Scheduler:
    """Hands out endpoint leases when limits allow; learns from every outcome."""

    def __init__(self, endpoints: list[Endpoint], cooldown: float = 30.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] | None = None):
        """``clock`` and ``sleep`` (default: wait on the scheduler's condition) are injectable
        so tests run on a fake clock instead of asserting wall-clock times."""
        self.endpoints = endpoints
        self.cooldown = cooldown
        self.cond = threading.Condition()
        self.clock = clock
        self._sleep = sleep or self.cond.wait

    def acquire(self, prompt_est: float, completion: float = 0.0, max_wait: float = 600.0
                ) -> Lease:
        """Wait until some endpoint can take a request of ``prompt_est`` (our estimate, scaled
        by what the endpoint's tokenizer taught us) + ``completion`` tokens; charge it."""
        from ..errors import BackendError

        with self.cond:
            while True:
                now = self.clock()
                live = [e for e in self.endpoints if not e.dead]
                if not live:
                    why = "; ".join(f"{e.name}: {e.dead}" for e in self.endpoints)
                    raise BackendError(f"no usable endpoint left ({why})",
                                       "check the API key(s), base URL and model name")
                best = min(live, key=lambda e: (e.ready_in(e.cost(prompt_est, completion), now),
                                                e.in_flight / max(e.limit, 1)))
                tokens = best.cost(prompt_est, completion)
                wait = best.ready_in(tokens, now)
                if wait <= 0:
                    for name, b in best.buckets.items():
                        b.take(1 if name.startswith("r") else tokens)
                    best.in_flight += 1
                    return Lease(best, tokens, prompt_est)
                if max_wait < wait < float("inf"):
                    raise BackendError(
                        f"no endpoint can take a request for {wait / 60:.0f} more minutes "
                        "(per-day limits or long rate-limit pauses)",
                        "run again later: finished jobs are kept in the journal")
                self._sleep(min(wait, 0.5))

    def release(self, lease: Lease, outcome: str, *, usage: dict | None = None,
                headers: dict[str, str] | None = None, wait: float | None = None,
                error: str | None = None) -> None:
        """``outcome``: ok | rate_limit | overload | timeout | server_error | connection |
        malformed | bad_request | auth."""
        e, now = lease.endpoint, self.clock()
        with self.cond:
            e.in_flight -= 1
            e.counts[outcome] = e.counts.get(outcome, 0) + 1
            if usage:
                used = (usage.get("prompt_tokens") or 0) + (usage.get("completion_tokens") or 0)
                if usage.get("prompt_tokens") and lease.prompt_est:
                    r = min(4.0, max(0.25, usage["prompt_tokens"] / lease.prompt_est))
                    e.ratio_samples += 1
                    w = max(1.0 / e.ratio_samples, 0.1)  # a mean at first, then an EMA
                    e.prompt_ratio += w * (r - e.prompt_ratio)
                for name, b in e.buckets.items():
                    if name.startswith("t"):
                        b.give(lease.tokens - used)
            if headers:
                self._observe(e, headers, now)
            if outcome == "ok":
                e.failures = 0
                e.cooldown_s = 0.0
                step = 1.0 if e.slow_start else 1.0 / max(e.limit, 1.0)
                e.limit = min(e.cap, e.limit + step)
            elif outcome == "rate_limit":
                e.pause_until = max(e.pause_until, now + (wait if wait is not None else 1.0))
                self._decrease(e, now)
            elif outcome == "auth":
                e.dead = error or "authentication failed"
            elif outcome in ("overload", "timeout", "server_error", "connection", "malformed"):
                if outcome in ("overload", "timeout"):
                    self._decrease(e, now)
                e.failures += 1
                if e.failures >= 3:  # a key in trouble rests; work fails over to the others
                    e.cooldown_s = min(max(self.cooldown, e.cooldown_s * 2), 3600.0)
                    e.cooldown_until = now + e.cooldown_s
                    e.failures = 0
            self.cond.notify_all()

    @staticmethod
    def _decrease(e: Endpoint, now: float) -> None:
        e.slow_start = False
        if now - e.last_decrease > 1.0:  # one cut per episode, not one per failed request
            e.limit = max(1.0, e.limit / 2.0)
            e.last_decrease = now

    def _observe(self, e: Endpoint, headers: dict[str, str], now: float) -> None:
        h = {k.lower(): v for k, v in headers.items()}
        for kind, lim_name in (("requests", "rpm"), ("tokens", "tpm")):
            try:
                limit = h.get(f"x-ratelimit-limit-{kind}")
                remaining = h.get(f"x-ratelimit-remaining-{kind}")
                if limit is not None:
                    limit_v = float(limit)
                    if lim_name not in e.buckets or e.buckets[lim_name].limit > limit_v:
                        e._set_bucket(lim_name, limit_v)
                if remaining is not None and lim_name in e.buckets:
                    e.buckets[lim_name].observe(float(remaining), now)
            except ValueError:
                continue


def backoff(attempt: int, base: float, cap: float) -> float:
    """Full-jitter exponential backoff: uniform(0, min(cap, base * 2**attempt))."""
    return random.uniform(0, min(cap, base * (2 ** attempt)))
