"""Turn a structured review (its field dict) into one text, with the venue's headings in order.

Venues ask reviewers for several fields ("summary", "strengths", "rating"...). Later stages want
one text per review, so each non-empty field becomes a ``## Heading`` block, in the venue's order
(the invitation's ``order`` when we know it, else the order the fields arrived in).

>>> print(stringify({"summary": "Good paper.", "rating": "8: accept", "code_of_conduct": "Yes"}))
## Summary
Good paper.
<BLANKLINE>
## Rating
8: accept
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: fields that are form boilerplate, not review content (dropped from the text, kept in ``fields``)
DEFAULT_EXCLUDE = frozenset({
    "code_of_conduct", "first_time_reviewer", "flag_for_ethics_review", "ethics_review_area",
    "details_of_ethics_concerns", "reviewer_certification", "code_of_ethics",
    "confidentiality_agreement", "acknowledgement",
})

#: heading spellings that plain title-casing gets wrong
_HEADINGS = {"tldr": "TL;DR", "tl_dr": "TL;DR", "tl;dr": "TL;DR", "review": "Review",
             "questions": "Questions", "limitations": "Limitations"}


def heading(key: str) -> str:
    """'strengths_and_weaknesses' -> 'Strengths And Weaknesses'."""
    k = key.strip()
    if k.lower() in _HEADINGS:
        return _HEADINGS[k.lower()]
    return " ".join(w if w.isupper() else w.capitalize() for w in k.replace("_", " ").split())


def value_text(value: Any) -> str:
    """A field value as text: lists joined by commas, numbers as written, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value if v is not None)
    if isinstance(value, dict):  # v2 content values that were not unwrapped
        return value_text(value.get("value"))
    return str(value).strip()


def ordered_keys(fields: Mapping[str, Any], order: Mapping[str, float] | None = None) -> list[str]:
    """Keys sorted by the venue's ``order`` (unknown keys last, in arrival order)."""
    keys = list(fields)
    if not order:
        return keys
    big = float("inf")
    return sorted(keys, key=lambda k: (order.get(k, big), keys.index(k)))


def stringify(fields: Mapping[str, Any], order: Mapping[str, float] | None = None,
              exclude: Iterable[str] = DEFAULT_EXCLUDE) -> str:
    """One text for a review's fields: ``## Heading`` blocks in venue order, empty fields left out.

    A review whose only text field is its body (PeerRead's ``comments``) is returned as is."""
    skip = {e.lower() for e in exclude}
    blocks = []
    for key in ordered_keys(fields, order):
        if key.lower() in skip:
            continue
        text = value_text(fields[key])
        if text:
            blocks.append((key, text))
    if len(blocks) == 1 and blocks[0][0].lower() in ("comments", "review", "text"):
        return blocks[0][1]
    return "\n\n".join(f"## {heading(k)}\n{t}" for k, t in blocks)
