"""The reference list: found by its heading, split into one string per entry, kept out of the body.

Entries are split on their labels ("[12]", "12."), else on the hanging indent that author-year
styles use (an entry's first line sits further left than its continuation lines).
"""

from __future__ import annotations

import re
from itertools import pairwise

from .model import Line
from .text import join_lines

BRACKET = re.compile(r"^\s*\[\s*[\w+.-]{1,12}\s*\]")
NUMBER = re.compile(r"^\s*(\d{1,3})\.?(?:\s+\S|\s*$)")
# "Smith, J.", "van der Berg, A.", "Smith JA,", "J. Smith," at a line start: an author list
AUTHOR_START = re.compile(r"^\s*(?:(?:[a-z]{1,3}\s)*[A-Z][\w'’-]+,\s(?:[A-Z]\.\s?-?){1,3}"
                          r"|[A-Z][\w'’-]+\s[A-Z]{1,3},"
                          r"|(?:[A-Z]\.\s?-?){1,3}\s?[A-Z][\w'’-]+,)")


def _split_on(lines: list[Line], starts: list[bool]) -> list[str]:
    entries: list[list[str]] = []
    for ln, start in zip(lines, starts):
        if start or not entries:
            entries.append([])
        entries[-1].append(ln.text)
    return [join_lines(e) for e in entries if join_lines(e)]


def _numbered_starts(lines: list[Line]) -> list[bool] | None:
    starts, expected = [], 1
    for ln in lines:
        m = NUMBER.match(ln.text)
        if m and int(m.group(1)) in (expected, expected + 1):  # one label may be lost
            starts.append(True)
            expected = int(m.group(1)) + 1
        else:
            starts.append(False)
    return starts if expected > 3 else None


def _indent_starts(lines: list[Line]) -> list[bool]:
    """Hanging indent: a line at the column's left edge starts an entry."""
    # each column's own left edge, unless all its lines are indented alike: then it holds only
    # the continuation of one long entry, and the edge of that column on other pages counts
    own: dict[tuple[int, int], list[float]] = {}
    for ln in lines:
        own.setdefault((ln.page, ln.col), []).append(ln.x0)
    shared: dict[int, float] = {}
    for (_, col), xs in own.items():
        shared[col] = min(shared.get(col, 1e9), min(xs))
    lefts = {key: min(xs) if max(xs) - min(xs) > 3 else min(min(xs), shared[key[1]])
             for key, xs in own.items()}
    starts = [ln.x0 <= lefts[(ln.page, ln.col)] + 2.0 for ln in lines]
    if sum(starts) >= 0.8 * len(lines):  # no indent at all: fall back on sentence ends + gaps
        rights: dict[tuple[int, int], float] = {}
        for ln in lines:
            key = (ln.page, ln.col)
            rights[key] = max(rights.get(key, -1e9), ln.x1)
        starts = [True] + [_ends_entry(a, b, rights[(a.page, a.col)])
                           for a, b in pairwise(lines)]
    return starts


def _ends_entry(prev: Line, ln: Line, right: float) -> bool:
    """``prev`` is an entry's last line: a gap follows, or it ends a sentence short of the
    column's right edge (``right``), or it ends a sentence and ``ln`` opens with an author."""
    ends = prev.text.rstrip().endswith(".")
    if prev.page != ln.page or prev.col != ln.col:
        return ends
    gap = ln.y0 - prev.y1
    return gap > 0.35 * ln.height or (ends and (prev.x1 < right - 3 * ln.size
                                                or bool(AUTHOR_START.match(ln.text))))


def split_references(lines: list[Line]) -> list[str]:
    """One string per reference entry, in order."""
    lines = [ln for ln in lines if ln.text.strip()]
    if not lines:
        return []
    bracketed = [bool(BRACKET.match(ln.text)) for ln in lines]
    if sum(bracketed) >= max(2, 0.15 * len(lines)):
        return _split_on(lines, bracketed)
    numbered = _numbered_starts(lines)
    if numbered is not None:
        return _split_on(lines, numbered)
    return _split_on(lines, _indent_starts(lines))
