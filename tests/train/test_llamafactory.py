"""The LLaMA-Factory export's template choice: the model's own chat template where LLaMA-Factory
reads it as `review` renders it, a registered template by name otherwise, never `default`.
(test_llamafactory_run.py runs LLaMA-Factory itself on the export.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from paperreview.errors import ConfigError
from paperreview.train import TrainConfig
from paperreview.train.llamafactory import (
    PROBE,
    export_llamafactory,
    lf_tokenizer_prompt,
    tokenizer_route_problem,
)
from tests.helpers.tiny_models import CHAT_TEMPLATE
from tests.train.conftest import write_dataset

# a template that adds a default system turn when none is given (as Qwen2.5's does)
DEFAULT_SYSTEM = (
    "{% if messages[0]['role'] != 'system' %}<|system|>\nYou are a reviewer.<|end|>\n{% endif %}"
    + CHAT_TEMPLATE)
# a template that rejects a system turn (as Gemma's and older Mistral's do)
NO_SYSTEM = ("{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
             "supported') }}{% endif %}" + CHAT_TEMPLATE)


def model_with_template(src: Path, dst: Path, template: str | None) -> Path:
    """A copy of the tiny model whose tokenizer has ``template`` (None: no chat template)."""
    from transformers import AutoTokenizer

    shutil.copytree(src, dst)
    tok = AutoTokenizer.from_pretrained(src)
    (dst / "chat_template.jinja").unlink(missing_ok=True)
    tok.chat_template = template
    tok.save_pretrained(dst)
    return dst


def config(tmp_path, base: Path, **kw) -> TrainConfig:
    data = write_dataset(tmp_path / "sft", "alpaca")
    return TrainConfig(data=str(data), base_model=str(base), output_dir=str(tmp_path / "lf"),
                       eval=False, **kw)


def test_default_system_turn_is_derived_as_llamafactory_does(tiny_llama_dir, tmp_path):
    from transformers import AutoTokenizer

    base = model_with_template(tiny_llama_dir, tmp_path / "m", DEFAULT_SYSTEM)
    tok = AutoTokenizer.from_pretrained(base)
    ours = tok.apply_chat_template([{"role": "user", "content": PROBE}], tokenize=False,
                                   add_generation_prompt=True)
    assert ours.startswith("<|system|>\nYou are a reviewer.<|end|>\n<|user|>\n")
    pieces = lf_tokenizer_prompt(tok, PROBE)  # tokenized one by one, as LLaMA-Factory does
    assert pieces == ["<|system|>\nYou are a reviewer.<|end|>\n", ours[len(pieces[0]):]]
    assert tokenizer_route_problem(str(base)) is None


def test_local_model_uses_its_own_chat_template(tiny_llama_dir, tmp_path):
    paths = export_llamafactory(config(tmp_path, tiny_llama_dir))
    text = Path(paths["yaml"]).read_text()
    assert "template" not in yaml.safe_load(text)  # LLaMA-Factory then reads the tokenizer's
    assert "template not set: LLaMA-Factory reads the model's own chat template" in text
    assert paths["template"].startswith("tokenizer (the model's own chat template")


def test_template_llamafactory_cannot_slot_falls_back_to_the_name(tiny_llama_dir, tmp_path):
    base = model_with_template(tiny_llama_dir, tmp_path / "my-mistral-7b", NO_SYSTEM)
    assert "System role not supported" in tokenizer_route_problem(str(base))
    cfg = config(tmp_path, base)
    paths = export_llamafactory(cfg)
    assert yaml.safe_load(Path(paths["yaml"]).read_text())["template"] == "mistral"
    assert "name or type; its own chat template: LLaMA-Factory cannot cut" in paths["template"]
    with pytest.raises(ConfigError, match="--template tokenizer: .*System role not supported"):
        export_llamafactory(cfg, template="tokenizer")
    other = model_with_template(tiny_llama_dir, tmp_path / "reviewer-7b", NO_SYSTEM)
    with pytest.raises(ConfigError, match="no LLaMA-Factory template is known .* cannot use"):
        export_llamafactory(cfg.model_copy(update={"base_model": str(other)}))


def test_no_chat_template_and_chat_template_file_are_refused(tiny_llama_dir, tmp_path):
    base = model_with_template(tiny_llama_dir, tmp_path / "plain", None)
    assert tokenizer_route_problem(str(base)) == "its tokenizer has no chat template"
    with pytest.raises(ConfigError, match="has no chat template"):
        export_llamafactory(config(tmp_path, base))
    jinja = tmp_path / "t.jinja"
    jinja.write_text(CHAT_TEMPLATE)
    with pytest.raises(ConfigError, match="cannot read a chat template file"):
        export_llamafactory(config(tmp_path, tiny_llama_dir, chat_template=str(jinja)))
    with pytest.raises(ConfigError, match="not a local model directory"):
        export_llamafactory(config(tmp_path, Path("my-lab/reviewer-7b")), template="tokenizer")
