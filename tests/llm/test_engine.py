from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from paperreview.llm import Engine, EngineConfig, Request, Result


class Review(BaseModel):
    summary: str
    rating: int


def _req(i, **kw):
    return Request(messages=[{"role": "user", "content": f"paper {i}"}], max_tokens=32,
                   custom_id=f"c{i}", **kw)


def test_run_yields_in_input_order_with_ids(server, make_config):
    with Engine(make_config(concurrency=8)) as engine:
        results = list(engine.run([_req(i) for i in range(30)], progress=False))
    assert [r.custom_id for r in results] == [f"c{i}" for i in range(30)]
    assert all(r.status == "ok" and r.content == f"echo: paper {i}"
               for i, r in enumerate(results))
    assert results[0].usage["total_tokens"] > 0 and results[0].attempts == 1
    assert results[0].response["choices"][0]["message"]["content"] == "echo: paper 0"


def test_job_key_covers_model_params_schema_and_prompt_version():
    base = _req(1)
    assert base.key_for("m") != base.key_for("m2")
    assert base.key_for("m") != _req(1, temperature=0.7).key_for("m")
    assert base.key_for("m") != _req(1, schema=Review).key_for("m")
    assert base.key_for("m") != _req(1, prompt_version="x@2").key_for("m")
    # custom_id and metadata are labels, not inputs
    assert base.key_for("m") == Request(messages=base.messages, max_tokens=32, custom_id="other",
                                        metadata={"a": 1}).key_for("m")


def test_rerun_is_served_from_the_journal(server, make_config):
    reqs = [_req(i) for i in range(10)]
    with Engine(make_config()) as engine:
        first = list(engine.run(reqs, progress=False))
    n = server.stats["requests"]
    with Engine(make_config()) as engine:
        again = list(engine.run(reqs, progress=False))
        one = engine.complete(reqs[3])
    assert server.stats["requests"] == n
    assert all(r.cached for r in again) and one.cached
    assert [r.content for r in again] == [r.content for r in first]
    assert [r.custom_id for r in again] == [r.custom_id for r in reqs]


def test_duplicate_requests_in_one_run_cost_one_call(server, make_config):
    with Engine(make_config()) as engine:
        results = list(engine.run([_req(1), _req(1), _req(2), _req(1)], progress=False))
    assert len(results) == 4 and server.stats["requests"] == 2
    assert not server.duplicates()


def test_failures_are_kept_and_retry_failed_retries_only_them(server, make_config):
    server.responder = lambda body: "not json at all"
    reqs = [_req(1, schema=Review), _req(2)]
    with Engine(make_config(max_reasks=0)) as engine:
        res = list(engine.run(reqs, progress=False))
    assert [r.status for r in res] == ["failed", "ok"]
    assert res[0].content == "not json at all" and res[0].response is not None
    n = server.stats["requests"]
    with Engine(make_config(max_reasks=0)) as engine:   # failures are cached too
        assert next(iter(engine.run(reqs, progress=False))).status == "failed"
    assert server.stats["requests"] == n
    server.responder = lambda body: '{"summary": "fine", "rating": 7}'
    with Engine(make_config(max_reasks=0, retry_failed=True)) as engine:
        res = list(engine.run(reqs, progress=False))
    assert [r.status for r in res] == ["ok", "ok"] and res[0].parsed["rating"] == 7
    assert server.stats["requests"] == n + 1           # the success was not asked again


