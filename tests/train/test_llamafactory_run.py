"""LLaMA-Factory trains what `train export-llamafactory` writes, on the prompt `review` sends.

The dataset stage builds records for the tiny random Llama (its own chat template, a model
LLaMA-Factory has no template for), the export writes the YAML, and `llamafactory-cli train` from
LLaMA-Factory's own venv runs it *as written* (2 steps: the export's `--max-steps`) on CPU. Its
preprocessing prints the first training record's `input_ids` and `label_ids`; the ids the loss
skips (label -100) are the prompt, which must be, byte for byte and token for token, what
`paperreview review --local-model` sends the model for the same paper, with the base model and
with LLaMA-Factory's adapter (whose saved chat template must be the model's own).

The venv comes from `make lf-venv` (`make test` builds it): tests/train/lf_env/build.sh.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.dataset.conftest import make_paper, review_line, write_inputs
from tests.review.test_cli import run_cli

REPO = Path(__file__).resolve().parents[2]
LF_VENV = Path(os.environ.get("PAPERREVIEW_LF_VENV") or REPO / ".lfvenv")

LF_CLI = LF_VENV / "bin" / "llamafactory-cli"
MISSING = not (LF_VENV / ".stamp").exists() or not LF_CLI.exists()
WHY = (f"LLaMA-Factory's venv not found at {LF_VENV} (`make lf-venv` builds it, `make test` too; "
       "or set PAPERREVIEW_LF_VENV)")
# CI (`make test`) builds the venv: there a missing one is a failure, not a skip
IN_CI = os.environ.get("CI", "").lower() == "true"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING and not IN_CI, reason=WHY)]


@pytest.fixture(autouse=True)
def _venv_built():
    if MISSING:
        pytest.fail(f"{WHY}; CI=true makes this a failure")


def first_example(log: str) -> tuple[list[int], list[int]]:
    """The first ``input_ids:`` / ``label_ids:`` LLaMA-Factory printed (the train split's first
    record; the validation split's comes after it)."""
    ids = re.search(r"^input_ids:\n(\[.*?\])$", log, re.MULTILINE)
    labels = re.search(r"^label_ids:\n(\[.*?\])$", log, re.MULTILINE)
    assert ids and labels, log[-3000:]
    return ast.literal_eval(ids.group(1)), ast.literal_eval(labels.group(1))


def sent_prompts(monkeypatch) -> list[str]:
    """Every prompt string the local transformers backend renders (what it tokenizes and sends)."""
    from paperreview.llm.backends.transformers_backend import TransformersBackend

    seen: list[str] = []
    original = TransformersBackend._prompt

    def spy(self, messages):
        seen.append(original(self, messages))
        return seen[-1]

    monkeypatch.setattr(TransformersBackend, "_prompt", spy)
    return seen


def test_exported_yaml_trains_in_llamafactory_on_our_prompt(tiny_llama_dir, tmp_path, capsys,
                                                            monkeypatch):
    papers = [make_paper(f"p{i}", n_method=1, words=6, appendix=False) for i in range(6)]
    pdir, rpath = write_inputs(tmp_path, papers, [review_line(f"s{i}", f"p{i}") for i in range(6)])
    data, lf = tmp_path / "sft", tmp_path / "lf"
    code, _, err = run_cli(["dataset", "build", "--papers", pdir, "--reviews", rpath, "-o", data,
                            "--tokenizer", tiny_llama_dir, "--max-seq-tokens", 1024,
                            "--splits", "0.7,0.15,0.15", "--workers", 1], capsys)
    assert code == 0, err
    code, out, err = run_cli(["train", "export-llamafactory", "--data", data, "--base-model",
                              tiny_llama_dir, "-o", lf, "--max-steps", 2, "--max-seq-tokens",
                              1024], capsys)
    assert code == 0, err
    assert "template: tokenizer (the model's own chat template" in out  # no template of LF's

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1"}
    start = time.monotonic()
    proc = subprocess.run([str(LF_CLI), "train", str(lf / "train_lora.yaml")], cwd=lf, env=env,
                          capture_output=True, text=True, timeout=240, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    seconds = time.monotonic() - start
    adapter = lf / "llamafactory-output"
    assert (adapter / "adapter_model.safetensors").is_file()
    assert json.loads((adapter / "trainer_state.json").read_text())["global_step"] == 2
    # the template was taken from the tokenizer, and saved unchanged beside the adapter
    assert "`template` was not specified, try parsing the chat template" in log
    from transformers import AutoTokenizer

    base_tok = AutoTokenizer.from_pretrained(tiny_llama_dir)
    assert AutoTokenizer.from_pretrained(adapter).chat_template == base_tok.chat_template

    ids, labels = first_example(log)
    n_prompt = next(i for i, label in enumerate(labels) if label != -100)
    assert set(labels[:n_prompt]) == {-100} and -100 not in labels[n_prompt:]
    trained = base_tok.decode(ids[:n_prompt])
    with capsys.disabled():  # shown with -s
        print(f"\nllamafactory-cli train: exit 0 in {seconds:.1f} s; the first training "
              f"record's prompt ({n_prompt} tokens):\n{trained}")

    # `paperreview review` of the first training record's paper, base model then the LF adapter
    first = json.loads((data / "train.jsonl").read_text(encoding="utf-8").splitlines()[0])
    sent = sent_prompts(monkeypatch)
    paper = pdir / f"{first['paper_id']}.json"
    for name, extra in (("base", []), ("adapter", ["--adapter", adapter])):
        code, _, err = run_cli(["review", paper, "--local-model", tiny_llama_dir, *extra,
                                "-t", "four-aspect", "--method", "zero-shot",
                                "--max-new-tokens", 16, "--run-dir", tmp_path / f"llm-{name}",
                                "-o", tmp_path / f"review-{name}.json"], capsys)
        assert code in (0, 1), err  # 1: the random model's answer is no review
    assert len(sent) == 2, sent
    for prompt in sent:
        assert prompt.encode("utf-8") == trained.encode("utf-8")
        assert base_tok(prompt, add_special_tokens=False)["input_ids"] == ids[:n_prompt]
    assert first["instruction"] + "\n" + first["input"] in trained
    assert base_tok.decode(ids[n_prompt:]).startswith(first["output"])


LF_ENCODE = """
import json, sys
from types import SimpleNamespace
from transformers import AutoTokenizer
from llamafactory.data.template import get_template_and_fix_tokenizer
args = SimpleNamespace(template=None, train_on_prompt=False, tool_format=None, default_system=None)
out = {}
for path in sys.argv[2:]:
    tok = AutoTokenizer.from_pretrained(path)
    try:
        template = get_template_and_fix_tokenizer(tok, args)
        prompt, _ = template.encode_oneturn(
            tok, [{"role": "user", "content": sys.argv[1]}, {"role": "assistant", "content": "ok"}])
        out[path] = prompt
    except Exception as exc:
        out[path] = f"error: {exc}"
print(json.dumps(out))
"""


def test_replayed_slot_cutting_is_llamafactorys(tiny_llama_dir, tmp_path):
    """`lf_tokenizer_prompt` (the export's check) against LLaMA-Factory's own template code, on
    the tiny template, one that adds a default system turn, and one that rejects system turns."""
    from transformers import AutoTokenizer

    from paperreview.train.llamafactory import PROBE, lf_tokenizer_prompt
    from tests.train.test_llamafactory import DEFAULT_SYSTEM, NO_SYSTEM

    dirs = {}
    for name, template in (("own", None), ("default-system", DEFAULT_SYSTEM),
                           ("no-system", NO_SYSTEM)):
        tok = AutoTokenizer.from_pretrained(tiny_llama_dir)
        tok.chat_template = template or tok.chat_template
        tok.save_pretrained(tmp_path / name)
        dirs[name] = (tmp_path / name, tok)
    proc = subprocess.run([str(LF_VENV / "bin" / "python"), "-c", LF_ENCODE, PROBE,
                           *(str(d) for d, _ in dirs.values())], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    for name in ("own", "default-system"):
        path, tok = dirs[name]
        ours = [i for p in lf_tokenizer_prompt(tok, PROBE) for i in tok.encode(
            p, add_special_tokens=False)]
        assert theirs[str(path)] == ours, name
    assert "System role not supported" in theirs[str(dirs["no-system"][0])]
