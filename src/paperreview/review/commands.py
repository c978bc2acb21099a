"""``paperreview review`` and ``paperreview check``: thin commands over ``generate`` and ``check``."""

from __future__ import annotations

import sys

import click

from ..cli_options import config_defaults_option
from ..errors import InputError
from ..llm.options import engine_config_from_options, engine_options
from .templates import NAMES


def _say(msg: str) -> None:
    click.echo(msg, err=True)


def _fmt(out: str | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    if out and out.endswith(".jsonl"):
        return "jsonl"
    return "json" if out and out.endswith(".json") else "md"


@click.command("review")
@click.argument("papers", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", default=None,
              help="Write here: .md (Markdown), .json (one GeneratedReview), .jsonl (append one "
                   "record per paper; done papers are skipped). Default: Markdown on stdout.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "jsonl"]), default=None,
              help="Output format when the -o suffix does not say.")
@click.option("--template", "-t", type=click.Choice(NAMES), default="stanford", show_default=True,
              help="Review format (four-aspect/seven-aspect/sea: prompted exactly as in training).")
@click.option("--ensemble", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Independent reviews merged into a meta-review (scores averaged).")
@click.option("--reflections", type=click.IntRange(0, 5), default=0, show_default=True,
              help="Rounds of self-critique and rewrite.")
@click.option("--max-tokens", type=click.IntRange(16), default=2048, show_default=True,
              help="Longest answer, in tokens (also reserved in the context budget).")
@click.option("--temperature", type=float, default=None,
              help="Sampling temperature (default 0; 0.7 with --ensemble > 1).")
@click.option("--max-context", type=click.IntRange(256), default=None,
              help="The model's context length in tokens (default: from the local model's "
                   "config or the API model's family).")
@click.option("--run-dir", default=None, help="LLM journal directory (default runs/llm).")
@click.option("--no-checklist-notes", is_flag=True,
              help="Do not show the checklist findings to prompted models.")
@engine_options
@config_defaults_option()
def review(papers, output, fmt, template, ensemble, reflections, max_tokens, temperature,
           max_context, run_dir, no_checklist_notes, config_file, **engine_kw):
    """Review paper PDFs (or parsed-paper JSON): an LLM review when a backend is configured, the
    offline checklist analysis always.

    \b
    paperreview review paper.pdf                      # offline analysis (no backend)
    OPENAI_API_KEY=... paperreview review paper.pdf -t neurips --ensemble 3 -o review.md
    paperreview review paper.pdf --local-model DIR --adapter ADAPTER -t four-aspect -o r.json
    """
    from .generate import ReviewOptions
    from .run import review_many

    cfg = engine_config_from_options(engine_kw, run_dir=run_dir)
    if max_context:
        cfg = cfg.model_copy(update={"max_context": max_context})
    opts = ReviewOptions(template=template, ensemble=ensemble, reflections=reflections,
                         max_tokens=max_tokens, temperature=temperature,
                         checklist_notes=not no_checklist_notes)
    fmt = _fmt(output, fmt)
    if len(papers) > 1 and fmt != "jsonl":
        raise InputError(f"{len(papers)} papers given but the output is {fmt}",
                         "review one paper at a time, or write JSONL: -o reviews.jsonl")
    failed = review_many(list(papers), cfg, opts, output, fmt, log=_say)
    if failed:
        sys.exit(1)
