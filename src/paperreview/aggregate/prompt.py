"""Rendering a template's Jinja2 prompt for one submission.

Variables a prompt can use: ``title``, ``abstract``, ``venue``, ``decision`` (the submission's
final decision, only for templates with a decision aspect, else None), ``reviews`` (a list of
``{label, id, text, scores}``; ``label`` is "R1", "R2", ... and is what ``raised_by`` refers to),
``aspects`` (:class:`~paperreview.aggregate.templates.Aspect` objects, with ``key``, ``name``,
``kind``, ``description`` and ``instruction``), ``format`` (the JSON answer's shape) and
``submission`` (the whole record). An unknown variable is an error, caught when a template loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import prompting
from ..errors import InputError
from ..records import HumanReview, Submission

if TYPE_CHECKING:
    import jinja2

HINT = "fix the prompt in the template file (Jinja2 syntax; see docs/aggregate.md)"


def compile_prompt(text: str, where: str) -> jinja2.Template:
    """Compile a template's prompt through the one shared Environment (:mod:`paperreview.
    prompting`); a syntax error names the file and the line."""
    try:
        return prompting.compile_prompt(text, where)
    except InputError as exc:
        raise InputError(exc.message, HINT) from None


def render_prompt(tmpl: jinja2.Template, ctx: dict[str, Any], where: str) -> str:
    """Render one prompt; an unknown variable names ``where`` and the known variables."""
    import jinja2

    try:
        return tmpl.render(**ctx).strip()
    except jinja2.UndefinedError as exc:
        raise InputError(f"{where}: {exc.message}",
                         f"{HINT}; known variables: {', '.join(ctx)}") from None


def review_text(review: HumanReview) -> str:
    """The text of a review; a review with only structured fields shows them as 'key: value'."""
    if review.text.strip():
        return review.text.strip()
    parts = [f"{k}: {str(v).strip()}" for k, v in review.fields.items()
             if v is not None and str(v).strip()]
    return "\n".join(parts)


def scores_text(review: HumanReview) -> str:
    """'rating 6, confidence 4' (what the reviewer gave), or ''."""
    parts = [f"{name} {value:g}" for name, value in
             (("rating", review.rating), ("confidence", review.confidence)) if value is not None]
    return ", ".join(parts)


SAMPLE = Submission(
    id="sample", forum="sample", title="A sample paper", abstract="We study a problem.",
    reviews=[HumanReview(id="r1", forum="sample", text="Clear paper. Missing baselines.",
                         rating=6)],
)
