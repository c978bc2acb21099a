"""Section headings: short lines that start a block and stand out (bold, larger, capitals,
numbered), merged when a long heading wraps, with a level from the numbering or the style.

Numbers are not part of the heading text ("3.1 Results" -> "Results", level 2). Run-in
headings ("**Proof.** The claim...") stay in the body.
"""

from __future__ import annotations

import re
from collections import Counter

from .captions import gap_above, starts_block
from .model import Line, ParseState

NUMBERED = re.compile(r"^\s*((?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,3}|[IVX]{1,5})(\.?)\s+(\S.*)$")
CHAPTER = re.compile(r"^\s*(chapter|part|appendix)\s+([A-Z]|\d+|[IVX]+)\s*[:.]?\s*(.*)$", re.I)
COMMON = {"abstract", "introduction", "related work", "background", "method", "methods",
          "conclusion", "conclusions", "discussion", "results", "acknowledgments",
          "acknowledgements", "acknowledgment", "acknowledgement", "references", "bibliography",
          "appendix", "experiments", "evaluation", "limitations", "future work", "summary",
          "materials and methods", "data availability", "author contributions",
          "ethics statement", "broader impact", "conflict of interest", "funding",
          "supplementary material", "supplementary information", "contents", "preliminaries"}
REFERENCE_HEADINGS = {"references", "bibliography", "literature cited", "works cited",
                      "references and notes", "reference", "references cited", "literature"}


def body_size(state: ParseState) -> float:
    weights: Counter = Counter()
    for ln in state.lines:
        weights[round(ln.size * 2) / 2] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def split_number(text: str) -> tuple[str, str]:
    """('3.1', 'Results') from '3.1 Results'; ('', text) when unnumbered."""
    m = NUMBERED.match(text)
    if m and any(ch.isalpha() for ch in m.group(3)):
        return m.group(1), m.group(3).strip()
    return "", text.strip()


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _run_in(ln: Line) -> bool:
    """A bold lead-in followed by regular text on the same line ("Proof. We show...")."""
    spans = [s for s in ln.spans if s[0].strip()]
    if len(spans) < 2 or not spans[0][2]:
        return False
    rest = "".join(s[0] for s in spans if not s[2])
    return len(rest.strip()) > 3 and not spans[-1][2]


def _style(ln: Line, body: float) -> str | None:
    """Why this line could be a heading: 'size', 'bold', 'caps' (None: it can't)."""
    text = ln.text.strip()
    words = text.split()
    if not 1 <= len(words) <= 18 or len(text) > 160 or not any(c.isalpha() for c in text):
        return None
    if ln.size >= body + 0.9:
        return "size"
    if ln.bold and ln.size >= body - 1.2 and not _run_in(ln):
        return "bold"
    num, rest = split_number(text)
    if _caps(rest) and ln.size >= body - 1.2 and (num or rest.lower() in COMMON):
        return "caps"
    return None


def _is_candidate(prev: Line | None, ln: Line, body: float) -> bool:
    if ln.kind != "body" or _style(ln, body) is None:
        return False
    text = ln.text.strip()
    if text.endswith((",", ";")) or (text.endswith(".") and not split_number(text)[0]
                                      and text.lower().rstrip(".") not in COMMON):
        return False
    if text[0].islower() or text[0] in "([{=+-*/<>|":
        return False
    return starts_block(prev, ln) or (prev is not None and _style(prev, body) != _style(ln, body))


def find_headings(state: ParseState, start: int) -> None:
    """Mark heading lines from ``state.lines[start:]``; ``ln.level`` gets the heading level."""
    body = state.body_size
    lines = state.lines
    i = start
    style_levels: dict[tuple, int] = {}
    pending: list[tuple[Line, tuple]] = []
    while i < len(lines):
        ln, prev = lines[i], lines[i - 1] if i else None
        if not _is_candidate(prev, ln, body):
            i += 1
            continue
        j = i + 1  # a long heading wraps onto lines of the same style
        while (j < len(lines) and j - i < 3 and lines[j].kind == "body"
               and _style(lines[j], body) == _style(ln, body)
               and abs(lines[j].size - ln.size) < 0.3 and gap_above(lines[j - 1], lines[j])
               < 0.6 * ln.height and not split_number(lines[j].text)[0]
               and not lines[i].text.rstrip().endswith(".")):
            j += 1
        group = lines[i:j]
        for k, g in enumerate(group):
            g.kind = "heading" if k == 0 else "heading_cont"
        num, _ = split_number(ln.text)
        key = (round(ln.size), ln.bold, _style(ln, body))
        if CHAPTER.match(ln.text) and CHAPTER.match(ln.text).group(1).lower() == "chapter":
            ln.level = 0
        elif num and not re.fullmatch(r"[IVX]+", num):
            ln.level = num.count(".") + 1
            style_levels.setdefault(key, ln.level)
        else:
            pending.append((ln, key))
            ln.level = 1
        i = j
    for ln, key in pending:
        ln.level = style_levels.get(key, 1)
