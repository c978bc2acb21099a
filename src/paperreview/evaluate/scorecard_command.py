"""``paperreview evaluate scorecard``: every metric of one reviewer on one split."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import config_defaults_option
from ..llm.options import engine_config_from_options, engine_options

_path = click.Path(exists=True, path_type=Path)


@click.command("scorecard")
@click.option("--human", required=True, type=_path,
              help="Submissions JSONL (or a `paperreview reviews` output dir) of the split.")
@click.option("--papers", type=_path, default=None,
              help="The split's papers: Paper JSONL or a dir of science-parse/parse JSON.")
@click.option("--generated", multiple=True, type=_path,
              help="Reviews to score (ours or other systems'); default: run the reviewer "
                   "(LLM with a model, else the offline checklist).")
@click.option("--pdfs", multiple=True, type=_path,
              help="Real PDFs (files or dirs) for error injection and hidden instructions.")
@click.option("--pdf-limit", type=int, default=3, show_default=True,
              help="How many of the PDFs to perturb and plant.")
@click.option("--per-paper", type=int, default=2, show_default=True,
              help="Perturbed copies per PDF.")
@click.option("--limit", type=int, default=None, help="Only the first N submissions.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path))
@click.option("--seed", type=int, default=0, show_default=True)
@config_defaults_option()
@engine_options
def scorecard_cmd(human, papers, generated, pdfs, pdf_limit, per_paper, limit, out, seed,
                  config_file, **kw) -> None:
    """Hit rate, ratings, decisions, error injection, hidden instructions and cost in one
    report (scorecard.md, scorecard.json, scorecard.png); model sections say "not run" without
    a model."""
    from .perturb.commands import model_configured
    from .scorecard_run import run_scorecard

    cfg = engine_config_from_options(kw, run_dir=str(out / "llm")) if model_configured(kw) \
        else None
    run_scorecard(human, out, papers, list(generated), list(pdfs), cfg, limit, pdf_limit,
                  per_paper, seed)
    click.echo(f"scorecard: {out / 'scorecard.md'}", err=True)
