"""An aggregation template's aspects: the parts of the merged review (JSON key + bracket heading).

Kept apart from :mod:`.templates` so that :mod:`.schema` (the answer's model) and :mod:`.prompt`
need nothing from the template loader: templates -> schema, prompt -> aspects, no cycle.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AspectKind = Literal["points", "text", "score", "decision"]


class Aspect(BaseModel):
    """One part of the merged review: ``key`` in the JSON, ``name`` as the bracket heading."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    kind: AspectKind = "points"
    description: str = ""
    min: int | None = None
    max: int | None = None

    @field_validator("name")
    @classmethod
    def _heading(cls, v: str) -> str:
        if v != v.strip() or any(c in v for c in "[]\n\r"):
            raise ValueError("must be one line without '[' or ']' or surrounding spaces")
        return v

    @model_validator(mode="after")
    def _range(self) -> Aspect:
        if self.kind == "score" and (self.min is None or self.max is None or self.min >= self.max):
            raise ValueError(f"score aspect '{self.key}' needs integers min < max")
        if self.kind != "score" and (self.min is not None or self.max is not None):
            raise ValueError(f"only score aspects take min/max ('{self.key}' is {self.kind})")
        return self

    @property
    def instruction(self) -> str:
        """How the prompt describes this aspect's value."""
        what = self.description or self.name
        if self.kind == "points":
            return f"a list of points about {what}; [] if the reviews say nothing about it"
        if self.kind == "text":
            return f'a string: {what}; "" if the reviews say nothing about it'
        if self.kind == "score":
            return f"an integer from {self.min} to {self.max}: {what}; null if no basis"
        return f'an object {{"decision", "reasons"}}: {what}; null if no basis'


class HasAspects(Protocol):
    """What :mod:`.schema` needs of a template: its name, aspects and answer model."""

    name: str
    aspects: list[Aspect]

    @property
    def schema(self) -> type[BaseModel]: ...
