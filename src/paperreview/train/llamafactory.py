"""Export a dataset + training settings for LLaMA-Factory (``llamafactory-cli train FILE.yaml``).

Writes ``OUT/dataset_info.json`` (registers the train and validation JSONL files in their own
format: alpaca or sharegpt, with the column/tag mapping LLaMA-Factory documents in data/README.md)
and ``OUT/train_<method>.yaml`` with the same hyper-parameters ``paperreview train`` would use.

Limits, all LLaMA-Factory's: ``shift_attn`` (LongLoRA's shifted sparse attention) patches Llama
models only; ``cutoff_len`` silently truncates longer records (build the dataset with the same
budget); ``rope_scaling`` takes no factor (it is derived from ``cutoff_len``); ``template`` must
name one of its registered templates for the model family.

>>> from paperreview.train.llamafactory import guess_template
>>> guess_template("mistralai/Mistral-7B-Instruct-v0.2"), guess_template("meta-llama/Llama-2-7b-chat-hf")
('mistral', 'llama2')
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..io import atomic_write_json, atomic_write_text
from .config import TrainConfig
from .data import detect_format, read_build_report, split_path

# (substring of the model name, LLaMA-Factory template), first match wins
TEMPLATES = [("llama-3", "llama3"), ("llama3", "llama3"), ("llama-2", "llama2"),
             ("llama2", "llama2"), ("mistral", "mistral"), ("mixtral", "mistral"),
             ("qwen3", "qwen3"), ("qwen", "qwen"), ("gemma", "gemma"), ("phi-3", "phi"),
             ("yi-", "yi"), ("deepseek", "deepseek")]

FORMATS: dict[str, dict[str, Any]] = {
    "alpaca": {"formatting": "alpaca",
               "columns": {"prompt": "instruction", "query": "input", "response": "output"}},
    "sharegpt": {"formatting": "sharegpt", "columns": {"messages": "conversations"},
                 "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                          "assistant_tag": "gpt", "system_tag": "system"}},
    "messages": {"formatting": "sharegpt", "columns": {"messages": "messages"},
                 "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                          "assistant_tag": "assistant", "system_tag": "system"}},
}


def guess_template(base_model: str) -> str:
    name = base_model.lower()
    return next((t for key, t in TEMPLATES if key in name), "default")


def _is_llama(base_model: str) -> bool:
    cfg = Path(base_model) / "config.json"
    if cfg.exists():
        return json.loads(cfg.read_text(encoding="utf-8")).get("model_type") == "llama"
    return "llama" in base_model.lower()


def _first_format(path: Path) -> str:
    with path.open(encoding="utf-8") as fh:
        return detect_format(json.loads(fh.readline()))


def export_llamafactory(cfg: TrainConfig, template: str | None = None, longlora: bool = False,
                        name: str = "paperreview") -> dict[str, str]:
    """Write ``dataset_info.json`` and a training YAML to ``cfg.output_dir``; returns their paths."""
    import yaml

    data = Path(cfg.data).resolve()
    splits = {"train": split_path(data, "train")}
    if cfg.eval:
        splits["validation"] = split_path(data, "validation")
    fmt = cfg.format if cfg.format != "auto" else _first_format(splits["train"])
    if longlora and not _is_llama(cfg.base_model):
        raise ConfigError("LLaMA-Factory's LongLoRA switch (shift_attn) supports Llama models only",
                          "drop --longlora, or use --rope-scaling for other models")
    registry = {f"{name}_{s}": {"file_name": str(p), **FORMATS[fmt]} for s, p in splits.items()}
    doc: dict[str, Any] = {
        "model_name_or_path": cfg.base_model, "trust_remote_code": cfg.trust_remote_code,
        "stage": "sft", "do_train": True,
        "finetuning_type": "full" if cfg.method == "full" else "lora",
        "dataset_dir": str(Path(cfg.output_dir).resolve()), "dataset": f"{name}_train",
        "template": template or guess_template(cfg.base_model), "cutoff_len": cfg.max_length,
        "train_on_prompt": False, "overwrite_cache": True, "preprocessing_num_workers": 4,
        "output_dir": str(Path(cfg.output_dir).resolve() / "llamafactory-output"),
        "logging_steps": cfg.logging_steps, "save_steps": cfg.save_steps, "plot_loss": True,
        "overwrite_output_dir": False, "report_to": "none",
        "per_device_train_batch_size": cfg.batch_size,
        "gradient_accumulation_steps": cfg.grad_accum, "learning_rate": cfg.lr,
        "num_train_epochs": cfg.epochs, "lr_scheduler_type": cfg.lr_scheduler,
        "warmup_ratio": cfg.warmup_ratio, "bf16": cfg.precision in ("auto", "bf16"),
        "fp16": cfg.precision == "fp16", "seed": cfg.seed,
        "flash_attn": {"flash_attention_2": "fa2", "sdpa": "sdpa", "eager": "disabled"}.get(
            cfg.attn_implementation, "auto"),
        "disable_gradient_checkpointing": not cfg.gradient_checkpointing,
    }
    if cfg.method != "full":
        doc.update(lora_rank=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                   lora_target=",".join(cfg.target_modules) if cfg.target_modules else "all")
    if cfg.method == "qlora":
        # quantization_method is left at its default (bitsandbytes): its spelling changed
        # across versions ("bitsandbytes" -> "bnb"), so naming it breaks one or the other
        doc.update(quantization_bit=4)
    if cfg.rope_scaling:
        doc["rope_scaling"] = cfg.rope_scaling
    if longlora:
        doc["shift_attn"] = True
    if cfg.max_steps > 0:
        doc["max_steps"] = cfg.max_steps
    if "validation" in splits:
        doc.update(eval_dataset=f"{name}_validation", per_device_eval_batch_size=cfg.batch_size,
                   eval_strategy="steps", eval_steps=cfg.eval_steps or cfg.save_steps)
    out = Path(cfg.output_dir)
    info_path, yaml_path = out / "dataset_info.json", out / f"train_{cfg.method}.yaml"
    atomic_write_json(info_path, registry)
    header = _header(cfg, doc["template"], read_build_report(data))
    atomic_write_text(yaml_path, header + yaml.safe_dump(doc, sort_keys=False))
    return {"dataset_info": str(info_path), "yaml": str(yaml_path)}


def _header(cfg: TrainConfig, template: str, report: dict[str, Any] | None) -> str:
    lines = ["# Written by `paperreview train export-llamafactory`.",
             "# Run: llamafactory-cli train " + f"train_{cfg.method}.yaml",
             "# cutoff_len truncates longer records silently: keep it equal to the dataset budget."]
    if cfg.rope_factor:
        lines.append(f"# NOTE: LLaMA-Factory derives the RoPE factor from cutoff_len; "
                     f"--rope-factor {cfg.rope_factor} is not passed on.")
    if template == "default":
        lines.append("# WARNING: no LLaMA-Factory template known for this model; set `template`.")
    longest = _max_tokens(report)
    if longest and longest > cfg.max_length:
        lines.append(f"# WARNING: the dataset has records of {longest} tokens > cutoff_len "
                     f"{cfg.max_length}; LLaMA-Factory will cut them.")
    return "\n".join(lines) + "\n"


def _max_tokens(report: dict[str, Any] | None) -> int | None:
    """The longest record in the dataset's build report (``tokens.max``), if recorded."""
    tokens = (report or {}).get("tokens") if isinstance(report, dict) else None
    longest = tokens.get("max") if isinstance(tokens, dict) else None
    return int(longest) if isinstance(longest, int | float) else None
