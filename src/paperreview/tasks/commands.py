"""``paperreview tasks data|baseline|run|evaluate`` and ``paperreview title "ABSTRACT"``."""

from __future__ import annotations

import sys

import click

from ..cli_options import (
    MAX_NEW_TOKENS_HELP,
    config_defaults_option,
    config_option,
    float_list,
    output_option,
)
from ..config import resolve_config
from ..dataset.formats import FORMATS
from ..llm.options import engine_config_from_options, engine_options
from .readers import FORMATS as SOURCE_FORMATS

TASK = click.Choice(["title", "keywords", "classify"])
SOURCE = click.Choice(SOURCE_FORMATS)
CONFIG = config_option()
OUTPUT = output_option("out_dir", required=False, help="Output directory.")
LABEL = click.option("--label", help="classify: 'column' (the CSV's label), 'archive' (primary "
                                     "arXiv archive), 'primary:q-bio' or 'any:q-bio' (1/0).")


def _finish(summary) -> None:
    """Exit 1 when some items failed, or when nothing at all could be done."""
    summary.print()
    if summary.failed or summary.ok == 0:
        sys.exit(1)


@click.group("tasks")
def tasks() -> None:
    """Title generation, keyword extraction and classification of papers.

    \b
    paperreview tasks data --task title --source arxiv-metadata-oai-snapshot.json -o data/title
    paperreview tasks baseline --task classify --label archive --source arxiv.json -o out/cls
    paperreview tasks run --task title --input test.jsonl --local-model M.gguf -o out/titles
    paperreview tasks evaluate --task title --predictions out/titles -o reports/
    """


@tasks.command("data")
@click.option("--task", type=TASK, help="title | keywords | classify.")
@click.option("--source", type=click.Path(), help="arXiv snapshot JSONL, challenge CSV, "
              "ChatGenTitle JSON (or folder), keyphrase zip.")
@OUTPUT
@click.option("--format", "source_format", type=SOURCE, help="Source format [detected].")
@click.option("--record-format", "format_", type=click.Choice(FORMATS),
              help="Record layout [alpaca].")
@click.option("--instruction", help="Instruction TEXT or FILE [the task's default wording].")
@LABEL
@click.option("--splits", help="train,validation,test fractions by paper [0.9,0.05,0.05].")
@click.option("--seed", type=int, help="Seed of the split [0].")
@click.option("--limit", type=int, help="Use the first N usable items only.")
@click.option("--tokenizer", help="Token statistics with this tokenizer (dir or hub id).")
@click.option("--save-to-disk", is_flag=True, default=None, help="Also write HF arrow to OUT/hf.")
@click.option("--name", help="dataset_info.json name prefix [paper_<task>].")
@CONFIG
def data_cmd(format_, splits, config_file, **flags) -> None:
    """Write instruction data (train/validation/test JSONL, dataset_info.json, token stats)."""
    from .data import TasksDataConfig, run_data

    flags |= {"format": format_, "splits": float_list(splits, "--splits")}
    _finish(run_data(resolve_config(TasksDataConfig, config_file, flags)))


@tasks.command("baseline")
@click.option("--task", type=TASK, help="title | keywords | classify.")
@click.option("--source", type=click.Path(), help="Source file (any format `tasks data` reads).")
@OUTPUT
@click.option("--format", "source_format", type=SOURCE, help="Source format [detected].")
@LABEL
@click.option("--folds", type=int, help="classify: cross-validation folds [5].")
@click.option("--top", type=int, help="keywords: phrases per document [10].")
@click.option("--limit", type=int, help="Use the first N usable items only.")
@click.option("--seed", type=int, help="Seed of the folds [0].")
@click.option("--embed/--no-embed", default=None, help="title: MiniLM similarity too [no].")
@CONFIG
def baseline_cmd(config_file, **flags) -> None:
    """Offline baselines: TF-IDF + linear SVM (CV), YAKE keywords, first-sentence title."""
    from .baseline import BaselineConfig, run_baseline

    _finish(run_baseline(resolve_config(BaselineConfig, config_file, flags)))


@tasks.command("run")
@click.option("--task", type=TASK, help="title | keywords | classify.")
@click.option("--input", "input_", type=click.Path(), help="Source file or a `tasks data` split.")
@OUTPUT
@click.option("--format", "input_format", type=SOURCE, help="Input format [detected].")
@click.option("--instruction", help="Instruction TEXT or FILE [the record's own, else default].")
@LABEL
@click.option("--classes", help="classify: comma-separated answers [from the gold labels].")
@click.option("--max-new-tokens", type=int, help=MAX_NEW_TOKENS_HELP + " [48/96/8 by task]")
@click.option("--temperature", type=float, help="Sampling temperature [0].")
@click.option("--limit", type=int, help="First N items only.")
@CONFIG
@engine_options
def run_cmd(input_, classes, config_file, **kw) -> None:
    """Ask a model (API, --local-model, --local-model + --adapter) to do TASK for each item."""
    from .run import RunConfig, run_task

    keys = ("task", "out_dir", "input_format", "instruction", "label", "max_new_tokens",
            "temperature", "limit")
    flags = {k: kw.get(k) for k in keys} | {
        "input": input_, "classes": classes.split(",") if classes else None}
    cfg = resolve_config(RunConfig, config_file, flags)
    _finish(run_task(cfg, engine_config_from_options(kw, run_dir=cfg.out_dir)))


@tasks.command("evaluate")
@click.option("--task", type=TASK, required=True, help="title | keywords | classify.")
@click.option("--predictions", required=True, type=click.Path(),
              help="predictions.jsonl (or its folder) from `tasks run` / `tasks baseline`.")
@output_option("out_dir", help="Report directory.")
@click.option("--embed/--no-embed", default=True, help="title: MiniLM similarity [yes].")
@click.option("--name", help="Report name [tasks_<task>].")
@config_defaults_option()
def evaluate_cmd(task: str, predictions: str, out_dir: str, embed: bool, name: str | None,
                 config_file: str | None) -> None:
    """ROUGE-1/2/L + MiniLM (titles), P/R/F1@5/@10 (keywords), accuracy/macro-F1 (classify)."""
    from .evaluate import read_predictions, report, score

    rows, bad = read_predictions(predictions)
    res = score(task, rows, embed=embed) | {"skipped_rows": bad}
    for b in bad[:10]:
        click.echo(f"skipped: {b}", err=True)
    for kind, path in report(out_dir, res, name=name).items():
        click.echo(f"{kind}: {path}")


@click.command("title")
@click.argument("abstract")
@click.option("-n", "n", type=int, default=1, help="How many titles (n > 1 samples) [1].")
@click.option("--max-new-tokens", type=int, default=48, help=MAX_NEW_TOKENS_HELP)
@engine_options
def title(abstract: str, n: int, max_new_tokens: int, **kw) -> None:
    """Suggest a title for ABSTRACT (give '-' to read it from stdin).

    \b
    paperreview title "We study ..." --local-model runs/title-lora --adapter runs/title-lora
    """
    from .suggestions import suggest_titles

    text = sys.stdin.read() if abstract == "-" else abstract
    cfg = engine_config_from_options(kw, run_dir=kw.get("run_dir") or None)
    for t in suggest_titles(text, cfg, n=n, max_new_tokens=max_new_tokens):
        click.echo(t)
