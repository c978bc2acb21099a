"""``paperreview reviews ...``: fetch, import-peerread, filter, join (thin: config -> stage -> table)."""

from __future__ import annotations

from typing import Any

import click

from ..cli_options import config_option, deprecated_aliases, output_option
from ..config import resolve_config
from ..stage import Summary, finish

CONFIG = config_option()
OUT = output_option("out_dir", help="Output directory (created if missing).")
#: old spellings kept for one release
ALIASES = {"--out-dir": "--output"}
SUBMISSIONS = click.Path(exists=True)  # a submissions.jsonl or the output dir holding one


def _done(summary: Summary) -> None:
    finish(summary)  # summary.json and config.json are already beside the outputs; exit 1 on failures


@click.group()
def reviews() -> None:
    """Fetch, import, filter and join human reviews (writes Submission JSONL)."""


@deprecated_aliases(ALIASES)
@reviews.command()
@click.option("--venue", required=True, help="OpenReview venue id, e.g. ICLR.cc/2024/Conference.")
@OUT
@click.option("--pdf", type=click.Choice(["first", "latest", "none"]), default=None,
              help="Download PDFs: the version the reviewers read (the last revision before "
                   "the first review), the latest, or none.  [default: none]")
@click.option("--limit", type=int, default=None, help="At most N submissions (by number).")
@click.option("--api", type=click.Choice(["auto", "1", "2"]), default=None,
              help="OpenReview API version.  [default: auto: v2, else v1]")
@click.option("--rps", type=float, default=None, help="Requests per second.  [default: 2]")
@click.option("--max-retries", type=int, default=None, help="Retries per request.  [default: 5]")
@click.option("--page-size", type=int, default=None, help="Submissions per request. [default: 200]")
@click.option("--details", type=click.Choice(["auto", "replies", "directReplies"]), default=None,
              help="Which replies come with each submission.  [default: auto: replies on "
                   "API v2, directReplies on v1]")
@click.option("--revisions/--no-revisions", default=None,
              help="Record PDF revisions.  [default: only with --pdf first]")
@CONFIG
def fetch(config_file: str | None, **flags: Any) -> None:
    """Fetch a venue's submissions, reviews, meta-reviews, decisions and comments.

    Writes OUT_DIR/submissions.jsonl (one Submission per forum), pdfs/ and pdfs.jsonl with
    --pdf, failures.jsonl, summary.json. A rerun fetches only what is missing.

    \b
    Example: paperreview reviews fetch --venue ICLR.cc/2024/Conference -o runs/iclr24 --pdf first
    """
    from .fetch import FetchConfig, fetch_venue

    _done(fetch_venue(resolve_config(FetchConfig, config_file, flags)))


@deprecated_aliases(ALIASES)
@reviews.command("import-peerread")
@click.argument("input", type=click.Path(exists=True))
@OUT
@CONFIG
def import_peerread_cmd(config_file: str | None, **flags: Any) -> None:
    """Import PeerRead's ICLR 2017 / ACL 2017 review files (INPUT: the PeerRead folder).

    Writes OUT_DIR/submissions.jsonl, failures.jsonl (files skipped and why), summary.json.

    \b
    Example: paperreview reviews import-peerread PeerRead/ -o runs/peerread
    """
    from .peerread import ImportConfig, run_import

    _done(run_import(resolve_config(ImportConfig, config_file, flags)))


@deprecated_aliases({**ALIASES, "--min-tokens": "--min-review-tokens",
                     "--max-tokens": "--max-review-tokens"})
@reviews.command("filter")
@click.argument("input", type=SUBMISSIONS)
@OUT
@click.option("--drop-author-responses/--keep-author-responses", default=None,
              help="Drop authors' responses.  [default: drop]")
@click.option("--drop-public-comments/--keep-public-comments", default=None,
              help="Drop public comments.  [default: drop]")
@click.option("--drop-questions/--keep-questions", default=None,
              help="Drop reviewers' pre-review questions.  [default: drop]")
@click.option("--min-review-tokens", "min_tokens", type=int, default=None,
              help="Shortest review kept, in tokens.  [default: 100]")
@click.option("--max-review-tokens", "max_tokens", type=int, default=None,
              help="Longest review kept, in tokens.  [default: 2000]")
@click.option("--max-newline-ratio", type=float, default=None,
              help="Most line breaks per token in a review.  [default: 0.2]")
@click.option("--drop-contradicting/--keep-contradicting", default=None,
              help="Drop low-confidence reviews whose rating contradicts the decision. "
                   "[default: drop]")
@click.option("--low-confidence", type=float, default=None,
              help="Confidence at or below this is low.  [default: 2]")
@click.option("--accept-rating", type=float, default=None,
              help="Ratings at or above this lean accept.  [default: 6]")
@click.option("--dedupe/--no-dedupe", default=None, help="Drop duplicate reviews. [default: on]")
@click.option("--min-reviews", type=int, default=None,
              help="Drop papers left with fewer reviews.  [default: 1]")
@CONFIG
def filter_cmd(config_file: str | None, **flags: Any) -> None:
    """Filter reviews and comments; counts by reason go to OUT_DIR/filter_report.json.

    INPUT is a Submission JSONL or the output dir of `reviews fetch|import-peerread` (its
    submissions.jsonl). A malformed line is a failed row naming path:line; the rest go on.

    \b
    Example: paperreview reviews filter runs/iclr24/submissions.jsonl -o runs/iclr24-filtered
    """
    from .filters import FilterConfig, run_filter

    _done(run_filter(resolve_config(FilterConfig, config_file, flags)))


@deprecated_aliases(ALIASES)
@reviews.command()
@click.argument("submissions", type=SUBMISSIONS)
@click.argument("papers", type=click.Path(exists=True))
@OUT
@click.option("--by-title/--no-by-title", default=None,
              help="Fall back to normalised titles.  [default: on]")
@click.option("--keep-unmatched", is_flag=True, default=None,
              help="Also write submissions without a paper (paper_id null).")
@CONFIG
def join(config_file: str | None, **flags: Any) -> None:
    """Join submissions to parsed papers (a `paperreview parse` output dir or Paper JSONL).

    Writes OUT_DIR/submissions.jsonl (paper_id set), papers.jsonl, join_report.json.

    \b
    Example: paperreview reviews join runs/iclr24/submissions.jsonl runs/iclr24-parsed -o runs/j
    """
    from .join import JoinConfig, run_join

    _done(run_join(resolve_config(JoinConfig, config_file, flags)))
