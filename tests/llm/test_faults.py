"""Every fault kind the fake server injects is survived (or fails the item with a reason)."""

from __future__ import annotations

import pytest

from paperreview.errors import BackendError
from paperreview.llm import Engine, Request
from tests.helpers.fake_openai import FakeOpenAIServer
from tests.llm.conftest import fast_config


def _req(i=0, **kw):
    return Request(messages=[{"role": "user", "content": f"q{i}"}], max_tokens=16, **kw)


@pytest.mark.parametrize("kind", ["500", "503", "reset", "malformed", "truncated", "hang"])
def test_transient_fault_is_retried_once_and_answered_once(server, make_config, kind):
    server.hang_seconds = 3.0
    server.inject(kind)
    with Engine(make_config(deadline_base=0.5)) as engine:
        res = engine.complete(_req())
        calls = engine.journal.query("SELECT outcome FROM calls ORDER BY id")
    assert res.status == "ok" and res.attempts == 2
    assert calls[-1]["outcome"] == "ok" and calls[0]["outcome"] != "ok"
    assert not server.duplicates()


def test_a_trickling_answer_is_cut_by_the_overall_deadline(server, make_config):
    server.hang_seconds = 8.0
    server.inject("trickle")
    with Engine(make_config(deadline_base=0.5)) as engine:
        res = engine.complete(_req())
        calls = engine.journal.query("SELECT outcome, latency FROM calls ORDER BY id")
    assert res.status == "ok" and [c["outcome"] for c in calls] == ["timeout", "ok"]
    assert calls[0]["latency"] < server.hang_seconds  # cut by our deadline, not the server's end
    assert not server.duplicates()


def test_malformed_answer_is_journaled_raw(server, make_config):
    server.inject("malformed")
    with Engine(make_config()) as engine:
        engine.complete(_req())
        first = engine.journal.query("SELECT * FROM calls ORDER BY id")[0]
    assert first["outcome"] == "malformed" and "upstream error" in first["raw"]


def test_stalled_stream_is_cut_by_the_silence_timeout(tmp_path):
    with FakeOpenAIServer(hang_seconds=3.0) as srv:
        srv.responder = lambda body: "a fairly long streamed answer " * 3
        srv.inject("stall_stream")
        with Engine(fast_config(srv, tmp_path, stream=True, stream_timeout=0.3)) as engine:
            res = engine.complete(Request(messages=[{"role": "user", "content": "q"}],
                                          max_tokens=200))
            outcomes = [c["outcome"] for c in engine.journal.query("SELECT outcome FROM calls")]
    assert res.status == "ok" and res.content == "a fairly long streamed answer " * 3
    assert outcomes == ["timeout", "ok"] and res.usage["total_tokens"] > 0


def test_retries_are_bounded(server, make_config):
    server.inject("500", times=10)
    with Engine(make_config(max_retries=2)) as engine:
        res = engine.complete(_req())
    assert res.status == "failed" and res.reason == "server_error" and res.attempts == 3
    assert "500" in res.error


def test_429_honours_retry_after_and_pauses_the_endpoint(tmp_path):
    # 120 RPM with a 1 s bucket: 2 requests at once, then one every 0.5 s
    with FakeOpenAIServer(rpm=120, burst_seconds=1.0) as srv:
        cfg = fast_config(srv, tmp_path, concurrency=8)   # the engine is NOT told the limit
        with Engine(cfg) as engine:
            res = list(engine.run([_req(i) for i in range(8)], progress=False))
        assert all(r.status == "ok" for r in res)
        assert not srv.duplicates()
        # only the slow-start window (4 requests sent before any header taught the limit) can
        # meet 429s; after the endpoint-wide pause the engine paces itself from the headers
        assert 1 <= srv.stats["rate_limit"] <= 3, srv.stats


def test_known_limits_mean_no_429(tmp_path):
    with FakeOpenAIServer(rpm=240, tpm=2400, burst_seconds=1.0) as srv:
        cfg = fast_config(srv, tmp_path, concurrency=8, rpm=240, tpm=2400)
        with Engine(cfg) as engine:
            res = list(engine.run([_req(i) for i in range(8)], progress=False))
        assert all(r.status == "ok" for r in res) and srv.stats["rate_limit"] == 0, srv.stats


def test_429_body_and_headers_look_like_openai(tmp_path):
    import httpx

    with FakeOpenAIServer(rpm=1, burst_seconds=1.0) as srv:
        body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
        assert httpx.post(srv.base_url + "/chat/completions", json=body).status_code == 200
        r = httpx.post(srv.base_url + "/chat/completions", json=body)
    assert r.status_code == 429
    err = r.json()["error"]
    assert err["code"] == "rate_limit_exceeded" and "Please try again in" in err["message"]
    assert {"retry-after", "retry-after-ms", "x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"} <= set(r.headers)


def test_bad_key_alone_stops_the_run_with_a_clear_error(server, make_config, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-bad-123456")
    server.fail_key("sk-bad-123456", "401")
    with Engine(make_config()) as engine, pytest.raises(BackendError) as err:
        engine.complete(_req())
    assert "401" in str(err.value) and "sk-bad-123456" not in str(err.value)


def test_exhausted_quota_drops_the_key_instead_of_retrying(server, make_config):
    server.inject("quota", times=5)
    with Engine(make_config()) as engine, pytest.raises(BackendError, match="quota"):
        engine.complete(_req())
    assert server.stats["requests"] == 1


def test_random_faults_lose_nothing(tmp_path):
    with FakeOpenAIServer(fault_rate=0.3, seed=3,
                          fault_kinds=("500", "503", "reset", "malformed", "truncated")) as srv:
        with Engine(fast_config(srv, tmp_path, concurrency=6, max_retries=20)) as engine:
            res = list(engine.run([_req(i) for i in range(40)], progress=False))
        assert [r.content for r in res] == [f"echo: q{i}" for i in range(40)]
        assert not srv.duplicates() and sum(srv.count_by_key.values()) == 40
