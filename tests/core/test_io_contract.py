"""The seams between stages: the writer never leaves a broken line, the reader names bad lines,
atomic writes keep the umask's permissions, and a stage input may be a file or an output dir."""

from __future__ import annotations

import json
import os
import stat

import pytest

from paperreview.errors import ConfigError, InputError
from paperreview.io import (
    BadLine,
    JsonlWriter,
    atomic_write_json,
    iter_jsonl,
    read_jsonl,
    resolve_input,
    truncate_partial_line,
    write_jsonl,
)
from paperreview.stage import Summary, write_stage_files


def test_resume_after_a_killed_write_cuts_the_half_line(tmp_path):
    p = tmp_path / "gen.jsonl"
    with JsonlWriter(p) as w:
        w.write({"id": "a"})
    with p.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "b", "text": "half a li')  # what a kill mid-write leaves
    with JsonlWriter(p) as w:
        assert w.truncated > 0
        w.write({"id": "b"})
    assert list(read_jsonl(p)) == [{"id": "a"}, {"id": "b"}]  # strict: no broken middle line


def test_truncate_partial_line_without_any_newline(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'{"id": ')
    assert truncate_partial_line(p) == 7
    assert p.read_bytes() == b""
    p.write_bytes(b'{"id": 1}\n')
    assert truncate_partial_line(p) == 0


def test_line_separators_are_escaped(tmp_path):
    p = tmp_path / "x.jsonl"
    text = "one\u2028two\u2029three\u0085four"
    with JsonlWriter(p) as w:
        w.write({"id": 1, "text": text})
    write_jsonl(tmp_path / "y.jsonl", [{"id": 2, "text": text}])
    for f in (p, tmp_path / "y.jsonl"):
        raw = f.read_text(encoding="utf-8")
        assert len(raw.splitlines()) == 1  # str.splitlines splits on all three
        assert json.loads(raw)["text"] == text


def test_atomic_writes_keep_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_json(tmp_path / "c.json", {"a": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "c.json").stat().st_mode) == 0o644


def test_reader_names_bad_lines_and_goes_on(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": 1}\nnot json\n[1]\n{"id": 2}\n{"id": 3, "trunc', encoding="utf-8")
    items = list(iter_jsonl(p))
    assert [i["id"] for i in items if isinstance(i, dict)] == [1, 2]
    bad = [i for i in items if isinstance(i, BadLine)]
    assert [b.where for b in bad] == [f"{p}:2", f"{p}:3"]
    with pytest.raises(InputError, match=r"in.jsonl:2: not valid JSON"):
        list(read_jsonl(p))


def test_resolve_input_file_or_output_dir(tmp_path):
    (tmp_path / "submissions.jsonl").write_text("")
    assert resolve_input(tmp_path, ["submissions.jsonl"]) == tmp_path / "submissions.jsonl"
    assert resolve_input(tmp_path / "submissions.jsonl", ["x"]) == tmp_path / "submissions.jsonl"
    with pytest.raises(InputError, match="without .*aggregated.jsonl"):
        resolve_input(tmp_path, ["aggregated.jsonl"], "reviews")
    with pytest.raises(InputError, match="no such file"):
        resolve_input(tmp_path / "nope.jsonl", ["x"])


def test_summary_names_failed_rows_and_stage_files(tmp_path):
    from paperreview.config import StageConfig

    class C(StageConfig):
        api_key: str = "sk-secret"
        n: int = 1

    s = Summary(stage="x")
    s.count("ok")
    s.bad_line(BadLine("in.jsonl:2", "in.jsonl:2: not valid JSON (Expecting value)"))
    assert (s.failed, s.exit_code) == (1, 1)
    write_stage_files(tmp_path, C(), s)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["failed_rows"] == [{"where": "in.jsonl:2",
                                       "error": "in.jsonl:2: not valid JSON (Expecting value)"}]
    assert json.loads((tmp_path / "config.json").read_text()) == {"api_key": "***", "n": 1}


def test_precedence_defaults_file_env_flags(tmp_path):
    from paperreview.config import StageConfig, resolve_config

    class C(StageConfig):
        model: str = "default"
        env_vars: dict[str, str] = {"model": "X_MODEL"}  # noqa: RUF012

    f = tmp_path / "c.json"
    f.write_text('{"model": "file"}')
    assert resolve_config(C, f, {}, env={}).model == "file"
    assert resolve_config(C, f, {}, env={"X_MODEL": "env"}).model == "env"
    assert resolve_config(C, f, {"model": "flag"}, env={"X_MODEL": "env"}).model == "flag"
    with pytest.raises(ConfigError, match="is a directory"):
        resolve_config(C, tmp_path, {})


@pytest.mark.parametrize("name", ["io", "config", "cli_options"])
def test_doctests(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"paperreview.{name}"))
    assert result.attempted and not result.failed


def test_evaluate_loaders_count_a_garbage_line_and_go_on(tmp_path):
    """evaluate used to abort on a malformed line: now it is a failed row naming path:line."""
    from paperreview.evaluate.inputs import load_generated, load_submissions
    from paperreview.records import GeneratedReview, Submission

    gen = tmp_path / "gen.jsonl"
    write_jsonl(gen, [GeneratedReview(id="g1", paper_id="p1", status="ok", text="Fine."),
                      GeneratedReview(id="g2", paper_id="p2", status="ok", text="Weak.")])
    lines = gen.read_text().splitlines()
    gen.write_text("\n".join([lines[0], "{garbage", lines[1]]) + "\n")
    kept, dropped = load_generated(gen)
    assert [g.id for g in kept] == ["g1", "g2"]
    assert list(dropped) == [f"failed row: {gen}:2: not valid JSON (Expecting property name "
                             + "enclosed in double quotes)"]
    subs_dir = tmp_path / "reviews-out"  # a `paperreview reviews` output dir works as --human
    write_jsonl(subs_dir / "submissions.jsonl", [Submission(id="p1", forum="p1")])
    from collections import Counter

    bad: Counter = Counter()
    assert [s.id for s in load_submissions(subs_dir, bad)] == ["p1"] and not bad


def test_engine_precedence_matches_every_stage(monkeypatch, tmp_path):
    """EngineConfig follows the same order as FetchConfig and every stage: defaults < file <
    environment < flags (an `engine:` mapping in a stage's --config is the file level)."""
    from paperreview.llm.options import engine_config_from_options

    opts = {"model": None, "engine_config": None}
    assert engine_config_from_options(opts, {"model": "file"}).model == "file"
    monkeypatch.setenv("PAPERREVIEW_MODEL", "env")
    assert engine_config_from_options(opts, {"model": "file"}).model == "env"
    assert engine_config_from_options({**opts, "model": "flag"}, {"model": "file"}).model == "flag"
    f = tmp_path / "engine.yaml"
    f.write_text("model: file\n")
    with pytest.raises(ConfigError, match="given twice"):
        engine_config_from_options({**opts, "engine_config": str(f)}, {"model": "x"})
