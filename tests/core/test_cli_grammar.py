"""One CLI grammar: every stage command takes `-o, --output` and `--config FILE` (a directory is
a one-line usage error, exit 2), old flag spellings still work with a warning, and `review`
resumes a JSONL after a killed run without leaving a broken line."""

from __future__ import annotations

import dataclasses
import json

import pytest

from paperreview.io import read_jsonl
from tests.review.test_cli import run_cli as run

#: every command that reads or writes stage records
STAGE_COMMANDS = [
    ["parse"], ["llm", "run"],
    ["reviews", "fetch"], ["reviews", "import-peerread"], ["reviews", "filter"], ["reviews", "join"],
    ["aggregate"], ["dataset", "build"], ["dataset", "stats"],
    ["train", "fit"], ["train", "merge"], ["train", "export-llamafactory"],
    ["train", "export-accelerate-config"], ["train", "export-vllm"], ["evaluate", "calibrate"],
    ["review"], ["check"],
    ["evaluate", "hit-rate"], ["evaluate", "scores"], ["evaluate", "decisions"],
    ["evaluate", "judge"], ["evaluate", "accept-baseline"],
    ["evaluate", "perturb", "make"], ["evaluate", "perturb", "score"], ["evaluate", "scorecard"],
    ["tasks", "data"], ["tasks", "baseline"], ["tasks", "run"], ["tasks", "evaluate"],
]
IDS = [" ".join(c) for c in STAGE_COMMANDS]


@pytest.mark.parametrize("cmd", STAGE_COMMANDS, ids=IDS)
def test_help_shows_output_and_config(cmd, capsys):
    code, out, _ = run([*cmd, "--help"], capsys)
    assert code == 0
    assert "-o, --output" in out
    assert "--config" in out


@pytest.mark.parametrize("cmd", STAGE_COMMANDS, ids=IDS)
def test_config_dir_is_one_line_exit_2(cmd, capsys, tmp_path):
    code, out, err = run([*cmd, "--config", tmp_path], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: --config") and "is a directory" in lines[0]
    assert "Traceback" not in err + out


@pytest.mark.parametrize("cmd", [["parse"], ["aggregate"], ["train", "fit"]], ids=str)
def test_missing_config_file_is_exit_2(cmd, capsys, tmp_path):
    code, _, err = run([*cmd, "--config", tmp_path / "nope.yaml"], capsys)
    assert code == 2 and "no such file" in err and len(err.strip().splitlines()) == 1


def test_config_file_gives_defaults_and_rejects_unknown_keys(capsys, tmp_path):
    """Commands without a typed config take their own option names as keys (flags still win)."""
    cfg = tmp_path / "check.yaml"
    cfg.write_text("list_rules: true\n")
    code, out, _ = run(["check", "--config", cfg], capsys)
    assert code == 0 and len(out.splitlines()) > 5  # the rule list, as with --list-rules
    cfg.write_text("no_such_option: 1\n")
    code, _, err = run(["check", "--config", cfg], capsys)
    assert code == 2 and "unknown key(s) no_such_option" in err


def test_deprecated_spelling_still_works_with_a_warning(capsys, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "submissions.jsonl").write_text("")
    code, _, err = run(["reviews", "filter", tmp_path / "in", "--out-dir", tmp_path / "out",
                        "--min-tokens", "5"], capsys)
    assert code == 0
    assert "--out-dir is deprecated" in err and "use --output" in err
    assert "--min-tokens is deprecated" in err and "--min-review-tokens" in err
    assert json.loads((tmp_path / "out" / "config.json").read_text())["min_tokens"] == 5


def test_stage_input_names_the_file_it_looked_for(capsys, tmp_path):
    code, _, err = run(["reviews", "filter", tmp_path, "-o", tmp_path / "out"], capsys)
    assert code == 2
    assert f"{tmp_path / 'submissions.jsonl'}" in err


def test_review_resumes_after_a_killed_write(capsys, tmp_path):
    """`review a.pdf -o gen.jsonl`, a half line appended (as a kill leaves it), then
    `review a.pdf b.pdf -o gen.jsonl`: strict JSONL with exactly two records."""
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_paper_pdf(a, SAMPLE_SPEC)
    write_paper_pdf(b, dataclasses.replace(SAMPLE_SPEC, title="A Second Paper About Graphs"))
    gen = tmp_path / "gen.jsonl"
    code, _, err = run(["review", a, "-o", gen], capsys)
    assert code == 0, err
    with gen.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "killed", "text": "half a rev')
    code, _, err = run(["review", a, b, "-o", gen], capsys)
    assert code == 0, err
    rows = list(read_jsonl(gen))  # strict: raises on any broken line
    assert len(rows) == 2
    assert [r["source"].rsplit("/", 1)[-1] for r in rows] == ["a.pdf", "b.pdf"]
    assert gen.read_text(encoding="utf-8").count("\n") == 2
