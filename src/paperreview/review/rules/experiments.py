"""Experiment rules: baselines, datasets, ablations, variance, state-of-the-art claims.

Each applies only to empirical papers (:func:`~paperreview.review.text.is_empirical`) and fires
only when *nothing* in the paper (body, appendix, captions) answers the question, because a rule
that cries wolf on good papers gets ignored.
"""

from __future__ import annotations

import re

from ...records import Finding, Paper
from ..text import (
    _ML_CORE,
    _ML_OTHER,
    Unit,
    evidence,
    find_sentence,
    full_text,
    is_empirical,
    units,
)
from . import cached_sentences as sentences
from . import finding, per_paper, rule

_RESULTS_HEADING = re.compile(r"experiment|evaluation|results|empirical", re.IGNORECASE)


def results_unit(paper: Paper) -> Unit | None:
    """The first experiment-like section (where a missing comparison would have been)."""
    for u in units(paper):
        if u.kind == "section" and _RESULTS_HEADING.search(u.section):
            return u
    # else a results table, never a sub-figure caption such as "(a) Early stage"
    return next((u for u in units(paper, captions=True)
                 if u.kind == "caption" and u.section.startswith("Table")), None)


@per_paper
def applies(paper: Paper) -> bool:
    """Experiment rules apply to empirical machine-learning papers only."""
    return is_empirical(paper) and ml_paper(paper)


def _lower(p: re.Pattern[str]) -> re.Pattern[str]:
    # safe: these patterns hold no upper-case escapes (\S \W \B \D), checked in the tests
    return re.compile(p.pattern.lower())


_CORE_LOW, _OTHER_LOW = _lower(_ML_CORE), _lower(_ML_OTHER)


@per_paper
def ml_paper(paper: Paper) -> bool:
    """:func:`paperreview.review.text.is_ml`, on lower-cased text (IGNORECASE alternations are
    the slowest regexes of the checklist; the same answer, 3x faster)."""
    text = full_text(paper).lower()
    core = {m.group(0) for m in _CORE_LOW.finditer(text)}
    other = {m.group(0) for m in _OTHER_LOW.finditer(text)}
    return len(core) >= 2 and len(core) + len(other) >= 5


def _absent(paper: Paper, pattern: re.Pattern[str]) -> bool:
    return applies(paper) and find_sentence(pattern, units(paper, captions=True)) is None


_COMPARISON = re.compile(
    r"\bbaselines?\b|\bcompar(?:e|ed|es|ing|ison|isons|able)\b|\boutperform|\bversus\b|\bvs\.?\s"
    r"|\b(?:prior|previous|existing|competing) (?:work|methods?|approaches|systems|models)\b",
    re.IGNORECASE)
# "we achieve state of the art" claims a comparison, it does not make one: such sentences do
# not answer the no-baselines question
_CLAIM_ONLY = re.compile(r"\bstate[- ]of[- ]the[- ]art\b|\bsota\b|\boutperform\w*\s+(?:all|every)\s+"
                         r"(?:(?:existing|previous|prior|current|other)\s+)?(?:methods?|approaches"
                         r"|works?|models?|systems?)?", re.IGNORECASE)


@rule("no-baselines", aspect="experiments")
def no_baselines(paper: Paper) -> list[Finding]:
    """Results are reported but never compared with a baseline or prior method."""
    if not applies(paper):
        return []
    if any(_COMPARISON.search(u.text) and _COMPARISON.search(_CLAIM_ONLY.sub(" ", u.text))
           for u in units(paper, captions=True)):
        return []
    return [finding("no-baselines", "experiments", "major",
                    "The experiments report results but never compare with a baseline or a prior "
                    "method; add the standard baselines for this task (or explain why none exist).",
                    evidence(results_unit(paper)))]


