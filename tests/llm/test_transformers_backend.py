"""The local transformers backend on a tiny random Llama (built in the session fixture)."""

from __future__ import annotations

import pytest

from paperreview.errors import ConfigError
from paperreview.llm import Engine, EngineConfig, Request

pytestmark = pytest.mark.slow
SCHEMA = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}


def _cfg(tmp_path, model_dir, **kw):
    return EngineConfig(backend="transformers", local_model=str(model_dir), model="tiny",
                        run_dir=str(tmp_path / "run"), device="cpu", **kw)


def test_generates_journals_and_counts_exact_tokens(tiny_llama_dir, tmp_path):
    req = Request(messages=[{"role": "user", "content": "Review the paper."}], max_tokens=8)
    with Engine(_cfg(tmp_path, tiny_llama_dir)) as engine:
        res = engine.complete(req)
    assert res.status == "ok" and res.usage["completion_tokens"] == 8
    assert res.response["choices"][0]["finish_reason"] == "length"
    with Engine(_cfg(tmp_path, tiny_llama_dir)) as engine:
        assert engine.complete(req).cached


def test_schema_is_validated_and_reasked_the_same_way(tiny_llama_dir, tmp_path):
    req = Request(messages=[{"role": "user", "content": "Score it."}], max_tokens=6,
                  schema=SCHEMA)
    with Engine(_cfg(tmp_path, tiny_llama_dir, max_reasks=1)) as engine:
        res = engine.complete(req)
    # a random model cannot write valid JSON: the item fails after one re-ask, raw output kept
    assert res.status == "failed" and res.attempts == 2
    assert res.reason in ("invalid_json", "schema_validation") and res.response is not None


def test_peft_adapter_is_loaded(tiny_llama_dir, tmp_path):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_llama_dir)
    lora = get_peft_model(base, LoraConfig(r=2, target_modules=["q_proj", "v_proj"],
                                           init_lora_weights=False))
    torch.manual_seed(0)
    adapter = tmp_path / "adapter"
    lora.save_pretrained(adapter)
    req = Request(messages=[{"role": "user", "content": "Review."}], max_tokens=8)
    with Engine(_cfg(tmp_path / "a", tiny_llama_dir, adapter=str(adapter))) as engine:
        with_adapter = engine.complete(req)
        assert type(engine.backend._model).__name__.startswith("Peft")
    assert with_adapter.status == "ok"


def test_missing_adapter_is_a_clear_error(tiny_llama_dir, tmp_path):
    with pytest.raises(ConfigError, match="adapter"):
        Engine(_cfg(tmp_path, tiny_llama_dir, adapter=str(tmp_path / "nope")))
