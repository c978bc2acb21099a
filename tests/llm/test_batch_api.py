"""OpenAI Batch API mode against the fake server's files + batches endpoints."""

from __future__ import annotations

from paperreview.llm import Engine, Request
from tests.helpers.fake_openai import FakeOpenAIServer
from tests.llm.conftest import fast_config

SCHEMA = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}


def _reqs(n):
    return [Request(messages=[{"role": "user", "content": f"q{i}"}], max_tokens=8,
                    custom_id=f"c{i}") for i in range(n)]


def test_batch_round_trip_into_the_same_journal(tmp_path):
    with FakeOpenAIServer(batch_delay=0.2) as srv:
        srv.batches.fail_ids = set()
        cfg = fast_config(srv, tmp_path, model="gpt-4o-mini", batch_api=True,
                          batch_poll_interval=0.05)
        reqs = _reqs(5) + [Request(messages=[{"role": "user", "content": "s"}], schema=SCHEMA)]
        with Engine(cfg) as engine:
            res = list(engine.run(reqs, progress=False))
            srv.batches.fail_ids = {engine.job_key(reqs[0])}   # for the next test below
            calls = engine.journal.query("SELECT kind, cost FROM calls")
        assert [r.custom_id for r in res] == [f"c{i}" for i in range(5)] + [None]
        assert all(r.status == "ok" for r in res) and res[-1].parsed == {"score": 1}
        assert {c["kind"] for c in calls} == {"batch"} and calls[0]["cost"] > 0
        assert srv.stats["batches_created"] == 1 and srv.stats["requests"] == 0
        # a realtime rerun reuses the batch answers
        with Engine(cfg.model_copy(update={"batch_api": False})) as engine:
            again = list(engine.run(reqs, progress=False))
        assert all(r.cached for r in again) and srv.stats["requests"] == 0


def test_batch_errors_and_resume_without_resubmitting(tmp_path):
    with FakeOpenAIServer(batch_delay=0.3) as srv:
        cfg = fast_config(srv, tmp_path, batch_api=True, batch_poll_interval=0.05,
                          batch_timeout=0.0)       # return at once: the batch is still running
        reqs = _reqs(4)
        with Engine(cfg) as engine:
            srv.batches.fail_ids = {engine.job_key(reqs[1])}
            first = list(engine.run(reqs, progress=False))
        assert {r.reason for r in first} == {"batch_pending"}
        with Engine(cfg.model_copy(update={"batch_api": False})) as engine:   # realtime meanwhile
            assert {r.reason for r in engine.run(reqs, progress=False)} == {"batch_pending"}
        assert srv.stats["requests"] == 0                    # not bought a second time
        with Engine(cfg.model_copy(update={"batch_timeout": 30.0})) as engine:
            res = list(engine.run(reqs, progress=False))
        assert srv.stats["batches_created"] == 1          # found again, not paid twice
        assert [r.status for r in res] == ["ok", "failed", "ok", "ok"]
        assert res[1].reason == "batch_error" and "invalid request" in res[1].error


class _Killed(BaseException):
    """Stands for the process being killed (not an Exception: nothing may catch it)."""


def test_a_run_killed_after_creating_its_batch_adopts_it_on_resume(tmp_path, monkeypatch):
    """Killed between `batches.create` and journaling the batch id: the rerun finds the batch by
    its metadata, adopts it, and does not pay for a second one."""
    from paperreview.llm import batch_api

    with FakeOpenAIServer(batch_delay=0.1) as srv:
        srv.batches.fail_ids = set()
        cfg = fast_config(srv, tmp_path, batch_api=True, batch_poll_interval=0.05)
        reqs = _reqs(3)
        real_adopt = batch_api._adopt

        def killed(*a, **kw):
            raise _Killed

        monkeypatch.setattr(batch_api, "_adopt", killed)
        with Engine(cfg) as engine:
            try:
                list(engine.run(reqs, progress=False))
            except _Killed:
                pass
            assert [b["batch_id"][:8] for b in engine.journal.open_batches()] == ["pending:"]
        assert srv.stats["batches_created"] == 1
        monkeypatch.setattr(batch_api, "_adopt", real_adopt)
        with Engine(cfg) as engine:
            res = list(engine.run(reqs, progress=False))
            assert not engine.journal.open_batches()
        assert [r.status for r in res] == ["ok", "ok", "ok"]
        assert srv.stats["batches_created"] == 1 and srv.stats["requests"] == 0


def test_a_run_killed_before_creating_its_batch_submits_again(tmp_path, monkeypatch):
    with FakeOpenAIServer(batch_delay=0.1) as srv:
        srv.batches.fail_ids = set()
        cfg = fast_config(srv, tmp_path, batch_api=True, batch_poll_interval=0.05)
        with Engine(cfg) as engine:  # what a kill right after journaling the placeholder leaves
            engine.journal.save_batch("pending:deadbeef", status="submitting", n=3, created=0.0)
        with Engine(cfg) as engine:
            res = list(engine.run(_reqs(3), progress=False))
            assert not engine.journal.open_batches()
        assert [r.status for r in res] == ["ok", "ok", "ok"]
        assert srv.stats["batches_created"] == 1
