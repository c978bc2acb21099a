"""Reference-integrity rules: marks of undefined references, citations past the end of the
reference list, duplicate reference entries.

- ``undefined-reference``: LaTeX prints "??" for an undefined ``\\ref`` ("Section ??",
  "Figure ??", "Eq. (??)") and "[?]" for an undefined ``\\cite``; BibTeX-less builds print the
  key in bold. Only these exact marks fire: a question in the text never does.
- ``citation-range``: "[47]" in a paper whose numbered reference list ends at [40].
- ``duplicate-references``: two entries of the reference list that are the same work.
"""

from __future__ import annotations

import re

from ...records import Finding, Paper
from ..text import Unit, evidence, units
from . import cached_sentences as sentences
from . import finding, rule

_TARGET = (r"(?:Sections?|Sec\.|§|Figures?|Figs?\.|Tables?|Tab\.|Equations?|Eqs?\.|Appendix"
           r"|Algorithm|Theorem|Lemma|Corollary|Proposition|Definition|Chapter|Line)")
UNDEFINED = re.compile(
    rf"{_TARGET}[\s~]*\(?\?\?+\)?"  # Section ??, Eq. (??)
    r"|(?<![?!\w])\?\?(?![?!\w])"  # a bare ?? between words or in brackets
    r"|\[\s*\?\s*(?:,\s*\?\s*)*\]"  # [?] / [?, ?]
    r"|\(\s*\?\s*(?:,\s*\?\s*)*\)(?=\s*[.,;]?\s*[A-Za-z])"  # (?) from natbib with no entry
    r"|\[\s*\?\?\s*\]")


def _bare_ok(sent: str, m: re.Match) -> bool:
    """A bare "??" that is punctuation ("really??") is not a reference mark: it must stand
    alone as a token (spaces or brackets on both sides)."""
    before = sent[max(0, m.start() - 1):m.start()]
    after = sent[m.end():m.end() + 1]
    return (before in ("", " ", "(", "[", "~", "/", "-")) and (after in ("", " ", ")", "]", ".",
                                                                         ",", ";", ":"))


@rule("undefined-reference", aspect="integrity")
def undefined_reference(paper: Paper) -> list[Finding]:
    """Marks of undefined cross-references or citations: "Section ??", "Figure ??", "[?]"."""
    hits: list[tuple[Unit, str, str]] = []
    for u in units(paper, captions=True):
        if not UNDEFINED.search(u.text):
            continue
        for sent in sentences(u.text):
            for m in UNDEFINED.finditer(sent):
                if m.group(0).startswith("??") and not _bare_ok(sent, m):
                    continue
                hits.append((u, sent, m.group(0)))
                break
    if not hits:
        return []
    u, sent, mark = hits[0]
    more = f" ({len(hits)} places)" if len(hits) > 1 else ""
    return [finding("undefined-reference", "integrity", "major",
                    f"An undefined reference is printed as {mark.strip()!r}{more}: a \\ref or "
                    "\\cite whose label or entry does not exist; rerun LaTeX/BibTeX and fix the "
                    "label.", evidence(u, sent))]


_CITED = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
_REF_LABEL = re.compile(r"^\s*\[(\d{1,3})\]")


def _numbers(group: str) -> list[int]:
    """"3, 5-7" -> [3, 5, 6, 7]."""
    out: list[int] = []
    for part in group.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:[–-]\s*(\d+))?\s*", part)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
            out += list(range(lo, hi + 1)) if 0 <= hi - lo < 50 else [lo, hi]
    return out


