"""``paperreview review`` and ``paperreview check``: thin commands over ``generate`` and ``check``."""

from __future__ import annotations

import sys

import click

from ..cli_options import config_defaults_option, deprecated_aliases
from ..errors import ConfigError, InputError
from ..executors.options import executor_from_options, executor_options
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


@deprecated_aliases({"--max-tokens": "--max-new-tokens"})
@click.command("review")
@click.argument("papers", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", default=None,
              help="Write here: .md (Markdown), .json (one GeneratedReview), .jsonl (append one "
                   "record per paper; done papers are skipped). Default: Markdown on stdout.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "jsonl"]), default=None,
              help="Output format when the -o suffix does not say.")
@click.option("--template", "-t", type=click.Choice(NAMES), default="stanford", show_default=True,
              help="Review format (four-aspect/seven-aspect/sea: prompted exactly as in training).")
@click.option("--method", type=click.Choice(["progressive", "zero-shot"]), default="progressive",
              show_default=True,
              help="progressive: read section by section with a running summary, cross-check "
                   "claims/notation/design, verify every quote, challenge major comments, then "
                   "write the form; zero-shot: one prompt in the chosen form.")
@click.option("--annotate", "annotate", type=click.Path(dir_okay=False), default=None,
              help="Also write the PDF with each verified comment highlighted on its quote.")
@click.option("--calibration", type=click.Path(dir_okay=False), default=None,
              help="Calibration file from `paperreview evaluate calibrate`: show the rating "
                   "raw and on the venue's human scale, with an interval.")
@click.option("--related", type=click.Choice(["arxiv", "semantic-scholar"]), default=None,
              help="Search this service for related work (by the paper's title) and give the "
                   "top abstracts to the progressive method's novelty pass, which cites their "
                   "ids. Requests are rate-limited and cached in the run dir.")
@click.option("--dry-run", is_flag=True,
              help="Print the calls, tokens and estimated cost of the method; call nothing.")
@click.option("--ensemble", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Independent reviews merged into a meta-review (scores averaged).")
@click.option("--reflections", type=click.IntRange(0, 5), default=0, show_default=True,
              help="Rounds of self-critique and rewrite.")
@click.option("--max-new-tokens", "max_tokens", type=click.IntRange(16), default=2048,
              show_default=True,
              help="Longest answer per call, in tokens (also reserved in the context budget).")
@click.option("--temperature", type=float, default=None,
              help="Sampling temperature (default 0; 0.7 with --ensemble > 1).")
@click.option("--max-context", type=click.IntRange(256), default=None,
              help="The model's context length in tokens (default: from the local model's "
                   "config or the API model's family).")
@click.option("--run-dir", default=None, help="LLM journal directory (default runs/llm).")
@click.option("--no-checklist-notes", is_flag=True,
              help="Do not show the checklist findings to prompted models.")
@executor_options("OUTPUT.shards/ (the offline review of -o FILE.jsonl; docs/scale.md)")
@engine_options
@config_defaults_option()
def review(papers, output, fmt, template, method, annotate, calibration, related, dry_run, ensemble, reflections,
           max_tokens, temperature, max_context, run_dir, no_checklist_notes, config_file,
           **engine_kw):
    """Review paper PDFs, parsed-paper JSON files or `paperreview parse` output dirs (a parsed
    paper is never parsed again): an LLM review when a backend is configured, the
    offline checklist analysis always.

    \b
    paperreview review paper.pdf                      # offline analysis (no backend)
    OPENAI_API_KEY=... paperreview review paper.pdf -t neurips --ensemble 3 -o review.md
    paperreview review paper.pdf --local-model DIR --adapter ADAPTER -t four-aspect -o r.json
    paperreview review paper.pdf --model gpt-4o --dry-run   # calls, tokens and cost; no call
    paperreview review paper.pdf --base-url http://127.0.0.1:8000/v1 -o r.json --annotate r.pdf
    paperreview review pdfs/ -o offline.jsonl --executor ray --workers 2   # offline, on Ray
    """
    from ..executors.stages import expand_inputs as with_urls
    from .generate import ReviewOptions
    from .run import expand_inputs, review_many

    executor = executor_from_options(engine_kw)
    papers = with_urls(list(papers), expand_inputs, executor)  # URLs: read by Ray workers
    cfg = engine_config_from_options(engine_kw, run_dir=run_dir)
    if max_context:
        cfg = cfg.model_copy(update={"max_context": max_context})
    opts = ReviewOptions(template=template, ensemble=ensemble, reflections=reflections,
                         max_tokens=max_tokens, temperature=temperature,
                         checklist_notes=not no_checklist_notes, method=method,
                         calibration=calibration, related=related)
    if related and method != "progressive":
        raise ConfigError("--related feeds the progressive method's novelty pass",
                          "drop --related or use --method progressive")
    if dry_run:
        from .run import dry_run as plan

        plan(list(papers), cfg, opts, log=click.echo)
        return
    fmt = _fmt(output, fmt)
    if annotate and len(papers) > 1:
        raise InputError("--annotate writes one PDF: give one paper",
                         "review the papers one at a time to annotate each")
    if len(papers) > 1 and fmt != "jsonl":
        raise InputError(f"{len(papers)} papers given but the output is {fmt}",
                         "review one paper at a time, or write JSONL: -o reviews.jsonl")
    if executor is not None and (cfg.is_configured() or fmt != "jsonl" or annotate):
        raise ConfigError("--executor ray runs the offline review of a batch (no model, "
                          "-o FILE.jsonl); LLM reviews are bound by the provider's rate limits",
                          "drop the model options and write -o reviews.jsonl, or drop "
                          "--executor ray (LLM stages at scale: docs/scale.md)")
    failed = review_many(list(papers), cfg, opts, output, fmt, log=_say, annotate=annotate,
                         executor=executor)
    if failed:
        sys.exit(1)
