"""Versioned prompts of the evaluate stage (``paperreview/prompts/evaluate/*.yaml``).

The version is part of each request's ``prompt_version`` and so of its job key: editing a prompt
without bumping it would silently reuse answers to the old wording from the journal.

>>> p = load_prompt("match")
>>> p.version_tag
'evaluate.match@1'
>>> "A1. weak baselines" in p.messages(a=["weak baselines"], b=["no ablation"])[1]["content"]
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..prompting import load_prompt_file, render


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user: str

    @property
    def version_tag(self) -> str:
        return f"{self.name}@{self.version}"

    def messages(self, **values: Any) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system},
                {"role": "user", "content": render(self.user, **values).strip()}]


@cache
def load_prompt(kind: str) -> Prompt:
    """``kind`` is ``extract``, ``match`` or ``judge``."""
    data = load_prompt_file(f"evaluate/{kind}.yaml")
    return Prompt(data["name"], str(data["version"]), data["system"], data["user"])
