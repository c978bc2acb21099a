"""Merge a LoRA adapter into its base model's weights (one folder, no peft needed to serve it).

>>> from paperreview.train.merge import merge_adapter
>>> merge_adapter("runs/reviewer", "runs/reviewer-merged")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, InputError
from ..io import atomic_write_json
from .artifacts import base_model_of, load_model_with_adapter


def merge_adapter(adapter_dir: str | Path, out_dir: str | Path, base_model: str | None = None,
                  dtype: str = "auto") -> Path:
    """Write ``base + adapter`` as plain transformers weights plus the tokenizer to ``out_dir``.

    QLoRA adapters are merged into the unquantized base (bf16/fp16/fp32 as ``dtype`` says), the
    usual way to serve them; merging into 4-bit weights would lose precision.
    """
    import torch
    from transformers import AutoTokenizer

    adapter_dir, out = Path(adapter_dir), Path(out_dir)
    base = base_model or base_model_of(adapter_dir)
    if out.resolve() == adapter_dir.resolve():
        raise ConfigError("the merged model would overwrite the adapter", "choose another -o")
    if (out / "config.json").exists():
        raise InputError(f"{out}: already holds a model", "choose an empty -o folder")
    torch_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}.get(dtype, "auto")
    model = load_model_with_adapter(adapter_dir, base, dtype=torch_dtype)
    merged = model.merge_and_unload()
    merged.config.use_cache = True
    merged.save_pretrained(str(out))
    tok_src = adapter_dir if (adapter_dir / "tokenizer_config.json").exists() else base
    AutoTokenizer.from_pretrained(str(tok_src)).save_pretrained(str(out))
    atomic_write_json(out / "merge_info.json", {"adapter": str(adapter_dir), "base_model": base,
                                                "dtype": dtype})
    return out
