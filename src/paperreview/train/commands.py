"""``paperreview train`` (fine-tune), ``train merge`` and ``train export-llamafactory``."""

from __future__ import annotations

import functools
import logging

import click

from ..config import resolve_config
from ..errors import ConfigError
from .config import TrainConfig


def _config_options(fn):
    """Flags shared by training and the LLaMA-Factory export (None = not given: keep file/default)."""
    opts = [
        click.option("--data", type=click.Path(), help="Dir with train.jsonl/validation.jsonl."),
        click.option("--base-model", help="Local model dir or Hugging Face hub id."),
        click.option("-o", "--output-dir", type=click.Path(), help="Where the adapter goes."),
        click.option("--format", "format_", type=click.Choice(["auto", "alpaca", "sharegpt",
                                                               "messages"]), default=None),
        click.option("--eval/--no-eval", "eval_", default=None,
                     help="Evaluation loss on validation.jsonl (default on)."),
        click.option("--method", type=click.Choice(["lora", "qlora", "full"]), default=None),
        click.option("--max-length", type=int, help="Token budget (default 12288)."),
        click.option("--overlong", type=click.Choice(["error", "skip"]), default=None,
                     help="Records over --max-length: stop (default) or skip and list them."),
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
        click.option("--config", "config_file", type=click.Path(),
                     help="YAML/JSON/TOML file with any of these keys."),
    ]
    return functools.reduce(lambda f, opt: opt(f), reversed(opts), fn)


def _resolve(config_file, format_=None, eval_=None, **flags) -> TrainConfig:
    flags.update(format=format_, eval=eval_)
    if not config_file:
        missing = [f"--{k.replace('_', '-')}" for k in ("data", "base_model", "output_dir")
                   if not flags.get(k)]
        if missing:
            raise ConfigError(f"missing {', '.join(missing)}",
                              "paperreview train --data DIR --base-model MODEL -o OUT_DIR")
    return resolve_config(TrainConfig, config_file, flags)


@click.group(invoke_without_command=True)
@_config_options
@click.option("--resume", is_flag=True, default=None, help="Continue from the last checkpoint.")
@click.pass_context
def train(ctx: click.Context, **kwargs) -> None:
    """Fine-tune a reviewer model (LoRA, QLoRA or full) with the loss on the review only.

    \b
    paperreview train --data data/sft --base-model mistralai/Mistral-7B-Instruct-v0.2 \\
        -o runs/reviewer --max-length 12288 --method qlora
    """
    if ctx.invoked_subcommand is not None:
        return
    cfg = _resolve(**kwargs)
    from .sft import run_training

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    summary = run_training(cfg)
    summary.print()
    click.echo(f"train_loss={summary.extra.get('train_loss')} "
               f"eval_loss={summary.extra.get('eval_loss')} steps={summary.extra['global_step']}")


@train.command("merge")
@click.argument("adapter", type=click.Path())
@click.option("-o", "--output-dir", required=True, type=click.Path())
@click.option("--base-model", help="Override the base recorded in adapter_config.json.")
@click.option("--dtype", type=click.Choice(["auto", "bf16", "fp16", "fp32"]), default="auto")
def merge(adapter: str, output_dir: str, base_model: str | None, dtype: str) -> None:
    """Merge ADAPTER into its base model and save full weights to -o."""
    from .merge import merge_adapter

    out = merge_adapter(adapter, output_dir, base_model, dtype)
    click.echo(f"merged model: {out}")


@train.command("export-llamafactory")
@_config_options
@click.option("--template", help="LLaMA-Factory template name (default: guessed from the model).")
@click.option("--longlora", is_flag=True, help="LongLoRA shift_attn (Llama models only).")
def export_llamafactory(template: str | None, longlora: bool, **kwargs) -> None:
    """Write dataset_info.json + a LLaMA-Factory training YAML to -o."""
    from .llamafactory import export_llamafactory as export

    cfg = _resolve(**kwargs)
    paths = export(cfg, template=template, longlora=longlora)
    for k, v in paths.items():
        click.echo(f"{k}: {v}")
