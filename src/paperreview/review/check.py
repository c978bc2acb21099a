"""``check_paper``: run the offline checklist over a parsed paper; ``check_one``: one PDF, end to end.

>>> from paperreview.records import Paper, Section
>>> text = "We train a neural network classifier by backpropagation: 91.2% test set accuracy."
>>> p = Paper(id="x", sections=[Section(heading="4 Experiments", text=text)])
>>> sorted({f.rule for f in check_paper(p)})[:3]
['missing-reproducibility', 'no-baselines', 'no-code-availability']

``check_one(path, options) -> GeneratedReview`` is the per-PDF core of ``paperreview check``
(a plain function: executors call it in workers). It parses the PDF once and keeps the parser's
page facts, so the venue, anonymity and hidden-character rules re-extract no text.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..errors import ConfigError, PaperReviewError
from ..records import Finding, GeneratedReview, Paper
from .pages import drop_floats_shown
from .rules import RULES
from .rules.context import CheckContext, PdfFacts, facts_from_pdf
from .venues import Venue, load_venue

SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2, "info": 3}


def active_rules(venue: Venue) -> list[str]:
    """The rules that apply under ``venue``: anonymity rules only for a double-blind
    submission copy, venue rules only when the profile sets something."""
    return [n for n, r in RULES.items()
            if r.scope == "paper" or (r.scope == "anonymity" and venue.anonymity)
            or (r.scope == "venue" and venue.name != "generic")]


def check_paper(paper: Paper, rules: Iterable[str] | None = None, *,
                venue: Venue | str | None = None, facts: PdfFacts | None = None) -> list[Finding]:
    """Every finding of the selected rules (all that apply to ``venue`` by default), most
    severe first.

    A rule that crashes on odd input becomes an ``info`` finding saying so rather than killing
    the review: the other rules' findings are still worth having.
    """
    v = venue if isinstance(venue, Venue) else load_venue(venue)
    names = active_rules(v) if rules is None else list(rules)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise ConfigError(f"unknown checklist rule(s): {', '.join(unknown)}",
                          f"known rules: {', '.join(RULES)}")
    ctx = CheckContext(venue=v, facts=facts)
    findings: list[Finding] = []
    for name in names:
        r = RULES[name]
        try:
            findings += r.fn(paper, ctx) if r.context else r.fn(paper)
        except Exception as exc:  # noqa: BLE001 - one broken rule must not lose the others
            findings.append(Finding(rule=name, aspect=r.aspect, severity="info",
                                    message=f"rule {name} could not run: {exc!r}"))
    order = {n: i for i, n in enumerate(names)}
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], order[f.rule]))


class CheckOptions(BaseModel):
    """What ``check_one`` checks: the venue profile (name, alias or YAML path), camera-ready
    mode (anonymity rules off, camera-ready page limit), and optionally only some rules."""

    model_config = ConfigDict(extra="forbid")
    venue: str = "generic"
    camera_ready: bool = False
    rules: list[str] | None = None


def _norm(text: str) -> str:
    from .pages import _norm as norm

    return norm(text)


def fill_pages(findings: list[Finding], facts: PdfFacts) -> None:
    """Set ``evidence.page`` from the parser's page texts (no second extraction)."""
    todo = [f for f in findings if f.evidence.page is None and f.evidence.quote]
    if not todo:
        return
    norm: dict[int, str] = {}  # normalised lazily: most quotes are found on early pages
    for f in todo:
        needle = _norm(f.evidence.quote.rstrip("…"))[:48].strip()
        for i, raw in enumerate(facts.pages, 1):
            if i not in norm:
                norm[i] = _norm(raw)
            if needle and needle in norm[i]:
                f.evidence.page = i
                break


def check_one(path: str | Path, options: CheckOptions | None = None) -> GeneratedReview:
    """Check one PDF (or a ``Paper`` JSON, without the PDF-only rules) and return the record:
    ``status`` ok with ``findings`` and ``hidden_text``, or failed with ``error`` (the parse
    error, e.g. "not a PDF"). Never raises for a bad input; raises ``ConfigError`` for a bad
    venue or rule name."""
    options = options or CheckOptions()
    venue = load_venue(options.venue, options.camera_ready)
    t0 = time.perf_counter()
    meta = {"mode": "check", "venue": venue.label}
    try:
        if Path(path).suffix.lower() == ".json":
            from .generate import parse_paper

            paper, facts = parse_paper(path), None
        else:
            paper, facts = facts_from_pdf(str(path))
    except PaperReviewError as exc:
        msg = f"{exc.message} ({exc.hint})" if getattr(exc, "hint", None) else exc.message
        return GeneratedReview(id=str(path), source=str(path), status="failed", error=msg,
                               metadata={**meta, "reason": getattr(exc, "status", "input")})
    except Exception as exc:  # noqa: BLE001 - a PDF that breaks the parser is a failed row
        return GeneratedReview(id=str(path), source=str(path), status="failed",
                               error=f"{type(exc).__name__}: {exc}",
                               metadata={**meta, "reason": "parse_crash"})
    rec = check_parsed(paper, facts, options, venue)
    rec.source = str(path)
    rec.metadata["seconds"] = round(time.perf_counter() - t0, 3)
    return rec


def check_parsed(paper: Paper, facts: PdfFacts | None, options: CheckOptions,
                 venue: Venue | None = None) -> GeneratedReview:
    """The checking half of :func:`check_one`, on a parsed paper and its PDF facts."""
    venue = venue or load_venue(options.venue, options.camera_ready)
    findings = check_paper(paper, options.rules, venue=venue, facts=facts)
    if facts:
        findings = drop_floats_shown(findings, facts.pages)
        fill_pages(findings, facts)
    meta = {"mode": "check", "venue": venue.label, "title": paper.title,
            "n_pages": paper.n_pages}
    return GeneratedReview(id=paper.id, paper_id=paper.id, source=paper.source, status="ok",
                           findings=findings, hidden_text=paper.hidden_text, metadata=meta)
