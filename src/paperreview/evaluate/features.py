"""Simple paper features for the acceptance baseline (after PeerRead's hand-engineered set).

Counts come from the paper's text: references and their recency, distinct figures, tables,
equations and theorems referred to, sections, an appendix, abstract and title lengths, a few
"hype" words in the abstract. Works on PDFs parsed by ``paperreview parse`` and on science-parse
JSON alike (captions are used when the parser found them).

>>> from paperreview.records import Paper, Section
>>> p = Paper(id="x", abstract="We propose a novel deep model.", sections=[Section(heading="1 Intro",
...     text="See Figure 1 and Table 2, and Eq. (3).")], references=["A. B. Title. 2016"],
...     metadata={"year": 2017})
>>> f = paper_features(p)
>>> f["n_figures"], f["n_tables"], f["n_equations"], f["ref_age_min"], f["abstract_has_novel"]
(1.0, 1.0, 1.0, 1.0, 1.0)
"""

from __future__ import annotations

import re

import numpy as np

from ..records import Paper

ABSTRACT_WORDS = ("deep", "neural", "novel", "state of the art", "outperform", "we propose",
                  "theoretical", "reinforcement", "embedding", "adversarial")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_FIG = re.compile(r"\b(?:Figure|Fig\.?)\s*(\d+)", re.IGNORECASE)
_TAB = re.compile(r"\bTable\s*(\d+)", re.IGNORECASE)
# "(3)" after Eq./Equation or standing alone as an equation label; years like (2016) excluded
_EQ = re.compile(r"(?:\b(?:Eq|Eqn|Equation)s?\.?\s*\(?|^|\s)\((\d{1,2})\)", re.IGNORECASE | re.MULTILINE)
_THM = re.compile(r"\b(?:Theorem|Lemma|Proposition|Corollary)\s*(\d+)", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d+)(\.\d+)*\.?\s+[A-Z]")


def _distinct(rx: re.Pattern, text: str) -> float:
    return float(len(set(rx.findall(text))))


def paper_features(paper: Paper) -> dict[str, float]:
    """Numeric features of one paper (names are stable: they label the report's weights)."""
    body = "\n".join(s.text for s in paper.sections)
    caps = "\n".join(f"{c.kind} {c.label}: {c.text}" for c in paper.captions)
    text = body + "\n" + caps
    words = re.findall(r"[A-Za-z]+", body.lower())
    ref_years = [int(m[-1]) for r in paper.references if (m := _YEAR.findall(r))]
    year = (paper.metadata or {}).get("year") or (max(ref_years) + 1 if ref_years else 2017)
    heads = [s for s in paper.sections if not s.appendix]
    abstract = (paper.abstract or "").lower()
    f = {
        "n_references": float(len(paper.references)),
        "ref_age_min": float(year - max(ref_years)) if ref_years else 10.0,
        "ref_age_mean": float(year - np.mean(ref_years)) if ref_years else 10.0,
        "share_recent_refs": (sum(y >= year - 2 for y in ref_years) / len(ref_years)
                              if ref_years else 0.0),
        "n_figures": _distinct(_FIG, text),
        "n_tables": _distinct(_TAB, text),
        "n_equations": _distinct(_EQ, body),
        "n_theorems": _distinct(_THM, body),
        "n_sections": float(sum(1 for s in heads if _NUMBERED.match(s.heading or "")
                                and "." not in (s.heading or "").split()[0].rstrip("."))),
        "n_headings": float(len(heads)),
        "has_appendix": float(any(s.appendix for s in paper.sections)),
        "n_appendix_sections": float(sum(s.appendix for s in paper.sections)),
        "body_words_log": float(np.log1p(len(words))),
        "unique_word_share": len(set(words)) / len(words) if words else 0.0,
        "abstract_words": float(len(abstract.split())),
        "title_words": float(len((paper.title or "").split())),
    }
    for w in ABSTRACT_WORDS:
        f[f"abstract_has_{w.replace(' ', '_')}"] = float(w in abstract)
    return f
