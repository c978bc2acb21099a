"""``paperreview train fit`` (fine-tune), ``train merge`` and ``train export-llamafactory``.

Plain ``paperreview train --data ...`` is kept as an alias of ``train fit``.
"""

from __future__ import annotations

import functools
import logging
import sys

import click

from ..cli_options import config_option, deprecated_aliases, output_option
from ..config import resolve_config
from ..errors import ConfigError
from .config import TrainConfig

#: old spellings kept for one release
ALIASES = {"--output-dir": "--output", "--max-length": "--max-seq-tokens"}


def _config_options(fn):
    """Flags shared by training and the LLaMA-Factory export (None = not given: keep file/default)."""
    opts = [
        click.option("--data", type=click.Path(), help="Dir with train.jsonl/validation.jsonl."),
        click.option("--base-model", help="Local model dir, Hugging Face hub id, or a .gguf file."),
        click.option("--gguf-file", help="GGUF checkpoint inside --base-model DIR (default: the "
                                         "one .gguf there when it has no config.json)."),
        output_option("output_dir", required=False, help="Where the adapter goes."),
        click.option("--format", "format_", type=click.Choice(["auto", "alpaca", "sharegpt",
                                                               "messages"]), default=None),
        click.option("--eval/--no-eval", "eval_", default=None,
                     help="Evaluation loss on validation.jsonl.  [default: on]"),
        click.option("--method", type=click.Choice(["lora", "qlora", "full"]), default=None),
        click.option("--max-seq-tokens", "max_length", type=int,
                     help="Token budget of a training record; the same number as `dataset build "
                          "--max-seq-tokens`.  [default: 12288]"),
        click.option("--overlong", type=click.Choice(["error", "skip"]), default=None,
                     help="Records over --max-seq-tokens: stop or skip and list them.  [default: error]"),
        click.option("--rope-scaling", type=click.Choice(["yarn", "linear", "dynamic"]),
                     default=None),
        click.option("--rope-factor", type=float),
        click.option("--chat-template", type=click.Path(), help="A .jinja chat template file."),
        click.option("--lora-r", type=int), click.option("--lora-alpha", type=int),
        click.option("--lora-dropout", type=float),
        click.option("--target-modules", help="Comma-separated, e.g. q_proj,v_proj (default: all "
                                              "linear layers)."),
        click.option("--epochs", type=float), click.option("--max-steps", type=int),
        click.option("--lr", type=float), click.option("--batch-size", type=int),
        click.option("--grad-accum", type=int),
        click.option("--gradient-checkpointing/--no-gradient-checkpointing", default=None),
        click.option("--precision", type=click.Choice(["auto", "bf16", "fp16", "fp32"]),
                     default=None),
        click.option("--attn-implementation", default=None,
                     type=click.Choice(["auto", "sdpa", "flash_attention_2", "eager"])),
        click.option("--save-steps", type=int), click.option("--eval-steps", type=int),
        click.option("--logging-steps", type=int), click.option("--seed", type=int),
        config_option(),
    ]
    return functools.reduce(lambda f, opt: opt(f), reversed(opts), fn)


def _resolve(config_file, format_=None, eval_=None, **flags) -> TrainConfig:
    flags.update(format=format_, eval=eval_)
    if not config_file:
        names = {"data": "--data", "base_model": "--base-model", "output_dir": "--output"}
        missing = [flag for k, flag in names.items() if not flags.get(k)]
        if missing:
            raise ConfigError(f"missing {', '.join(missing)}",
                              "paperreview train fit --data DIR --base-model MODEL -o OUT_DIR")
    return resolve_config(TrainConfig, config_file, flags)