KNOWN_DATASETS = (
    "ImageNet", "CIFAR-10", "CIFAR-100", "MNIST", "Fashion-MNIST", "SVHN", "MS COCO", "COCO",
    "Pascal VOC", "Cityscapes", "ADE20K", "CelebA", "LSUN", "SQuAD", "SuperGLUE", "GLUE", "MNLI",
    "SNLI", "SST-2", "IMDB", "WikiText-103", "WikiText-2", "Penn Treebank", "CoNLL-2003",
    "OntoNotes", "MMLU", "GSM8K", "HumanEval", "HellaSwag", "TriviaQA", "Natural Questions",
    "HotpotQA", "MS MARCO", "BEIR", "MuJoCo", "D4RL", "Cora", "Citeseer", "QM9", "KITTI",
    "nuScenes", "LibriSpeech", "Kinetics-400", "UCF101", "PeerRead", "WMT14", "WMT16",
)
_KNOWN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(d) for d in KNOWN_DATASETS) + r")(?![\w-])")
# "the Foo-Bar dataset", "the ICLR 2017 corpus"
_NAMED = re.compile(r"\b((?:[A-Z][\w-]*|\d{2,4})(?:\s+(?:[A-Z][\w-]*|\d{2,4})){0,2})\s+"
                    r"(?:dataset|corpus|benchmark|data set)\b")
_NOT_NAMES = {"the", "this", "our", "a", "an", "each", "every", "both", "their", "these", "that",
              "we", "in", "on", "for", "new", "same", "full", "whole", "entire", "first", "second",
              "test", "training", "validation", "synthetic"}
_MANY = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+|several|multiple|various|many|diverse)"
    r"\s+(?:[\w-]+\s+){0,2}(?:datasets|benchmarks|corpora|data sets|environments|domains)\b",
    re.IGNORECASE)


def dataset_names(text: str) -> set[str]:
    """Names of datasets mentioned in ``text``: well-known ones and "the X dataset" phrases."""
    found = {m.group(1) for m in _KNOWN.finditer(text)}
    for m in _NAMED.finditer(text):
        words = m.group(1).split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if words and not all(w.isdigit() for w in words):
            found.add(" ".join(words))
    # "MS COCO" and "COCO" are one dataset: keep the longest spelling
    return {d for d in found if not any(d != o and d in o for o in found)}


_ONLY = re.compile(r"\b(?:only|solely|exclusively) (?:on|using|with|evaluated on|tested on) "
                   r"(?:the )?((?:[A-Z][\w-]*|\d+)(?:[ -](?:[A-Z0-9][\w-]*)){0,2})"
                   r"|\b(?:on|using) (?:a single|one|only one) (?:dataset|benchmark|corpus)\b")


def _only_dataset(text: str, names: set[str]) -> str | None:
    """"we evaluate only on CIFAR-10" / "on a single dataset": the paper says so itself."""
    for m in _ONLY.finditer(text):
        if m.group(1) is None:
            return next(iter(sorted(names)), "one dataset")
        cand = m.group(1)
        if cand in names or _KNOWN.fullmatch(cand) or re.match(
                r"\s*(?:dataset|benchmark|corpus|data set)\b", text[m.end():]):
            return cand
    return None


@rule("single-dataset", aspect="experiments")
def single_dataset(paper: Paper) -> list[Finding]:
    """Every experiment uses one dataset."""
    if not applies(paper):
        return []
    all_units = list(units(paper, captions=True))
    text = "\n".join(u.text for u in all_units)
    names = dataset_names(text)
    only = _only_dataset(text, names)
    if only:
        name = only
    elif len(names) != 1 or _MANY.search(text):
        return []
    else:
        name = names.pop()
    hit = find_sentence(re.compile(re.escape(name)), all_units)
    return [finding("single-dataset", "experiments", "major",
                    f"All experiments use a single dataset ({name}); results may not generalise. "
                    "Evaluate on at least one more dataset or argue why one suffices.",
                    evidence(*hit) if hit else evidence(results_unit(paper)))]


