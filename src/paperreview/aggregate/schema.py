"""The JSON answer of an aggregation template: one pydantic model built per template.

Every aspect of kind ``points`` is a list of :class:`Point`; ``text`` is a string, ``score`` an
integer in the aspect's range or null, ``decision`` a :class:`Decision` or null. Empty lists,
empty strings and nulls are all valid: the model may leave a part empty rather than invent it
(the "honesty option"). Every key is required and extra keys are rejected, so the schema is
usable as an OpenAI strict ``json_schema`` response format.

>>> from paperreview.aggregate.templates import get_template
>>> t = get_template("four-aspect")
>>> review = {a.key: [] for a in t.aspects}
>>> validate_review(review, t) == review
True
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .aspects import Aspect, HasAspects


class Point(BaseModel):
    """One merged review point."""

    model_config = ConfigDict(extra="forbid")

    title: str
    detail: str
    raised_by: list[str]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject"]
    reasons: str


class SchemaError(ValueError):
    """An answer that is not JSON or does not match the template's schema."""


def _field_type(aspect: Aspect) -> Any:
    if aspect.kind == "points":
        return list[Point]
    if aspect.kind == "text":
        return str
    if aspect.kind == "score":
        return Annotated[int, Field(ge=aspect.min, le=aspect.max)] | None
    return Decision | None


def build_schema(template_name: str, aspects: list[Aspect]) -> type[BaseModel]:
    """A pydantic model with one required field per aspect, in template order."""
    fields: dict[str, Any] = {
        a.key: (_field_type(a), Field(..., title=a.name, description=a.description or None))
        for a in aspects
    }
    class_name = "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]+", template_name) if p)
    return create_model(
        f"{class_name or 'Template'}Review",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )


def validate_review(data: Any, template: HasAspects) -> dict[str, Any]:
    """Validate ``data`` against ``template.schema``; return the canonical review dict.

    Raises :class:`SchemaError` naming the first few problems.
    """
    try:
        return template.schema.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(x) for x in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()
        ]
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SchemaError("; ".join(problems[:3]) + more) from None


def json_skeleton(aspects: list[Aspect]) -> str:
    """The answer's shape, one key per line, for the prompt's format instructions."""
    point = '{"title": "...", "detail": "...", "raised_by": ["R1", "R2"]}'
    lines = []
    for a in aspects:
        if a.kind == "points":
            value = f"[{point}, ...]"
        elif a.kind == "text":
            value = '"..."'
        elif a.kind == "score":
            value = f"<integer {a.min}-{a.max}, or null>"
        else:
            value = '{"decision": "accept" or "reject", "reasons": "..."} or null'
        lines.append(f'  "{a.key}": {value}')
    return "{\n" + ",\n".join(lines) + "\n}"
