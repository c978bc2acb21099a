"""``paperreview train fit`` (fine-tune), ``train merge`` and ``train export-llamafactory``.

Plain ``paperreview train --data ...`` is kept as an alias of ``train fit``.
"""

from __future__ import annotations

import functools
import logging

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
        click.option("--base-model", help="Local model dir or Hugging Face hub id."),
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
def fit(**kwargs) -> None:
    """Fine-tune a reviewer model (LoRA, QLoRA or full) with the loss on the review only.

    \b
    paperreview train fit --data data/sft --base-model mistralai/Mistral-7B-Instruct-v0.2 \\
        -o runs/reviewer --max-seq-tokens 12288 --method qlora
    """
    cfg = _resolve(**kwargs)
    from .sft import run_training

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    summary = run_training(cfg)
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
@click.option("--template", help="LLaMA-Factory template name.  [default: guessed from the model]")
@click.option("--longlora", is_flag=True, help="LongLoRA shift_attn (Llama models only).")
def export_llamafactory(template: str | None, longlora: bool, **kwargs) -> None:
    """Write dataset_info.json + a LLaMA-Factory training YAML to -o."""
    from .llamafactory import export_llamafactory as export

    cfg = _resolve(**kwargs)
    paths = export(cfg, template=template, longlora=longlora)
    for k, v in paths.items():
        click.echo(f"{k}: {v}")
