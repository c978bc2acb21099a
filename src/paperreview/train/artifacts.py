"""What is written beside the adapter, and how to load it back with the same model settings.

``OUT/train_config.json``   the resolved :class:`TrainConfig`
``OUT/training_info.json``  token statistics (the dataset's build report + this run's counts),
                            library versions, precision, attention, RoPE overrides, warnings,
                            records skipped as too long, final losses and the log history
``OUT/model_overrides.json`` config fields changed on the base model (RoPE scaling); inference
                            must apply them, which :func:`load_model_with_adapter` does.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import InputError

LIBRARIES = ("paperreview", "torch", "transformers", "peft", "trl", "accelerate", "datasets",
             "tokenizers", "bitsandbytes", "flash-attn")
OVERRIDES = "model_overrides.json"


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        import torch

        out["cuda"] = torch.version.cuda
        out["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:  # pragma: no cover - torch is part of the train extra
        pass
    return out


def read_overrides(adapter_dir: str | Path) -> dict[str, Any]:
    p = Path(adapter_dir) / OVERRIDES
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def base_model_of(adapter_dir: str | Path) -> str:
    """The base model an adapter was trained on (from ``adapter_config.json``)."""
    p = Path(adapter_dir) / "adapter_config.json"
    if not p.exists():
        raise InputError(f"{adapter_dir}: not a PEFT adapter (no adapter_config.json)",
                         "pass the -o folder of `paperreview train`")
    base = json.loads(p.read_text(encoding="utf-8")).get("base_model_name_or_path")
    if not base:
        raise InputError(f"{p}: no base_model_name_or_path", "pass --base-model")
    return base


def load_model_with_adapter(adapter_dir: str | Path, base_model: str | None = None,
                            dtype: Any = "auto", trainable: bool = False, **kwargs: Any):
    """Base model (with the adapter's RoPE overrides) + LoRA adapter, ready for inference.

    >>> model = load_model_with_adapter("runs/reviewer")   # doctest: +SKIP
    """
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from ..llm.gguf import gguf_kwargs, resolve_model
    from .checks import load_model_config

    base, gguf = resolve_model(base_model or base_model_of(adapter_dir))  # a GGUF base too
    cfg = load_model_config(base, gguf_file=gguf)  # a clear error when the base is missing
    for key, value in read_overrides(adapter_dir).items():
        setattr(cfg, key, value)
    model = AutoModelForCausalLM.from_pretrained(base, config=cfg, dtype=dtype, **kwargs,
                                                 **gguf_kwargs(gguf, model=True))
    return PeftModel.from_pretrained(model, str(adapter_dir), is_trainable=trainable)
