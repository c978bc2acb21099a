"""Views of a parsed :class:`~paperreview.records.Paper` that the checklist rules and the grounding
check share: body units with their page and heading, sentence splitting, and quoting evidence.

A *unit* is one block of paper text with where it came from: the abstract, each section, each
caption, each footnote. Rules search units so every finding can quote the sentence it is about.

>>> from paperreview.records import Paper, Section
>>> p = Paper(id="x", abstract="We study X.", sections=[Section(heading="1 Intro", text="A. B.")])
>>> [(u.section, u.text) for u in units(p)]
[('Abstract', 'We study X.'), ('1 Intro', 'A. B.')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..records import Evidence, Paper, Section

QUOTE_CHARS = 300  # evidence quotes are cut to this many characters (with an ellipsis)

# a sentence ends at . ! ? followed by space + capital/digit/bracket, but not after "e.g." etc.
_ABBREV = r"(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bvs)(?<!\bFig)(?<!\bEq)(?<!\bSec)(?<!\bTab)"
_SENT_END = re.compile(_ABBREV + r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Unit:
    """One block of text of the paper: ``kind`` is abstract | section | caption | footnote."""

    kind: str
    section: str
    text: str
    page: int | None = None
    appendix: bool = False


def section_page(section: Section) -> int | None:
    """The 1-based page a section starts on, when the parser recorded it (an extra field)."""
    extra = section.model_extra or {}
    page = extra.get("page") or (extra.get("metadata") or {}).get("page")
    return int(page) if isinstance(page, int | float) else None


def units(paper: Paper, *, captions: bool = False) -> Iterator[Unit]:
    """The abstract, then every section (body and appendix), then optionally what stands
    beside the running text: the captions and the footnotes (``captions=True``)."""
    if paper.abstract:
        yield Unit("abstract", "Abstract", paper.abstract, 1)
    for s in paper.sections:
        yield Unit("section", s.heading, s.text, section_page(s), s.appendix)
    if captions:
        for c in paper.captions:
            name = f"{c.kind.capitalize()} {c.label}".strip()
            yield Unit("caption", name, c.text, c.page)
        for f in paper.footnotes:
            yield Unit("footnote", "Footnote", f.text, f.page)


def sentences(text: str) -> list[str]:
    """Split text into sentences (whitespace normalised); good enough for quoting evidence."""
    text = _WS.sub(" ", text).strip()
    return [s for s in _SENT_END.split(text) if s] if text else []


def quote(sentence: str, limit: int = QUOTE_CHARS) -> str:
    sentence = _WS.sub(" ", sentence).strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def evidence(unit: Unit | None, sentence: str | None = None) -> Evidence:
    if unit is None:
        return Evidence()
    return Evidence(page=unit.page, section=unit.section, quote=quote(sentence) if sentence else None)


def find_sentence(pattern: re.Pattern[str], items: Iterable[Unit]) -> tuple[Unit, str] | None:
    """The first (unit, sentence) whose sentence matches ``pattern``, or None."""
    for u in items:
        if not pattern.search(u.text):
            continue
        for s in sentences(u.text):
            if pattern.search(s):
                return u, s
        m = pattern.search(u.text)  # the match spans a sentence boundary: quote around it
        return u, u.text[max(0, m.start() - 120): m.end() + 120]
    return None


def full_text(paper: Paper, *, captions: bool = True, references: bool = False) -> str:
    parts = [paper.title] + [u.text for u in units(paper, captions=captions)]
    if references:
        parts += paper.references
    return "\n".join(p for p in parts if p)


_EXPERIMENT_HEADING = re.compile(
    r"experiment|evaluation|results|empirical|benchmark|ablation", re.IGNORECASE)


def is_empirical(paper: Paper) -> bool:
    """Whether the paper reports experiments: a results-like heading or a table of results.

    Experiment rules (baselines, ablations, variance...) only apply to empirical papers, so a
    theory paper never gets "no ablation study".
    """
    if any(_EXPERIMENT_HEADING.search(s.heading) for s in paper.body_sections):
        return True
    return any(c.kind == "table" for c in paper.captions)



# vocabulary of machine-learning papers; "core" terms are rare outside the field
_ML_CORE = re.compile(
    r"neural networks?|deep learning|machine learning|learning rate|fine-?tun\w*|pre-?train\w*"
    r"|reinforcement learning|language models?|transformers?\b|classifiers?\b|training (?:set|data)"
    r"|convolutional|LSTM|embeddings?\b|back-?propagation|self-supervised|supervised",
    re.IGNORECASE)
_ML_OTHER = re.compile(
    r"\bdatasets?\b|\bbenchmarks?\b|\bbaselines?\b|\baccuracy\b|\bepochs?\b|\bbatch size\b"
    r"|\bhyper-?parameters?\b|\btest set\b|\bvalidation\b|\boverfit\w*|\bF1\b|\bstate[- ]of"
    r"[- ]the[- ]art\b|\btrained\b|\bloss\b", re.IGNORECASE)


def is_ml(paper: Paper) -> bool:
    """Whether the paper is a machine-learning paper (its vocabulary says so).

    ML-venue checklist items (ablations, baselines, seeds, limitations section, code release,
    hyperparameters) are only asked of ML papers: an astronomy or pure-mathematics paper is not
    "missing an ablation study".
    """
    text = full_text(paper)
    core = {m.group(0).lower() for m in _ML_CORE.finditer(text)}
    other = {m.group(0).lower() for m in _ML_OTHER.finditer(text)}
    return len(core) >= 2 and len(core) + len(other) >= 5