class _TrainGroup(click.Group):
    """``train fit|merge|export-llamafactory``; ``train --data ...`` (no subcommand) means ``fit``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["fit", *args]
        return super().parse_args(ctx, args)


@click.group("train", cls=_TrainGroup)
def train() -> None:
    """Fine-tune a reviewer model (fit), merge an adapter, or export a LLaMA-Factory config.

    \b
    paperreview train fit --data data/sft --base-model BASE -o runs/reviewer
    paperreview train merge runs/reviewer -o runs/reviewer-merged
    paperreview train export-llamafactory --data data/sft --base-model BASE -o runs/lf
    `paperreview train --data ...` (no subcommand) is the same as `train fit`.
    """


@deprecated_aliases(ALIASES)
@train.command("fit")
@_config_options
@click.option("--resume", is_flag=True, default=None, help="Continue from the last checkpoint.")
@click.option("--launcher", type=click.Choice(["none", "accelerate"]), default="none",
              show_default=True,
              help="accelerate: run --num-processes processes (one per GPU; DDP, or the strategy "
                   "of --accelerate-config); without GPUs, CPU processes over gloo (torchrun).")
@click.option("--num-processes", type=click.IntRange(1, 1024), default=1, show_default=True,
              help="Processes for --launcher accelerate.")
@click.option("--accelerate-config", type=click.Path(exists=True, dir_okay=False), default=None,
              help="accelerate config YAML (see `train export-accelerate-config`).")
def fit(launcher, num_processes, accelerate_config, **kwargs) -> None:
    """Fine-tune a reviewer model (LoRA, QLoRA or full) with the loss on the review only.

    \b
    paperreview train fit --data data/sft --base-model mistralai/Mistral-7B-Instruct-v0.2 \\
        -o runs/reviewer --max-seq-tokens 12288 --method qlora
    """
    cfg = _resolve(**kwargs)
    from .launch import launched, relaunch

    if launcher == "accelerate" and not launched():
        from ..cli import ARGV

        code = relaunch(ARGV or sys.argv[1:], num_processes, accelerate_config)
        if code:
            sys.exit(code)
        return
    from .sft import run_training

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    summary = run_training(cfg)
    from .launch import is_main_process

    if not is_main_process():
        return
    summary.print()
    click.echo(f"train_loss={summary.extra.get('train_loss')} "
               f"eval_loss={summary.extra.get('eval_loss')} steps={summary.extra['global_step']}")


@deprecated_aliases({"--output-dir": "--output"})
@train.command("merge")
@click.argument("adapter", type=click.Path())
@output_option("output_dir", help="Folder for the merged full weights.")
@click.option("--base-model", help="Override the base recorded in adapter_config.json.")
@click.option("--dtype", type=click.Choice(["auto", "bf16", "fp16", "fp32"]), default="auto",
              show_default=True)
@config_option()
def merge(adapter: str, output_dir: str, base_model: str | None, dtype: str,
          config_file: str | None) -> None:
    """Merge ADAPTER into its base model and save full weights to -o."""
    from .merge import merge_adapter

    if config_file:  # the same keys as the flags
        from ..config import load_config_file

        data = load_config_file(config_file)
        unknown = set(data) - {"base_model", "dtype"}
        if unknown:
            raise ConfigError(f"--config {config_file}: unknown key(s) {sorted(unknown)} "
                              "(known keys: base_model, dtype)")
        base_model = base_model or data.get("base_model")
        dtype = data.get("dtype", dtype) if dtype == "auto" else dtype

    out = merge_adapter(adapter, output_dir, base_model, dtype)
    click.echo(f"merged model: {out}")


@deprecated_aliases(ALIASES)
@train.command("export-llamafactory")
@_config_options
@click.option("--template", help="A registered LLaMA-Factory template, or `tokenizer`: the model's "
                                 "own chat template.  [default: tokenizer for a local model whose "
                                 "template LLaMA-Factory reads as we do, else guessed by name]")
@click.option("--longlora", is_flag=True, help="LongLoRA shift_attn (Llama models only).")
def export_llamafactory(template: str | None, longlora: bool, **kwargs) -> None:
    """Write dataset_info.json + a LLaMA-Factory training YAML to -o.

    \b
    paperreview train export-llamafactory --data data/sft --base-model BASE -o runs/lf
    llamafactory-cli train runs/lf/train_lora.yaml     # in LLaMA-Factory's venv (make lf-venv)
    """
    from .llamafactory import export_llamafactory as export

    cfg = _resolve(**kwargs)
    paths = export(cfg, template=template, longlora=longlora)
    from .llamafactory import export_warnings

    for w in export_warnings(cfg, longlora):
        click.echo(f"warning: {w}", err=True)
    for k, v in paths.items():
        click.echo(f"{k}: {v}")


@train.command("export-accelerate-config")
@click.option("--strategy", type=click.Choice(["ddp", "fsdp", "zero3"]), default="ddp",
              show_default=True, help="DDP (adapter training), FSDP or DeepSpeed ZeRO-3 (full "
                                      "fine-tuning of models that do not fit one GPU).")
@click.option("--num-processes", type=click.IntRange(1, 1024), default=8, show_default=True,
              help="GPUs on the machine.")
@click.option("--mixed-precision", type=click.Choice(["bf16", "fp16", "no"]), default="bf16",
              show_default=True)
@output_option("output", help="The accelerate config YAML to write.")
@config_option()
def export_accelerate_config(strategy, num_processes, mixed_precision, output, config_file):
    """Write an accelerate config for `train fit --launcher accelerate --accelerate-config FILE`.

    \b
    paperreview train export-accelerate-config --strategy fsdp --num-processes 8 -o fsdp.yaml
    paperreview train fit --data data/sft --base-model BASE -o runs/r \\
        --launcher accelerate --num-processes 8 --accelerate-config fsdp.yaml
    """
    import yaml

    from ..io import atomic_write_text
    from .launch import accelerate_config

    doc = accelerate_config(strategy, num_processes, mixed_precision)
    atomic_write_text(output, yaml.safe_dump(doc, sort_keys=False))
    click.echo(f"wrote {output} ({strategy}, {num_processes} processes)", err=True)


@train.command("export-vllm")
@click.argument("adapter", type=click.Path(exists=True, file_okay=False))
@output_option("output", help="Directory for vllm_config.yaml and serve_vllm.sh.")
@click.option("--name", default="reviewer", show_default=True,
              help="The model name clients ask for (--model NAME).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--max-loras", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Adapters vLLM keeps loaded at once (multi-LoRA).")
@click.option("--base-model", default=None,
              help="Override the base recorded in adapter_config.json.")
@config_option()
def export_vllm_cmd(adapter, output, name, port, max_loras, base_model, config_file):
    """Write the vLLM command and config that serve the base model with ADAPTER.

    \b
    paperreview train export-vllm runs/reviewer -o runs/serve
    bash runs/serve/serve_vllm.sh      # on the GPU machine (pip install vllm)
    paperreview review paper.pdf --base-url http://127.0.0.1:8000/v1 --model reviewer -t four-aspect
    """
    from .vllm import export_vllm

    res = export_vllm(adapter, output, name, port, max_loras, base_model)
    click.echo(f"wrote {res['config']} and {res['script']}", err=True)
    click.echo(res["command"])
    click.echo(f"then: {res['review']}", err=True)
