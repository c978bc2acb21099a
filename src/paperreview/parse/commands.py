"""``paperreview parse``: the command line (see docs/parse.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import config_option, deprecated_aliases, output_option
from ..config import resolve_config, save_resolved
from ..errors import ConfigError
from ..executors.options import executor_from_options, executor_options


def _echo_row(row: dict) -> None:
    if row["status"] == "failed":
        click.echo(f"failed ({row.get('reason')}): {row.get('error')}", err=True)
    elif row.get("hidden_text"):
        reasons = ", ".join(row.get("hidden_reasons") or [])
        alarm = ": possible prompt injection" if row.get("hidden_phrases") else ""
        click.echo(f"warning: {row['input']}: {row['hidden_text']} hidden text item(s) "
                   f"({reasons}) kept out of the body{alarm}", err=True)


def _to_stdout(path: str, fmt: str, max_pages: int) -> None:
    from . import load_paper as parse_pdf
    from .render import render

    paper = parse_pdf(path, max_pages)
    click.echo(render(paper, fmt), nl=False)
    for h in paper.hidden_text:
        click.echo(f"warning: hidden text on page {h.page} ({h.reason}): {h.text!r}", err=True)


@deprecated_aliases({"--out": "--output"})
@click.command("parse")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
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
@executor_options("OUT/shards/ (inputs and OUT may be s3://, gs:// URLs; docs/scale.md)",
                  local_workers=True)
@config_option()
def parse(inputs, out_dir, fmt, workers, overwrite, max_pages, timeout, science_dir,
          executor, ray_address, shards, config_file) -> None:
    """Parse paper PDFs or LaTeX sources (.tex, source folder, arXiv .tar.gz) into papers.

    \b
    Writes OUT/<pdf stem>.json (.md, .txt) per paper and appends one row per input to
    OUT/parse_log.jsonl (status, pages, seconds, error). Exit code 1 when any input failed.
    Example: paperreview parse papers/ -o parsed/ --format tagged
    """
    from .batch import ParseConfig, run

    flags = {"format": fmt, "workers": workers, "overwrite": overwrite, "max_pages": max_pages,
             "timeout": timeout}
    config = resolve_config(ParseConfig, config_file, flags)
    opts = executor_from_options({"executor": executor, "ray_address": ray_address,
                                  "shards": shards}, local_workers=config.workers)
    if bool(inputs) == bool(science_dir):
        raise ConfigError("give either PDF files/directories or --from-science-parse DIR",
                          "e.g. paperreview parse papers/ -o parsed/")
    if out_dir == "-":
        if science_dir or len(inputs) != 1:
            raise ConfigError("-o - prints one paper: give exactly one PDF or LaTeX source")
        _to_stdout(str(inputs[0]), config.format, config.max_pages)
        return
    if science_dir:
        from .science_parse import convert_to_file, science_parse_files

        files = science_parse_files(science_dir)
        summary = run(files, out_dir, config.model_copy(update={"workers": 0}),
                      on_row=_echo_row, fn=convert_to_file, suffix=".json")
    elif opts is not None:
        from ..executors.stages import parse_sharded

        summary = parse_sharded([str(p) for p in inputs], str(out_dir), config, opts,
                                on_row=_echo_row)
    else:
        summary = run(inputs, out_dir, config, on_row=_echo_row)
    # paper files own the plain names here (a paper.pdf named summary.pdf -> summary.json), so
    # parse's stage files carry a prefix: parse_config.json and parse_summary.json
    if "://" in str(out_dir):  # object storage: the summary beside the shards
        from ..executors import fs

        fs.write_text(fs.join(str(out_dir), "parse_summary.json"), summary.model_dump_json())
    else:
        save_resolved(config, out_dir, "parse_config.json")
        summary.write(Path(out_dir) / "parse_summary.json")
    summary.print()
    if summary.failed:
        sys.exit(1)
