"""Deterministic error generators: candidate edits found by rules in a PDF's text spans.

Each generator reads the spans of every page (:func:`.pdfedit.page_spans`) and yields
:class:`Candidate` edits of a single token inside one span; :func:`widen` then takes a few words
around the token so the replaced text is unique on its page and reads as a phrase. No model is
needed; the model-written kinds (claim, logic, experimental) live in :mod:`.llm_gen`.

>>> flip_direction("accuracy increases with depth")
[(9, 18, 'decreases')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# kind -> category; the model kinds are listed so --kinds can name them
KINDS: dict[str, str] = {
    "numeric_parameter": "surface", "operator_or_sign": "surface", "table_reference": "surface",
    "reversed_direction": "claim", "significance_flip": "experimental",
    "overstated_claim": "claim", "invalid_implication": "logic", "missing_case": "logic",
    "circular_reasoning": "logic", "misinterp": "experimental", "causal_reversed": "experimental",
    "p_hacking": "experimental",
}
RULE_KINDS = ("numeric_parameter", "operator_or_sign", "table_reference", "reversed_direction",
              "significance_flip")
MODEL_KINDS = tuple(k for k in KINDS if k not in RULE_KINDS)


@dataclass
class Candidate:
    kind: str
    page: int  # 0-based
    span: dict
    start: int  # token in span["text"]
    end: int
    new: str  # replacement of the token
    why_wrong: str
    contradicts_quote: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return KINDS[self.kind]


_NUM = re.compile(r"(?<![\w.,])(\d{1,3}\.\d{1,3})(?=%|\s|\)|,|;|$)")
_OPS = {"<": ">", ">": "<", "≤": "≥", "≥": "≤", "+": "−", "−": "+"}
_OP = re.compile(r"(?<=[\w)\]}] )([<>≤≥+−])(?= [\w(\[{\\])|(?<=[\w)])([<>≤≥])(?=[\w(])")
_DIRECTION = {"increase": "decrease", "increases": "decreases", "increased": "decreased",
              "increasing": "decreasing", "higher": "lower", "lower": "higher",
              "improves": "degrades", "improved": "degraded", "better": "worse",
              "worse": "better", "larger": "smaller", "smaller": "larger",
              "outperforms": "underperforms", "more": "less", "less": "more"}
_DIRECTION.update({v: k for k, v in list(_DIRECTION.items()) if v not in _DIRECTION})
_DIR = re.compile(r"\b(" + "|".join(sorted(_DIRECTION, key=len, reverse=True)) + r")\b")
_SIG = re.compile(r"(?<!not )(?<!no )\b(statistically significant|significantly|significant)\b")
_TABLE = re.compile(r"\b(Table|Tab\.|Figure|Fig\.)\s?(\d{1,2})\b(?![:.]\s*[A-Z])")
# a number after these words is a label, not a measured value
_LABEL = re.compile(r"(Section|Sec\.?|§|Eq\.?|Equation|Figure|Fig\.|Table|Theorem|Lemma|"
                    r"Definition|Algorithm|Appendix|Chapter|Corollary|Proposition|v|version)"
                    r"\s*\(?$", re.IGNORECASE)


def flip_direction(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _DIR.finditer(text):
        w = m.group(1)
        out.append((m.start(1), m.end(1), _DIRECTION[w]))
    return out


def _numbers(spans_by_page: list[list[dict]], rng: Any, doc_text: str) -> Iterator[Candidate]:
    counts = Counter(_NUM.findall(doc_text))
    first_page = {}
    for pno, spans in enumerate(spans_by_page):
        for s in spans:
            for m in _NUM.finditer(s["text"]):
                first_page.setdefault(m.group(1), (pno, s["text"]))
    for pno, spans in enumerate(spans_by_page):
        for s in spans:
            for m in _NUM.finditer(s["text"]):
                num = m.group(1)
                if _LABEL.search(s["text"][:m.start(1)]):
                    continue
                if counts[num] < 2 or first_page[num][0] == pno and first_page[num][1] == s["text"]:
                    continue  # keep the first mention (often the abstract) as the contradiction
                new = _scale(num, rng)
                if new == num:
                    continue
                yield Candidate("numeric_parameter", pno, s, m.start(1), m.end(1), new,
                                f"The value {num} is changed to {new}; the paper reports {num} "
                                "for the same quantity elsewhere, so the two now disagree.",
                                first_page[num][1].strip())


def _scale(num: str, rng: Any) -> str:
    decimals = len(num.split(".")[1])
    value = float(num)
    for _ in range(5):
        factor = rng.choice([0.7, 0.8, 0.85, 1.15, 1.25])
        new = f"{value * factor:.{decimals}f}"
        if new != num and (value >= 1 or float(new) < 1):
            return new
    return num


def _operators(spans_by_page, rng, doc_text) -> Iterator[Candidate]:
    for pno, spans in enumerate(spans_by_page):
        for s in spans:
            for m in _OP.finditer(s["text"]):
                g = 1 if m.group(1) else 2
                op = m.group(g)
                yield Candidate("operator_or_sign", pno, s, m.start(g), m.end(g), _OPS[op],
                                f"The operator '{op}' in this expression is replaced by "
                                f"'{_OPS[op]}', which reverses the relation or sign, so the "
                                "statement no longer follows from the derivation around it.")


def _directions(spans_by_page, rng, doc_text) -> Iterator[Candidate]:
    for pno, spans in enumerate(spans_by_page):
        for s in spans:
            for a, b, new in flip_direction(s["text"]):
                old = s["text"][a:b]
                yield Candidate("reversed_direction", pno, s, a, b, new,
                                f"'{old}' is reversed to '{new}': the sentence now states the "
                                "opposite of what the paper's results show.")


def _significance(spans_by_page, rng, doc_text) -> Iterator[Candidate]:
    for pno, spans in enumerate(spans_by_page):
        for s in spans:
            for m in _SIG.finditer(s["text"]):
                old = m.group(1)
                new = "not " + old if old != "significantly" else "not significantly"
                yield Candidate("significance_flip", pno, s, m.start(1), m.end(1), new,
                                f"'{old}' becomes '{new}': the claim about statistical "
                                "significance now contradicts the reported test/intervals.")


def _tables(spans_by_page, rng, doc_text) -> Iterator[Candidate]:
    numbers: dict[str, set[int]] = {}
    for label, n in _TABLE.findall(doc_text):
        numbers.setdefault(label[:3], set()).add(int(n))
    for pno, spans in enumerate(spans_by_page):
        for s in spans:
            for m in _TABLE.finditer(s["text"]):
                if m.start() == 0:  # a caption's own label
                    continue
                n = int(m.group(2))
                others = sorted(numbers.get(m.group(1)[:3], set()) - {n}) or [n + 1]
                new = str(rng.choice(others))
                yield Candidate("table_reference", pno, s, m.start(2), m.end(2), new,
                                f"The reference to {m.group(1)} {n} now points to {m.group(1)} "
                                f"{new}, which does not show what the sentence describes.")


GENERATORS: dict[str, Callable[..., Iterator[Candidate]]] = {
    "numeric_parameter": _numbers, "operator_or_sign": _operators, "table_reference": _tables,
    "reversed_direction": _directions, "significance_flip": _significance,
}


def widen(c: Candidate, page_text: str, words: int = 3) -> tuple[int, int] | None:
    """Start/end in the span of the token plus up to ``words`` words each side, the shortest
    such window that occurs once in the (whitespace-squashed) page text; None if none does."""
    text = c.span["text"]
    for w in range(1, words + 1):
        a = c.start
        for _ in range(w):
            a = text.rfind(" ", 0, max(a - 1, 0)) + 1 if a > 0 else 0
        b = c.end
        for _ in range(w):
            nxt = text.find(" ", b + 1)
            b = len(text) if nxt < 0 else nxt
        window = " ".join(text[a:b].split())
        if len(window) >= 8 and page_text.count(window) == 1:
            return a, b
    return None


def resolve_kinds(names: list[str] | None, with_model: bool) -> list[str]:
    """``--kinds`` values (kind or category names, ``all``) -> kinds; default: the rule kinds,
    plus the model kinds when a model is configured."""
    if not names:
        return list(RULE_KINDS) + (list(MODEL_KINDS) if with_model else [])
    out: list[str] = []
    for n in names:
        if n == "all":
            out += list(KINDS)
        elif n in KINDS:
            out.append(n)
        elif n in set(KINDS.values()):
            out += [k for k, c in KINDS.items() if c == n]
        else:
            from ...errors import ConfigError

            raise ConfigError(f"unknown perturbation kind {n!r}",
                              f"use a category ({', '.join(sorted(set(KINDS.values())))}), "
                              f"a kind ({', '.join(KINDS)}) or all")
    return list(dict.fromkeys(out))