@rule("citation-range", aspect="integrity")
def citation_range(paper: Paper) -> list[Finding]:
    """A numbered citation beyond the end of the (numbered) reference list."""
    labels = [int(m.group(1)) for r in paper.references if (m := _REF_LABEL.match(r))]
    if len(labels) < 3 or len(labels) < 0.8 * len(paper.references):
        return []  # not a numbered list, or the parser split it badly: nothing to compare
    last = max(labels)
    if labels[-1] != last:  # the list is not in order: the parser may have lost the end
        return []
    beyond: dict[int, tuple] = {}
    for u in units(paper):
        if u.appendix:
            continue
        for m in _CITED.finditer(u.text):
            for n in _numbers(m.group(1)):
                if last < n <= last + 30 and n not in beyond:
                    sent = next((x for x in sentences(u.text) if m.group(0) in x), m.group(0))
                    if sum(sent.count(c) for c in "{};=") < 2:  # code: "char name [16];"
                        beyond[n] = (u, sent)
    # many numbers past the end mean the parser lost the end of the list, not the paper
    if not beyond or len(beyond) > 2:
        return []
    n, (u, sent) = min(beyond.items())
    return [finding("citation-range", "integrity", "major",
                    f"The text cites [{n}], but the reference list ends at [{last}]: a citation "
                    "without an entry.", evidence(u, sent))]


def _key(ref: str) -> str:
    ref = _REF_LABEL.sub("", ref)
    return re.sub(r"[^a-z0-9]", "", ref.lower())


def _title(ref: str) -> str:
    """The longest period-separated segment with 4+ words: the title in most styles."""
    parts = [p for p in re.split(r"\.\s+|[“”\"]", _REF_LABEL.sub("", ref)) if len(p.split()) >= 4]
    return re.sub(r"[^a-z0-9]", "", max(parts, key=len).lower()) if parts else ""


@rule("duplicate-references", aspect="integrity")
def duplicate_references(paper: Paper) -> list[Finding]:
    """Two entries of the reference list are the same work."""
    seen: dict[str, str] = {}
    dups = []
    for ref in paper.references:
        k, t = _key(ref), _title(ref)
        if len(k) < 25:
            continue
        for key in (k, f"t:{t}" if len(t) >= 30 else None):
            if key and key in seen and seen[key] != ref:
                dups.append((seen[key], ref))
                break
        else:
            seen[k] = ref
            if len(t) >= 30:
                seen[f"t:{t}"] = ref
    if not dups:
        return []
    _a, b = dups[0]
    more = f" ({len(dups)} pairs)" if len(dups) > 1 else ""
    return [finding("duplicate-references", "integrity", "minor",
                    f"The reference list has the same work twice{more}; merge the BibTeX "
                    "entries.", evidence(Unit("section", "References", b), b[:200]))]


# an equation number at the end of a displayed line: "... = b   (3)"
_EQ_LABEL = re.compile(r"\((\d{1,3})\)\s*$", re.MULTILINE)
_EQ_CITED = re.compile(r"\b(?:Eqs?\.|Equations?|eq\.)\s*\(?(\d{1,3})\)?(?![\d.])")
_EQ_OTHER = re.compile(r"\s*(?:of|in|from)\s+(?:\(|\[|[A-Z][\w'-]+(?:\s+et al|\s+and\s|,)|the "
                       r"(?:original|cited)|their|ref)")


@rule("equation-references", aspect="integrity", context=True)
def equation_references(paper: Paper, ctx) -> list[Finding]:
    """An equation cited by number ("Eq. (7)") past the last numbered equation of the paper."""
    if not ctx.facts:
        return []
    labels = [int(m.group(1)) for page in ctx.facts.pages for m in _EQ_LABEL.finditer(page)]
    if len(labels) < 3:
        return []  # equations numbered per section, or none: nothing safe to compare
    last = max(labels)
    for u in units(paper):
        for m in _EQ_CITED.finditer(u.text):
            n = int(m.group(1))
            if last < n <= last + 20 and not _EQ_OTHER.match(u.text, m.end()):
                sent = next((s for s in sentences(u.text) if m.group(0) in s), m.group(0))
                return [finding("equation-references", "integrity", "major",
                                f"The text refers to Equation {n}, but the last numbered "
                                f"equation is ({last}).", evidence(u, sent))]
    return []
