"""``paperreview llm run`` and ``paperreview llm stats``: thin wrappers over the engine."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli_options import config_option
from .options import engine_config_from_options, engine_options


@click.group("llm")
def llm() -> None:
    """Run and inspect LLM jobs (rate limits, journal, cost)."""


@llm.command("run")
@click.argument("requests_path", metavar="REQUESTS.jsonl", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="RESULTS.jsonl, one line per input line, in input order.")
@click.option("--run-dir", type=click.Path(file_okay=False), default=None,
              help="Journal directory (default: OUTPUT + '.run'). Rerun to resume.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Progress bar on stderr.")
@config_option(help="YAML/JSON/TOML file with EngineConfig keys (the same as --engine-config).")
@engine_options
def run_cmd(requests_path: str, output: str, run_dir: str | None, progress: bool,
            config_file: str | None, **kw) -> None:
    """Run chat-completion jobs from REQUESTS.jsonl (OpenAI Batch API lines or bare bodies).

    \b
    Example:
      paperreview llm run jobs.jsonl -o results.jsonl --model gpt-4o-mini --rpm 500 --tpm 200000
    """
    from ..errors import ConfigError
    from ..stage import Summary, finish, timed
    from .runner import run_file

    if config_file and kw.get("engine_config"):
        raise ConfigError("give --config or --engine-config, not both (they take the same keys)")
    kw["engine_config"] = kw.get("engine_config") or config_file
    cfg = engine_config_from_options(kw, run_dir=run_dir or str(Path(output)) + ".run")
    summary = Summary(stage="llm run")
    with timed(summary):
        run_file(requests_path, output, cfg, summary, progress=progress)
    summary.outputs = {"results": output, "run_dir": cfg.run_dir}
    finish(summary, cfg.run_dir, cfg)  # config.json + summary.json in the run dir; exit 1 on failures


@llm.command("stats")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_cmd(run_dir: str, as_json: bool) -> None:
    """Print requests, tokens, cost, failures by reason and achieved throughput of RUN_DIR."""
    from .stats import run_stats

    s = run_stats(run_dir)
    if as_json:
        click.echo(json.dumps(s, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"llm run {run_dir}", show_header=False)
    for k, v in s.items():
        if isinstance(v, dict):
            v = ", ".join(f"{a}: {b}" for a, b in v.items()) or "-"
        t.add_row(k, "unknown" if v is None else str(v))
    Console().print(t)
