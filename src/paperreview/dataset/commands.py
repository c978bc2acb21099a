"""``paperreview dataset build|stats``: thin wrappers over :mod:`.build` and :mod:`.stats`."""

from __future__ import annotations

import os
import sys

import click

from ..cli_options import (
    config_defaults_option,
    config_option,
    deprecated_aliases,
    float_list,
    output_option,
)
from ..config import resolve_config
from ..stage import finish
from .formats import FORMATS


@click.group("dataset")
def dataset() -> None:
    """Build instruction data and token statistics."""


@deprecated_aliases({"--out": "--output", "--max-tokens": "--max-seq-tokens"})
@dataset.command("build")
@click.option("--papers", help="Directory of Paper *.json (paperreview parse) or a Paper JSONL.")
@click.option("--reviews", help="aggregated.jsonl, or the output dir of paperreview aggregate.")
@output_option("out_dir", required=False, help="Output directory.")
@click.option("--tokenizer", help="Tokenizer of the model to train: local dir or hub id.")
@click.option("--format", "format_", type=click.Choice(FORMATS), help="Record layout.  [default: alpaca]")
@click.option("--output-format", type=click.Choice(["bracket", "json"]),
              help="Target text: the bracketed review or its JSON.  [default: bracket]")
@click.option("--max-seq-tokens", "max_tokens", type=int,
              help="Token budget of a whole training record; the same number as `train fit "
                   "--max-seq-tokens`.  [default: 12288]")
@click.option("--instruction", help="Instruction TEXT or FILE.  [default: the template's built-in one]")
@click.option("--splits", help="train,validation,test fractions by paper.  [default: 0.9,0.05,0.05]")
@click.option("--seed", type=int, help="Seed for splits and mixing.  [default: 0]")
@click.option("--mix", multiple=True, help="FILE:RATIO general instruction data (repeatable).")
@click.option("--save-to-disk", is_flag=True, default=None, help="Also write HF arrow to OUT/hf.")
@click.option("--workers", type=int, help="Token-counting processes.  [default: number of cores]")
@click.option("--name", help="Dataset name prefix in dataset_info.json.  [default: paperreview]")
@config_option()
def build_cmd(format_: str | None, splits: str | None, mix: tuple[str, ...],
              config_file: str | None, **flags: object) -> None:
    """Turn (paper, merged review) pairs into train/validation/test JSONL fitted to a budget.

    \b
    paperreview dataset build --papers parsed/ --reviews agg/aggregated.jsonl -o data/ \\
        --tokenizer meta-llama/Llama-3.1-8B-Instruct --max-seq-tokens 12288

    A malformed line of --reviews or --papers is a failed row naming path:line; the build goes
    on. Writes train/validation/test.jsonl, dataset_info.json, build_report.json, config.json
    and summary.json to -o.
    """
    from .build import BuildConfig, run

    flags |= {"format": format_, "splits": float_list(splits, "--splits"), "mix": list(mix) or None}
    summary = run(resolve_config(BuildConfig, config_file, flags))
    if summary.ok == 0:
        summary.print()
        click.echo("error: no record was built (see the reasons above)", err=True)
        sys.exit(1)
    finish(summary)  # exit 1 when some items failed


@dataset.command("stats")
@click.argument("path", type=click.Path(exists=True))
@output_option(required=False, help="Folder for token_stats.json/.png.  [default: beside PATH]")
@click.option("--tokenizer", required=True, help="Tokenizer: local dir or hub id.")
@click.option("--workers", type=int, default=None, help="Token-counting processes [cores].")
@click.option("--cutoffs", help="Cut-offs to evaluate, e.g. 8192,11264,12288.  [default: 512 steps]")
@click.option("--plot/--no-plot", default=True, help="Write token_stats.png [plot].")
@config_defaults_option()
def stats_cmd(path: str, output: str | None, tokenizer: str, workers: int | None,
              cutoffs: str | None, plot: bool, config_file: str | None) -> None:
    """Token percentiles per field and record, a histogram and a recommended cut-off.

    \b
    paperreview dataset stats data/ --tokenizer meta-llama/Llama-3.1-8B-Instruct
    """
    from rich.console import Console
    from rich.table import Table

    from .stats import compute_stats

    cut = [int(c) for c in float_list(cutoffs, "--cutoffs") or []] or None
    stats = compute_stats(path, tokenizer, workers or os.cpu_count() or 1, cut, plot, output)
    console = Console()
    t = Table(title=f"{stats['records']} records, {stats['total_tokens']:,} tokens")
    cols = ["p50", "p90", "p95", "p99", "max", "mean"]
    t.add_column("field")
    for c in cols:
        t.add_column(c, justify="right")
    for name, p in stats["fields"].items():
        t.add_row(name, *(str(p[c]) for c in cols))
    console.print(t)
    c = Table(title=f"recommended cut-off: {stats['recommended_cutoff']}")
    for col in ("cutoff", "share truncated", "outputs cut"):
        c.add_column(col, justify="right")
    for row in stats["cutoffs"]:
        c.add_row(str(row["cutoff"]), f"{row['share_truncated']:.2%}", str(row["outputs_cut"]))
    console.print(c)
    console.print(f"written: {stats.get('histogram', '(no plot)')}, token_stats.json")
