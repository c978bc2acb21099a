"""Preflight checks: everything that can be known wrong is reported before any long work starts.

Errors (stop): a base model that is not a model, QLoRA without CUDA/bitsandbytes, a context longer
than the model's without RoPE scaling, weights that cannot fit in memory. Warnings (go on): a base
model that is not a chat/instruct model, a chat template whose markers the vocabulary lacks.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError
from .config import TrainConfig

log = logging.getLogger("paperreview.train")
CHAT_NAME = re.compile(r"(chat|instruct|\bit\b|-it\b|sft|dpo|rlhf|assistant)", re.IGNORECASE)
# control tokens inside chat templates (<|im_start|>, <start_of_turn>, ...): each is one token of
# the vocabulary it was made for. Not [INST]: Llama-2 and Mistral v0.1/v0.2 spell it as plain text.
TEMPLATE_MARKER = re.compile(r"<\|[a-zA-Z_]+\|>|<start_of_turn>|<end_of_turn>")


def load_model_config(base_model: str, trust_remote_code: bool = False,
                      gguf_file: str | None = None):
    """The model's ``config.json`` (or a GGUF file's metadata); InputError when ``base_model``
    is not a model."""
    from transformers import AutoConfig

    from ..llm.gguf import gguf_kwargs

    p = Path(base_model).expanduser()
    if p.exists():
        if not p.is_dir() or not ((p / "config.json").exists() or gguf_file):
            raise InputError(f"{p}: not a model directory (no config.json)",
                             "pass a folder saved with save_pretrained() or a Hugging Face hub id")
    elif base_model.startswith((".", "/", "~")) or os.sep in base_model.strip("/").replace("/", "", 1):
        raise InputError(f"{base_model}: no such model directory", "check the --base-model path")
    try:
        cfg = AutoConfig.from_pretrained(str(p) if p.exists() else base_model,
                                         trust_remote_code=trust_remote_code,
                                         **gguf_kwargs(gguf_file))
    except (OSError, ValueError) as exc:
        raise InputError(f"{base_model}: cannot load a model config ({str(exc).splitlines()[0]})",
                         "check the hub id, log in with `hf auth login`, or download the model "
                         "and pass its folder") from None
    archs = getattr(cfg, "architectures", None) or []
    if archs and not any(a.endswith("ForCausalLM") or "ConditionalGeneration" in a for a in archs):
        raise InputError(f"{base_model}: {archs[0]} is not a causal language model",
                         "pass a decoder model such as Mistral-7B-Instruct")
    return cfg


def check_method(cfg: TrainConfig) -> None:
    import torch

    if cfg.method == "qlora":
        if not torch.cuda.is_available():
            raise ConfigError("QLoRA (4-bit through bitsandbytes) needs a CUDA GPU; none is visible",
                              "use --method lora on this machine, or train on a CUDA GPU")
        if importlib.util.find_spec("bitsandbytes") is None:
            raise ConfigError("QLoRA needs the bitsandbytes package",
                              "pip install 'paperreview[qlora]'")


def resolve_precision(cfg: TrainConfig) -> str:
    """'bf16' on GPUs that support it, 'fp16' on older GPUs, 'fp32' on CPU (unless set)."""
    import torch

    if cfg.precision != "auto":
        if cfg.precision == "fp16" and not torch.cuda.is_available():
            raise ConfigError("fp16 training needs a CUDA GPU", "use --precision fp32 or bf16")
        if (cfg.precision == "bf16" and torch.cuda.is_available()
                and not torch.cuda.is_bf16_supported()):
            raise ConfigError(f"{torch.cuda.get_device_name(0)} does not support bf16",
                              "use --precision fp16 (or auto)")
        return cfg.precision
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def resolve_attention(cfg: TrainConfig, precision: str) -> str:
    import torch

    fa2 = importlib.util.find_spec("flash_attn") is not None and torch.cuda.is_available()
    if cfg.attn_implementation == "flash_attention_2" and precision == "fp32":
        raise ConfigError("flash_attention_2 runs in bf16 or fp16 only",
                          "use --precision bf16 (or auto on a GPU), or --attn-implementation sdpa")
    if cfg.attn_implementation == "flash_attention_2" and not fa2:
        raise ConfigError("flash_attention_2 needs the flash-attn package and a CUDA GPU",
                          "pip install flash-attn, or use --attn-implementation sdpa")
    if cfg.attn_implementation != "auto":
        return cfg.attn_implementation
    return "flash_attention_2" if fa2 and precision in ("bf16", "fp16") else "sdpa"


def rope_parameters(model_cfg, cfg: TrainConfig) -> dict[str, Any] | None:
    """New ``rope_parameters`` for a longer context, or None when the model already fits.

    transformers 5 keeps RoPE settings in ``config.rope_parameters`` (``rope_type``, ``factor``,
    ``rope_theta``, ``original_max_position_embeddings`` for yarn); see modeling_rope_utils.py.
    """
    trained = int(getattr(model_cfg, "max_position_embeddings", 0) or 0)
    if cfg.rope_scaling is None:
        if trained and cfg.max_length > trained:
            f = math.ceil(cfg.max_length / trained * 10) / 10
            raise ConfigError(
                f"--max-length {cfg.max_length} is longer than the model's context ({trained})",
                f"add --rope-scaling yarn --rope-factor {f}, or lower --max-length")
        return None
    current = dict(getattr(model_cfg, "rope_parameters", None) or {})
    if any(isinstance(v, dict) for v in current.values()):
        raise ConfigError("this model has per-layer RoPE settings; --rope-scaling is not supported",
                          "drop --rope-scaling")
    factor = cfg.rope_factor or max(cfg.max_length / max(trained, 1), 1.0)
    if factor <= 1.0:
        return None
    params = {"rope_type": cfg.rope_scaling, "factor": float(factor),
              "rope_theta": current.get("rope_theta", getattr(model_cfg, "rope_theta", 10000.0))}
    if "partial_rotary_factor" in current:
        params["partial_rotary_factor"] = current["partial_rotary_factor"]
    if cfg.rope_scaling == "yarn":
        params["original_max_position_embeddings"] = trained
    return params


def apply_rope(model_cfg, params: dict[str, Any]) -> None:
    trained = int(model_cfg.max_position_embeddings)
    model_cfg.rope_parameters = params
    if params["rope_type"] != "dynamic":  # dynamic NTK scales itself past the trained length
        model_cfg.max_position_embeddings = int(trained * params["factor"])
    model_cfg.validate_rope()


def chat_warnings(base_model: str, tokenizer, template: str | None) -> list[str]:
    """Why the seed saw an initial loss of 6: a base model, or a template the model never saw."""
    out = []
    template = template or tokenizer.chat_template
    if not CHAT_NAME.search(Path(base_model).name):
        out.append(f"{base_model} does not look like a chat/instruct model; a base model needs far "
                   "more data to learn the review format (expect a high initial loss)")
    if not template:
        out.append("the tokenizer has no chat template; a plain fallback template is used, and "
                   "`review` must prompt with this adapter's saved tokenizer")
        return out
    vocab = tokenizer.get_vocab()
    missing = sorted({m for m in TEMPLATE_MARKER.findall(template) if m not in vocab})
    if missing:
        out.append(f"the chat template uses {', '.join(missing)}, which the model's vocabulary "
                   "lacks: the template probably belongs to another model family")
    return out


def dataset_warnings(report: dict[str, Any] | None, cfg: TrainConfig) -> list[str]:
    """Compare the dataset's ``build_report.json`` (budget, tokenizer) with this run."""
    if not isinstance(report, dict):
        return []
    built = report.get("config") or {}
    budget = (report.get("tokens") or {}).get("max_tokens") or built.get("max_tokens")
    out = []
    if budget and int(budget) != cfg.max_length:
        out.append(f"the dataset was fitted to {budget} tokens but --max-length is "
                   f"{cfg.max_length}; use the same number")
    tok = built.get("tokenizer")
    if tok == "***":  # reports written before redact() learnt that "tokenizer" is no secret
        tok = None
    if tok and Path(str(tok)).expanduser().resolve() != Path(cfg.base_model).expanduser().resolve():
        out.append(f"the dataset's token counts come from tokenizer {tok}, not {cfg.base_model}; "
                   "records may not fit (each is checked again here)")
    return out


