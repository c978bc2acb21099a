"""Grounding check: does each thing a review point names exist in the parsed paper?

A point that names a location or object -- ``Eq. (3)``, ``Table 2``, ``Figure 4``,
``Section 5.1``, ``Appendix B``, ``Theorem 2``, a dataset, a cited method, a reported number --
is checked against the paper. References to things the paper does not contain are the classic LLM-review
hallucination ("the symbol in Eq. (1)" when Eq. (1) has no such symbol, "Table 5" of a paper with
three tables); they are returned with ``found=False`` and rendered "not found in the paper".

Names and numbers in a *suggestion* ("compare with RoBERTa", "report 95% intervals") are meant
to be absent, so they are only checked in sentences that assert something about the paper.

>>> from paperreview.records import Caption, Paper
>>> p = Paper(id="p", captions=[Caption(kind="table", label="1", text="Results.")])
>>> [(c.reference, c.found) for c in check_grounding(["Table 1 and Table 4 disagree."], p)]
[('Table 1', True), ('Table 4', False)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..records import GroundingCheck, Paper
from .rules.experiments import dataset_names
from .rules.presentation import WELL_KNOWN, mentions, norm_label
from .text import full_text, sentences

_LOCATION = re.compile(
    r"\b(?P<kind>Eqs?\.|Eqn\.?|Equations?|Fig(?:ure)?s?\.?|Tab(?:le)?s?\.?|Sec(?:tion)?s?\.?|§"
    r"|Appendix|Algorithm|Alg\.|Theorem|Thm\.|Lemma|Proposition|Prop\.|Corollary)\s*\(?(?P<label>(?:[A-Z](?:\.\d+)*|\d+(?:\.\d+)*)[a-z]?)\)?")
_HEADING_NUMBER = re.compile(r"^\s*((?:[A-Z]|\d+)(?:\.\d+)*)\.?\s+\S")
# "Eq. 3", "Equation (3.2)", or an equation number "(3)" / "(3.2)" anywhere (parsers join the
# number to the line's text, so its position says little; a "(3)" that is a list item is rare
# enough next to the harm of calling a real equation invented)
_EQ_IN_TEXT = re.compile(r"(?:\bEqs?\.|\bEqn\.?|\bEquations?)\s*\(?(\d+(?:\.\d+)?)\)?"
                         r"|\((\d{1,3}(?:\.\d{1,2})?)\)")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(%|percent\b)|(?<![\w.])(\d+\.\d+)(?![\w.])")
_METHOD = re.compile(r"\b([A-Z][a-z]+(?:[A-Z][a-z0-9]*)+(?:-\w+)?|[A-Z]{2,}[a-z]*(?:-?\d+\w*)?"
                     r"|[A-Z][a-z]*-\d+\w*)\b|\b([A-Z][a-z]+) et al\.")
_SUGGESTION = re.compile(
    r"\b(?:should|could|would|might|may|consider|suggest\w*|recommend\w*|missing|lacks?|lacking"
    r"|absent|omit\w*|not|no|never|without|such as|e\.g\.|instead)\b|n't\b", re.IGNORECASE)
# words reviewers write in capitals that name no object of the paper ("beats SOTA", "NOTE")
REVIEW_WORDS = {"SOTA", "OOD", "ML", "AI", "RL", "CV", "QA", "NN", "DNN", "GNN", "ID", "NOTE",
                "IMPORTANT", "TODO", "TL;DR", "TLDR", "N/A", "NA", "OK", "META", "SUMMARY"}
MAX_SECTIONS = 12  # top-level sections a paper can plausibly have, when none were recovered
_KIND_NAMES = {"eq": "Eq.", "fig": "Figure", "tab": "Table", "sec": "Section", "§": "Section",
               "app": "Appendix", "alg": "Algorithm", "theorem": "Theorem", "thm": "Theorem",
               "lemma": "Lemma", "prop": "Proposition", "corollary": "Corollary"}
_STATEMENT = {"Theorem": r"Theorem|Thm\.", "Lemma": "Lemma", "Proposition": r"Proposition|Prop\.",
              "Corollary": r"Corollary|Cor\."}


def _loose(s: str) -> str:
    """Lower-case, no spaces/hyphens: 'Graph-CL' and 'graph cl' compare equal."""
    return re.sub(r"[\s\-_]+", "", s.lower())


@dataclass
class PaperIndex:
    """What the paper contains, precomputed once for many points."""

    paper: Paper
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = full_text(self.paper, captions=True, references=True)

    @cached_property
    def loose_text(self) -> str:
        return _loose(self.text)

    @cached_property
    def floats(self) -> set[tuple[str, str]]:
        have = {(c.kind, norm_label(c.label)) for c in self.paper.captions if c.label}
        return have | set(mentions(self.text))

    @cached_property
    def equations(self) -> set[str]:
        return {a or b for a, b in _EQ_IN_TEXT.findall(self.text)}

    @cached_property
    def heading_numbers(self) -> set[str]:
        return {m.group(1) for s in self.paper.sections if (m := _HEADING_NUMBER.match(s.heading))}

    @cached_property
    def mentioned_sections(self) -> set[str]:
        return {m.group("label") for m in _LOCATION.finditer(self.text)
                if m.group("kind").lower().startswith(("sec", "§", "app"))}

    def has_section(self, label: str) -> bool:
        if label in self.heading_numbers or label in self.mentioned_sections:
            return True
        if any(n[0].isdigit() for n in self.heading_numbers) or not label[0].isdigit():
            return False
        # unnumbered headings: accept any number up to the count of top-level sections
        top = sum(1 for s in self.paper.body_sections if s.level == 1)
        if top < 3:  # too little structure recovered: only an absurd number is invented
            return 0 < int(label.split(".")[0]) <= MAX_SECTIONS
        return 0 < int(label.split(".")[0]) <= top

    def has_number(self, value: str, percent: bool) -> bool:
        forms = [value]
        if percent:  # 85.3% may be printed as 0.853
            decimals = len(value.partition(".")[2]) + 2
            frac = f"{float(value) / 100:.{decimals}f}"
            forms += [frac, frac.removeprefix("0")]
        return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", self.text) for f in forms)

    def has_name(self, name: str) -> bool:
        return _loose(name) in self.loose_text


def _location_checks(point: str, idx: PaperIndex) -> list[tuple[str, str, bool, tuple]]:
    out = []
    for m in _LOCATION.finditer(point):
        raw, label = m.group("kind").lower(), m.group("label")
        key = next(k for k in _KIND_NAMES if raw.startswith(k))
        name = _KIND_NAMES[key]
        if key == "eq":
            ref, found = f"Eq. ({label})", label in idx.equations
        elif key in ("fig", "tab"):
            kind = "figure" if key == "fig" else "table"
            ref, found = f"{name} {label}", (kind, norm_label(label)) in idx.floats
        elif key == "alg":
            ref = f"Algorithm {label}"
            found = ("algorithm", norm_label(label)) in idx.floats or ref in idx.text
        elif name in _STATEMENT:  # "Theorem 2": stated somewhere in the paper's text
            ref = f"{name} {label}"
            found = re.search(rf"\b(?:{_STATEMENT[name]})\s*{re.escape(label)}(?![\d.]\d)",
                              idx.text, re.IGNORECASE) is not None
        else:  # section or appendix
            ref, found = f"{name} {label}", idx.has_section(label)
        kind = "equation" if key == "eq" else name.lower()
        out.append((kind, ref, found, m.span()))
    return out


def _assertive(point: str) -> list[str]:
    return [s for s in sentences(point) if not _SUGGESTION.search(s)]


def _name_checks(point: str, idx: PaperIndex, taken: list[tuple]) -> list[tuple[str, str, bool]]:
    masked = point
    for *_, (a, b) in taken:  # numbers inside "Section 5.1" are not results
        masked = masked[:a] + " " * (b - a) + masked[b:]
    out: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for sent in _assertive(masked):
        datasets = dataset_names(sent)
        for d in sorted(datasets):
            out.append(("dataset", d, idx.has_name(d)))
        seen |= {_loose(d) for d in datasets}
        for m in _METHOD.finditer(sent):
            name = m.group(1) or m.group(2)
            if (name in WELL_KNOWN or name.rstrip("s") in WELL_KNOWN or _loose(name) in seen
                    or name.rstrip("s").upper() in REVIEW_WORDS):
                continue
            seen.add(_loose(name))
            label = f"{name} et al." if m.group(2) else name
            out.append(("method", label, idx.has_name(name)))
        for m in _NUMBER.finditer(sent):
            value, pct = (m.group(1), True) if m.group(1) else (m.group(3), False)
            out.append(("number", "number " + value + ("%" if pct else ""),
                        idx.has_number(value, pct)))
    return out


def check_point(point: str, idx: PaperIndex) -> list[GroundingCheck]:
    """The grounding checks of one review point (duplicates within the point merged)."""
    locs = _location_checks(point, idx)
    rows = [(k, r, f) for k, r, f, _ in locs] + _name_checks(point, idx, locs)
    out, seen = [], set()
    for kind, ref, found in rows:
        if ref not in seen:
            seen.add(ref)
            out.append(GroundingCheck(point=point, reference=ref, found=found, kind=kind))
    return out


def check_grounding(points: list[str], paper: Paper) -> list[GroundingCheck]:
    """Check every reference in ``points`` against ``paper``; ``found=False`` = not in the paper.

    Each check also carries ``kind`` (equation, figure, table, section, appendix, algorithm,
    theorem, lemma, proposition, corollary, dataset, method, number).
    """
    idx = PaperIndex(paper)
    return [c for p in points for c in check_point(p, idx)]


def not_found(checks: list[GroundingCheck]) -> list[GroundingCheck]:
    return [c for c in checks if not c.found]
