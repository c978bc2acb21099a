"""``paperreview parse``: the command line (see docs/parse.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import config_option, deprecated_aliases, output_option
from ..config import resolve_config, save_resolved
from ..errors import ConfigError
from ..executors.options import executor_options


def _echo_row(row: dict) -> None:
    if row["status"] == "failed":
        click.echo(f"failed ({row.get('reason')}): {row.get('error')}", err=True)
    elif row.get("hidden_text"):
        reasons = ", ".join(row.get("hidden_reasons") or [])
        alarm = ": possible prompt injection" if row.get("hidden_phrases") else ""
        click.echo(f"warning: {row['input']}: {row['hidden_text']} hidden text item(s) "
                   f"({reasons}) kept out of the body{alarm}", err=True)


def _to_stdout(path: str, fmt: str, max_pages: int) -> None:
    from .pipeline import parse_pdf
    from .render import render

    paper = parse_pdf(path, max_pages)
    click.echo(render(paper, fmt), nl=False)
    for h in paper.hidden_text:
        click.echo(f"warning: hidden text on page {h.page} ({h.reason}): {h.text!r}", err=True)


@deprecated_aliases({"--out": "--output"})
@click.command("parse")
@click.argument("inputs", nargs=-1, type=click.Path())  # str: fsspec URLs (s3://...) stay intact
@output_option("out_dir", help="Output directory (one file per paper + parse_log.jsonl); '-' "
                               "prints one paper to stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown", "tagged"]),
              default=None, help="Output format (default json).")
@click.option("--workers", type=int, default=None,
              help="Worker processes (0 = in this process).  [default: number of cores]")
@click.option("--overwrite", is_flag=True, default=None, help="Re-parse papers already done.")
@click.option("--max-pages", type=int, default=None,
              help="Fail PDFs with more pages than this (0 = no limit).  [default: 300]")
@click.option("--timeout", type=float, default=None,
              help="Seconds per PDF before its worker is stopped.  [default: 300]")
@click.option("--from-science-parse", "science_dir", type=click.Path(path_type=Path),
              default=None, help="Convert PeerRead parsed_pdfs/*.json in this directory instead.")
@executor_options
@config_option()
def parse(inputs, out_dir, fmt, workers, overwrite, max_pages, timeout, science_dir,
          executor, ray_address, config_file) -> None:
    """Parse paper PDFs (files or directories) into structured papers.

    \b
    Writes OUT/<pdf stem>.json (.md, .txt) per paper and appends one row per input to
    OUT/parse_log.jsonl (status, pages, seconds, error). Exit code 1 when any input failed.
    Example: paperreview parse papers/ -o parsed/ --format tagged
    \b
    Inputs and -o may be fsspec URLs (s3://, gs://, file://); with --executor ray (or any URL)
    the work is sharded with completion markers in OUT/_shards (docs/scale.md).
    """
    from .batch import ParseConfig, run

    flags = {"format": fmt, "workers": workers, "overwrite": overwrite, "max_pages": max_pages,
             "timeout": timeout}
    config = resolve_config(ParseConfig, config_file, flags)
    if bool(inputs) == bool(science_dir):
        raise ConfigError("give either PDF files/directories or --from-science-parse DIR",
                          "e.g. paperreview parse papers/ -o parsed/")
    if out_dir == "-":
        if science_dir or len(inputs) != 1 or Path(inputs[0]).is_dir():
            raise ConfigError("-o - prints one paper: give exactly one PDF file")
        _to_stdout(str(inputs[0]), config.format, config.max_pages)
        return
    if science_dir:
        from .science_parse import convert_to_file, science_parse_files

        files = science_parse_files(science_dir)
        summary = run(files, out_dir, config.model_copy(update={"workers": 0}),
                      on_row=_echo_row, fn=convert_to_file, suffix=".json")
    elif executor == "ray" or ray_address or any("://" in str(p) for p in (*inputs, out_dir)):
        from ..executors import parse as sharded
        from ..executors.options import make_executor

        ex = make_executor(executor, ray_address, config.workers, config.timeout * 16)
        summary = sharded.run(inputs, out_dir, config, ex, on_row=_echo_row)
        sharded.write_stage_files(out_dir, config, summary)
        summary.print()
        sys.exit(1 if summary.failed else 0)
    else:
        summary = run(inputs, out_dir, config, on_row=_echo_row)
    # paper files own the plain names here (a paper.pdf named summary.pdf -> summary.json), so
    # parse's stage files carry a prefix: parse_config.json and parse_summary.json
    save_resolved(config, out_dir, "parse_config.json")
    summary.write(Path(out_dir) / "parse_summary.json")
    summary.print()
    if summary.failed:
        sys.exit(1)
