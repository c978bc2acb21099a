"""End to end: `paperreview llm run` and `paperreview llm stats`, in process and killed -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from paperreview.cli import main
from tests.helpers.fake_openai import FakeOpenAIServer

SCHEMA = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_llm_run_mixed_input_in_order_then_stats(server, tmp_path, capsys):
    inp = tmp_path / "jobs.jsonl"
    rows = [
        {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": "fake-model", "messages": [{"role": "user", "content": "one"}],
                  "max_tokens": 20}},
        {"messages": [{"role": "user", "content": "two"}], "temperature": 0.2},
        {"custom_id": "c", "body": {"messages": [{"role": "user", "content": "three"}],
                                    "response_format": {"type": "json_schema", "json_schema": {
                                        "name": "s", "schema": SCHEMA}}}},
    ]
    inp.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n{broken\n"
                   + json.dumps(rows[2]) + "\n" + json.dumps({"nomessages": 1}) + "\n")
    out = tmp_path / "results.jsonl"
    try:
        main(["llm", "run", str(inp), "-o", str(out), "--base-url", server.base_url,
              "--model", "fake-model", "--no-progress"])
    except SystemExit as exc:
        assert exc.code == 1  # two malformed lines: failed rows, exit 1 after the run
    else:
        raise AssertionError("a run with failed rows exits 1")
    res = _lines(out)
    assert [r["custom_id"] for r in res] == ["a", "line-2", "line-3", "c", "line-5"]
    assert [r["status"] for r in res] == ["ok", "ok", "failed", "ok", "failed"]
    assert res[0]["response"]["choices"][0]["message"]["content"] == "echo: one"
    assert res[2]["reason"] == "bad_input" and "jobs.jsonl:3" in res[2]["error"]
    assert res[3]["parsed"] == {"score": 1} and len(res[0]["job_key"]) == 32
    two = next(b for b in server.bodies if b["messages"][0]["content"] == "two")
    assert two["temperature"] == 0.2 and "max_tokens" not in two
    capsys.readouterr()
    main(["llm", "stats", str(tmp_path / "results.jsonl.run"), "--json"])
    stats = json.loads(capsys.readouterr().out)
    assert stats["jobs"]["ok"] == 3 and stats["requests"] == 3 and stats["total_tokens"] > 0
    main(["llm", "stats", str(tmp_path / "results.jsonl.run")])
    assert "tokens_per_minute" in capsys.readouterr().out


def test_llm_run_needs_a_model_endpoint(tmp_path, capsys):
    import pytest

    inp = tmp_path / "jobs.jsonl"
    inp.write_text('{"messages": [{"role": "user", "content": "x"}]}\n')
    with pytest.raises(SystemExit) as exit_:
        main(["llm", "run", str(inp), "-o", str(tmp_path / "o.jsonl")])
    assert exit_.value.code == 2
    assert "OPENAI_API_KEY" in capsys.readouterr().err


def test_kill_9_then_rerun_loses_nothing_and_rebuys_only_in_flight(tmp_path):
    n, conc = 60, 4
    inp = tmp_path / "jobs.jsonl"
    inp.write_text("".join(json.dumps({"custom_id": f"j{i}", "body": {
        "messages": [{"role": "user", "content": f"job {i}"}], "max_tokens": 10}}) + "\n"
        for i in range(n)))
    out = tmp_path / "out.jsonl"
    exe = Path(sys.executable).with_name("paperreview")
    with FakeOpenAIServer(latency=0.03) as srv:
        cmd = [str(exe), "llm", "run", str(inp), "-o", str(out), "--base-url", srv.base_url,
               "--model", "fake-model", "--concurrency", str(conc), "--no-progress"]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while sum(srv.count_by_key.values()) < n // 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        answered_before = sum(srv.count_by_key.values())
        assert 0 < answered_before < n
        subprocess.run(cmd, env=env, check=True, timeout=120, stderr=subprocess.DEVNULL)
        res = _lines(out)
        assert [r["custom_id"] for r in res] == [f"j{i}" for i in range(n)]
        assert all(r["status"] == "ok" for r in res)
        # only requests in flight at the kill can have been answered twice
        extra = sum(srv.count_by_key.values()) - n
        assert 0 <= extra <= conc and max(srv.count_by_key.values()) <= 2
