"""``TrainConfig``: every knob of ``paperreview train``, resolved once and saved with the adapter.

Defaults < ``--config FILE`` (YAML/JSON/TOML) < flags; unknown keys are rejected.

>>> cfg = TrainConfig(data="data/sft", base_model="mistralai/Mistral-7B-Instruct-v0.2", output_dir="out")
>>> cfg.method, cfg.max_length, cfg.lora_target_modules()
('lora', 12288, 'all-linear')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator

from ..config import StageConfig
from ..errors import ConfigError


class TrainConfig(StageConfig):
    # what to train on and where to write
    data: str                      # dir with train.jsonl / validation.jsonl from `paperreview dataset build`
    base_model: str                # local dir or Hugging Face hub id (or DIR/NAME.gguf)
    gguf_file: str | None = None   # GGUF checkpoint in base_model's dir (None: auto-detected)
    output_dir: str
    format: Literal["auto", "alpaca", "sharegpt", "messages"] = "auto"
    eval: bool = True              # evaluation loss on validation.jsonl (required when True)

    # method
    method: Literal["lora", "qlora", "full"] = "lora"
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: list[str] | None = None   # None = every linear layer ("all-linear", as QLoRA)

    # context
    # = the dataset budget (`--max-seq-tokens` of `dataset build` and `train fit`); longer records
    # are reported, never cut. A config file may call it max_length or max_seq_tokens.
    max_length: int = Field(12288, validation_alias=AliasChoices("max_length", "max_seq_tokens"))
    overlong: Literal["error", "skip"] = "error"
    rope_scaling: Literal["yarn", "linear", "dynamic"] | None = None
    rope_factor: float | None = None          # None = max_length / the model's trained context
    chat_template: str | None = None          # a .jinja file replacing the tokenizer's template

    # optimisation
    epochs: float = 3.0
    max_steps: int = -1            # > 0 overrides epochs (smoke runs)
    lr: float = 2e-4
    batch_size: int = 1
    grad_accum: int = 8
    warmup_ratio: float = 0.03
    weight_decay: float = 0.0
    lr_scheduler: str = "cosine"
    seed: int = 42

    # speed / memory
    gradient_checkpointing: bool = True
    precision: Literal["auto", "bf16", "fp16", "fp32"] = "auto"
    attn_implementation: Literal["auto", "sdpa", "flash_attention_2", "eager"] = "auto"

    # bookkeeping
    logging_steps: int = 10
    eval_steps: int | None = None  # None = once per epoch
    save_steps: int = 100
    save_total_limit: int = 3
    resume: bool = False
    trust_remote_code: bool = False

    @field_validator("base_model")
    @classmethod
    def _absolute_local_model(cls, v: str) -> str:
        # peft records this path in adapter_config.json: a relative one breaks `train merge` and
        # the llm backend as soon as they run from another folder
        p = Path(v).expanduser()
        return str(p.resolve()) if p.is_dir() else v

    @field_validator("target_modules", mode="before")
    @classmethod
    def _split_modules(cls, v):
        if isinstance(v, str):
            v = [m.strip() for m in v.split(",") if m.strip()]
        return v or None

    @model_validator(mode="before")
    @classmethod
    def _gguf(cls, data):
        # DIR/NAME.gguf, or a folder holding one .gguf and no config.json: a GGUF base model
        if isinstance(data, dict) and isinstance(data.get("base_model"), str):
            from ..llm.gguf import resolve_model

            base, gguf = resolve_model(data["base_model"], data.get("gguf_file"))
            data = {**data, "base_model": base, "gguf_file": gguf}
        return data

    @model_validator(mode="after")
    def _check(self) -> TrainConfig:
        if self.max_length < 16:
            raise ConfigError(f"max_length={self.max_length} is too small", "use the dataset budget")
        if self.rope_factor is not None and self.rope_scaling is None:
            raise ConfigError("--rope-factor needs --rope-scaling", "add --rope-scaling yarn")
        if self.rope_factor is not None and self.rope_factor <= 1.0:
            raise ConfigError(f"--rope-factor must be > 1 (got {self.rope_factor})")
        for name in ("lora_r", "lora_alpha", "batch_size", "grad_accum", "save_steps"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1 (got {getattr(self, name)})")
        return self

    def lora_target_modules(self) -> list[str] | str:
        return self.target_modules or "all-linear"
