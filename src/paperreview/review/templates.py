"""Review templates: what the reviewer model is asked for and how its answer is read.

Two families:

* ``stanford`` and ``neurips`` (files in ``paperreview/prompts/review/``): prompted models answer
  JSON validated against a pydantic schema; the paper goes in ``<paper>...</paper>`` as data.
* ``four-aspect`` and ``seven-aspect``: the bracket formats our fine-tuned models are trained on,
  prompted *exactly as in training* (``default_instruction(name) + "\\n" + tagged paper`` as the
  only user turn) and read back with ``aggregate.bracket.from_bracket``.

>>> t = get_review_template("neurips")
>>> t.prompt_version, t.kind, t.scores({"overall": 6, "soundness": 3})
('review/neurips@1.0', 'json', {'soundness': 3.0, 'overall': 6.0})
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError

PROMPT_DIR = Path(__file__).resolve().parent.parent / "prompts" / "review"
BRACKET_TEMPLATES = ("four-aspect", "seven-aspect", "sea")  # trained formats (aggregate)
NAMES = ("stanford", "neurips", *BRACKET_TEMPLATES)


class Point(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    detail: str
    where: str


class StanfordReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    significance_and_novelty: list[Point]
    reasons_for_acceptance: list[Point]
    reasons_for_rejection: list[Point]
    suggestions_for_improvement: list[Point]


class NeurIPSReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str
    strengths: list[Point]
    weaknesses: list[Point]
    questions: list[Point]
    limitations: str
    soundness: int = Field(ge=1, le=4)
    presentation: int = Field(ge=1, le=4)
    contribution: int = Field(ge=1, le=4)
    overall: int = Field(ge=1, le=10)
    confidence: int = Field(ge=1, le=5)
    decision: Literal["accept", "reject"]


SCHEMAS: dict[str, type[BaseModel]] = {"stanford": StanfordReview, "neurips": NeurIPSReview}


def decision_of(value: Any) -> str | None:
    """"accept"/"reject" from a JSON template's string or a bracket decision aspect's
    ``{"decision", "reasons"}`` (``sea``); None otherwise."""
    if isinstance(value, dict):
        value = value.get("decision")
    return value if value in ("accept", "reject") else None


class ReviewFormatError(ValueError):
    """A model answer that does not follow the template (the message says what failed)."""


@dataclass
class ReviewTemplate:
    """One review format. ``sections`` are ``{"key", "heading", "scale"?}`` in display order."""

    name: str
    version: str
    kind: Literal["json", "bracket"]
    sections: list[dict[str, str]]
    system: str = ""
    user: str = ""
    schema: type[BaseModel] | None = None
    aggregate: Any = field(default=None, repr=False)  # aggregate Template (bracket formats)

    @property
    def prompt_version(self) -> str:
        return f"review/{self.name}@{self.version}"

    def messages(self, paper_text: str, notes: str = "") -> list[dict[str, str]]:
        """The chat messages for one review of ``paper_text`` (the fitted tagged paper)."""
        if self.kind == "bracket":  # exactly the training record's user turn, nothing added
            from ..dataset.instructions import default_instruction, user_prompt

            return [{"role": "user", "content": user_prompt(default_instruction(self.name),
                                                             paper_text)}]
        # the paper cannot close its own delimiter and smuggle text out of the data block
        safe = paper_text.replace("</paper>", "</ paper>")
        user = self.user.replace("{paper}", safe).replace("{notes}", notes).rstrip() + "\n"
        return [{"role": "system", "content": self.system.strip()},
                {"role": "user", "content": user}]

    def parse(self, parsed: dict | None, content: str) -> dict[str, Any]:
        """The validated review dict of one answer, or :class:`ReviewFormatError`."""
        if self.kind == "bracket":
            from ..aggregate.bracket import from_bracket

            review = from_bracket(content, self.aggregate)
            if not any(review.values()):
                names = ", ".join(f"[{s['heading']}]" for s in self.sections)
                raise ReviewFormatError(f"the answer has none of the headings {names} with a "
                                        "<title> point under it")
            return review
        data = parsed
        if data is None:
            import json_repair

            data = json_repair.loads(content) if content.strip() else None
        if not isinstance(data, dict):
            raise ReviewFormatError("the answer is not a JSON object")
        try:
            review = self.schema.model_validate(data).model_dump(mode="json")
        except ValidationError as exc:
            errs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in exc.errors()[:4])
            raise ReviewFormatError(f"the answer does not match the {self.name} schema: {errs}")
        if not any(v for k, v in review.items() if isinstance(v, list)):
            raise ReviewFormatError("the answer has no review points at all")
        return review

    def scores(self, review: dict[str, Any]) -> dict[str, float]:
        """The numeric scores of a review (for averaging an ensemble)."""
        return {s["key"]: float(review[s["key"]]) for s in self.sections
                if s.get("scale") and isinstance(review.get(s["key"]), int | float)}

    def point_keys(self) -> list[str]:
        if self.kind == "bracket":
            return [a.key for a in self.aggregate.point_aspects]
        return [k for k, f in self.schema.model_fields.items() if "Point" in str(f.annotation)]


@functools.cache
def get_review_template(name: str) -> ReviewTemplate:
    """``stanford``, ``neurips``, ``four-aspect`` or ``seven-aspect``."""
    if name in BRACKET_TEMPLATES:
        from ..aggregate.templates import get_template

        agg = get_template(name)
        sections = [{"key": a.key, "heading": a.name,
                     **({"scale": f"{a.min}-{a.max}"} if a.kind == "score" else {})}
                    for a in agg.aspects]
        return ReviewTemplate(name, agg.version, "bracket", sections, aggregate=agg,
                              schema=agg.schema)
    path = PROMPT_DIR / f"{name}.yaml"
    if name not in SCHEMAS or not path.is_file():
        raise InputError(f"unknown review template '{name}'", f"use one of: {', '.join(NAMES)}")
    import yaml

    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ReviewTemplate(spec["name"], str(spec["version"]), "json", spec["sections"],
                          spec["system"], spec["user"], SCHEMAS[name])