_ABLATION = re.compile(
    r"\bablat\w*|\bw/o\b|\bcomponent analysis\b|\bcontribution of (?:each|every|the individual)\b"
    r"|\bwithout (?:the|our|its|each) [\w-]+(?: [\w-]+)? (?:module|component|loss|term|layer|"
    r"branch|stage|step|block|mechanism)\b"
    r"|\bremov(?:e|es|ed|ing) (?:the|each|our|one) [\w-]+(?: [\w-]+)? (?:module|component|loss|"
    r"term|layer|branch|stage|block|mechanism)\b"
    # "Model Variations" (Vaswani et al.), "the effect of the sliding window": the same question
    r"|\bmodel variations?\b|\bvariants? of (?:the|our) (?:model|method|approach|architecture|"
    r"system)\b|\b(?:effect|impact|influence|importance|contribution)s? of (?:the|our|each|"
    r"using|adding|removing|different)\b", re.IGNORECASE)


# a section comparing design choices: "Model Variations", "Per-language models vs. one model"
_ABLATION_HEADING = re.compile(r"ablat|variation|\bvs\b|\bversus\b|alternative|design choice",
                               re.IGNORECASE)
_PROPOSES = re.compile(r"\bwe (?:propose|introduce|present|develop|design)\b|\bour (?:proposed )?"
                       r"(?:method|model|approach|architecture|framework|algorithm)\b", re.IGNORECASE)
_COMPONENT = re.compile(r"\b(?:module|component|loss|layer|block|mechanism|regulari[sz]er|"
                        r"encoder|decoder|attention|augmentation|objective|head)s?\b", re.IGNORECASE)


def proposes_method(paper: Paper) -> bool:
    """The paper proposes a method built of parts (what an ablation would take apart)."""
    text = "\n".join(u.text for u in units(paper, captions=True))
    return bool(_PROPOSES.search(text)) and len(_COMPONENT.findall(text)) >= 3


@rule("no-ablation", aspect="experiments")
def no_ablation(paper: Paper) -> list[Finding]:
    """No ablation study: the contribution of each component is not isolated."""
    if not _absent(paper, _ABLATION) or not proposes_method(paper):
        return []
    if any(_ABLATION_HEADING.search(s.heading) for s in paper.sections):
        return []
    return [finding("no-ablation", "experiments", "minor",
                    "There is no ablation study; remove or replace each component of the method "
                    "in turn to show what each contributes.", evidence(results_unit(paper)))]


_VARIANCE = re.compile(
    r"±|\+/-|\+-|\bstandard (?:deviations?|errors?)\b|\bstd\b|\berror bars?\b"
    r"|\bconfidence intervals?\b|\b\d+\s?% CI\b|\b(?:random )?seeds?\b"
    r"|\b(?:\d+|two|three|four|five|ten) (?:independent |random |separate )?(?:runs|trials|"
    r"repetitions|restarts)\b|\baveraged? over\b|\bsignifican(?:t|ce)\b|\bp[- ]values?\b"
    r"|\bp\s?[<=]\s?0?\.\d|\bt-test\b|\bwilcoxon\b|\bbootstrap\w*|\bvariance\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+\.\d+|\d+\s?%")
# "we report a single run", "one seed", "a single random seed": an admission, not variance
_SINGLE = re.compile(r"\b(?:a single|one|single|only one) (?:random |training )?(?:runs?|seeds?|"
                     r"trials?|repetitions?)\b|\bsingle[- ]run\b|\bwithout (?:repetitions?|"
                     r"multiple (?:runs|seeds))\b", re.IGNORECASE)
# what a single-run admission does not cancel: error bars or stds actually shown
_SPREAD = re.compile(r"±|\+/-|\bstandard (?:deviations?|errors?)\b|\bstd\b|\berror bars?\b"
                     r"|\bconfidence intervals?\b|\bp[- ]values?\b|\bp\s?[<=]\s?0?\.\d",
                     re.IGNORECASE)