def test_structured_output_uses_json_schema_and_validates(server, make_config):
    with Engine(make_config()) as engine:
        res = engine.complete(_req(1, schema=Review))
    assert res.status == "ok" and res.parsed == {"summary": "text", "rating": 1}
    rf = server.bodies[-1]["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["schema"]["title"] == "Review"


def test_falls_back_to_json_object_with_schema_in_prompt(tmp_path):
    from tests.helpers.fake_openai import FakeOpenAIServer
    from tests.llm.conftest import fast_config

    with FakeOpenAIServer(reject_json_schema=True) as srv:
        with Engine(fast_config(srv, tmp_path)) as engine:
            res = list(engine.run([_req(1, schema=Review), _req(2, schema=Review)],
                                  progress=False))
        assert [r.status for r in res] == ["ok", "ok"]
        last = srv.bodies[-1]
        assert last["response_format"] == {"type": "json_object"}
        assert "JSON schema" in last["messages"][0]["content"]
        assert srv.stats["json_schema_rejected"] <= 2   # learnt once (2 were in flight)


def test_repair_then_reask_with_the_validation_error(server, make_config):
    def responder(body):
        if len(body["messages"]) == 1:
            return '```json\n{"summary": "s", "rating": "seven",}\n```'
        assert "rating" in body["messages"][-1]["content"]    # the error is shown to the model
        return '{"summary": "s", "rating": 7}'

    server.responder = responder
    with Engine(make_config()) as engine:
        res = engine.complete(_req(1, schema=Review))
    assert res.status == "ok" and res.parsed["rating"] == 7 and res.attempts == 2
    assert not server.duplicates() and any(k.endswith("/reask-1") for k in server.count_by_key)


def test_reask_is_bounded_and_keeps_the_raw_answer(server, make_config):
    server.responder = lambda body: '{"summary": "s"}'
    with Engine(make_config(max_reasks=2)) as engine:
        res = engine.complete(_req(1, schema=Review))
    assert res.status == "failed" and res.reason == "schema_validation"
    assert "rating" in res.error and res.content == '{"summary": "s"}'
    assert server.stats["requests"] == 3


def test_a_paid_answer_is_parsed_again_not_bought_again(server, make_config):
    cfg = make_config()
    req = _req(5, schema=Review)
    with Engine(cfg) as engine:
        key = engine.job_key(req)
        engine.journal.start_job(key, "c5", "fake-model", {})
        comp = {"choices": [{"message": {"content": '{"summary": "x", "rating": 2}'}}]}
        engine.journal.record_call(key, endpoint="default", kind="call", outcome="ok",
                                   raw=json.dumps(comp))    # killed right after this commit
    with Engine(cfg) as engine:
        res = engine.complete(req)
    assert res.status == "ok" and res.parsed["rating"] == 2 and server.stats["requests"] == 0


def test_bad_request_fails_the_item_without_retry(server, make_config):
    server.inject("400")  # HTTP 400 invalid_request_error on the first call
    with Engine(make_config()) as engine:
        results = list(engine.run([_req(1), _req(2)], progress=False))
    # whichever request the 400 hit (they run concurrently) fails; the other is answered
    res, other = sorted(results, key=lambda r: r.status)
    assert res.status == "failed" and res.reason == "bad_request"
    assert "temperature" in res.error and res.attempts == 1
    assert other.status == "ok"                        # the batch goes on
    assert server.stats["requests"] == 2               # fail fast: the 400 was not retried
    with Engine(make_config(max_context=5)) as engine:
        res = engine.complete(_req(3))
    assert res.status == "failed" and res.reason == "context_length"


def test_is_configured_and_env_defaults(monkeypatch, tmp_path):
    assert not EngineConfig(run_dir=str(tmp_path)).is_configured()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert EngineConfig().is_configured()
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("PAPERREVIEW_MODEL", "my-model")
    monkeypatch.setenv("PAPERREVIEW_BASE_URL", "http://127.0.0.1:1/v1")
    cfg = EngineConfig()
    assert cfg.model == "my-model" and cfg.is_configured()
    assert EngineConfig(backend="transformers", local_model="x").is_configured()


def test_no_endpoint_is_a_config_error(tmp_path):
    from paperreview.errors import ConfigError

    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        Engine(EngineConfig(run_dir=str(tmp_path / "r")))


def test_progress_without_a_terminal_prints_a_plain_line(capsys):
    from paperreview.llm.progress import Progress

    bar = Progress(4, every=0.0)
    bar.update(Result(job_key="k", status="failed", usage={"total_tokens": 60}))
    bar.update(Result(job_key="k", status="ok", usage={"total_tokens": 60}))
    bar.close()
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("llm: 2/4 done  failed 1  cached 0") and "tok/min  ETA " in err[-1]
    Progress(4).update(Result(job_key="k", status="ok"))  # not before `every` seconds
    assert capsys.readouterr().err == ""
