"""``paperreview reviews filter``: keep the reviews worth learning from, count what is dropped.

Each rule is a config field (and a CLI flag) with a documented default; every dropped review,
comment or submission is counted under its reason in ``filter_report.json`` and the printed
table. A review is dropped for the first rule it breaks, in this order:

1. ``dedupe`` (on): the same text (whitespace/case-insensitive) as an earlier review of the paper
2. ``min_tokens`` (100) / ``max_tokens`` (2000): length in offline tokens (``tokens.py``)
3. ``max_newline_ratio`` (0.2): more than one line break per 5 tokens in the reviewer's own text
   (AcademicGPT dropped reviews with too many line breaks; 0.2 is our threshold: it drops text
   broken every few words, e.g. a badly extracted table, and keeps hard-wrapped and bulleted
   reviews, whose ratio on PeerRead ICLR 2017 is at most 0.12)
4. ``drop_contradicting`` (on): confidence <= ``low_confidence`` (2) and a rating on the
   wrong side of ``accept_rating`` (6, ICLR's 1-10 scale) for the paper's decision

Comments: author responses, public comments and reviewers' pre-review questions are dropped
by default (``drop_author_responses``, ``drop_public_comments``, ``drop_questions``).
Submissions: a repeated id, or fewer than ``min_reviews`` (1) reviews left, drops the paper.

>>> sub = Submission(id="p", forum="p", decision="accept", reviews=[
...     HumanReview(id="r1", forum="p", text="too short", rating=8)])
>>> kept, why = filter_submission(sub, FilterConfig(input="-", out_dir="-"))
>>> kept is None, why["reviews"]
(True, Counter({'too short (< 100 tokens)': 1}))
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pydantic import AliasChoices, Field

from ..config import StageConfig, save_resolved
from ..io import JsonlWriter, atomic_write_json
from ..records import Comment, HumanReview, Submission
from ..stage import Summary, progress, timed
from .jsonl import iter_submissions
from .tokens import count_tokens


class FilterConfig(StageConfig):
    input: str
    out_dir: str
    drop_author_responses: bool = True
    drop_public_comments: bool = True
    drop_questions: bool = True  # reviewers' pre-review questions
    # the review-length filters (flags --min-review-tokens / --max-review-tokens)
    min_tokens: int = Field(100, validation_alias=AliasChoices("min_tokens", "min_review_tokens"))
    max_tokens: int = Field(2000, validation_alias=AliasChoices("max_tokens", "max_review_tokens"))
    max_newline_ratio: float = 0.2  # line breaks per token in the reviewer's own text
    drop_contradicting: bool = True
    low_confidence: float = 2.0  # confidence at or below this is "low"
    accept_rating: float = 6.0  # ratings at or above this lean "accept"
    dedupe: bool = True
    min_reviews: int = 1


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def newline_ratio(review: HumanReview, n_tokens: int | None = None) -> float:
    """Line breaks in what the reviewer typed (our ``## Heading`` lines excluded) per token of
    the review (``n_tokens``, counted here when not given)."""
    parts = [v.strip() for v in review.fields.values() if isinstance(v, str)] or [review.text]
    n = count_tokens(review.text) if n_tokens is None else n_tokens
    return sum(p.count("\n") for p in parts) / max(n, 1)


def review_reason(r: HumanReview, decision: str | None, seen: set[str], cfg: FilterConfig
                  ) -> str | None:
    """Why ``r`` is dropped (the first rule it breaks), or None to keep it."""
    key = _norm(r.text)
    if cfg.dedupe:
        if key in seen or r.id in seen:
            return "duplicate review"
        seen.update((key, r.id))
    n = count_tokens(r.text)
    if n < cfg.min_tokens:
        return f"too short (< {cfg.min_tokens} tokens)"
    if n > cfg.max_tokens:
        return f"too long (> {cfg.max_tokens} tokens)"
    if newline_ratio(r, n) > cfg.max_newline_ratio:
        return f"too many line breaks (> {cfg.max_newline_ratio:g} per token)"
    if (cfg.drop_contradicting and r.confidence is not None and r.rating is not None
            and r.confidence <= cfg.low_confidence and decision in ("accept", "reject")
            and (r.rating >= cfg.accept_rating) != (decision == "accept")):
        return "low confidence, rating contradicts decision"
    return None


def comment_reason(c: Comment, cfg: FilterConfig) -> str | None:
    if cfg.drop_author_responses and c.kind == "author_response":
        return "author response"
    if cfg.drop_public_comments and c.kind == "public_comment":
        return "public comment"
    if cfg.drop_questions and c.kind == "pre_review_question":
        return "pre-review question"
    return None


def filter_submission(sub: Submission, cfg: FilterConfig) -> tuple[Submission | None, dict[str, Counter]]:
    """Apply every rule to one submission: (the kept copy or None, {"reviews"/"comments": reasons})."""
    why: dict[str, Counter] = {"reviews": Counter(), "comments": Counter()}
    seen: set[str] = set()
    reviews = []
    for r in sub.reviews:
        reason = review_reason(r, sub.decision, seen, cfg)
        if reason:
            why["reviews"][reason] += 1
        else:
            reviews.append(r)
    comments = []
    for c in sub.comments:
        reason = comment_reason(c, cfg)
        if reason:
            why["comments"][reason] += 1
        else:
            comments.append(c)
    if len(reviews) < cfg.min_reviews:
        return None, why
    return sub.model_copy(update={"reviews": reviews, "comments": comments}), why


def run_filter(cfg: FilterConfig) -> Summary:
    """Read ``cfg.input`` (Submission JSONL), write ``<out_dir>/submissions.jsonl`` and
    ``filter_report.json``; returns the summary (submissions kept/dropped by reason)."""
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_resolved(cfg, out)
    summary = Summary(stage="reviews filter")
    errors: list[dict[str, str]] = []
    totals = {"reviews": Counter(), "comments": Counter()}
    n_in = {"reviews": 0, "comments": 0}  # in the distinct submissions read
    n_out = {"reviews": 0, "comments": 0}  # written (a dropped paper takes its reviews along)
    ids: set[str] = set()
    with timed(summary), JsonlWriter(out / "submissions.jsonl", mode="w", fsync=False) as w:
        for sub in progress(iter_submissions(cfg.input, summary, errors), desc="filter"):
            if sub.id in ids:
                summary.count("skipped", "duplicate submission")
                continue
            ids.add(sub.id)
            n_in["reviews"] += len(sub.reviews)
            n_in["comments"] += len(sub.comments)
            kept, why = filter_submission(sub, cfg)
            for k, counter in totals.items():
                counter.update(why[k])
            if kept is None:
                summary.count("skipped", f"fewer than {cfg.min_reviews} reviews left")
                continue
            w.write(kept)
            n_out["reviews"] += len(kept.reviews)
            n_out["comments"] += len(kept.comments)
            summary.count("ok")
    for k, counter in totals.items():
        summary.merge_reasons(Counter({f"dropped {k[:-1]}: {r}": n for r, n in counter.items()}))
    report = {k: {"in": n_in[k], "kept": n_out[k], "dropped": dict(totals[k].most_common())}
              for k in totals}
    report["submissions"] = {"in": summary.total, "kept": summary.ok,
                             "dropped": {r.split(": ", 1)[1]: n for r, n in summary.reasons.items()
                                         if not r.startswith("dropped ")}}
    report["errors"] = errors
    report["rules"] = cfg.model_dump(exclude={"env_vars", "input", "out_dir"})
    atomic_write_json(out / "filter_report.json", report)
    summary.outputs = {"submissions": str(out / "submissions.jsonl"),
                       "report": str(out / "filter_report.json")}
    summary.extra = {k: report[k] for k in ("reviews", "comments")}
    summary.write(out / "summary.json")
    return summary
