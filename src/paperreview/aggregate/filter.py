"""Long-tail filter: drop merged reviews too thin to train on, counted by reason.

A merged review is dropped (its row becomes ``status="skipped"``, its review and text kept) when
its bracket text, without the ``[Heading]`` lines, has fewer than ``min_tokens`` tokens, or when an aspect in ``require_aspects``
is empty (``[]``, ``""`` or null). Tokens are counted offline with
:func:`paperreview.reviews.tokens.count_tokens` unless a tokenizer's counter is passed.

>>> from paperreview.aggregate.templates import get_template
>>> t = get_template("four-aspect")
>>> review = {a.key: [] for a in t.aspects}
>>> LongTailFilter(t, min_tokens=1).reason(review, "[Significance and novelty]")
'too short'
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ConfigError
from ..records import AggregatedReview
from .templates import Template


class LongTailFilter:
    def __init__(self, template: Template, min_tokens: int | None = None,
                 require_aspects: list[str] | tuple[str, ...] = (),
                 count_tokens: Callable[[str], int] | None = None):
        known = {a.key: a for a in template.aspects}
        by_name = {a.name.casefold(): a.key for a in template.aspects}
        self.require: list[str] = []
        for name in require_aspects:
            key = name if name in known else by_name.get(name.casefold())
            if key is None:
                raise ConfigError(f"--require-aspects: template '{template.name}' has no aspect "
                                  f"'{name}'", f"use one of: {', '.join(known)}")
            self.require.append(key)
        if min_tokens is not None and min_tokens < 0:
            raise ConfigError("--min-tokens must be >= 0")
        self.min_tokens = min_tokens
        if count_tokens is None:
            from ..reviews.tokens import count_tokens
        self.count_tokens = count_tokens

    @property
    def active(self) -> bool:
        return bool(self.min_tokens or self.require)

    def reason(self, review: dict, text: str) -> str | None:
        """Why this merged review is dropped ("too short", "empty <aspect>"), or None to keep it."""
        for key in self.require:
            if review.get(key) in (None, "", []):
                return f"empty {key}"
        if self.min_tokens and self.count_tokens(content_of(text)) < self.min_tokens:
            return "too short"
        return None

    def apply(self, row: AggregatedReview) -> AggregatedReview:
        """Re-judge a row that has a review (ok, or dropped by an earlier filter run)."""
        if row.review is None or row.status == "failed" or not _filterable(row):
            return row
        why = self.reason(row.review, row.text or "")
        meta = {k: v for k, v in row.metadata.items() if k != "filtered"}
        if why is None:
            return row.model_copy(update={"status": "ok", "error": None, "metadata": meta})
        meta["filtered"] = why
        return row.model_copy(update={"status": "skipped", "error": f"filtered: {why}",
                                      "metadata": meta})


def content_of(text: str) -> str:
    """Bracket text without its [Heading] lines: what ``min_tokens`` counts."""
    return "\n".join(ln for ln in text.split("\n") if not (ln.startswith("[") and ln.endswith("]")))


def _filterable(row: AggregatedReview) -> bool:
    return row.status == "ok" or (row.status == "skipped" and "filtered" in row.metadata)
