"""``paperreview evaluate perturb make|score`` (see docs/evaluate.md, "Error injection")."""

from __future__ import annotations

from pathlib import Path

import click

from ...cli_options import config_defaults_option
from ...executors.options import executor_options
from ...llm.options import engine_config_from_options, engine_options

_MODEL_FLAGS = ("model", "base_url", "local_model", "engine_config")


def model_configured(kw: dict) -> bool:
    """A model is used only when one is named on the command line (or by an engine config)."""
    return any(kw.get(k) for k in _MODEL_FLAGS)


@click.group("perturb")
def perturb() -> None:
    """Error injection: plant errors in real PDFs, then score reviews of the copies."""


@perturb.command("make")
@click.argument("papers", nargs=-1, required=True)
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="Directory for copies/, manifest.jsonl, copies.jsonl.")
@click.option("--kinds", default=None,
              help="Comma-separated kinds or categories (surface, claim, logic, experimental, "
                   "all). Default: the rule kinds, plus the model kinds with a model.")
@click.option("--per-paper", type=click.IntRange(1, 100), default=2, show_default=True,
              help="Perturbed copies per paper.")
@click.option("--errors-per-copy", type=click.IntRange(1, 20), default=1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True,
              help="Same seed, same inputs: same copies and manifest.")
@executor_options("OUTPUT/shards/ (rule kinds only; docs/scale.md)")
@config_defaults_option()
@engine_options
def make_cmd(papers, out, kinds, per_paper, errors_per_copy, seed, config_file, **kw) -> None:
    """Write perturbed copies of PAPERS (PDFs, dirs of PDFs, or Paper JSONL) and a manifest.

    With --executor ray, PAPERS may also be fsspec URLs (s3://bucket/pdfs/); the copies are
    written to the local OUTPUT.

    \b
    paperreview evaluate perturb make papers/ -o runs/perturb --seed 1
    paperreview evaluate perturb make papers/ -o runs/perturb --seed 1 --executor ray --workers 2
    """
    from ...errors import ConfigError, InputError
    from ...executors.fs import is_url
    from ...executors.options import executor_from_options
    from .make import make_perturbations

    for p in papers:
        if not is_url(p) and not Path(p).exists():
            raise InputError(f"{p}: no such file or directory",
                             "give PDFs, folders of PDFs or a Paper JSONL")
    papers = [p if is_url(p) else Path(p) for p in papers]
    kinds_l = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    executor = executor_from_options(kw)
    if executor is not None:
        if model_configured(kw):
            raise ConfigError("--executor ray runs the rule generators only; the model kinds are "
                              "bound by the provider's rate limits, not by CPU",
                              "drop the model options, or drop --executor ray (docs/scale.md)")
        s = make_perturbations(list(papers), out, kinds_l, per_paper, errors_per_copy, seed,
                               executor=executor)
    elif model_configured(kw):
        from ...llm import Engine

        with Engine(engine_config_from_options(kw, run_dir=str(out / "llm"))) as engine:
            s = make_perturbations(list(papers), out, kinds_l, per_paper, errors_per_copy, seed,
                                   engine)
    else:
        s = make_perturbations(list(papers), out, kinds_l, per_paper, errors_per_copy, seed)
    s.print()
    if s.failed:
        raise SystemExit(1)


@perturb.command("score")
@click.option("--manifest", required=True, type=click.Path(exists=True, dir_okay=False,
                                                           path_type=Path))
@click.option("--generated", required=True, multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Reviews: our JSONL, or JSON/Markdown files (or a dir) from other systems.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path))
@click.option("--judge-model", default=None,
              help="Judge model (also enables the false-positive judge on clean papers).")
@click.option("--max-judged", type=int, default=20, show_default=True,
              help="Comments per clean paper shown to the validity judge.")
@click.option("--seed", type=int, default=0, show_default=True)
@config_defaults_option()
@engine_options
def score_cmd(manifest, generated, out, judge_model, max_judged, seed, config_file, **kw) -> None:
    """Recall of planted errors (quote coverage >= 75%, judge >= 3/5) and the precision side."""
    from .run import run_perturb_score

    cfg = None
    if judge_model or model_configured(kw):
        kw["model"] = judge_model or kw.get("model")
        cfg = engine_config_from_options(kw, run_dir=str(out / "llm"))
    res = run_perturb_score(manifest, list(generated), out, cfg, seed, max_judged)
    res["summary"].print()
    r = res["report"]["recall"]
    click.echo(f"recall {r['value'] if r['value'] is None else round(r['value'], 3)} over "
               f"{r['n_errors']} errors", err=True)
