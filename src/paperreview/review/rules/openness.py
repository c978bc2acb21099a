"""Openness rules: limitations, code/data availability, reproducibility details."""

from __future__ import annotations

import re

from ...records import Finding, Paper
from ..text import evidence, find_sentence, units
from . import cached_sentences as sentences
from . import finding, rule
from .experiments import applies, ml_paper, results_unit

_LIMITS = re.compile(r"\blimitations?\b|\bshortcomings?\b|\bfailure (?:cases|modes)\b"
                     r"|\bbroader impacts?\b|\bcaveats?\b", re.IGNORECASE)
# limitations *of prior work* in these sections do not count as discussing one's own
_BACKGROUND = re.compile(r"intro|related|background|prior work|abstract", re.IGNORECASE)


@rule("no-limitations", aspect="limitations")
def no_limitations(paper: Paper) -> list[Finding]:
    """No limitations section or paragraph (asked of ML papers by NeurIPS/ICLR checklists)."""
    if not paper.sections or not ml_paper(paper):
        return []
    if any(_LIMITS.search(s.heading) for s in paper.sections):
        return []
    own = [u for u in units(paper) if u.kind == "section" and not _BACKGROUND.search(u.section)]
    if find_sentence(_LIMITS, own):
        return []
    return [finding("no-limitations", "limitations", "minor",
                    "The paper has no limitations section or paragraph; state when the method "
                    "fails, what it assumes and what was not evaluated (NeurIPS/ICLR checklists "
                    "ask for it).")]


_AVAILABLE = re.compile(
    r"github\.com|gitlab\.|bitbucket\.org|zenodo\.org|huggingface\.co|osf\.io|codeocean"
    r"|anonymous\.4open|\banonymi[sz]ed (?:repository|link|url)\b"
    r"|\b(?:release|open[- ]source|publish|share|make|provide)s? (?:all )?(?:of )?(?:our|the|this) "
    r"(?:[\w-]+ )?(?:source )?(?:code|implementation|data|dataset|models?|scripts|toolkit|software"
    r"|library|package|tool)\b"
    r"|\b(?:code|data|implementation|dataset|models?|scripts)s? (?:and [\w ]{1,30} )?"
    r"(?:is|are|will be|has been|have been) (?:publicly |freely |openly |made )*"
    r"(?:available|released|open[- ]sourced)\b"
    r"|\bsupplementary material (?:contains|includes)\b", re.IGNORECASE)
_ON_REQUEST = re.compile(r"\bupon (?:reasonable )?request\b|\bon request\b", re.IGNORECASE)


@rule("no-code-availability", aspect="reproducibility")
def no_code_availability(paper: Paper) -> list[Finding]:
    """No statement that code or data are (or will be) available."""
    if not applies(paper):
        return []
    everything = list(units(paper, captions=True))
    # "code is available upon request" is not availability: only an unconditional statement is
    if any(_AVAILABLE.search(s) and not _ON_REQUEST.search(s)
           for u in everything if _AVAILABLE.search(u.text) for s in sentences(u.text)):
        return []
    # a GitHub link in the reference list is someone else's code: it says nothing about ours
    hit = find_sentence(_ON_REQUEST, everything)
    msg = ("Code and data are only offered on request; " if hit else
           "The paper does not say whether code or data will be released; ")
    return [finding("no-code-availability", "reproducibility", "minor",
                    msg + "link an (anonymised) repository or explain what can be shared.",
                    evidence(*hit) if hit else evidence(None))]


_HYPER = re.compile(
    r"\blearning rates?\b|\bbatch sizes?\b|\bepochs?\b|\bweight decay\b|\bdropout\b|"
    r"\boptimi[sz]ers?\b|\bAdamW?\b|\bSGD\b|\bmomentum\b|\bhyper-?parameters?\b|\bwarm-?up\b"
    r"|\btraining steps\b|\biterations\b|\btemperature of\b|\bregulari[sz]ation (?:strength|weight)",
    re.IGNORECASE)
_COMPUTE = re.compile(
    r"\b[GT]PUs?\b|\bCPUs?\b|\b[AVHP]100\b|\bRTX\b|\bGPU[- ]hours?\b|\bcompute budget\b"
    r"|\bcomput(?:e|ational) (?:cost|budget|resources|requirements)\b|\bwall[- ]?clock\b"
    r"|\btraining (?:took|takes|time)\b|\b\d+(?:\.\d+)? (?:hours|hrs|minutes|days)\b|\bFLOPs\b"
    r"|\bcores?\b|\bmemory\b", re.IGNORECASE)


# the paper trains (or fine-tunes) something itself; using a pre-trained model does not count
TRAINS = re.compile(
    r"\bwe (?:\w+ )?(?:train|fine-?tune|pre-?train|re-?train|optimi[sz]e)(?:d)?\b(?! on human)"
    r"|\b(?:is|are|was|were) (?:then )?(?:trained|fine-?tuned|pre-?trained from scratch)\b"
    r"|\btraining (?:details|procedure|setup|loss|objective|runs?|schedule|set-?up)\b"
    r"|\btrained (?:for|with|using|from scratch)\b|\b\d+ (?:training )?epochs\b"
    r"|\blearning rate\b|\bbatch size\b", re.IGNORECASE)


def trains(paper: Paper) -> bool:
    return find_sentence(TRAINS, list(units(paper, captions=True))) is not None


@rule("missing-reproducibility", aspect="reproducibility")
def missing_reproducibility(paper: Paper) -> list[Finding]:
    """Hyperparameters or compute resources are not reported (papers that train something)."""
    if not applies(paper) or not trains(paper):
        return []
    everything = list(units(paper, captions=True))
    missing = [what for what, pat in ((("hyperparameters (learning rate, batch size, epochs, "
                                       "optimizer)"), _HYPER),
                                      ("compute (hardware, training time)", _COMPUTE))
               if find_sentence(pat, everything) is None]
    if not missing:
        return []
    return [finding("missing-reproducibility", "reproducibility", "minor",
                    "Reproducibility details are missing: " + " and ".join(missing)
                    + "; report them (an appendix table is enough).",
                    evidence(results_unit(paper)))]
