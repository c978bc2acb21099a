"""Presentation rules: figure/table references, undefined acronyms."""

from __future__ import annotations

import re
from collections import Counter

from ...records import Finding, Paper
from ..text import evidence, find_sentence, units
from . import finding, rule

_LABEL = r"(?:[A-Z]\.?\d+|\d+)[a-z]?"
# "Figure 2", "Fig. 2a", "Tables 1 and 3", "Figs. 2-4", "Table A.1"
_MENTION = re.compile(
    r"\b(Fig(?:ure)?s?\.?|Tab(?:le)?s?\.?)\s*(" + _LABEL
    + r"(?:\s*(?:,|and|&|-|–|to)\s*" + _LABEL + r")*)(?!\s*:)")
_ONE_LABEL = re.compile(_LABEL)


def norm_label(label: str) -> str:
    """'2a' -> '2', 'A.1' -> 'A1', ' 3 ' -> '3' (sub-figures refer to their figure)."""
    label = label.strip().replace(".", "")
    return re.sub(r"(?<=\d)[a-z]$", "", label)


def _expand(labels: str) -> list[str]:
    out: list[str] = []
    parts = _ONE_LABEL.findall(labels)
    for a, b in zip(parts, parts[1:] + [""], strict=True):
        out.append(norm_label(a))
    # "2-4" / "2 to 4" means 2, 3, 4
    for m in re.finditer(r"(\d+)\s*(?:-|–|to)\s*(\d+)", labels):
        lo, hi = int(m.group(1)), int(m.group(2))
        if 0 < hi - lo < 20:
            out += [str(i) for i in range(lo + 1, hi)]
    return out


def mentions(text: str) -> list[tuple[str, str]]:
    """(kind, label) pairs for every figure/table reference in ``text``."""
    found = []
    for m in _MENTION.finditer(text):
        kind = "figure" if m.group(1).lower().startswith("fig") else "table"
        found += [(kind, lab) for lab in _expand(m.group(2))]
    return found


def body_text(paper: Paper) -> str:
    """Abstract and sections, with any caption text that leaked into a section cut out."""
    text = "\n".join(u.text for u in units(paper))
    for c in paper.captions:
        if len(c.text) > 20:
            text = text.replace(c.text, " ")
    return text


@rule("figure-table-references", aspect="presentation")
def figure_table_references(paper: Paper) -> list[Finding]:
    """Figures/tables never referenced in the text, or referenced but absent."""
    body = body_text(paper)
    if not body.strip():
        return []
    cited = set(mentions(body))
    have = {(c.kind, norm_label(c.label)) for c in paper.captions
            if c.kind in ("figure", "table") and c.label}
    out = []
    for c in paper.captions:
        key = (c.kind, norm_label(c.label))
        if c.kind in ("figure", "table") and c.label and key not in cited:
            name = f"{c.kind.capitalize()} {c.label}"
            out.append(finding("figure-table-references", "presentation", "minor",
                               f"{name} is never referenced in the text; refer to it where it is "
                               "discussed or drop it.",
                               evidence(next(u for u in units(paper, captions=True)
                                             if u.kind == "caption" and u.text == c.text), c.text)))
    if paper.captions:  # no captions at all more likely means the parser found none
        all_units = list(units(paper))
        for kind, label in sorted(cited - have):
            name = f"{kind.capitalize()} {label}"
            pat = re.compile(r"\b" + ("Fig" if kind == "figure" else "Tab") + r"[\w.]*s?\s*[^.]*?\b"
                             + re.escape(label) + r"\b")
            hit = find_sentence(pat, all_units)
            out.append(finding("figure-table-references", "presentation", "major",
                               f"The text refers to {name}, but the paper has no {name}.",
                               evidence(*hit) if hit else evidence(None)))
    return out


_ACRONYM = re.compile(r"\b([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*?)(s?)\b")
WELL_KNOWN = {"AI", "ML", "NLP", "CV", "RL", "GPU", "GPUs", "CPU", "TPU", "RAM", "API", "URL", "PDF", "HTML", "JSON", "XML", "SQL", "CSV", "ID", "IID", "OK", "US", "USA", "UK", "EU", "CNN", "RNN", "LSTM", "GRU", "MLP", "SGD", "GPT", "BERT", "GAN", "VAE", "MSE", "RMSE", "MAE", "AUC", "ROC", "SVM", "PCA", "KL", "LLM", "LLMs", "F1", "BLEU", "ROUGE", "COCO", "MNIST", "CIFAR", "SVHN", "GLUE", "IMDB", "MMLU", "KITTI", "QM9", "ICLR", "ICML", "NeurIPS", "ACL", "EMNLP", "NAACL", "CVPR", "ICCV", "ECCV", "AAAI", "IJCAI", "IEEE", "ACM", "arXiv", "PhD", "CEO", "TV", "DNA", "RNA", "MRI", "CT", "COVID", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "PyTorch", "TensorFlow", "GitHub", "OpenAI", "CUDA", "ResNet", "ImageNet", "LaTeX", "USD"}
_ROMAN = re.compile(r"^[IVXLC]+$")


def _defined(acr: str, text: str) -> bool:
    a = re.escape(acr)
    return bool(re.search(
        rf"\(\s*{a}s?\s*[),;]|\b{a}s?\s*\(\s*[a-z]|\b{a}s?,? (?:stands for|short for|i\.e\.)"
        rf"|\b{a}s?\s*[:=]\s*[a-z]", text))


@rule("undefined-acronyms", aspect="presentation")
def undefined_acronyms(paper: Paper, limit: int = 5) -> list[Finding]:
    """Acronyms used repeatedly but never spelled out."""
    text = "\n".join([paper.title] + [u.text for u in units(paper, captions=True)])
    refs = "\n".join(paper.references)
    headings = " ".join(s.heading for s in paper.sections)
    counts = Counter(m.group(1) for m in _ACRONYM.finditer(text))
    out = []
    for acr, n in counts.most_common():
        letters = sum(ch.isupper() for ch in acr)
        if (n < 2 or len(acr) > 7 or letters < 2 or letters < len(acr) - 2 or acr in WELL_KNOWN
                or _ROMAN.match(acr) or acr in refs or acr in headings or _defined(acr, text)):
            continue
        hit = find_sentence(re.compile(rf"\b{re.escape(acr)}s?\b"), units(paper, captions=True))
        out.append(finding("undefined-acronyms", "presentation", "minor",
                           f"The acronym {acr} is used {n} times but never defined; spell it out "
                           "at first use.", evidence(*hit) if hit else evidence(None)))
        if len(out) == limit:
            break
    return out
