"""Key pools fail over; keys never reach the journal, outputs or the saved config."""

from __future__ import annotations

import pytest

from paperreview.errors import ConfigError
from paperreview.llm import EndpointConfig, Engine, Request
from paperreview.llm.pool import read_keys_file
from tests.llm.conftest import fast_config

GOOD, BAD = "sk-good-aaaaaaaaaaaaaaaa", "sk-bad-bbbbbbbbbbbbbbbb"


def _reqs(n):
    return [Request(messages=[{"role": "user", "content": f"q{i}"}], max_tokens=8)
            for i in range(n)]


def test_keys_file_format_and_errors(tmp_path):
    f = tmp_path / "keys.txt"
    f.write_text(f"# my keys\n{GOOD}\nsecond={BAD}  # comment\n\n")
    assert read_keys_file(f) == [("key-1", GOOD), ("second", BAD)]
    f.write_text("# nothing\n")
    with pytest.raises(ConfigError, match="no keys"):
        read_keys_file(f)
    with pytest.raises(ConfigError, match="not found"):
        read_keys_file(tmp_path / "missing.txt")


def test_a_key_with_401_is_dropped_and_work_fails_over(server, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{BAD}\n{GOOD}\n")
    server.fail_key(BAD, "401")
    with Engine(fast_config(server, tmp_path, keys_file=str(keys))) as engine:
        res = list(engine.run(_reqs(12), progress=False))
    assert all(r.status == "ok" for r in res)
    assert server.auth_seen[GOOD] == 12 and server.auth_seen[BAD] <= 4
    assert not server.duplicates()


def test_a_key_with_500s_cools_down_and_the_other_takes_over(server, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{BAD}\n{GOOD}\n")
    server.fail_key(BAD, "500")
    cfg = fast_config(server, tmp_path, keys_file=str(keys), cooldown=30.0, max_retries=5)
    with Engine(cfg) as engine:
        res = list(engine.run(_reqs(20), progress=False))
        bad = next(e for e in engine.endpoints if e.key == BAD)
    assert all(r.status == "ok" for r in res)
    assert bad.cooldown_s >= 30.0 and server.auth_seen[BAD] <= 6


def test_endpoints_from_config_each_with_its_own_limits(server, tmp_path, monkeypatch):
    monkeypatch.setenv("KEY_A", GOOD)
    cfg = fast_config(server, tmp_path, endpoints=[
        EndpointConfig(name="a", api_key_env="KEY_A", rpm=100),
        EndpointConfig(name="b", base_url=server.base_url, tpm=5000, concurrency=2,
                       deadline_base=0.3)])
    with Engine(cfg) as engine:
        assert [e.name for e in engine.endpoints] == ["a", "b"]
        assert set(engine.endpoints[0].buckets) == {"rpm"}
        assert set(engine.endpoints[1].buckets) == {"tpm"}
        assert engine.endpoints[1].cap == 2 and engine.endpoints[1].timeouts == {
            "deadline_base": 0.3}
        assert all(r.status == "ok" for r in engine.run(_reqs(6), progress=False))


def test_keys_never_stored(server, tmp_path, monkeypatch):
    from paperreview.cli import main

    monkeypatch.setenv("OPENAI_API_KEY", GOOD)
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{BAD}\n{GOOD}\n")
    server.fail_key(BAD, "401")   # the 401 body echoes the key back, as OpenAI's does (masked)
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    out = tmp_path / "out.jsonl"
    main(["llm", "run", str(inp), "-o", str(out), "--base-url", server.base_url,
          "--keys-file", str(keys), "--no-progress"])
    assert server.auth_seen[BAD] >= 1 and server.stats["401"] >= 1
    run_dir = tmp_path / "out.jsonl.run"
    blobs = b"".join(p.read_bytes() for p in [out, *run_dir.rglob("*")] if p.is_file())
    assert b"sk-good" not in blobs and b"sk-bad" not in blobs
    assert (run_dir / "journal.sqlite").exists()
