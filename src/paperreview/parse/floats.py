"""What floats and footnotes leave in the text column: plot tick labels, legends, table cells
and footnotes. They are kept out of the running text, so a sentence that runs past a float or a
footnote reads on.

- ``mark_float_text``: the lines of a figure or table next to its caption (above a caption
  that sits below its float, below a caption set above a table), up to the nearest line of
  prose, become ``float_text`` (plot labels: dropped) or ``table_text`` (table rows: kept as a
  paragraph of their own at the end of the section, out of the sentences).
- ``mark_footnotes``: small-type lines at the foot of a column, set off from the text above by
  space, become ``footnote``.

Figures set inside the text column (wrapfigure) are split off in the reading order first
(:func:`paperreview.parse.layout.side_regions`).
"""

from __future__ import annotations

import re

from .captions import CAPTION, LABEL_ONLY, gap_above, tabular
from .headings import COMMON, NUMBERED, REFERENCE_HEADINGS, column_extents, split_number
from .model import Line, ParseState

AFFILIATION = re.compile(r"@|universit|institut|department|laborator|school of|college",
                         re.IGNORECASE)
ABSTRACT_LABEL = re.compile(r"^\s*abstract\b", re.IGNORECASE)
FOOT_MARK = re.compile(r"^\s*(?:\d{1,2}|[*∗†‡§¶])\s?[^\W\d_]")  # "1 Code at", not "2. METHOD"


def _prose(ln: Line, body: float, extent: tuple[float, float]) -> bool:
    """A line of running text: body size, and either most of the column wide or a paragraph's
    last line (at the column's left edge, a few words ending a sentence)."""
    if ln.size < body - 0.6 or tabular(ln):
        return False
    left, right = extent
    words = len(ln.text.split())
    if ln.width >= 0.6 * (right - left) and words >= 5:
        return True
    # a paragraph's last line can be one word ("protocol."): at the left edge, a sentence end
    return abs(ln.x0 - left) < 3 and ln.text.rstrip().endswith((".", ":", "?", "!")) and (
        words >= 3 or sum(c.isalpha() for c in ln.text) >= 3)


def mark_tiny_labels(state: ParseState) -> None:
    """Lone fragments in a tiny type (under 0.65 of the body size, a few words or a number):
    plot tick labels and legends, wherever they fall in the reading order."""
    limit = 0.65 * state.body_size
    for ln in state.lines:
        if ln.kind == "body" and ln.size < limit and (
                len(ln.text.split()) <= 3 or sum(c.isalpha() for c in ln.text) < 0.5 * len(ln.text)):
            ln.kind = "float_text"


def mark_float_text(state: ParseState) -> None:
    """Mark the non-prose lines between a caption and the nearest prose as ``float_text``."""
    lines, body = state.lines, state.body_size
    geo = column_extents(lines)
    for i, ln in enumerate(lines):
        if ln.kind != "caption" or (i and lines[i - 1].kind == "caption"):
            continue  # only the first line of each caption
        ext = geo.get((ln.page, ln.col), (ln.x0, ln.x1))
        j = i - 1
        while j >= 0 and _float_line(lines[j], ln, body, ext, _in_row(lines, j) or (
                lines[j + 1].kind == "table_text" and not NUMBERED.match(lines[j].text)
                and not _heading_word(lines[j].text))):  # a header spanning a table's columns
            kind = _float_kind(lines, j)
            if lines[j + 1].kind == "table_text" and lines[j].bold:
                kind = "table_text"  # the table's spanning header
            lines[j].kind = kind
            j -= 1
        k = i + 1
        while k < len(lines) and lines[k].kind == "caption":
            k += 1
        if k < len(lines) and (LABEL_ONLY.match(ln.text) or ln.text.lstrip()[:1] in "Tt") and (
                _in_row(lines, k) or tabular(lines[k])):
            # a table caption set above its table: the cells follow it
            while k < len(lines) and _float_line(lines[k], ln, body, ext, _in_row(lines, k)):
                lines[k].kind = _float_kind(lines, k)
                k += 1


