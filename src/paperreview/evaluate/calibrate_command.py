"""``paperreview evaluate calibrate``: fit the rating map that ``review --calibration`` uses."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_options import config_defaults_option, output_option


@click.command("calibrate")
@click.option("--generated", required=True, type=click.Path(exists=True, path_type=Path),
              help="GeneratedReview JSONL (a model's reviews of the venue's papers, with ratings).")
@click.option("--human", required=True, type=click.Path(exists=True, path_type=Path),
              help="The venue's submissions JSONL (or the `paperreview reviews` output dir).")
@output_option("out", path_type=Path, help="Calibration file to write (JSON).")
@click.option("--venue", default=None, help="Name stored in the file (default: the submissions').")
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@config_defaults_option()
def calibrate_cmd(generated, human, out, venue, seed, config_file) -> None:
    """Fit a monotone map from a model's ratings to the venue's human rating distribution.

    \b
    paperreview evaluate calibrate --generated gen.jsonl --human runs/peerread -o iclr17.cal.json
    paperreview review paper.pdf --model gpt-4o -t neurips --calibration iclr17.cal.json
    """
    from ..io import resolve_input
    from .calibrate import fit_calibration
    from .inputs import load_generated, load_submissions

    gen, _ = load_generated(resolve_input(generated, ["reviews.jsonl", "generated.jsonl"], "generated reviews"))
    subs = load_submissions(resolve_input(human, ["submissions.jsonl"], "submissions"))
    model = [g.rating for g in gen if g.rating is not None]
    humans = [r.rating for s in subs for r in s.reviews if r.rating is not None]
    name = venue or next((s.venue for s in subs if s.venue), "unknown")
    cal = fit_calibration(model, humans, name, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    cal.save(out)
    click.echo(f"calibration for {name}: {cal.n_model} model ratings -> {cal.n_human} human "
               f"ratings; wrote {out}", err=True)
    lo, hi = cal.model_q[0], cal.model_q[-1]
    for raw in sorted({lo, cal.model_q[25], cal.model_q[50], cal.model_q[75], hi}):
        v, a, b = cal.apply(raw)
        click.echo(f"  raw {raw:g} -> {v:g} [{a:g}, {b:g}]", err=True)
