"""Real training runs on the tiny Llama: loss goes down, adapters reload, merge, resume."""

from __future__ import annotations

import json

import pytest

from paperreview.errors import ConfigError, InputError
from paperreview.train import TrainConfig, run_training
from paperreview.train.artifacts import load_model_with_adapter

pytestmark = pytest.mark.slow


def make_cfg(data, base, out, **kw) -> TrainConfig:
    base_kw = {"max_length": 128, "max_steps": 8, "lr": 5e-3, "batch_size": 2, "grad_accum": 1,
               "lora_dropout": 0.0, "logging_steps": 1, "save_steps": 4, "eval_steps": 4,
               "warmup_ratio": 0.0}
    return TrainConfig(data=str(data), base_model=str(base), output_dir=str(out), **{**base_kw, **kw})


def grab_model():
    from transformers import TrainerCallback

    class Grab(TrainerCallback):
        model = None

        def on_train_end(self, args, state, control, model=None, **kw):
            Grab.model = model

    return Grab()


def logits(model, ids):
    import torch

    model.eval()
    with torch.no_grad():
        return model(input_ids=torch.tensor([ids])).logits


@pytest.fixture(scope="module")
def trained(tiny_llama_dir, tmp_path_factory):
    from tests.train.conftest import write_dataset

    root = tmp_path_factory.mktemp("run")
    data = write_dataset(root / "sft")
    grab = grab_model()
    summary = run_training(make_cfg(data, tiny_llama_dir, root / "adapter"), callbacks=[grab])
    return summary, root / "adapter", grab.model


def test_trainer_batches_carry_labels_on_the_review_only(tiny_llama_dir, tiny_tokenizer, tmp_path):
    """What the trainer feeds the loss: our labels, prompt and padding at -100, review kept."""
    from paperreview.train.data import IGNORE
    from paperreview.train.sft import build_trainer, load_model, prepare
    from tests.train.conftest import PAPERS, write_dataset

    cfg = make_cfg(write_dataset(tmp_path / "sft", n_train=2, n_val=1), tiny_llama_dir,
                   tmp_path / "o")
    prep = prepare(cfg)
    batch = next(iter(build_trainer(cfg, prep, load_model(cfg, prep)).get_train_dataloader()))
    assert batch["labels"].shape == batch["input_ids"].shape and batch["labels"].shape[0] == 2
    reviews = set()
    for ids, labels, mask in zip(batch["input_ids"], batch["labels"], batch["attention_mask"],
                                 strict=True):
        real = mask.bool()
        assert (labels[~real] == IGNORE).all()                       # padding carries no loss
        kept = labels[real] != IGNORE
        first = int(kept.nonzero()[0])
        assert first > 0 and not kept[:first].any()                  # the prompt carries no loss
        assert (labels[real][kept] == ids[real][kept]).all()
        reviews.add(tiny_tokenizer.decode(ids[real][kept]).removesuffix("<|end|>"))
    assert reviews == {review for _, review in PAPERS}               # the review, all of it


def test_few_steps_lower_the_loss(trained):
    summary, out, _ = trained
    info = json.loads((out / "training_info.json").read_text())
    losses = [h["loss"] for h in info["log_history"] if "loss" in h]
    evals = [h["eval_loss"] for h in info["log_history"] if "eval_loss" in h]
    assert len(losses) == 8 and losses[-1] < losses[0] - 0.3
    assert len(evals) >= 2 and evals[-1] < evals[0]
    assert summary.extra["global_step"] == 8 and summary.extra["eval_loss"] == evals[-1]
    # what is saved beside the adapter
    assert info["token_stats"]["dataset_build_report"]["tokens"]["max_tokens"] == 128
    assert any("token counts come from tokenizer tiny" in w for w in info["warnings"])
    assert info["token_stats"]["train"]["examples"] == 8
    assert 0 < info["token_stats"]["train"]["label_tokens"] < info["token_stats"]["train"]["tokens"]
    assert info["library_versions"]["trl"] and info["library_versions"]["peft"]
    assert json.loads((out / "train_config.json").read_text())["max_length"] == 128
    assert (out / "adapter_config.json").exists() and (out / "tokenizer_config.json").exists()


def test_saved_adapter_reloads_to_the_same_logits(trained, tiny_tokenizer):
    import torch

    _, out, live = trained
    ids = tiny_tokenizer("Strengths: clear writing.")["input_ids"]
    reloaded = load_model_with_adapter(out, dtype=torch.float32)
    assert torch.allclose(logits(live, ids), logits(reloaded, ids), atol=1e-5)
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(reloaded.peft_config["default"].base_model_name_or_path)
    assert not torch.allclose(logits(base, ids), logits(reloaded, ids), atol=1e-3)  # it learned


