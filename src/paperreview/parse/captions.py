"""Captions: "Figure 3: ...", "Fig. 2.", "TABLE II" + title line, "Algorithm 1 ...".

A caption starts a block (after a gap, or after a line that ends a sentence) so that a body line
that happens to begin with "Figure 3 shows" is not taken for one. Following lines of the same
size belong to the caption until a gap or a size change.
"""

from __future__ import annotations

import re
import statistics
from itertools import pairwise

from .model import Line, ParseState
from .text import join_lines

KINDS = {"fig": "figure", "figure": "figure", "table": "table", "tab": "table",
         "algorithm": "algorithm", "alg": "algorithm", "listing": "other", "scheme": "other",
         "chart": "other", "plate": "other", "box": "other"}
CAPTION = re.compile(
    r"^\s*(?:supplementary\s+)?(fig(?:ure)?|tab(?:le)?|alg(?:orithm)?|listing|scheme|chart|plate)"
    r"\.?\s*((?:[A-Z]\.?)?\d+(?:\.\d+)*[a-z]?|[IVXL]+)\s*(?:[:|—–]|\.(?!\d)|-\s)\s*(.*)$",
    re.IGNORECASE)  # "Figure 8.5 depicts" is a sentence: "8" + "." + "5 depicts" is no label
BARE = re.compile(r"^\s*(fig(?:ure)?|tab(?:le)?)\.?\s*((?:[A-Z]\.?)?\d+(?:\.\d+)*)\s+([A-Z(].*)$",
                  re.IGNORECASE)
LABEL_ONLY = re.compile(r"^\s*(table|figure|fig\.|algorithm)\s*([IVXL]+|[A-Z]?\d+(?:\.\d+)?)\s*$", re.IGNORECASE)
MENTION = re.compile(r"^\s*(?:fig(?:ure)?|table)\.?\s*\d", re.IGNORECASE)  # no caption line
SUBCAPTION = re.compile(r"^\s*\(([a-p])\)\s+(\S.*)$")


def gap_above(prev: Line | None, ln: Line) -> float:
    """Vertical white space between two consecutive lines; large across columns and pages."""
    if prev is None or prev.page != ln.page or prev.col != ln.col or ln.y0 < prev.y0:
        return 1e6
    return ln.y0 - prev.y1


def line_spacing(lines: list[Line]) -> float:
    """The usual white space between two lines of a paragraph, in line heights: the median
    over consecutive lines of running text in one column (0.1-0.4 when single-spaced, about 1
    in double-spaced manuscripts and theses; more where a font's box is too small)."""
    gaps = []
    prev = None
    for ln in lines:
        if len(ln.text) < 40:
            prev = None
            continue
        if prev is not None and ln.height > 0:
            gap = gap_above(prev, ln)
            if -0.5 * ln.height < gap < 2.5 * ln.height:
                gaps.append(gap / ln.height)
        prev = ln
    return statistics.median(gaps) if gaps else 0.0


def paragraph_gap(spacing: float) -> float:
    """The white space, in line heights, that ends a paragraph in a document whose usual line
    spacing is ``spacing`` (see :func:`line_spacing`)."""
    return 0.6 if spacing < 0.5 else spacing + 0.35  # double-spaced: one line's gap is usual


def starts_block(prev: Line | None, ln: Line) -> bool:
    gap = gap_above(prev, ln)
    if gap > 0.45 * ln.height or prev is None:
        return True
    return prev.text.rstrip().endswith((".", ":", "!", "?")) or abs(prev.size - ln.size) > 0.6


def _bold_label(ln: Line) -> re.Match | None:
    """Springer's captions: "**Fig. 1** Study methods." -- no colon or period after the number,
    the label in bold and the text not (a sentence "Figure 5 presents..." is set upright)."""
    m = BARE.match(ln.text)
    if m is None:
        return None
    spans = [s for s in ln.spans if s[0].strip()]
    want = len(re.sub(r"\s", "", ln.text[:m.start(3)]))  # "Fig. 1 " without its spaces
    got = k = 0
    while k < len(spans) and got < want:
        got += len(spans[k][0].replace(" ", ""))
        k += 1
    head, rest = spans[:k], spans[k:]
    return m if got == want and rest and all(s[2] for s in head) and not rest[0][2] else None


