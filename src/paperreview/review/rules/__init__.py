"""The offline checklist: each rule is a small function ``Paper -> list[Finding]``.

Rules register themselves with :func:`rule`; :func:`paperreview.review.check.check_paper` runs
every registered rule. Precision matters more than count: a rule fires only on clear evidence and
is tested on a paper where it must fire and one where it must not.

How to add a rule (also in CONTRIBUTING.md)::

    # src/paperreview/review/rules/<topic>.py
    from . import rule, finding

    @rule("no-related-work", aspect="presentation")
    def no_related_work(paper):
        if any("related work" in s.heading.lower() for s in paper.sections):
            return []
        return [finding("no-related-work", "presentation", "minor", "No related-work section.")]

then import the module at the bottom of this file and add a must-fire and a must-not-fire test in
``tests/review/test_rules.py``.

A rule that needs the venue profile or facts of the PDF (page sizes, metadata, raw page text)
is registered with ``context=True`` and is called as ``fn(paper, ctx)`` with a
:class:`~paperreview.review.rules.context.CheckContext`. ``scope`` says when a rule runs:
``"paper"`` always, ``"anonymity"`` only for a double-blind venue's submission copy, ``"venue"``
only when the venue profile has something to check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from ...records import Evidence, Finding

RuleFn = Callable[..., list[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    aspect: str
    fn: RuleFn
    doc: str
    context: bool = False  # called as fn(paper, ctx)
    scope: str = "paper"  # paper | anonymity | venue


RULES: dict[str, Rule] = {}


def rule(name: str, aspect: str, *, context: bool = False, scope: str = "paper"
         ) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as checklist rule ``name`` (kebab-case, unique) about ``aspect``."""

    def register(fn: RuleFn) -> RuleFn:
        if name in RULES:
            raise ValueError(f"checklist rule {name!r} is registered twice")
        RULES[name] = Rule(name, aspect, fn, (fn.__doc__ or "").strip().split("\n")[0],
                           context, scope)
        return fn

    return register


@functools.lru_cache(maxsize=1)
def _sentence_end() -> re.Pattern[str]:
    from ..text import _ABBREV

    # text.sentences' pattern with the cheap "(?<=[.!?])" tested first: the same splits, 4x
    # faster, since the seven abbreviation look-behinds then run only after . ! ?
    return re.compile(r"(?<=[.!?])" + _ABBREV + r"\s+(?=[A-Z0-9(\[])")


@functools.lru_cache(maxsize=4096)
def cached_sentences(text: str) -> tuple[str, ...]:
    """:func:`paperreview.review.text.sentences`, memoised and faster: every rule splits the
    same units (tests/review/test_rules_checks.py checks that the splits are the same)."""
    text = re.sub(r"\s+", " ", text).strip()
    return tuple(s for s in _sentence_end().split(text) if s) if text else ()


def per_paper(fn: Callable) -> Callable:
    """Memoise ``fn(paper)`` for the paper being checked (by identity, last four papers): the
    gates ``is_ml``/``applies`` are asked by many rules and read the whole text each time."""
    seen: list[tuple[object, object]] = []

    def wrapper(paper):
        for p, v in seen:
            if p is paper:
                return v
        v = fn(paper)
        seen[:] = [(paper, v), *seen[:3]]
        return v

    wrapper.__doc__, wrapper.__name__ = fn.__doc__, fn.__name__
    return wrapper


def finding(name: str, aspect: str, severity: str, message: str,
            evidence: Evidence | None = None) -> Finding:
    return Finding(rule=name, aspect=aspect, severity=severity, message=message,
                   evidence=evidence or Evidence())


# registration happens on import; keep this list in the order findings should be read
from . import (  # noqa: F401
    anonymity,
    claims,
    experiments,
    integrity,
    openness,
    presentation,
    references,
    venue,
)
