"""``paperreview check``: the offline analysis of one paper or of a whole submission batch.

One file and no ``--format``: as before (Markdown on stdout, or ``-o x.json``/``x.md``). A
directory, several files, or ``--format csv|jsonl|md``: the batch for program chairs (see
:mod:`paperreview.review.check_batch`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import config_defaults_option
from ..errors import InputError
from ..executors.options import executor_from_options, executor_options
from .commands import _fmt, _say

SEVERITIES = ("info", "minor", "major", "critical")


@click.command("check")
@click.argument("papers", nargs=-1, type=click.Path())
@click.option("-o", "--output", default=None,
              help="Write here: .json/.md for one paper; .csv/.jsonl/.md for a batch "
                   "(appended per paper, resumable). Default: Markdown on stdout.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "jsonl", "csv"]), default=None,
              help="Output format when the -o suffix does not say.")
@click.option("--venue", default="generic", show_default=True,
              help="Venue profile: a name (see --list-venues), an alias (emnlp, naacl...) or a "
                   "YAML file. Double-blind venues add the anonymity rules.")
@click.option("--camera-ready", is_flag=True,
              help="A camera-ready copy: anonymity rules off, camera-ready page limit.")
@click.option("--rule", "rules", multiple=True,
              help="Run only this rule (repeatable); see --list-rules.")
@click.option("--list-rules", is_flag=True, help="List the checklist rules and exit.")
@click.option("--list-venues", is_flag=True, help="List the venue profiles and exit.")
@click.option("--workers", type=click.IntRange(0, 256), default=1, show_default=True,
              help="Worker processes for a batch (0 = in this process).")
@executor_options("OUTPUT.shards/ (inputs may be s3://, gs:// URLs; docs/scale.md)",
                  local_workers=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit with status 1 when a finding is at least this severe (for CI).")
@config_defaults_option()
def check(papers, output, fmt, venue, camera_ready, rules, list_rules, list_venues, workers,
          executor, ray_address, shards, fail_on, config_file):
    """Offline checks of paper PDFs (no model): venue rules, anonymity, undefined references,
    hidden text, experiment checklist; findings with evidence.

    \b
    paperreview check paper.pdf
    paperreview check paper.pdf --venue neurips -o findings.json --fail-on major
    paperreview check submissions/ --venue acl --format csv -o report.csv --workers 4

    Exit status: 0 all checked and nothing at --fail-on; 1 a PDF failed or a finding reached
    --fail-on; 2 usage or config error (unknown venue, bad profile).
    """
    from .check import CheckOptions, check_one
    from .rules import RULES
    from .venues import list_venues as venues
    from .venues import load_venue

    if list_rules:
        for r in RULES.values():
            click.echo(f"{r.name:26} {r.aspect:14} {r.scope:10} {r.doc}")
        return
    if list_venues:
        for v in venues():
            limit = f"{v.page_limit} pages" if v.page_limit else "no limit"
            click.echo(f"{v.name:10} {v.version:8} {limit:10} {v.paper_size or '-':7} "
                       f"{'double-blind' if v.double_blind else 'open':13} {v.title}")
        return
    if not papers:
        raise InputError("no paper given", "paperreview check PAPER.pdf|DIR (or --list-rules, "
                                           "--list-venues)")
    opts = executor_from_options({"executor": executor, "ray_address": ray_address,
                                  "shards": shards}, local_workers=workers)
    if opts is None:
        from ..executors.stages import refuse_urls

        refuse_urls(papers)
    load_venue(venue, camera_ready)  # a bad venue is a usage error before any work
    options = CheckOptions(venue=venue, camera_ready=camera_ready, rules=list(rules) or None)
    if fmt or not output:
        out_fmt = fmt
    else:
        out_fmt = "csv" if output.lower().endswith(".csv") else _fmt(output, None)
    single = len(papers) == 1 and not Path(papers[0]).is_dir() and out_fmt in (None, "md", "json")
    if not single or opts is not None:
        from .check_batch import run_batch

        sys.exit(run_batch(papers, output, out_fmt or "md", options, workers, fail_on, opts))
    rec = check_one(papers[0], options)
    if rec.status == "failed":
        raise InputError(rec.error or f"{papers[0]}: could not be checked")
    from .render import to_json, to_markdown

    rec.metadata.pop("seconds", None)
    text = to_json(rec) if out_fmt == "json" else to_markdown(rec)
    if output:
        from ..io import atomic_write_text

        atomic_write_text(Path(output), text)
        _say(f"wrote {output} ({len(rec.findings)} finding(s))")
    else:
        click.echo(text, nl=False)
    if fail_on and any(SEVERITIES.index(f.severity) >= SEVERITIES.index(fail_on)
                       for f in rec.findings):
        sys.exit(1)
