"""``paperreview check``: the offline analysis of a paper, no model."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import config_defaults_option
from ..errors import InputError
from .commands import _fmt, _say

SEVERITIES = ("info", "minor", "major", "critical")


@click.command("check")
@click.argument("paper", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", default=None,
              help="Write here (.json or .md); default Markdown on stdout.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default=None)
@click.option("--rule", "rules", multiple=True,
              help="Run only this rule (repeatable); see --list-rules.")
@click.option("--list-rules", is_flag=True, help="List the checklist rules and exit.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit with status 1 when a finding is at least this severe (for CI).")
@config_defaults_option()
def check(paper, output, fmt, rules, list_rules, fail_on, config_file):
    """Offline checklist analysis of a paper PDF: findings with evidence, and hidden text.

    \b
    paperreview check paper.pdf
    paperreview check paper.pdf -o findings.json --fail-on major
    """
    from .rules import RULES

    if list_rules:
        for r in RULES.values():
            click.echo(f"{r.name:26} {r.aspect:16} {r.doc}")
        return
    if not paper:
        raise InputError("no paper given", "paperreview check PAPER.pdf (or --list-rules)")
    from .generate import ReviewOptions, offline_review, parse_paper
    from .render import to_json, to_markdown

    rec = offline_review(parse_paper(paper), ReviewOptions(rules=list(rules) or None))
    rec.template = None
    rec.metadata.pop("note", None)  # `check` is not a review: no "add an LLM" line
    rec.metadata["mode"] = "check"
    text = to_json(rec) if _fmt(output, fmt) == "json" else to_markdown(rec)
    if output:
        from ..io import atomic_write_text

        atomic_write_text(Path(output), text)
        _say(f"wrote {output} ({len(rec.findings)} finding(s))")
    else:
        click.echo(text, nl=False)
    if fail_on and any(SEVERITIES.index(f.severity) >= SEVERITIES.index(fail_on)
                       for f in rec.findings):
        sys.exit(1)
