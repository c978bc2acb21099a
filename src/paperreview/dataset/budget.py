"""Fit a paper's tagged text into a token budget by cutting sections in priority order.

Cutting a training record blindly at the end throws away the review, the only part the model
learns from, so the *paper* is shortened instead, in this order:

1. appendix (and references/acknowledgements sections), from the end of the paper backwards;
2. the middle sections, always shortening the currently longest one, from its end;
3. only then the introduction and the conclusion (same rule);
4. title, abstract and captions are never cut: if they alone do not fit, :class:`InputError`.

Cuts fall on paragraph boundaries (blank lines); a paragraph longer than ``MAX_UNIT_CHARS`` may
also be cut at a sentence end. A section cut to nothing is dropped with its heading. The result
is checked with the real token count, so ``n_tokens <= budget`` holds exactly.

>>> from paperreview.records import Paper, Section
>>> p = Paper(id="p", title="T", abstract="A", sections=[
...     Section(heading="Introduction", text="i " * 50),
...     Section(heading="Method", text="m " * 50 + "\\n\\n" + "x " * 400)])
>>> r = fit_paper(p, 200, lambda s: len(s.split()))
>>> r.truncated, r.n_tokens <= 200
(['Method'], True)
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import InputError
from ..records import Paper, Section

#: a paragraph longer than this (characters) may also be cut at sentence ends
MAX_UNIT_CHARS = 2000

_PARA_BREAK = re.compile(r"\n[ \t]*\n")
_SENT_END = re.compile(r"(?<=[.!?])\s+")
_NUMBERING = re.compile(r"^\s*(?:[A-Z]|[0-9]+|[IVX]+)(?:\.[0-9]+)*\.?\s+")
_INTRO = re.compile(r"^(introduction|overview|motivation)\b", re.IGNORECASE)
_CONCL = re.compile(r"^(conclusions?|concluding|summary|discussion and conclusions?|"
                    r"conclusions? and|limitations and conclusions?)\b", re.IGNORECASE)
_BACK = re.compile(r"^(appendix|appendices|supplementary|references|bibliography|"
                   r"acknowledge?ments?)\b", re.IGNORECASE)


@dataclass
class FitResult:
    """The fitted tagged text, the headings of the sections that were cut, and its token count."""

    text: str
    truncated: list[str] = field(default_factory=list)
    n_tokens: int = 0


def section_role(section: Section) -> str:
    """``"back"`` (appendix etc.), ``"intro"``, ``"conclusion"`` or ``"middle"``."""
    name = _NUMBERING.sub("", section.heading.strip())
    if section.appendix or _BACK.match(name) or name.lower().startswith("appendix"):
        return "back"
    if _INTRO.match(name):
        return "intro"
    if _CONCL.match(name):
        return "conclusion"
    return "middle"


def cut_points(text: str) -> list[int]:
    """Offsets where a section's text may end, ascending, from 0 to ``len(text)`` exclusive."""
    points = {0} | {m.start() for m in _PARA_BREAK.finditer(text)}
    ordered = sorted(points) + [len(text)]
    for a, b in itertools.pairwise(ordered):
        if b - a > MAX_UNIT_CHARS:  # one huge paragraph: allow sentence ends inside it
            points |= {m.start() for m in _SENT_END.finditer(text, a, b) if m.start() > a}
    return sorted(p for p in points if p < len(text))


def cut_plan(sections: list[Section]) -> list[tuple[int, int]]:
    """The ordered cuts as ``(section index, new kept length)``; applying the first k of them
    gives the k-th shorter version of the paper."""
    kept = [len(s.text) for s in sections]
    points = [cut_points(s.text) for s in sections]
    roles = [section_role(s) for s in sections]
    plan: list[tuple[int, int]] = []

    def cut(i: int) -> None:
        below = [p for p in points[i] if p < kept[i]]
        kept[i] = below[-1] if below else 0
        plan.append((i, kept[i]))

    for i in reversed([i for i, r in enumerate(roles) if r == "back"]):
        while kept[i] > 0:
            cut(i)
    for group in (("middle",), ("intro", "conclusion")):
        idx = [i for i, r in enumerate(roles) if r in group]
        while any(kept[i] > 0 for i in idx):
            cut(max(idx, key=lambda i: (kept[i], i)))  # the longest; ties -> the later one
    return plan


