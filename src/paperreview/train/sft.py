"""Supervised fine-tuning with trl's ``SFTTrainer`` + peft LoRA/QLoRA, loss on the review only.

Reads ``DATA/train.jsonl`` and ``DATA/validation.jsonl`` (``paperreview dataset build``), writes a
PEFT adapter (or full weights for ``method="full"``) to ``OUT`` with its tokenizer, resolved config,
token statistics and library versions; checkpoints go to ``OUT/checkpoints`` and ``resume=True``
continues from the last one with the same step count.

>>> from paperreview.train import TrainConfig, run_training
>>> summary = run_training(TrainConfig(data="data/sft", base_model="BASE", output_dir="runs/r1"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import save_resolved
from ..errors import ConfigError, InputError
from ..io import atomic_write_json
from ..llm.gguf import gguf_kwargs
from ..stage import Summary, timed
from . import artifacts, checks
from .config import TrainConfig
from .data import encode_split, has_generation_markers, load_split, read_build_report

log = logging.getLogger("paperreview.train")

# Used only when the base tokenizer has no chat template (a base model); saved with the adapter.
FALLBACK_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ m['content'] }}\n\n"
    "{% elif m['role'] == 'user' %}### Instruction:\n{{ m['content'] }}\n\n"
    "{% else %}### Response:\n{% generation %}{{ m['content'] }}{{ eos_token }}{% endgeneration %}"
    "\n\n{% endif %}{% endfor %}{% if add_generation_prompt %}### Response:\n{% endif %}"
)


@dataclass
class Prepared:
    tokenizer: Any
    model_config: Any
    precision: str
    attention: str
    rope: dict[str, Any] | None
    train: Any
    validation: Any | None
    memory: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    overlong: list[dict[str, Any]] = field(default_factory=list)  # skipped, train + validation


def _warn(prep_warnings: list[str], msg: str) -> None:
    prep_warnings.append(msg)
    log.warning(msg)


def load_tokenizer(cfg: TrainConfig, warnings: list[str]):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(cfg.base_model, trust_remote_code=cfg.trust_remote_code,
                                        **gguf_kwargs(cfg.gguf_file))
    own = tok.chat_template
    if cfg.chat_template:
        p = Path(cfg.chat_template)
        if not p.is_file():
            raise InputError(f"{p}: chat template file not found", "pass a .jinja file")
        tok.chat_template = p.read_text(encoding="utf-8")
        if own and own != tok.chat_template:
            _warn(warnings, f"--chat-template differs from {cfg.base_model}'s own template; it is "
                            "saved with the adapter and must be used at inference too")
    for msg in checks.chat_warnings(cfg.gguf_file or cfg.base_model, tok, tok.chat_template):
        _warn(warnings, msg)
    if not tok.chat_template:
        tok.chat_template = FALLBACK_TEMPLATE
    if tok.pad_token is None:  # Llama/Mistral ship none; padded positions carry label -100 anyway
        tok.pad_token = tok.eos_token
    return tok


def prepare(cfg: TrainConfig) -> Prepared:
    """Every check and all tokenization, before the model is loaded (fail fast, fail clearly)."""
    warnings: list[str] = []
    train_convs = load_split(cfg.data, "train", cfg.format)
    val_convs = load_split(cfg.data, "validation", cfg.format) if cfg.eval else None
    checks.check_method(cfg)
    model_cfg = checks.load_model_config(cfg.base_model, cfg.trust_remote_code, cfg.gguf_file)
    precision = checks.resolve_precision(cfg)
    attention = checks.resolve_attention(cfg, precision)
    rope = checks.rope_parameters(model_cfg, cfg)
    if rope:
        checks.apply_rope(model_cfg, rope)
    memory = checks.check_memory(checks.estimate_params(model_cfg, cfg.trust_remote_code), cfg,
                                 precision)
    for msg in checks.dataset_warnings(read_build_report(cfg.data), cfg):
        _warn(warnings, msg)
    tok = load_tokenizer(cfg, warnings)
    if not has_generation_markers(tok.chat_template):
        # no args: logging leaves the "%" of the jinja tag alone
        log.info("chat template has no {% generation %} markers: masking prompts by prefix")
    train = encode_split(train_convs, tok, cfg.max_length)
    val = encode_split(val_convs, tok, cfg.max_length) if val_convs else None
    overlong = train.overlong + (val.overlong if val else [])
    if overlong:
        worst = ", ".join(f"{o['id']} ({o['tokens']} tokens)" for o in overlong[:5])
        msg = (f"{len(overlong)} record(s) are longer than --max-length {cfg.max_length}: {worst}"
               + (" ..." if len(overlong) > 5 else ""))
        if cfg.overlong == "error":
            raise InputError(msg, "build the dataset with the same token budget as --max-length "
                             "(and this model's tokenizer), raise --max-length, or pass "
                             "--overlong skip to leave them out (they are listed in training_info.json)")
        _warn(warnings, msg + " -- skipped (--overlong skip)")
    if not train.rows:
        raise InputError("no training record fits in --max-length", "raise --max-length")
    if val is not None and not val.rows:
        _warn(warnings, "no validation record fits in --max-length: no evaluation loss")
        val = None
    return Prepared(tok, model_cfg, precision, attention, rope, train, val, memory, warnings,
                    overlong)


def load_model(cfg: TrainConfig, prep: Prepared):
    import torch
    from transformers import AutoModelForCausalLM

    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(prep.precision, torch.float32)
    if cfg.method == "full" and prep.precision == "fp16":
        dtype = torch.float32  # fp16 AMP needs fp32 master weights
    kwargs: dict[str, Any] = {"config": prep.model_config, "dtype": dtype,
                              "attn_implementation": prep.attention,
                              "trust_remote_code": cfg.trust_remote_code}
    if cfg.method == "qlora":
        # No peft.prepare_model_for_kbit_training: trl's SFTTrainer does what QLoRA needs
        # (input grads for checkpointing, LoRA weights in bf16) without upcasting the
        # embeddings and lm_head to fp32, which would cost ~1.5 GiB on a 7B model.
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=dtype if dtype != torch.float32 else torch.float16)
        # 4-bit weights are placed while loading and cannot be moved later: this process's GPU
        # (LOCAL_RANK under torchrun / accelerate launch)
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", "0"))}
    # a GGUF base is de-quantized to ``dtype`` on load (then trained like any other)
    if cfg.gguf_file:
        if cfg.method == "qlora":
            raise ConfigError("QLoRA cannot start from a GGUF checkpoint",
                              "use --method lora (the GGUF weights are de-quantized on load)")
        kwargs |= gguf_kwargs(cfg.gguf_file, model=True)
    model = AutoModelForCausalLM.from_pretrained(cfg.base_model, **kwargs)
    model.config.use_cache = False  # the KV cache is useless in training and costs memory
    return model


def peft_config(cfg: TrainConfig):
    if cfg.method == "full":
        return None
    from peft import LoraConfig

    return LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                      target_modules=cfg.lora_target_modules(), bias="none", task_type="CAUSAL_LM")


def sft_args(cfg: TrainConfig, prep: Prepared):
    """trl ``SFTConfig``: labels are ours, so trl's own tokenizing/truncation is switched off."""
    import torch
    from trl import SFTConfig

    per_epoch = "epoch" if cfg.eval_steps is None else "steps"
    return SFTConfig(
        output_dir=str(Path(cfg.output_dir) / "checkpoints"), max_length=cfg.max_length,
        per_device_train_batch_size=cfg.batch_size, per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum, num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps, learning_rate=cfg.lr, lr_scheduler_type=cfg.lr_scheduler,
        warmup_steps=cfg.warmup_ratio, weight_decay=cfg.weight_decay, seed=cfg.seed,
        bf16=prep.precision == "bf16", fp16=prep.precision == "fp16",
        **checkpointing_kwargs(cfg.gradient_checkpointing),
        dataloader_pin_memory=torch.cuda.is_available(),  # pinning only helps a GPU
        use_cpu=not torch.cuda.is_available(),  # several CPU processes: DDP over gloo
        logging_steps=cfg.logging_steps, logging_first_step=True,
        eval_strategy=per_epoch if prep.validation else "no", eval_steps=cfg.eval_steps,
        save_strategy="steps", save_steps=cfg.save_steps, save_total_limit=cfg.save_total_limit,
        report_to="none", packing=False, assistant_only_loss=False, completion_only_loss=False,
        dataset_kwargs={"skip_prepare_dataset": True},  # already tokenized, labelled, length-checked
        include_num_input_tokens_seen="non_padding",
    )


