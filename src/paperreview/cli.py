"""The ``paperreview`` command line: thin command groups, loaded lazily.

Each stage keeps its commands in ``paperreview.<stage>.commands``; this module only knows their
names, so ``paperreview --help`` imports nothing heavy (no torch, no transformers).
"""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__
from .errors import PaperReviewError

# name -> ("module", "attribute", "one-line help shown by --help without importing the module")
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("paperreview.parse.commands", "parse", "Parse paper PDFs into structured papers."),
    "llm": ("paperreview.llm.commands", "llm", "Run and inspect LLM jobs (rate limits, journal)."),
    "reviews": ("paperreview.reviews.commands", "reviews",
                "Fetch, import, filter and join human reviews."),
    "aggregate": ("paperreview.aggregate.commands", "aggregate",
                  "Merge each paper's reviews into one structured review."),
    "dataset": ("paperreview.dataset.commands", "dataset",
                "Build instruction data and token statistics."),
    "train": ("paperreview.train.commands", "train", "Fine-tune a reviewer model (LoRA/QLoRA)."),
    "review": ("paperreview.review.commands", "review", "Review a paper PDF."),
    "check": ("paperreview.review.check_command", "check",
              "Offline checklist analysis of a paper PDF."),
    "evaluate": ("paperreview.evaluate.commands", "evaluate",
                 "Compare generated reviews with human ones."),
    "tasks": ("paperreview.tasks.commands", "tasks",
              "Title generation, keywords and classification of papers."),
    "title": ("paperreview.tasks.commands", "title", "Suggest a title for an abstract."),
    "serve": ("paperreview.web.commands", "serve", "Serve the review web page and REST API."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("paperreview"):
                raise click.ClickException(f"'{name}' is not available in this build") from exc
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperreview")
def cli() -> None:
    """Build, run and evaluate LLM reviewers of scientific papers.

    \b
    Pipeline: parse -> reviews -> aggregate -> dataset -> train -> review -> evaluate.
    Run `paperreview COMMAND --help` for each stage.
    """


#: the arguments of the running command (a launcher re-runs the command with them)
ARGV: list[str] = []


def main(argv: list[str] | None = None) -> None:
    ARGV[:] = [str(a) for a in (argv if argv is not None else sys.argv[1:])]
    try:
        cli.main(args=argv, prog_name="paperreview", standalone_mode=False)
    except PaperReviewError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"  -> {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
