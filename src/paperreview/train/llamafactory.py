"""Export a dataset + training settings for LLaMA-Factory (``llamafactory-cli train FILE.yaml``).

Writes ``OUT/dataset_info.json`` (registers the train and validation JSONL files in their own
format: alpaca or sharegpt, with the column/tag mapping LLaMA-Factory documents in data/README.md)
and ``OUT/train_<method>.yaml`` with the same hyper-parameters ``paperreview train`` would use.

What LLaMA-Factory (0.9.x) cannot do as we do, and what the export does about it:

* Its prompt comes from ``template``: one of its registered chat templates, or, when the key is
  left out, slots it derives from the tokenizer's own chat template. ``paperreview review``
  prompts a local model with the tokenizer's chat template, so for a local model directory the
  export leaves ``template`` out (the *tokenizer route*) after checking that LLaMA-Factory's
  derivation (:func:`lf_tokenizer_prompt`) gives the very prompt we send; that route also keeps
  the saved chat template. Where it does not (a template that rejects a system turn, say), or for
  a hub id, the model is mapped to a registered template by name or ``config.json``'s
  ``model_type``; a model it does not know is **refused** (ConfigError), never given
  ``default`` (Human:/Assistant:). ``--template NAME`` forces one, ``--template tokenizer`` the
  tokenizer route. ``--chat-template FILE`` cannot be exported (LLaMA-Factory reads no file).
* ``cutoff_len`` cuts records silently, and its template's token count differs slightly from ours:
  it is written with a margin (5%, at least 64 tokens) over the dataset's budget, so the assistant
  turn is never cut.
* ``--rope-scaling`` / ``--rope-factor`` and ``--longlora`` (``shift_attn``) are **not exported**:
  LLaMA-Factory 0.9.5 fails on them (its rope patch and LongLoRA patch no longer load); the YAML
  says so, and training at long context needs ``paperreview train fit`` instead.
* ``--precision auto`` is resolved on the exporting machine (bf16 where CUDA supports it, else
  fp16 on CUDA, else fp32), never written as ``bf16: true`` blindly.

``tests/train/test_llamafactory_run.py`` runs the exported YAML with ``llamafactory-cli train``
(the venv ``make lf-venv`` builds) and checks the prompt it trains on byte for byte.

>>> from paperreview.train.llamafactory import guess_template
>>> guess_template("mistralai/Mistral-7B-Instruct-v0.2"), guess_template("meta-llama/Llama-2-7b-chat-hf")
('mistral', 'llama2')
>>> guess_template("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"), guess_template("google/gemma-3-4b-it")
('deepseekr1', 'gemma3')
>>> guess_template("my-lab/unknown-7b") is None
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..io import atomic_write_json, atomic_write_text
from .config import TrainConfig
from .data import detect_format, read_build_report, split_path

# (substring of the model name, LLaMA-Factory template), first match wins: specific names first
# (DeepSeek-R1-Distill-Qwen is a Qwen architecture with DeepSeek-R1's chat template)
TEMPLATES = [("deepseek-r1", "deepseekr1"), ("llama-3", "llama3"), ("llama3", "llama3"),
             ("llama-2", "llama2"), ("llama2", "llama2"), ("mistral", "mistral"),
             ("mixtral", "mistral"), ("qwen3", "qwen3"), ("qwen", "qwen"),
             ("gemma-3", "gemma3"), ("gemma3", "gemma3"), ("gemma-2", "gemma"),
             ("gemma2", "gemma"), ("gemma", "gemma"), ("phi-4", "phi4"), ("phi4", "phi4"),
             ("phi-3", "phi"), ("yi-", "yi"), ("deepseek", "deepseek")]
# config.json model_type -> template, for local directories whose name says nothing
MODEL_TYPES = {"mistral": "mistral", "mixtral": "mistral", "qwen2": "qwen", "qwen3": "qwen3",
               "gemma": "gemma", "gemma2": "gemma", "gemma3": "gemma3", "gemma3_text": "gemma3",
               "phi3": "phi", "phi4": "phi4"}
TOKENIZER = "tokenizer"  # --template tokenizer: leave `template` out, LF reads the chat template
PROBE = "Write a review of the paper.\n[TITLE] A Study [ABSTRACT] We study things."
MARGIN = 0.05  # cutoff_len = budget * (1 + MARGIN), at least budget + 64
UNSUPPORTED_NOTE = ("LLaMA-Factory 0.9.5 fails on {what}; not exported. Train at long context "
                    "with `paperreview train fit` instead.")

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


def guess_template(base_model: str) -> str | None:
    """LLaMA-Factory's template for ``base_model`` (name, else config.json's model_type)."""
    name = base_model.lower()
    found = next((t for key, t in TEMPLATES if key in name), None)
    if found:
        return found
    cfg = Path(base_model) / "config.json"
    if cfg.exists():
        return MODEL_TYPES.get(json.loads(cfg.read_text(encoding="utf-8")).get("model_type"))
    return None


def lf_tokenizer_prompt(tok: Any, content: str) -> list[str]:
    """The one-user-turn prompt LLaMA-Factory 0.9.5 builds with ``template`` unset, as the pieces
    it tokenizes one by one (``"".join`` them for the text).

    It renders probe conversations with the tokenizer's chat template and cuts them into slots
    (``llamafactory/data/template.py``: ``parse_template``, then ``Template._encode``: prefix,
    the default system turn if the template adds one, the user slot with the content)."""
    prefix = tok.decode(tok.encode(""))

    def render(msgs: list[dict[str, str]], gen: bool) -> str:
        return tok.apply_chat_template(msgs, add_generation_prompt=gen, tokenize=False)[len(prefix):]

    slot = "{{content}}"
    system_slot = render([{"role": "system", "content": slot}], False)
    with_empty = render([{"role": "system", "content": ""}, {"role": "user", "content": slot}],
                        True)
    user_slot = render([{"role": "user", "content": slot}], True)
    system = ""
    if len(user_slot) > len(with_empty):  # the template adds a default system turn
        system = _find_diff(with_empty, user_slot)
        user_slot = user_slot[len(system_slot.replace(slot, system, 1)):]
    pieces = [prefix, system_slot.replace(slot, system, 1) if system else "",
              user_slot.replace(slot, content, 1)]
    return [p for p in pieces if p]


def _find_diff(short: str, long: str) -> str:
    """The characters of ``long`` that ``short`` skips, up to the end of ``short``
    (LLaMA-Factory's ``find_diff``, whose loop stops there)."""
    i = j = 0
    out = []
    while i < len(short) and j < len(long):
        if short[i] == long[j]:
            i += 1
        else:
            out.append(long[j])
        j += 1
    return "".join(out)


def tokenizer_route_problem(base_model: str, trust_remote_code: bool = False) -> str | None:
    """Why LLaMA-Factory's reading of the model's own chat template would not give the prompt
    ``paperreview review`` sends (None: it gives exactly that prompt)."""
    if not Path(base_model).is_dir():
        return "not a local model directory (the check needs its tokenizer)"
    try:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(base_model, trust_remote_code=trust_remote_code)
    except Exception as exc:  # noqa: BLE001 - any loading failure means: no tokenizer route
        return f"its tokenizer does not load ({exc})"
    if not isinstance(getattr(tok, "chat_template", None), str):
        return "its tokenizer has no chat template"
    ours_msgs = [{"role": "user", "content": PROBE}]
    try:  # the text the transformers backend renders, and the ids it sends
        ours = tok.apply_chat_template(ours_msgs, add_generation_prompt=True, tokenize=False)
        pieces = lf_tokenizer_prompt(tok, PROBE)
    except Exception as exc:  # noqa: BLE001 - e.g. jinja raise_exception("System role not ...")
        return f"LLaMA-Factory cannot cut its chat template into slots ({exc})"
    if "".join(pieces) != ours:
        return (f"LLaMA-Factory's reading of its chat template gives {''.join(pieces)!r}, "
                f"not {ours!r}")
    theirs_ids = [i for p in pieces for i in tok.encode(p, add_special_tokens=False)]
    if theirs_ids != tok(ours, add_special_tokens=False)["input_ids"]:
        return "LLaMA-Factory tokenizes the same prompt text into other tokens (piece by piece)"
    return None


def choose_template(cfg: TrainConfig, template: str | None) -> tuple[str | None, str]:
    """``(template, why)``: a registered LLaMA-Factory template, or None for the tokenizer route."""
    if cfg.chat_template:
        raise ConfigError(
            f"--chat-template {cfg.chat_template}: LLaMA-Factory cannot read a chat template file",
            "save the model with that template (tokenizer.chat_template = open(FILE).read(); "
            "save_pretrained(DIR)) and export with --base-model DIR")
    if template and template != TOKENIZER:
        return template, "given with --template"
    problem = tokenizer_route_problem(cfg.base_model, cfg.trust_remote_code)
    if problem is None:
        return None, "the model's own chat template, as `paperreview review` prompts it"
    if template == TOKENIZER:
        raise ConfigError(f"--template tokenizer: {cfg.base_model}: {problem}",
                          "pass --template NAME (a registered LLaMA-Factory template)")
    guessed = guess_template(cfg.base_model)
    if guessed:
        return guessed, f"guessed from the model's name or type; its own chat template: {problem}"
    raise ConfigError(
        f"no LLaMA-Factory template is known for {cfg.base_model} and LLaMA-Factory cannot use "
        f"its chat template: {problem}; its `default` template would train on a prompt the "
        "model is never served with",
        "pass --template NAME (one of LLaMA-Factory's registered templates whose format "
        "matches the model's own chat template)")


def resolve_precision(precision: str) -> str:
    """``auto`` -> bf16 / fp16 / fp32 on this machine's hardware."""
    if precision != "auto":
        return precision
    try:
        import torch
    except ImportError:
        return "fp32"
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def cutoff_for(budget: int) -> int:
    return max(budget + 64, int(budget * (1 + MARGIN)))


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
    template, why = choose_template(cfg, template)
    precision = resolve_precision(cfg.precision)
    registry = {f"{name}_{s}": {"file_name": str(p), **FORMATS[fmt]} for s, p in splits.items()}
    doc: dict[str, Any] = {
        "model_name_or_path": cfg.base_model, "trust_remote_code": cfg.trust_remote_code,
        "stage": "sft", "do_train": True,
        "finetuning_type": "full" if cfg.method == "full" else "lora",
        "dataset_dir": str(Path(cfg.output_dir).resolve()), "dataset": f"{name}_train",
        # no `template` key: LLaMA-Factory derives its template from the tokenizer's own
        **({"template": template} if template else {}), "cutoff_len": cutoff_for(cfg.max_length),
        "train_on_prompt": False, "overwrite_cache": True, "preprocessing_num_workers": 4,
        "output_dir": str(Path(cfg.output_dir).resolve() / "llamafactory-output"),
        "logging_steps": cfg.logging_steps, "save_steps": cfg.save_steps, "plot_loss": True,
        "overwrite_output_dir": False, "report_to": "none",
        "per_device_train_batch_size": cfg.batch_size,
        "gradient_accumulation_steps": cfg.grad_accum, "learning_rate": cfg.lr,
        "num_train_epochs": cfg.epochs, "lr_scheduler_type": cfg.lr_scheduler,
        "warmup_ratio": cfg.warmup_ratio, "bf16": precision == "bf16",
        "fp16": precision == "fp16", "seed": cfg.seed,
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
    if cfg.max_steps > 0:
        doc["max_steps"] = cfg.max_steps
    if "validation" in splits:
        doc.update(eval_dataset=f"{name}_validation", per_device_eval_batch_size=cfg.batch_size,
                   eval_strategy="steps", eval_steps=cfg.eval_steps or cfg.save_steps)
    out = Path(cfg.output_dir)
    info_path, yaml_path = out / "dataset_info.json", out / f"train_{cfg.method}.yaml"
    atomic_write_json(info_path, registry)
    header = _header(cfg, template, why, read_build_report(data), precision, longlora)
    atomic_write_text(yaml_path, header + yaml.safe_dump(doc, sort_keys=False))
    return {"dataset_info": str(info_path), "yaml": str(yaml_path),
            "template": f"{template or TOKENIZER} ({why})"}


def export_warnings(cfg: TrainConfig, longlora: bool) -> list[str]:
    """What the export leaves out, to print and to write into the YAML."""
    out = []
    if cfg.rope_scaling or cfg.rope_factor:
        out.append(UNSUPPORTED_NOTE.format(what=f"rope_scaling ({cfg.rope_scaling})"))
    if longlora:
        out.append(UNSUPPORTED_NOTE.format(what="shift_attn (LongLoRA)"))
    return out


def _header(cfg: TrainConfig, template: str | None, why: str, report: dict[str, Any] | None,
            precision: str, longlora: bool) -> str:
    lines = ["# Written by `paperreview train export-llamafactory`.",
             "# Run: llamafactory-cli train " + f"train_{cfg.method}.yaml",
             (f"# cutoff_len = the dataset budget {cfg.max_length} + a margin, since "
              "LLaMA-Factory's template counts a few tokens differently: records are never cut."),
             (f"# template {template} ({why}): check it is the model's own chat template, or "
              "served prompts will differ from trained ones." if template else
              "# template not set: LLaMA-Factory reads the model's own chat template (checked at "
              "export: it gives the prompt `paperreview review` sends) and keeps it when saving.")]
    if cfg.precision == "auto":
        lines.append(f"# precision auto resolved on the exporting machine: {precision} "
                     "(set bf16: true on a GPU that supports it).")
    lines += [f"# WARNING: {w}" for w in export_warnings(cfg, longlora)]
    longest = _max_tokens(report)
    if longest and longest > cutoff_for(cfg.max_length):
        lines.append(f"# WARNING: the dataset has records of {longest} tokens > cutoff_len "
                     f"{cutoff_for(cfg.max_length)}; LLaMA-Factory will cut them.")
    return "\n".join(lines) + "\n"


def _max_tokens(report: dict[str, Any] | None) -> int | None:
    """The longest record in the dataset's build report (``tokens.max``), if recorded."""
    tokens = (report or {}).get("tokens") if isinstance(report, dict) else None
    longest = tokens.get("max") if isinstance(tokens, dict) else None
    return int(longest) if isinstance(longest, int | float) else None
