"""``paperreview aggregate``: merge each paper's reviews into one structured review."""

from __future__ import annotations

import click

from ..cli_options import config_option, deprecated_aliases, output_option
from ..llm.options import ENGINE_OPTION_NAMES, engine_config_from_options, engine_options
from ..stage import finish


@deprecated_aliases({"--out-dir": "--output", "--max-tokens": "--max-new-tokens",
                     "--min-tokens": "--min-merged-tokens"})
@click.command("aggregate")
@click.argument("submissions", type=click.Path(exists=True))
@output_option("out_dir", help="Folder for aggregated.jsonl, summary.json, config.json (and "
                               "llm/ journal).")
@click.option("-t", "--template", default=None,
              help="four-aspect, seven-aspect, sea, or a template YAML file.  [default: four-aspect]")
@click.option("--min-merged-tokens", "min_tokens", type=int, default=None,
              help="Drop merged reviews whose bracket text has fewer tokens.")
@click.option("--require-aspects", default=None,
              help="Comma-separated aspect keys (or headings) that must not be empty.")
@click.option("--tokenizer", default=None,
              help="Count --min-merged-tokens with this Hugging Face tokenizer (default: "
                   "offline count).")
@click.option("--max-new-tokens", "max_tokens", type=int, default=None,
              help="Longest merged review the model may write, in new tokens.  [default: 4096]")
@click.option("--temperature", type=float, default=None, help="Sampling temperature.  [default: 0]")
@click.option("--limit", type=int, default=None, help="Only the first N submissions.")
@config_option(help="YAML/JSON/TOML file with aggregate keys (and an `engine:` mapping).")
@engine_options
def aggregate(submissions, out_dir, config_file, **kw) -> None:
    """Merge each submission's human reviews into one review (JSON + bracket text).

    \b
    Reads SUBMISSIONS (JSONL of Submission records, or the output dir of `paperreview reviews`
    holding submissions.jsonl); a malformed line is a failed row naming path:line.
    Writes OUT_DIR/aggregated.jsonl, OUT_DIR/summary.json and OUT_DIR/config.json.
    A rerun with the same OUT_DIR continues where it stopped.

    \b
    Example:
      paperreview aggregate subs.jsonl -o out/agg --template four-aspect \\
          --base-url http://localhost:8000/v1 --model qwen2.5-7b --min-merged-tokens 100
    """
    from ..config import load_config_file, resolve_config
    from .stage import AggregateConfig, run

    data = load_config_file(config_file) if config_file else {}  # read once
    engine = engine_config_from_options(kw, data.pop("engine", None) or None)
    flags = {k: v for k, v in kw.items() if k not in ENGINE_OPTION_NAMES}
    if flags.get("require_aspects"):
        flags["require_aspects"] = [a.strip() for a in flags["require_aspects"].split(",")
                                    if a.strip()]
    flags.update(submissions=submissions, out_dir=out_dir)
    config = resolve_config(AggregateConfig, data, _given(flags))
    config = config.model_copy(update={"engine": engine})
    summary = run(config)
    if summary.failed:
        click.echo(f"{summary.failed} failed: see their `error` and `raw` in "
                   f"{summary.outputs['aggregated']}; rerun with --retry-failed to try them again",
                   err=True)
    finish(summary)  # summary.json and config.json are already written; exit 1 on failures


def _given(flags: dict) -> dict:
    return {k: v for k, v in flags.items() if v is not None}