@rule("no-variance", aspect="soundness")
def no_variance(paper: Paper) -> list[Finding]:
    """Numbers are reported without variance, error bars, seeds or significance tests."""
    if not applies(paper):
        return []
    all_units = list(units(paper, captions=True))
    single = find_sentence(_SINGLE, all_units)
    if single and find_sentence(_SPREAD, all_units) is None:
        return [finding("no-variance", "soundness", "major",
                        "The results come from a single run: report mean ± std over several "
                        "seeds, or confidence intervals.", evidence(*single))]
    if find_sentence(_VARIANCE, all_units) is not None:
        return []
    results = [u for u in units(paper, captions=True)
               if (u.kind == "section" and _RESULTS_HEADING.search(u.section))
               or (u.kind == "caption" and u.section.startswith("Table"))]
    hit = find_sentence(_NUMBER, results)
    if hit is None:  # no numeric results at all: nothing to put error bars on
        return []
    return [finding("no-variance", "soundness", "major",
                    "Results are single numbers: no standard deviations, error bars, number of "
                    "seeds/runs or significance tests. Report mean ± std over several seeds.",
                    evidence(*hit))]


_CITATION = re.compile(r"\bet al\b|\[\d+(?:[,–-]\s*\d+)*\]|\([A-Z][\w-]+,? \d{4}\)")
_SOTA_CLAIM = re.compile(
    r"\b(?:achiev|obtain|set|establish|reach|attain|deliver|yield)\w*\s+(?:a\s+|the\s+)?(?:new\s+)?"
    r"(?:state[- ]of[- ]the[- ]art|sota)\b|\bnew state[- ]of[- ]the[- ]art\b"
    r"|\bstate[- ]of[- ]the[- ]art (?:results|performance|accuracy)\b"
    r"|\boutperform\w*\s+(?:all|every|existing|previous|prior|current|the (?:current|previous|"
    r"existing))\b", re.IGNORECASE)


_PROSE_COMPARISON = re.compile(
    r"\bcompar\w*\s+(?:favou?rably\s+|well\s+)?(?:with|to|against)\b|\boutperform\w*"
    r"|\b(?:better|worse|lower|higher) than (?:the |those of |that of )?(?:\w+ )?(?:baselines?|"
    r"methods?|approach\w*|models?|[A-Z][\w-]+)\b|\bbaselines?\b", re.IGNORECASE)


def _compares_in_prose(text: str) -> bool:
    """A comparison with cited prior results, with their numbers, written out in the text
    ("compare favorably with ... [4]. The best results are obtained with NFIR (RMSE = 16.3)"):
    that answers the question a comparison table would have."""
    sents = sentences(text)
    for i, sent in enumerate(sents):
        if _PROSE_COMPARISON.search(sent) and not _SOTA_CLAIM.search(sent):
            window = " ".join(sents[i:i + 3])
            if _CITATION.search(window) and re.search(r"\d+\.\d+|\d\s?%", window):
                return True
    return False


@rule("sota-without-table", aspect="claims")
def sota_without_table(paper: Paper) -> list[Finding]:
    """The paper claims state of the art but has no table comparing with other methods."""
    if any(c.kind == "table" for c in paper.captions):
        return []
    # a claim with a citation in it is about someone else's method
    hit = next(((u, sent) for u in units(paper) if _SOTA_CLAIM.search(u.text)
                for sent in sentences(u.text)
                if _SOTA_CLAIM.search(sent) and not _CITATION.search(sent)), None)
    if hit is None:
        return []
    if any(_compares_in_prose(u.text) for u in units(paper) if u.kind == "section"):
        return []
    return [finding("sota-without-table", "claims", "major",
                    "The paper claims state-of-the-art results but has no table comparing with "
                    "other methods; add one with the numbers of the prior best systems.",
                    evidence(*hit))]