def _is_subcaption(ln: Line, prev: Line | None, body: float) -> re.Match | None:
    """'(a) Loss curves...' under a sub-figure: smaller than the body text, starting a block or
    beside the sub-caption of the next sub-figure in a row ("(a) layer 1   (b) layer 2").
    Lower case only for a short label: a list in small type ("(a) the first...") is no caption."""
    m = SUBCAPTION.match(ln.text)
    if not m or ln.size >= body - 0.4:
        return None
    row = (prev is not None and prev.page == ln.page and abs(prev.y0 - ln.y0) < 0.5 * ln.height
           and SUBCAPTION.match(prev.text) is not None)
    words = m.group(2).split()
    short = len(words) <= 6 and not m.group(2).rstrip().endswith((",", ";", ":"))
    if (m.group(2)[:1].isupper() or short) and (row or starts_block(prev, ln)):
        return m
    return None


def tabular(ln: Line) -> bool:
    """Cells of a table row: fragments on one baseline with wide gaps between them."""
    spans = [s for s in ln.spans if s[0].strip()]
    return any(b[3] - a[4] > 1.5 * ln.size for a, b in pairwise(spans))


def _table_row(lines: list[Line], j: int) -> bool:
    """``lines[j]`` is a row of a table (a caption set above its table ends there): cells
    joined with wide gaps, or a cell with the next cell of its row beside it."""
    ln = lines[j]
    nxt = lines[j + 1] if j + 1 < len(lines) else None
    return tabular(ln) or (nxt is not None and nxt.kind != "float_text" and nxt.page == ln.page
                           and nxt.col == ln.col
                           and abs(nxt.y0 - ln.y0) < 0.5 * ln.height)


def _cell(prev: Line | None, ln: Line) -> bool:
    """``prev`` is a table cell or a plot label right above: a fragment much narrower than the
    caption line, so the caption is not the middle of a paragraph even without a gap."""
    return prev is not None and prev.width < 0.4 * ln.width and len(prev.text.split()) <= 4


def _continuation(lines: list[Line], i: int, first: str) -> int:
    """Index after the last line of the caption that starts at ``lines[i]``."""
    size = lines[i].size
    j = i + 1
    if not first.strip() and j < len(lines):  # "FIG. 1." alone: the text sets the size
        size = lines[j].size
    last = lines[i]
    while j < len(lines):
        nxt = lines[j]
        if nxt.kind == "float_text":  # a plot's label set beside the caption's lines
            j += 1
            continue
        sub = SUBCAPTION.match(nxt.text)  # "(i)", "(v)" within a caption: roman numerals
        if (nxt.kind != "body" or CAPTION.match(nxt.text) or (sub and sub.group(1) not in "iv")
                or MENTION.match(nxt.text)
                or _table_row(lines, j)
                # under a label alone ("TABLE I", IEEE) the title may stand a little apart
                or gap_above(last, nxt) > (1.0 if j == i + 1 and not first.strip() else 0.5
                                           ) * nxt.height
                or (abs(nxt.size - size) > 0.6 and (j > i + 1 or first.strip()))
                or j - i > 25):
            break
        nxt.kind = "caption"
        last = nxt
        j += 1
    return j


def find_captions(state: ParseState) -> None:
    """Mark caption lines (``kind = "caption"``) and fill ``state.captions``."""
    lines = state.lines
    seen: dict[tuple[str, str], int] = {}
    i = 0
    while i < len(lines):
        ln = lines[i]
        prev = lines[i - 1] if i else None
        if ln.kind != "body":
            i += 1
            continue
        m = CAPTION.match(ln.text) or _bold_label(ln)
        only = None if m else LABEL_ONLY.match(ln.text)
        sub = None if (m or only) else _is_subcaption(ln, prev, state.body_size)
        if not (m or only or sub) or not (starts_block(prev, ln) or (m and _cell(prev, ln))
                                          or sub):
            i += 1
            continue
        if sub:
            kind_word, label, first = "figure", f"({sub.group(1)})", sub.group(2)
        else:
            kind_word, label = (m or only).group(1), (m or only).group(2)
            first = m.group(3) if m else ""
        ln.kind = "caption"
        j = _continuation(lines, i, first)
        text = join_lines([first] + [x.text for x in lines[i + 1:j]])
        kind = KINDS.get(kind_word.lower().rstrip("."), KINDS.get(kind_word.lower()[:3], "other"))
        cap = {"kind": kind, "label": label, "text": text, "page": ln.page + 1}
        key = (kind, label.upper()) if not sub else (kind, f"{label}@{i}")
        if key in seen and len(state.captions[seen[key]]["text"]) >= len(text):
            pass  # a list-of-figures entry or a repeated caption: keep the longer one
        elif key in seen:
            state.captions[seen[key]] = cap
        else:
            seen[key] = len(state.captions)
            state.captions.append(cap)
        i = j
