"""Rendering a template's Jinja2 prompt for one submission.

Variables a prompt can use: ``title``, ``abstract``, ``venue``, ``decision`` (the submission's
final decision, only for templates with a decision aspect, else None), ``reviews`` (a list of
``{label, id, text, scores}``; ``label`` is "R1", "R2", ... and is what ``raised_by`` refers to),
``aspects`` (:class:`~paperreview.aggregate.templates.Aspect` objects, with ``key``, ``name``,
``kind``, ``description`` and ``instruction``), ``format`` (the JSON answer's shape) and
``submission`` (the whole record). An unknown variable is an error, caught when a template loads.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..records import HumanReview, Submission

if TYPE_CHECKING:
    import jinja2

    from .templates import Template

HINT = "fix the prompt in the template file (Jinja2 syntax; see docs/aggregate.md)"


@functools.cache
def _env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=False, autoescape=False)


def compile_prompt(text: str, where: str) -> jinja2.Template:
    import jinja2

    try:
        return _env().from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"{where}: prompt line {exc.lineno}: {exc.message}", HINT) from None


def review_text(review: HumanReview) -> str:
    """The text of a review; a review with only structured fields shows them as 'key: value'."""
    if review.text.strip():
        return review.text.strip()
    parts = [f"{k}: {str(v).strip()}" for k, v in review.fields.items()
             if v is not None and str(v).strip()]
    return "\n".join(parts)


def _scores(review: HumanReview) -> str:
    parts = [f"{name} {value:g}" for name, value in
             (("rating", review.rating), ("confidence", review.confidence)) if value is not None]
    return ", ".join(parts)


def render_messages(template: Template, submission: Submission) -> list[dict[str, str]]:
    import jinja2

    reviews = [{"label": label, "id": r.id, "text": review_text(r), "scores": _scores(r)}
               for label, r in template.reviewer_labels(submission).items()]
    has_decision = any(a.kind == "decision" for a in template.aspects)
    ctx: dict[str, Any] = {
        "title": submission.title or "(untitled)",
        "abstract": submission.abstract,
        "venue": submission.venue,
        "decision": submission.decision if has_decision else None,
        "reviews": reviews,
        "aspects": template.aspects,
        "format": template.skeleton(),
        "submission": submission,
    }
    out = []
    for role, tmpl in (("system", template._system_t), ("user", template._user_t)):
        try:
            content = tmpl.render(**ctx).strip()
        except jinja2.UndefinedError as exc:
            raise InputError(f"{template.source}: {role} prompt: {exc.message}",
                             f"{HINT}; known variables: {', '.join(ctx)}") from None
        if content:
            out.append({"role": role, "content": content})
    return out


SAMPLE = Submission(
    id="sample", forum="sample", title="A sample paper", abstract="We study a problem.",
    reviews=[HumanReview(id="r1", forum="sample", text="Clear paper. Missing baselines.",
                         rating=6)],
)
