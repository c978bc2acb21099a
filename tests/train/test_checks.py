"""Preflight checks: errors before long work, warnings for the chat/template mix-ups."""

from __future__ import annotations

import json

import pytest

from paperreview.errors import ConfigError, InputError
from paperreview.train import TrainConfig, checks


def cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"data": "d", "base_model": "m", "output_dir": "o", **kw})


def test_base_model_that_is_not_a_model(tmp_path):
    with pytest.raises(InputError, match="not a model directory"):
        checks.load_model_config(str(tmp_path))
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(InputError, match="not a model directory"):
        checks.load_model_config(str(tmp_path / "weights.bin"))
    with pytest.raises(InputError, match="no such model directory"):
        checks.load_model_config(str(tmp_path / "missing"))
    with pytest.raises(InputError, match="cannot load a model config"):  # offline hub id
        checks.load_model_config("nobody/no-such-model")


def test_encoder_is_not_a_causal_lm(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(
        {"model_type": "bert", "architectures": ["BertForMaskedLM"]}))
    with pytest.raises(InputError, match="not a causal language model"):
        checks.load_model_config(str(tmp_path))


def test_qlora_without_cuda_is_a_clear_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA present: QLoRA is allowed here")
    with pytest.raises(ConfigError, match="QLoRA .* needs a CUDA GPU") as exc:
        checks.check_method(cfg(method="qlora"))
    assert "--method lora" in exc.value.hint


def test_rope_scaling_goes_through_rope_parameters(tiny_llama_dir):
    mc = checks.load_model_config(str(tiny_llama_dir))  # max_position_embeddings 2048
    with pytest.raises(ConfigError, match="longer than the model's context") as exc:
        checks.rope_parameters(mc, cfg(max_length=4096))
    assert "--rope-scaling yarn --rope-factor 2.0" in exc.value.hint
    params = checks.rope_parameters(mc, cfg(max_length=4096, rope_scaling="yarn"))
    assert params["rope_type"] == "yarn" and params["factor"] == 2.0
    assert params["original_max_position_embeddings"] == 2048
    checks.apply_rope(mc, params)
    assert mc.rope_parameters["rope_type"] == "yarn" and mc.max_position_embeddings == 4096
    lin = checks.rope_parameters(checks.load_model_config(str(tiny_llama_dir)),
                                 cfg(max_length=1024, rope_scaling="linear", rope_factor=4))
    assert lin == {"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}


def test_chat_warnings(tiny_tokenizer):
    warns = checks.chat_warnings("meta-llama/Llama-2-7b-hf", tiny_tokenizer, None)
    assert any("does not look like a chat/instruct model" in w for w in warns)
    assert checks.chat_warnings("x/Mistral-7B-Instruct-v0.2", tiny_tokenizer, None) == []
    chatml = "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>{% endfor %}"
    warns = checks.chat_warnings("x/Mistral-7B-Instruct-v0.2", tiny_tokenizer, chatml)
    assert len(warns) == 1 and "<|im_end|>, <|im_start|>" in warns[0]
    # Mistral v0.2 / Llama-2 write [INST] as plain text: not a sign of another model family
    inst = "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}"
    assert checks.chat_warnings("x/Mistral-7B-Instruct-v0.2", tiny_tokenizer, inst) == []


def test_chat_template_file_is_checked_and_used(tiny_llama_dir, tmp_path):
    from paperreview.train.sft import load_tokenizer

    chatml = tmp_path / "chatml.jinja"
    chatml.write_text("{% for m in messages %}<|im_start|>{{ m['content'] }}{% endfor %}")
    warnings: list[str] = []
    tok = load_tokenizer(cfg(base_model=str(tiny_llama_dir), chat_template=str(chatml)), warnings)
    assert tok.chat_template == chatml.read_text()
    assert any("differs from" in w for w in warnings)
    assert any("<|im_start|>, which the model's vocabulary lacks" in w for w in warnings)
    assert not any("no chat template" in w for w in warnings)
    with pytest.raises(InputError, match="chat template file not found"):
        load_tokenizer(cfg(base_model=str(tiny_llama_dir), chat_template=str(tmp_path / "x")), [])


def test_base_tokenizer_without_template_gets_the_fallback(tiny_tokenizer, tmp_path):
    from paperreview.train.data import IGNORE, to_messages, tokenize_conversation
    from paperreview.train.sft import FALLBACK_TEMPLATE, load_tokenizer
    from tests.train.conftest import PAPERS, record

    tiny_tokenizer.save_pretrained(tmp_path / "base")
    (tmp_path / "base" / "chat_template.jinja").unlink()
    warnings: list[str] = []
    tok = load_tokenizer(cfg(base_model=str(tmp_path / "base")), warnings)
    assert tok.chat_template == FALLBACK_TEMPLATE
    assert any("no chat template" in w for w in warnings)
    _, labels = tokenize_conversation(tok, to_messages(record(0, "alpaca"), "alpaca"))
    review = tok.decode([t for t in labels if t != IGNORE])
    assert review.startswith(PAPERS[0][1]) and labels[0] == IGNORE


def test_memory_preflight_refuses_what_cannot_fit(tiny_llama_dir):
    n = checks.estimate_params(checks.load_model_config(str(tiny_llama_dir)))
    assert 100_000 < n < 1_000_000
    assert checks.check_memory(n, cfg(), "fp32")["params"] == n
    with pytest.raises(ConfigError, match="need ~.* GiB") as exc:
        checks.check_memory(2 * 10**12, cfg(method="full"), "fp32")
    assert "qlora" in exc.value.hint


def test_oom_advice_names_what_to_lower():
    err = checks.oom_advice(cfg(max_length=12288, batch_size=2, gradient_checkpointing=False))
    for flag in ("gradient checkpointing", "--max-length (now 12288)", "--batch-size (now 2",
                 "--method qlora"):
        assert flag in err.hint


def test_config_validation(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="--rope-factor needs --rope-scaling"):
        cfg(rope_factor=2.0)
    assert cfg(target_modules="q_proj, v_proj").lora_target_modules() == ["q_proj", "v_proj"]
    # a local base model is recorded absolute (adapter_config.json keeps it), a hub id as is
    (tmp_path / "tiny").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cfg(base_model="tiny").base_model == str(tmp_path.resolve() / "tiny")
    assert cfg(base_model="org/model").base_model == "org/model"


def test_flash_attention_needs_half_precision():
    with pytest.raises(ConfigError, match="bf16 or fp16 only"):
        checks.resolve_attention(cfg(attn_implementation="flash_attention_2"), "fp32")
    assert checks.resolve_attention(cfg(), "fp32") == "sdpa"


def test_dataset_report_mismatches_are_warned(tiny_llama_dir):
    report = {"config": {"tokenizer": str(tiny_llama_dir), "max_tokens": 8192},
              "tokens": {"max_tokens": 8192, "max": 8000}}
    same = cfg(base_model=str(tiny_llama_dir), max_length=8192)
    assert checks.dataset_warnings(report, same) == []
    warns = checks.dataset_warnings(report, cfg(base_model="other/model", max_length=12288))
    assert "fitted to 8192 tokens but --max-length is 12288" in warns[0]
    assert "not other/model" in warns[1]
    # `paperreview dataset build` saves its tokenizer redacted as "***": nothing to compare
    redacted = {"config": {"tokenizer": "***"}, "tokens": {"max_tokens": 8192}}
    assert checks.dataset_warnings(redacted, same) == []
