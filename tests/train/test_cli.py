"""End-to-end CLI: `paperreview train`, `train export-llamafactory`, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from paperreview.cli import main
from tests.train.conftest import write_dataset


@pytest.mark.slow
def test_cli_trains_sharegpt_with_yarn_and_the_adapter_loads(tiny_llama_dir, tmp_path, capsys):
    import torch

    from paperreview.train.artifacts import load_model_with_adapter

    data = write_dataset(tmp_path / "sft", "sharegpt", n_train=4)
    out = tmp_path / "adapter"
    main(["train", "--data", str(data), "--base-model", str(tiny_llama_dir), "-o", str(out),
          "--max-length", "4096", "--rope-scaling", "yarn", "--max-steps", "2",
          "--batch-size", "2", "--grad-accum", "1", "--lora-r", "4", "--target-modules",
          "q_proj,v_proj", "--no-gradient-checkpointing", "--save-steps", "2"])
    assert "steps=2" in capsys.readouterr().out
    overrides = json.loads((out / "model_overrides.json").read_text())
    assert overrides["rope_parameters"]["rope_type"] == "yarn"
    assert overrides["max_position_embeddings"] == 4096
    cfg = json.loads((out / "train_config.json").read_text())
    assert cfg["target_modules"] == ["q_proj", "v_proj"] and cfg["gradient_checkpointing"] is False
    model = load_model_with_adapter(out, dtype=torch.float32)
    assert model.config.rope_parameters["factor"] == 2.0
    ids = torch.tensor([[5, 206, 57]])
    with torch.no_grad():
        expected = model(input_ids=ids).logits
    # `train merge` keeps the RoPE override and the adapter's effect
    from transformers import AutoModelForCausalLM

    main(["train", "merge", str(out), "-o", str(tmp_path / "merged"), "--dtype", "fp32"])
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "merged")
    assert merged.config.rope_parameters["rope_type"] == "yarn"
    with torch.no_grad():
        assert torch.allclose(merged(input_ids=ids).logits, expected, atol=1e-4)


def test_cli_bad_input_exits_with_a_clear_error(tiny_llama_dir, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--data", str(tmp_path / "nope"), "--base-model", str(tiny_llama_dir),
              "-o", str(tmp_path / "o")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "dataset directory not found" in err and "paperreview dataset build" in err
    with pytest.raises(SystemExit):
        main(["train", "--data", str(tmp_path)])
    assert "missing --base-model, --output" in capsys.readouterr().err
    data = write_dataset(tmp_path / "sft")
    with pytest.raises(SystemExit) as exc:
        main(["train", "--data", str(data), "--base-model", str(tmp_path), "-o", str(tmp_path / "o")])
    assert "not a model directory" in capsys.readouterr().err


def test_export_llamafactory_has_the_documented_keys(tiny_llama_dir, tmp_path, capsys):
    data = write_dataset(tmp_path / "sft", "messages")
    out = tmp_path / "lf"
    main(["train", "export-llamafactory", "--data", str(data), "--base-model",
          str(tiny_llama_dir), "-o", str(out), "--method", "qlora", "--max-length", "12288",
          "--rope-scaling", "linear", "--longlora", "--template", "llama2"])
    info = json.loads((out / "dataset_info.json").read_text())
    train = info["paperreview_train"]
    assert train["formatting"] == "sharegpt" and train["file_name"] == str(data / "train.jsonl")
    assert train["columns"] == {"messages": "messages"}
    assert train["tags"]["role_tag"] == "role" and train["tags"]["assistant_tag"] == "assistant"
    doc = yaml.safe_load((out / "train_qlora.yaml").read_text())
    for key in ("model_name_or_path", "stage", "do_train", "finetuning_type", "lora_target",
                "lora_rank", "dataset", "dataset_dir", "template", "cutoff_len", "output_dir",
                "per_device_train_batch_size", "gradient_accumulation_steps", "learning_rate",
                "num_train_epochs", "lr_scheduler_type", "bf16", "eval_dataset", "eval_strategy"):
        assert key in doc, key
    assert (doc["stage"], doc["finetuning_type"], doc["quantization_bit"]) == ("sft", "lora", 4)
    assert "quantization_method" not in doc  # "bitsandbytes" or "bnb" by version: use the default
    assert doc["cutoff_len"] == 12902 and doc["train_on_prompt"] is False  # budget + 5%
    # LLaMA-Factory 0.9.5 fails on these: not exported, said in the YAML and on stderr
    assert "rope_scaling" not in doc and "shift_attn" not in doc
    text = (out / "train_qlora.yaml").read_text()
    assert "not exported" in text and "not exported" in capsys.readouterr().err
    assert doc["bf16"] is False and doc["fp16"] is False  # auto on a CPU machine: fp32
    assert "precision auto resolved" in text
    assert doc["dataset"] in info and doc["eval_dataset"] in info
    assert doc["dataset_dir"] == str(out.resolve())


def test_export_alpaca_and_longlora_is_llama_only(tmp_path):
    from paperreview.errors import ConfigError
    from paperreview.train import TrainConfig
    from paperreview.train.llamafactory import export_llamafactory

    data = write_dataset(tmp_path / "sft", "alpaca")
    cfg = TrainConfig(data=str(data), base_model="mistralai/Mistral-7B-Instruct-v0.2",
                      output_dir=str(tmp_path / "lf"), eval=False)
    with pytest.raises(ConfigError, match="Llama models only"):
        export_llamafactory(cfg, longlora=True)
    paths = export_llamafactory(cfg)
    info = json.loads(Path(paths["dataset_info"]).read_text())
    assert list(info) == ["paperreview_train"]
    assert info["paperreview_train"]["columns"] == {"prompt": "instruction", "query": "input",
                                                    "response": "output"}
    doc = yaml.safe_load(Path(paths["yaml"]).read_text())
    assert doc["template"] == "mistral" and doc["lora_target"] == "all"
    assert "eval_dataset" not in doc and "quantization_bit" not in doc
    header = Path(paths["yaml"]).read_text().splitlines()[:5]
    assert not any("LLaMA-Factory will cut" in line for line in header)
    long = write_dataset(tmp_path / "long", "alpaca", report={"tokens": {"max": 20000}})
    paths = export_llamafactory(cfg.model_copy(update={"data": str(long)}))
    assert "records of 20000 tokens > cutoff_len 12902" in Path(paths["yaml"]).read_text()


@pytest.mark.parametrize("model,template", [
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "deepseekr1"), ("google/gemma-2-9b-it", "gemma"),
    ("google/gemma-3-4b-it", "gemma3"), ("microsoft/phi-4", "phi4"),
    ("Qwen/Qwen2.5-7B-Instruct", "qwen"), ("meta-llama/Llama-3.1-8B-Instruct", "llama3")])
def test_templates_of_model_families(model, template):
    from paperreview.train.llamafactory import guess_template

    assert guess_template(model) == template


def test_unknown_model_is_refused_not_given_default(tmp_path):
    from paperreview.errors import ConfigError
    from paperreview.train import TrainConfig
    from paperreview.train.llamafactory import export_llamafactory

    data = write_dataset(tmp_path / "sft", "alpaca")
    cfg = TrainConfig(data=str(data), base_model="my-lab/reviewer-7b",
                      output_dir=str(tmp_path / "lf"), eval=False)
    with pytest.raises(ConfigError, match="no LLaMA-Factory template is known"):
        export_llamafactory(cfg)
    doc = yaml.safe_load(Path(export_llamafactory(cfg, template="llama3")["yaml"]).read_text())
    assert doc["template"] == "llama3"
