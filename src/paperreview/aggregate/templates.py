"""Aggregation templates: a versioned prompt plus the aspects of the merged review.

Built-in templates are YAML files in ``paperreview/prompts/aggregate/`` (``four-aspect``,
``seven-aspect``, ``sea``). A user template is a YAML or JSON file of the same shape, validated on
load (unknown keys, bad aspect keys, duplicate headings and prompt syntax errors are rejected
with the file name). ``Template.prompt_version`` feeds the LLM engine's job key.

>>> t = get_template("four-aspect")
>>> t.prompt_version, [a.name for a in t.aspects][:2]
('four-aspect@2.0+base1', ['Significance and novelty', 'Potential reasons for acceptance'])
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InputError
from ..records import HumanReview, Submission
from .aspects import Aspect, AspectKind
from .prompt import SAMPLE, compile_prompt, render_prompt, review_text, scores_text
from .schema import build_schema, json_skeleton

__all__ = ["BUILTIN", "Aspect", "AspectKind", "Template", "TemplateFile", "get_template",
           "load_template"]

BUILTIN = ("four-aspect", "seven-aspect", "sea")
class TemplateFile(BaseModel):
    """The file format of a template (built-in or user)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    version: str = Field(min_length=1)
    description: str = ""
    system: str | None = None
    user: str | None = None
    aspects: list[Aspect] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v

    @model_validator(mode="after")
    def _unique(self) -> TemplateFile:
        for attr in ("key", "name"):
            seen = [getattr(a, attr) for a in self.aspects]
            dup = {x for x in seen if seen.count(x) > 1}
            if dup:
                raise ValueError(f"duplicate aspect {attr}: {', '.join(sorted(dup))}")
        if sum(a.kind == "decision" for a in self.aspects) > 1:
            raise ValueError("at most one aspect may be of kind 'decision'")
        return self


class Template:
    """A loaded template. Use :func:`get_template`; see ``docs/aggregate.md``."""

    def __init__(self, spec: TemplateFile, base: dict[str, Any], source: str):
        self.name = spec.name
        self.version = spec.version
        self.description = spec.description
        self.aspects: list[Aspect] = list(spec.aspects)
        self.source = source
        self.system = spec.system if spec.system is not None else base["system"]
        self.user = spec.user if spec.user is not None else base["user"]
        inherited = spec.system is None or spec.user is None
        #: "name@version", plus "+base<v>" when the prompt text comes from _base.yaml
        self.prompt_version = f"{self.name}@{self.version}" + (
            f"+base{base['version']}" if inherited else "")
        self._system_t = compile_prompt(self.system, f"{source}: system")
        self._user_t = compile_prompt(self.user, f"{source}: user")

    def __repr__(self) -> str:
        return f"Template({self.prompt_version!r}, aspects={[a.key for a in self.aspects]})"

    @property
    def point_aspects(self) -> list[Aspect]:
        """The aspects whose value is a list of points (all of them for four/seven-aspect)."""
        return [a for a in self.aspects if a.kind == "points"]

    def aspect(self, key: str) -> Aspect:
        for a in self.aspects:
            if a.key == key:
                return a
        raise InputError(f"template '{self.name}' has no aspect '{key}'",
                         f"aspects are: {', '.join(a.key for a in self.aspects)}")

    @functools.cached_property
    def schema(self) -> type[BaseModel]:
        """The pydantic model of the JSON answer (built once per template)."""
        return build_schema(self.name, self.aspects)

    def reviewer_labels(self, submission: Submission) -> dict[str, HumanReview]:
        """Short labels used in the prompt ("R1", "R2", ...) -> the reviews that have text."""
        usable = [r for r in submission.reviews if review_text(r)]
        return {f"R{i}": r for i, r in enumerate(usable, 1)}

    def messages(self, submission: Submission) -> list[dict[str, str]]:
        """The chat messages asking a model to merge ``submission``'s reviews (see
        :mod:`.prompt` for the variables a prompt can use)."""
        reviews = [{"label": label, "id": r.id, "text": review_text(r), "scores": scores_text(r)}
                   for label, r in self.reviewer_labels(submission).items()]
        has_decision = any(a.kind == "decision" for a in self.aspects)
        ctx: dict[str, Any] = {
            "title": submission.title or "(untitled)",
            "abstract": submission.abstract,
            "venue": submission.venue,
            "decision": submission.decision if has_decision else None,
            "reviews": reviews,
            "aspects": self.aspects,
            "format": self.skeleton(),
            "submission": submission,
        }
        out = []
        for role, tmpl in (("system", self._system_t), ("user", self._user_t)):
            content = render_prompt(tmpl, ctx, f"{self.source}: {role} prompt")
            if content:
                out.append({"role": role, "content": content})
        return out

    def skeleton(self) -> str:
        return json_skeleton(self.aspects)


@functools.cache
def _base() -> dict[str, Any]:
    import yaml

    text = resources.files("paperreview").joinpath("prompts/aggregate/_base.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def load_template(path: str | os.PathLike) -> Template:
    """Load and validate a template file (YAML or JSON); errors name the file and the problem."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: template file not found", "give a built-in name "
                         f"({', '.join(BUILTIN)}) or the path of a YAML template file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))  # YAML is a superset of JSON
    except yaml.YAMLError as exc:
        raise InputError(f"{p}: not valid YAML/JSON ({exc})", "fix the file's syntax") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: a template must be a mapping with name, version and aspects",
                         "see docs/aggregate.md, 'User templates'")
    try:
        spec = TemplateFile.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(x) for x in e['loc']) or '(top)'}: {e['msg']}"
                    for e in exc.errors()]
        raise InputError(f"{p}: invalid template: " + "; ".join(problems),
                         "see docs/aggregate.md, 'User templates'") from None
    template = Template(spec, _base(), str(p))
    template.messages(SAMPLE)  # an unknown prompt variable fails here, at load time
    return template


@functools.cache
def _builtin(name: str) -> Template:
    ref = resources.files("paperreview") / "prompts" / "aggregate" / f"{name}.yaml"
    with resources.as_file(ref) as p:
        return load_template(p)


def get_template(name_or_path: str | os.PathLike | Template) -> Template:
    """A built-in template by name, or a user template file by path.

    >>> get_template("sea").aspect("rating").max
    10
    """
    if isinstance(name_or_path, Template):
        return name_or_path
    s = str(name_or_path)
    if s in BUILTIN:
        return _builtin(s)
    if s.endswith((".yaml", ".yml", ".json")) or os.sep in s or Path(s).exists():
        return load_template(s)
    raise InputError(f"unknown template '{s}'",
                     f"use one of {', '.join(BUILTIN)} or the path of a YAML template file")
