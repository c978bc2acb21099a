"""The foundation: JSONL io, config resolution, error messages, a CLI that stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from paperreview.config import StageConfig, redact, resolve_config, save_resolved
from paperreview.errors import ConfigError, InputError
from paperreview.io import (
    JsonlWriter,
    atomic_write_json,
    done_ids,
    read_jsonl,
    read_records,
    stable_hash,
)
from paperreview.records import Paper
from paperreview.stage import Summary


def test_jsonl_roundtrip_and_done_ids(tmp_path):
    p = tmp_path / "out.jsonl"
    with JsonlWriter(p) as w:
        w.write({"id": "a", "status": "ok"})
        w.write({"id": "b", "status": "failed"})
    assert [r["id"] for r in read_jsonl(p)] == ["a", "b"]
    assert done_ids(p) == {"a"}
    assert done_ids(p, statuses=None) == {"a", "b"}


def test_truncated_last_line_is_skipped_and_next_append_starts_fresh(tmp_path):
    p = tmp_path / "out.jsonl"
    p.write_text('{"id": "a"}\n{"id": "b", "sta')  # killed mid-write
    assert [r["id"] for r in read_jsonl(p)] == ["a"]
    with JsonlWriter(p) as w:
        w.write({"id": "c"})
    assert [r["id"] for r in read_jsonl(p, skip_bad=True)] == ["a", "c"]


def test_malformed_middle_line_names_path_and_line(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": 1}\nnot json\n{"id": 2}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        list(read_jsonl(p))


def test_read_records_names_the_bad_record(tmp_path):
    p = tmp_path / "papers.jsonl"
    p.write_text(json.dumps({"id": "x", "n_pages": "many"}) + "\n")
    with pytest.raises(InputError, match="record 1 is not a valid Paper: n_pages"):
        list(read_records(p, Paper))


def test_stable_hash_ignores_key_order():
    assert stable_hash({"a": 1, "b": [1, 2]}) == stable_hash({"b": [1, 2], "a": 1})
    assert stable_hash({"a": 1}) != stable_hash({"a": 2})


class _Cfg(StageConfig):
    model: str = "m"
    rpm: int = 60
    api_key: str | None = None
    env_vars: dict[str, str] = {"api_key": "X_KEY"}  # noqa: RUF012 - a pydantic field


def test_config_precedence_defaults_file_flags_env(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("model: from-file\nrpm: 5\n")
    cfg = resolve_config(_Cfg, f, {"rpm": 7, "model": None}, env={"X_KEY": "sk-123"})
    assert (cfg.model, cfg.rpm, cfg.api_key) == ("from-file", 7, "sk-123")


def test_config_rejects_unknown_keys(tmp_path):
    f = tmp_path / "c.json"
    f.write_text('{"modle": "x"}')
    with pytest.raises(ConfigError, match="unknown key 'modle'"):
        resolve_config(_Cfg, f)


def test_saved_config_redacts_secrets(tmp_path):
    cfg = resolve_config(_Cfg, None, None, env={"X_KEY": "sk-secret"})
    path = save_resolved(cfg, tmp_path)
    assert "sk-secret" not in path.read_text()
    assert redact({"nested": {"api_key": "k", "max_tokens": 5}}) == {
        "nested": {"api_key": "***", "max_tokens": 5}}
    kept = {"tokenizer": "tok/dir", "api_key_env": "OPENAI_API_KEY", "keys_file": "k.txt",
            "max_tokens": 9}
    assert redact(kept) == kept
    assert redact({"hf_token": "x", "password": "p", "OPENAI_API_KEY": "sk"}) == {
        "hf_token": "***", "password": "***", "OPENAI_API_KEY": "***"}


def test_summary_counts_by_reason(tmp_path):
    s = Summary(stage="x")
    s.count("ok")
    s.count("failed", "timeout")
    s.count("failed", "timeout")
    s.count("skipped", "no reviews")
    assert (s.total, s.ok, s.failed, s.skipped) == (4, 1, 2, 1)
    assert s.reasons == {"failed: timeout": 2, "skipped: no reviews": 1}
    s.write(tmp_path / "summary.json")
    assert json.loads((tmp_path / "summary.json").read_text())["failed"] == 2


def test_atomic_write_leaves_no_temp_files(tmp_path):
    atomic_write_json(tmp_path / "a.json", {"x": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_help_lists_stages_and_imports_nothing_heavy():
    code = (
        "import sys; from paperreview.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'peft', 'trl', 'gradio', 'ray',"
        " 'sentence_transformers', 'datasets') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for stage in ("parse", "llm", "reviews", "aggregate", "dataset", "train", "review", "check",
                  "evaluate"):
        assert stage in out.stdout
    assert "HEAVY []" in out.stdout


@pytest.mark.parametrize("stage", ["parse", "llm", "reviews", "aggregate", "dataset", "train",
                                   "review", "check", "evaluate"])
def test_each_stage_help_imports_no_torch(stage):
    code = (
        "import sys; from paperreview.cli import main\n"
        f"try:\n    main([{stage!r}, '--help'])\nexcept SystemExit:\n    pass\n"
        "print('TORCH', 'torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "TORCH False False" in out.stdout, out.stdout + out.stderr
    assert f"paperreview {stage}" in out.stdout, out.stderr  # the stage's own usage line


def test_record_files_skip_stage_bookkeeping_but_not_papers_named_like_it(tmp_path):
    from paperreview.io import record_files

    (tmp_path / "a.json").write_text('{"id": "a"}')
    (tmp_path / "parse_config.json").write_text('{"workers": 2}')
    (tmp_path / "summary.json").write_text('{"stage": "parse"}')
    (tmp_path / "config.json").write_text('{"id": "paper-from-config.pdf"}')
    assert [f.name for f in record_files(tmp_path)] == ["a.json", "config.json"]
