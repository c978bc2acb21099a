from __future__ import annotations

import time

import pytest

from paperreview.errors import BackendError
from paperreview.llm.scheduler import (
    Bucket,
    Endpoint,
    Lease,
    Scheduler,
    backoff,
    parse_duration,
    retry_after,
)


def test_parse_openai_durations():
    assert parse_duration("6m0s") == 360
    assert parse_duration("20ms") == pytest.approx(0.02)
    assert parse_duration("1h2m3.5s") == pytest.approx(3723.5)
    assert parse_duration(None) is None


def test_retry_after_sources_in_order():
    assert retry_after({"retry-after-ms": "250", "retry-after": "3"}) == 0.25
    assert retry_after({"Retry-After": "3"}) == 3.0
    assert retry_after({}, "Limit 100. Please try again in 1.5s. Visit") == 1.5
    assert retry_after({}, "Please try again in 120ms.") == pytest.approx(0.12)
    assert retry_after({"x-ratelimit-reset-tokens": "2s", "x-ratelimit-reset-requests": "1s"}) == 1
    assert retry_after({}) is None


class FakeClock:
    """Monotonic seconds that move only when someone sleeps: no wall-clock assertions."""

    def __init__(self):
        self.t = time.monotonic()  # buckets made before the scheduler start from the real clock

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def test_bucket_refills_at_the_limit_rate():
    b = Bucket(600, 60.0, 1.0)   # 10/s, depth 10
    assert b.capacity == 10
    b.take(10)
    now = b.t
    assert b.wait(5, now) == pytest.approx(0.5)
    assert b.wait(5, now + 0.2) == pytest.approx(0.3)  # 2 tokens back after 0.2 s
    b.observe(0, now + 0.2)
    assert b.level == 0


def _ep(**kw):
    return Endpoint(name="a", base_url=None, key="k", model="m", cap=8, **kw)


def test_rate_limit_pauses_the_endpoint_and_halves_concurrency():
    ep, clock = _ep(), FakeClock()
    s = Scheduler([ep], clock=clock, sleep=clock.sleep)
    lease = s.acquire(10)
    s.release(lease, "rate_limit", wait=0.3)
    assert ep.limit == 2 and not ep.slow_start   # slow start began at 4; halved
    assert ep.pause_until == pytest.approx(clock() + 0.3)
    t0 = clock()
    s.release(s.acquire(10), "ok")
    assert clock() - t0 == pytest.approx(0.3)   # nobody hammers a paused endpoint
    assert 2 < ep.limit < 3                # additive increase after the first cut


def test_headers_teach_limits_and_pull_buckets_down():
    ep, clock = _ep(), FakeClock()
    s = Scheduler([ep], clock=clock, sleep=clock.sleep)
    s.release(s.acquire(10), "ok", headers={"x-ratelimit-limit-tokens": "6000",
                                            "x-ratelimit-remaining-tokens": "0",
                                            "x-ratelimit-limit-requests": "60"})
    assert "tpm" in ep.buckets and ep.buckets["tpm"].level <= 1
    assert ep.ready_in(100, clock()) > 0.5


def test_usage_refunds_the_up_front_charge():
    ep = _ep(limits={"tpm": 60_000})
    s = Scheduler([ep])
    start = ep.buckets["tpm"].level
    lease = s.acquire(1000)
    s.release(lease, "ok", usage={"prompt_tokens": 100, "completion_tokens": 50})
    assert ep.buckets["tpm"].level == pytest.approx(start - 150, abs=20)


def test_repeated_failures_cool_a_key_down_and_work_fails_over():
    a, b = _ep(), Endpoint(name="b", base_url=None, key="k2", model="m", cap=8)
    clock = FakeClock()
    s = Scheduler([a, b], cooldown=5.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        s.release(Lease(a, 1), "server_error")
        a.in_flight += 1  # balance the manual releases above
    a.in_flight -= 3
    assert a.cooldown_until == pytest.approx(clock() + 5.0)
    assert s.acquire(1).endpoint is b


def test_all_endpoints_dead_raises_backend_error():
    ep = _ep()
    s = Scheduler([ep])
    s.release(s.acquire(1), "auth", error="HTTP 401: bad key")
    with pytest.raises(BackendError, match="401"):
        s.acquire(1)


def test_backoff_is_jittered_and_capped():
    vals = [backoff(10, 0.5, 2.0) for _ in range(50)]
    assert max(vals) <= 2.0 and len(set(vals)) > 40


def test_prompt_estimate_is_calibrated_from_usage():
    ep = _ep(limits={"tpm": 60_000})
    s = Scheduler([ep])
    for _ in range(20):   # the server's tokenizer counts 30% more than our estimate
        s.release(s.acquire(100, 40), "ok", usage={"prompt_tokens": 130, "completion_tokens": 40})
    assert ep.prompt_ratio == pytest.approx(1.3, abs=0.01)
    assert s.acquire(100, 40).tokens == pytest.approx(170, abs=1)


def test_slow_start_doubles_per_window_up_to_the_cap():
    ep = _ep()
    s = Scheduler([ep])
    assert ep.limit == 4
    for _ in range(4):
        s.release(s.acquire(1), "ok")
    assert ep.limit == 8 == ep.cap


def test_a_spent_daily_limit_stops_the_run_instead_of_hanging():
    ep = _ep(limits={"rpd": 2})
    s = Scheduler([ep])
    s.release(s.acquire(1), "ok")
    s.release(s.acquire(1), "ok")
    with pytest.raises(BackendError, match="minutes"):
        s.acquire(1, max_wait=60)
