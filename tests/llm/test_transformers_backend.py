"""The local transformers backend on a tiny random Llama (built in the session fixture)."""

from __future__ import annotations

import time

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
        assert engine.config.model.startswith(f"local:{tiny_llama_dir.resolve()}+adapter@")
    assert with_adapter.status == "ok" and with_adapter.usage.get("cost_usd") is None
    # the base alone (or another adapter) in the same run dir is another model: no cache hit
    with Engine(_cfg(tmp_path / "a", tiny_llama_dir)) as engine:
        base_only = engine.complete(req.model_copy(update={"model": "gpt-4o"}))
        assert engine.job_key(req) == base_only.job_key  # a request's model name is ignored
    assert not base_only.cached and base_only.job_key != with_adapter.job_key
    assert base_only.usage.get("cost_usd") is None  # local work is not priced as gpt-4o


def test_missing_adapter_is_a_clear_error(tiny_llama_dir, tmp_path):
    with pytest.raises(ConfigError, match="adapter"):
        Engine(_cfg(tmp_path, tiny_llama_dir, adapter=str(tmp_path / "nope")))
    with pytest.raises(ConfigError, match="--batch-api needs an OpenAI-compatible endpoint"):
        Engine(_cfg(tmp_path, tiny_llama_dir, batch_api=True))


def test_adapter_trained_with_rope_scaling_loads_with_its_overrides_and_tokenizer(
        tiny_llama_dir, tmp_path):
    """An adapter from `paperreview train --rope-scaling yarn` carries model_overrides.json and
    its own tokenizer (the training chat template): the engine must load both."""
    import json

    import torch

    from paperreview.train import TrainConfig, run_training
    from paperreview.train.artifacts import load_model_with_adapter
    from tests.helpers.tiny_models import CHAT_TEMPLATE

    data = tmp_path / "sft"
    data.mkdir()
    with (data / "train.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(4):
            fh.write(json.dumps({"id": f"p{i}", "messages": [
                {"role": "user", "content": "Review: [TITLE] A Study [ABSTRACT] We study things."},
                {"role": "assistant", "content": "Strengths: clear writing. Weaknesses: no error bars."},
            ]}) + "\n")
    template = tmp_path / "chat.jinja"
    template.write_text("{# trained with this template #}" + CHAT_TEMPLATE, encoding="utf-8")
    adapter = tmp_path / "adapter"
    run_training(TrainConfig(
        data=str(data), base_model=str(tiny_llama_dir), output_dir=str(adapter), eval=False,
        max_length=4096, rope_scaling="yarn", chat_template=str(template), max_steps=2,
        batch_size=2, grad_accum=1, lora_r=4, target_modules=["q_proj", "v_proj"],
        gradient_checkpointing=False, save_steps=2, logging_steps=1))
    assert (adapter / "model_overrides.json").exists()

    req = Request(messages=[{"role": "user", "content": "Review the paper."}], max_tokens=6)
    with Engine(EngineConfig(backend="transformers", local_model=str(tiny_llama_dir),
                             adapter=str(adapter), model="tiny", run_dir=str(tmp_path / "run"),
                             device="cpu")) as engine:
        res = engine.complete(req)
        model, tok = engine.backend._model, engine.backend._tok
    assert res.status == "ok" and res.usage["completion_tokens"] == 6
    rope = model.config.rope_parameters
    assert rope["rope_type"] == "yarn" and rope["factor"] == 2.0
    assert rope["original_max_position_embeddings"] == 2048
    assert model.config.max_position_embeddings == 4096
    assert tok.chat_template == template.read_text(encoding="utf-8")  # the adapter's tokenizer
    # the same weights and config as the train package's own loader
    ref = load_model_with_adapter(adapter, str(tiny_llama_dir), dtype=torch.float32)
    ids = torch.tensor([[5, 206, 57, 300]])
    with torch.no_grad():
        assert torch.allclose(model(input_ids=ids).logits, ref(input_ids=ids).logits, atol=1e-5)


def test_adapter_alone_finds_its_base_model(tiny_llama_dir, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    lora = get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_llama_dir),
                          LoraConfig(r=2, target_modules=["q_proj"]))
    lora.save_pretrained(tmp_path / "adapter")  # records base_model_name_or_path
    cfg = EngineConfig(backend="transformers", adapter=str(tmp_path / "adapter"),
                       run_dir=str(tmp_path / "run"))
    assert cfg.is_configured()
    with Engine(cfg) as engine:
        assert engine.backend.model_path == str(tiny_llama_dir)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="not a PEFT adapter"):
        Engine(cfg, adapter=str(tmp_path / "empty"))


@pytest.mark.timeout(60)
def test_a_model_that_cannot_load_stops_the_run_without_hanging(tiny_llama_dir, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(tiny_llama_dir / "config.json", broken)  # config but no weights or tokenizer
    reqs = [Request(messages=[{"role": "user", "content": f"q{i}"}], max_tokens=4)
            for i in range(3)]
    with Engine(_cfg(tmp_path, broken)) as engine:
        with pytest.raises(ConfigError, match="cannot load"):
            list(engine.run(reqs, progress=False))
        # the failed call gave its slot back: queued jobs do not wait for it forever
        ep, give_up = engine.endpoints[0], time.monotonic() + 20
        while ep.in_flight and time.monotonic() < give_up:
            time.sleep(0.1)
        assert ep.in_flight == 0
    with pytest.raises(ConfigError, match="no config.json"):
        Engine(_cfg(tmp_path, tmp_path / "missing"))