def test_merged_model_matches_base_plus_adapter(trained, tiny_tokenizer, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM

    from paperreview.train.merge import merge_adapter

    _, out, _ = trained
    merged_dir = merge_adapter(out, tmp_path / "merged", dtype="fp32")
    ids = tiny_tokenizer("Weaknesses: no error bars.")["input_ids"]
    merged = AutoModelForCausalLM.from_pretrained(merged_dir)
    expected = logits(load_model_with_adapter(out, dtype=torch.float32), ids)
    assert torch.allclose(logits(merged, ids), expected, atol=1e-4)
    assert (merged_dir / "tokenizer_config.json").exists()
    with pytest.raises(InputError, match="already holds a model"):
        merge_adapter(out, merged_dir)


def test_resume_continues_with_the_same_step_count(tiny_llama_dir, tmp_path):
    from transformers import TrainerCallback

    from tests.train.conftest import write_dataset

    class StopAt(TrainerCallback):  # a run killed right after its checkpoint at step 4
        def on_step_end(self, args, state, control, **kw):
            if state.global_step == 4:
                control.should_training_stop = True

    data = write_dataset(tmp_path / "sft")
    cut = make_cfg(data, tiny_llama_dir, tmp_path / "cut", eval_steps=None)
    run_training(cut, callbacks=[StopAt()])
    assert (tmp_path / "cut" / "checkpoints" / "checkpoint-4").is_dir()
    with pytest.raises(ConfigError, match="already has checkpoints"):
        run_training(cut)
    resumed = run_training(cut.model_copy(update={"resume": True}))
    full = run_training(make_cfg(data, tiny_llama_dir, tmp_path / "full", eval_steps=None))
    assert resumed.extra["global_step"] == full.extra["global_step"] == 8
    info = json.loads((tmp_path / "cut" / "training_info.json").read_text())
    assert info["resumed_from"].endswith("checkpoint-4")
    steps = [h["step"] for h in info["log_history"] if "loss" in h]
    assert steps == list(range(1, 9))  # steps 1-4 kept from the checkpoint, 5-8 trained now
    ref = json.loads((tmp_path / "full" / "training_info.json").read_text())
    ref_losses = [h["loss"] for h in ref["log_history"] if "loss" in h]
    assert [h["loss"] for h in info["log_history"] if "loss" in h] == pytest.approx(ref_losses,
                                                                                    abs=1e-3)


def test_overlong_records_stop_before_training(tiny_llama_dir, tmp_path):
    from tests.train.conftest import write_dataset

    data = write_dataset(tmp_path / "sft")
    with pytest.raises(InputError, match=r"longer than --max-length 40: p\d+ \(\d+ tokens\)"):
        run_training(make_cfg(data, tiny_llama_dir, tmp_path / "o", max_length=40))
    assert not (tmp_path / "o").exists()  # nothing written, no model loaded


def test_overlong_skip_trains_on_the_rest_and_lists_them(tiny_llama_dir, tiny_tokenizer, tmp_path):
    from paperreview.train.data import to_messages, tokenize_conversation
    from tests.train.conftest import record, write_dataset

    lens = sorted(len(tokenize_conversation(tiny_tokenizer, to_messages(record(i, "alpaca"),
                                                                         "alpaca"))[0])
                  for i in range(2))
    assert lens[0] < lens[1]
    data = write_dataset(tmp_path / "sft", n_train=4)
    summary = run_training(make_cfg(data, tiny_llama_dir, tmp_path / "o", max_length=lens[0],
                                    overlong="skip", max_steps=1))
    info = json.loads((tmp_path / "o" / "training_info.json").read_text())
    assert summary.ok == 2 and summary.skipped == 2
    # p1 and p3 of train, p1 of validation
    assert sorted(o["id"] for o in info["skipped_overlong"]) == ["p1", "p1", "p3"]
    assert all(o["tokens"] == lens[1] for o in info["skipped_overlong"])
    assert any("-- skipped (--overlong skip)" in w for w in info["warnings"])


def test_full_fine_tuning_saves_whole_weights(tiny_llama_dir, tmp_path):
    from transformers import AutoModelForCausalLM

    from tests.train.conftest import write_dataset

    data = write_dataset(tmp_path / "sft", n_train=2, n_val=1)
    out = tmp_path / "full"
    summary = run_training(make_cfg(data, tiny_llama_dir, out, method="full", max_steps=1))
    assert summary.outputs["model"] == str(out) and not (out / "adapter_config.json").exists()
    assert AutoModelForCausalLM.from_pretrained(out).config.num_hidden_layers == 2


@pytest.mark.gpu
def test_qlora_and_bf16_train_on_a_gpu(tiny_llama_dir, tmp_path):
    """The CUDA-only path (4-bit base, bf16/fp16): skipped on machines without CUDA + bitsandbytes."""
    import torch

    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    pytest.importorskip("bitsandbytes")
    from tests.train.conftest import write_dataset

    data = write_dataset(tmp_path / "sft", n_train=4, n_val=2)
    out = tmp_path / "qlora"
    summary = run_training(make_cfg(data, tiny_llama_dir, out, method="qlora", max_steps=2))
    info = json.loads((out / "training_info.json").read_text())
    assert summary.extra["global_step"] == 2 and info["precision"] in ("bf16", "fp16")
    assert info["library_versions"]["bitsandbytes"] and (out / "adapter_config.json").exists()
    reloaded = load_model_with_adapter(out, dtype=torch.float32)  # merged/served unquantized
    assert torch.isfinite(logits(reloaded, [5, 206, 57])).all()
