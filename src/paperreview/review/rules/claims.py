"""Claims against results: a number claimed in the abstract or introduction ("improves accuracy
by 12.3%") that appears nowhere in the rest of the paper (results, tables, figures, appendix).

A claimed gain is also supported when it is the difference (or relative change) of two numbers
reported later: "by 12.3 points" with 91.3 and 79.0 in a table. Round numbers and approximations
("about 10%", "over 2x") are not checked: they are summaries, not quotations of a result.
"""

from __future__ import annotations

import re

from ...records import Finding, Paper
from ..text import evidence, units
from . import cached_sentences as sentences
from . import finding, rule
from .experiments import applies

_CLAIM_VERB = re.compile(
    r"\b(?:improv|outperform|achiev|reach|obtain|attain|surpass|boost|reduc|increas|gain"
    r"|speed|accelerat|lower|raise|exceed|beat)\w*|\b(?:accuracy|F1|BLEU|ROUGE|error|AUC|mAP"
    r"|perplexity|win rate|success rate)\b", re.IGNORECASE)
# a decimal number with a unit of results: 12.3%, 4.1 points, 2.35x, 0.87 F1
_NUM = re.compile(r"(?<![\w.])(\d{1,3}\.\d{1,2})\s?(%|\s?(?:points?|pp|percentage points?|x|×"
                  r"|BLEU|F1|AUC|mAP|ROUGE(?:-\w+)?)\b)?")
_APPROX = re.compile(r"(?:about|approximately|around|roughly|nearly|almost|over|more than|"
                     r"~|≈|up to|at least)\s*$", re.IGNORECASE)
_INTRO = re.compile(r"^(?:\d+\s*)?(?:introduction|overview)\b", re.IGNORECASE)
_ALL_NUMS = re.compile(r"(?<![\w.])\d+\.\d+")


def _claims(text: str) -> list[tuple[str, str]]:
    out = []
    for sent in sentences(text):
        if not _CLAIM_VERB.search(sent):
            continue
        for m in _NUM.finditer(sent):
            if _APPROX.search(sent[:m.start()]) or re.match(r"\s*(?:\)|\])", sent[m.end():]):
                continue
            if not m.group(2) and not re.search(r"\b(?:by|of|to|from|at)\s*$", sent[:m.start()]):
                continue  # a bare decimal ("version 2.1") is not a result
            out.append((m.group(1), sent))
    return out


def _supported(value: str, numbers: set[float], text: str) -> bool:
    if re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", text):
        return True
    v = float(value)
    for a in (x for x in numbers if x >= 1):  # a difference or relative change of two results
        for b in (a + v, a - v, a * (1 + v / 100), a * (1 - v / 100)):
            if round(b, 1) in numbers or round(b, 2) in numbers:
                return True
        if a and round(a * 100, 1) == round(v, 1):  # 0.123 reported, 12.3% claimed
            return True
    return False


@rule("claim-not-in-results", aspect="claims")
def claim_not_in_results(paper: Paper) -> list[Finding]:
    """A number claimed in the abstract/introduction appears nowhere in the results."""
    if not applies(paper):
        return []
    front = [u for u in units(paper) if u.kind == "abstract" or _INTRO.match(u.section)]
    rest = [u for u in units(paper, captions=True) if u not in front]
    text = "\n".join(u.text for u in rest)
    if len(text) < 300:
        return []  # too little body to look in: a parse problem, not a paper problem
    # decimals only: "Table 1" or "5 seeds" are not results a gain is computed from
    numbers = {round(float(x), 2) for x in _ALL_NUMS.findall(text) if "." in x}
    numbers |= {round(x, 1) for x in numbers}
    for u in front:
        for value, sent in _claims(u.text):
            if not _supported(value, numbers, text):
                return [finding("claim-not-in-results", "claims", "minor",
                                f"The {u.section.lower()} claims {value} but the number appears "
                                "nowhere in the results, tables or figures; show where it comes "
                                "from.", evidence(u, sent))]
    return []