FLOAT_KINDS = ("float_text", "table_text")


def _float_kind(lines: list[Line], j: int) -> str:
    """``table_text`` for a table's rows (cells side by side: kept as a paragraph of their
    section, results are read from them), ``float_text`` for a plot's labels (dropped)."""
    return "table_text" if _in_row(lines, j) or tabular(lines[j]) else "float_text"


def _float_line(ln: Line, cap: Line, body: float, ext: tuple[float, float],
                row: bool = False) -> bool:
    """``ln`` belongs to the float of caption ``cap``: same column, not prose, and not a
    heading (bold or large) unless it is a cell of a table row (``row``: another fragment on
    its baseline)."""
    if ln.kind != "body" or ln.page != cap.page or ln.col != cap.col:
        return False
    if (ln.bold or ln.size > body + 0.5 or NUMBERED.match(ln.text) or _heading_word(ln.text)
            ) and not row:
        return False  # a heading next to the float ("REFERENCES" in small capitals)
    return not _prose(ln, body, ext)


def _in_row(lines: list[Line], j: int) -> bool:
    ln = lines[j]
    return any(0 <= k < len(lines) and lines[k].page == ln.page and lines[k].col == ln.col
               and abs(lines[k].y0 - ln.y0) < 0.5 * ln.height for k in (j - 1, j + 1))


def raised_mark(ln: Line) -> bool:
    """The line opens with a span set smaller than the line: a superscript note mark."""
    return len(ln.spans) > 1 and ln.spans[0][1] < ln.size - 1


def mark_footnotes(state: ParseState) -> None:
    """Small lines ending a column, below a gap, in the lower half of the page: footnotes."""
    body = state.body_size
    by_col: dict[tuple[int, int], list[Line]] = {}
    for ln in state.lines:
        if ln.kind in ("body", *FLOAT_KINDS):
            by_col.setdefault((ln.page, ln.col), []).append(ln)
    for (page, _), col in by_col.items():
        height = state.pages[page].height
        k = len(col)
        while k > 0 and col[k - 1].size <= body - 1.0 and col[k - 1].kind == "body":
            k -= 1
        zone = col[k:]
        # notes sit in the lower half; page 1's affiliation notes can fill more of it
        if not zone or k == 0 or len(zone) > 40 or zone[0].y0 < (0.35 if page == 0 else 0.5) * height:
            continue
        above = col[k - 1]
        if above.size < body - 0.5 or gap_above(above, zone[0]) < 0.4 * zone[0].height:
            continue
        if CAPTION.match(zone[0].text) or sum(map(tabular, zone)) > len(zone) / 2:
            continue
        first = zone[0]
        marked = FOOT_MARK.match(first.text) or raised_mark(first)
        if not marked and (page > 0 or not _affiliation_notes(zone)):
            continue  # unmarked notes: only affiliations under page 1's text
        if any(ABSTRACT_LABEL.match(ln.text) for ln in zone):
            continue
        if _reference_heading(above.text) or any(_reference_heading(ln.text) for ln in zone):
            continue  # a reference list set small (with or after its heading)
        for ln in zone:
            ln.kind = "footnote"


def _affiliation_notes(zone: list[Line]) -> bool:
    """Unmarked notes under page 1's text hold affiliations: they open with a name or an
    institution line (an abstract set small opens with a sentence)."""
    from .authors import _names

    first = zone[0].text.strip()
    opens = bool(AFFILIATION.search(first)) or (len(first.split()) <= 5 and bool(_names(first)))
    return opens and any(AFFILIATION.search(ln.text) for ln in zone)


def _heading_word(text: str) -> bool:
    rest = split_number(text.strip())[1].lower().strip(" .:")
    return rest in REFERENCE_HEADINGS or rest in COMMON


def _reference_heading(text: str) -> bool:
    return split_number(text.strip())[1].lower().strip(" .:") in REFERENCE_HEADINGS