def render_tagged(paper: Paper) -> str:
    """The tagged text of a paper (``paperreview.parse.render.to_tagged`` when available)."""
    try:
        from ..parse.render import to_tagged
    except ImportError:  # parse stage not installed in this build: same block layout
        return _fallback_tagged(paper)
    return to_tagged(paper)


def _fallback_tagged(paper: Paper) -> str:
    caps = "\n".join(f"{c.kind.capitalize()} {c.label}: {c.text}".strip() for c in paper.captions)
    body = "\n\n".join(f"{s.heading}\n{s.text}".strip() for s in paper.sections)
    return (f"[TITLE]\n{paper.title}\n\n[ABSTRACT]\n{paper.abstract}\n\n[CAPTIONS]\n{caps}\n\n"
            f"[CONTENT]\n{body}\n")


def _shortened(paper: Paper, plan: list[tuple[int, int]], k: int) -> tuple[Paper, list[str]]:
    if k > len(plan):  # the last step of all: no sections at all
        return paper.model_copy(update={"sections": []}), [s.heading for s in paper.sections]
    kept = [len(s.text) for s in paper.sections]
    for i, n in plan[:k]:
        kept[i] = n
    sections, truncated = [], []
    for s, n in zip(paper.sections, kept):
        if n < len(s.text):
            truncated.append(s.heading)
            if n == 0:
                continue
            s = s.model_copy(update={"text": s.text[:n].rstrip()})
        sections.append(s)
    return paper.model_copy(update={"sections": sections}), truncated


def fit_paper(paper: Paper, budget: int, count_tokens: Callable[[str], int],
              n_tokens: int | None = None) -> FitResult:
    """Shorten ``paper`` until its tagged text has at most ``budget`` tokens.

    ``count_tokens(text) -> int`` is the target model's tokenizer (see
    :class:`paperreview.dataset.tokens.TokenCounter`); ``n_tokens`` is the count of the full
    tagged text when the caller already has it. Returns the longest version in the cut order
    that fits, found by an interpolation search over the cut plan that re-counts each candidate
    (usually two or three counts).
    """
    text = render_tagged(paper)
    n = count_tokens(text) if n_tokens is None else n_tokens
    if n <= budget:
        return FitResult(text, [], n)
    plan = cut_plan(paper.sections)
    last = len(plan) + 1
    removed = _removed_chars(paper.sections, plan)  # removed[k]: characters gone after k cuts
    chars_per_token = len(text) / max(n, 1)
    cache: dict[int, tuple[str, list[str], int]] = {}

    def probe(k: int) -> int:
        if k not in cache:
            short, truncated = _shortened(paper, plan, k)
            t = render_tagged(short)
            cache[k] = (t, truncated, count_tokens(t))
        return cache[k][2]

    def step_for(chars: float) -> int:  # the first step removing at least ``chars``
        return bisect.bisect_left(removed, chars)

    lo, hi = 0, last  # invariant: probe(lo) > budget; probe(hi) <= budget (checked at the end)
    k = step_for((n - budget) * chars_per_token)
    for rounds in range(64):
        if hi - lo <= 1:
            break
        k = min(max(k, lo + 1), hi - 1) if rounds < 6 else (lo + hi) // 2  # then bisect
        n_k = probe(k)
        if n_k <= budget:  # fits: is a shorter cut enough? step back by the estimated slack
            hi, nxt = k, step_for(removed[k] - (budget - n_k) * chars_per_token)
            k = nxt if nxt < k else k - 1
        else:
            lo, nxt = k, step_for(removed[k] + (n_k - budget) * chars_per_token)
            k = nxt if nxt > k else k + 1
    if probe(hi) > budget:  # hi == last: even without any section it does not fit
        raise InputError(
            f"paper {paper.id}: title, abstract and captions alone take {probe(hi)} tokens, "
            f"more than the budget of {budget}",
            "raise --max-tokens, or shorten the instruction or the review",
        )
    t, truncated, n_tok = cache[hi]
    return FitResult(t, truncated, n_tok)


def _removed_chars(sections: list[Section], plan: list[tuple[int, int]]) -> list[int]:
    """Cumulative characters removed after each step (index 0 = nothing, last = all sections)."""
    kept = [len(s.text) for s in sections]
    out = [0]
    for i, n in plan:
        out.append(out[-1] + kept[i] - n)
        kept[i] = n
    out.append(sum(len(s.text) + len(s.heading) for s in sections))  # the step "no sections"
    return out