def last_checkpoint(cfg: TrainConfig) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    ckpt_dir = Path(cfg.output_dir) / "checkpoints"
    found = get_last_checkpoint(str(ckpt_dir)) if ckpt_dir.is_dir() else None
    if found and not cfg.resume:
        raise ConfigError(f"{cfg.output_dir} already has checkpoints ({Path(found).name})",
                          "pass --resume to continue that run, or choose a new -o")
    if cfg.resume and not found:
        log.warning("--resume: no checkpoint in %s, starting from step 0", ckpt_dir)
    return found


def build_trainer(cfg: TrainConfig, prep: Prepared, model, callbacks=None):
    from datasets import Dataset
    from trl import SFTTrainer

    train_ds = Dataset.from_list(prep.train.rows)
    val_ds = Dataset.from_list(prep.validation.rows) if prep.validation else None
    return SFTTrainer(model=model, args=sft_args(cfg, prep), train_dataset=train_ds,
                      eval_dataset=val_ds, processing_class=prep.tokenizer,
                      peft_config=peft_config(cfg), callbacks=callbacks)


def run_training(cfg: TrainConfig, callbacks: list | None = None) -> Summary:
    """Train and save; returns a Summary whose ``extra`` holds the final losses and step count."""
    import torch

    summary = Summary(stage="train")
    with timed(summary):
        resume_from = last_checkpoint(cfg)
        prep = prepare(cfg)
        out = Path(cfg.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        if _rank0():
            save_resolved(cfg, out, "train_config.json")
        try:
            model = load_model(cfg, prep)
            trainer = build_trainer(cfg, prep, model, callbacks)
            result = trainer.train(resume_from_checkpoint=resume_from)
            metrics = dict(result.metrics)
            if prep.validation:
                metrics.update(final_eval(trainer))
        except torch.OutOfMemoryError:
            raise checks.oom_advice(cfg) from None
        trainer.save_model(str(out))  # rank 0 only, under several processes
        if _rank0():
            prep.tokenizer.save_pretrained(str(out))
            _write_info(cfg, prep, trainer, metrics, resume_from)
    summary.count("ok", n=len(prep.train.rows))
    if prep.train.overlong:
        summary.count("skipped", "longer than --max-length", n=len(prep.train.overlong))
    summary.outputs = {"adapter" if cfg.method != "full" else "model": str(out),
                       "info": str(out / "training_info.json")}
    summary.extra = {k: metrics.get(k) for k in ("train_loss", "eval_loss")}
    summary.extra["global_step"] = trainer.state.global_step
    return summary


def final_eval(trainer) -> dict[str, Any]:
    """Eval metrics at the last step: the ones logged there, else a fresh evaluation."""
    last = next((h for h in reversed(trainer.state.log_history) if "eval_loss" in h), None)
    if last and last.get("step") == trainer.state.global_step:  # long evals are not run twice
        return {k: v for k, v in last.items() if k.startswith("eval_")}
    return trainer.evaluate()


def _write_info(cfg: TrainConfig, prep: Prepared, trainer, metrics: dict, resumed: str | None):
    out = Path(cfg.output_dir)
    if prep.rope:
        overrides = {"rope_parameters": prep.rope,
                     "max_position_embeddings": prep.model_config.max_position_embeddings}
        atomic_write_json(out / artifacts.OVERRIDES, overrides)
    info = {
        "base_model": cfg.base_model, "gguf_file": cfg.gguf_file, "method": cfg.method, "precision": prep.precision,
        "attn_implementation": prep.attention, "rope_parameters": prep.rope,
        "global_step": trainer.state.global_step, "resumed_from": resumed,
        "metrics": metrics, "memory_preflight": prep.memory, "warnings": prep.warnings,
        "token_stats": {"dataset_build_report": read_build_report(cfg.data),
                        "train": prep.train.stats(),
                        "validation": prep.validation.stats() if prep.validation else None},
        "skipped_overlong": prep.overlong,
        "library_versions": artifacts.library_versions(),
        "log_history": trainer.state.log_history,
    }
    atomic_write_json(out / "training_info.json", info)


<<<<<<< HEAD
def checkpointing_kwargs(enabled: bool) -> dict[str, bool]:
    """The trainer argument for gradient checkpointing under this transformers version: newer
    releases call it ``activation_checkpointing``, older ones (5.17 and before, 4.x)
    ``gradient_checkpointing``."""
    import inspect

    from transformers import TrainingArguments

    params = inspect.signature(TrainingArguments).parameters
    name = "activation_checkpointing" if "activation_checkpointing" in params else (
        "gradient_checkpointing")
    return {name: enabled}
=======
def _rank0() -> bool:
    """True in a single process and in rank 0 of several (only it writes the outputs)."""
    import os

    return os.environ.get("RANK", "0") == "0"
>>>>>>> lead19