def estimate_params(model_cfg, trust_remote_code: bool = False) -> int:
    """Parameter count from the config alone (weights built on the meta device, no memory).

    Returns 0 (= skip the memory check) for architectures that cannot be built this way.
    """
    import torch
    from transformers import AutoModelForCausalLM

    try:
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(model_cfg, trust_remote_code=trust_remote_code)
    except Exception as exc:  # noqa: BLE001 - remote code may raise anything; advisory check
        log.warning("cannot estimate the model size from its config (%s); skipping the memory "
                    "preflight", exc)
        return 0
    return sum(p.numel() for p in model.parameters())


def check_memory(n_params: int, cfg: TrainConfig, precision: str) -> dict[str, float]:
    """Refuse to start when the weights (plus full fine-tuning's optimizer state) cannot fit."""
    import torch

    per_param = 0.55 if cfg.method == "qlora" else (4 if precision == "fp32" else 2)
    if cfg.method == "full":
        per_param += 12  # fp32 grads + Adam m and v
    need = n_params * per_param / 2**30
    if torch.cuda.is_available():
        have, where = torch.cuda.get_device_properties(0).total_memory / 2**30, "GPU"
    else:
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        where = "RAM"
    if need > have * 0.95:
        raise ConfigError(
            f"the model's weights{' and optimizer state' if cfg.method == 'full' else ''} need "
            f"~{need:.1f} GiB but the {where} has {have:.1f} GiB",
            "use --method qlora (on a GPU) or lora instead of full, or a smaller base model")
    return {"params": n_params, "weights_gib": round(need, 2), "device_gib": round(have, 2)}


def oom_advice(cfg: TrainConfig) -> ConfigError:
    lower = [f"--max-length (now {cfg.max_length})",
             f"--batch-size (now {cfg.batch_size}; raise --grad-accum to keep the effective batch)"]
    if not cfg.gradient_checkpointing:
        lower.insert(0, "turn gradient checkpointing back on (drop --no-gradient-checkpointing)")
    if cfg.method != "qlora":
        lower.append("--method qlora")
    if cfg.lora_r > 8 and cfg.method != "full":
        lower.append(f"--lora-r (now {cfg.lora_r})")
    return ConfigError("out of memory while training", "lower: " + "; ".join(lower))
