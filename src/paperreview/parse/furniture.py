"""Page furniture: line-number gutters, running headers and footers, page numbers.

Rotated text (arXiv side stamps, diagonal watermarks) never reaches this point: the provider drops
lines whose writing direction is not horizontal. Removed lines are counted in
``state.metadata["removed"]`` so a surprising drop can be traced.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from typing import Any

from .model import Line, ParseState

NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?[-–—]?\s*(\d{1,4}|[ivxlc]{1,6})\s*[-–—]?\s*(?:(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
OPENER = re.compile(r"^\s*(?:chapter|part)\s+(?:\d{1,2}|[IVX]{1,5})\s*$", re.IGNORECASE)
BAND = 0.1  # top/bottom share of the page height where headers and footers live


def _count(state: ParseState, what: str, n: int = 1) -> None:
    removed = state.metadata.setdefault("removed", {})
    removed[what] = removed.get(what, 0) + n


def _numeric_edge_spans(line: Line) -> list[tuple[int, float, int]]:
    """(span index, x centre, value) for number-only spans at the start or end of a line."""
    text = line.text.strip()
    if not (text[:1].isdigit() or text[-1:].isdigit()):  # most lines: no number at an edge
        return []
    idx = [i for i, s in enumerate(line.spans) if s[0].strip()]
    out = []
    for i in {idx[0], idx[-1]} if idx else ():
        text = line.spans[i][0]
        if NUMBER.match(text):
            out.append((i, (line.spans[i][3] + line.spans[i][4]) / 2, int(text)))
    return out


def _drop_spans(line: Line, drop: set[int]) -> None:
    line.spans = [s for i, s in enumerate(line.spans) if i not in drop]
    line.text = "".join(s[0] for s in line.spans)
    if line.spans:
        line.x0 = min(s[3] for s in line.spans)
        line.x1 = max(s[4] for s in line.spans)


def _gutter(page) -> dict[int, set[int]]:
    """id(line) -> indices of its spans that belong to a line-number gutter on this page."""
    cands: dict[int, list[tuple[Line, int, float, int]]] = {}
    for line in page.lines:
        for i, xc, value in _numeric_edge_spans(line):
            cands.setdefault(round(xc / 6), []).append((line, i, line.y0, value))
    drop: dict[int, set[int]] = {}
    for key in sorted(cands):
        group = cands.get(key - 1, []) + cands[key]  # neighbouring bins: one ragged gutter
        if len(group) < 6:
            continue
        group.sort(key=lambda g: g[2])
        rises = sum(1 for a, b in pairwise(group) if 0 < b[3] - a[3] <= 10)
        if rises < 0.6 * (len(group) - 1):
            continue
        for line, i, _, _ in group:
            drop.setdefault(id(line), set()).add(i)
    return drop


def remove_line_numbers(state: ParseState) -> None:
    """Drop the line-number gutters of review copies (ICLR/ACL/NeurIPS, REVTeX linenumbers).

    A gutter is a vertical stack of number-only spans at one x position whose values mostly rise
    down the page; a table column of numbers rarely counts up like that. Review copies number
    every page of text, so gutters must be found on at least half the pages, or on three or more
    and half the pages of text (pages of figures alone carry none) -- a ranked table or aligned
    formulas on a page or two of a paper without line numbers count up too -- and on a one-page
    document beside most of its lines.
    """
    found = [(page, _gutter(page)) for page in state.pages]
    with_gutter = sum(bool(drop) for _, drop in found)
    # pages of figures alone carry no numbers (an appendix of plots): count pages of text
    text_pages = sum(sum(len(ln.text) >= 40 for ln in page.lines) >= 8 for page in state.pages)
    if with_gutter < 0.5 * len(state.pages) and (with_gutter < 3
                                                 or with_gutter < 0.5 * text_pages):
        return
    if len(state.pages) == 1 and found[0][1]:
        page, drop = found[0]
        if sum(map(len, drop.values())) < 0.6 * len(page.lines):
            return
    bins = {round(xc / 6) for page, drop in found for line in page.lines if id(line) in drop
            for i, xc, _ in _numeric_edge_spans(line) if i in drop[id(line)]}
    for page, drop in found:
        if not drop:  # a page with a few numbered lines only (a title page): the same gutter
            drop = _few_numbers(page, bins)
        kept = []
        for line in page.lines:
            if id(line) in drop:
                _drop_spans(line, drop[id(line)])
                _count(state, "line_numbers", len(drop[id(line)]))
                if not line.text.strip():
                    continue
            kept.append(line)
        page.lines = kept


def _few_numbers(page, bins: set[int]) -> dict[int, set[int]]:
    """Number-only lines at the x of the document's gutters, in the margin beside the text."""
    text = [ln for ln in page.lines if len(ln.text) >= 20]
    if not text:
        return {}
    left, right = min(ln.x0 for ln in text), max(ln.x1 for ln in text)
    return {id(ln): {0} for ln in page.lines
            if len(ln.spans) == 1 and NUMBER.match(ln.text) and (ln.x1 < left or ln.x0 > right)
            and any(round((ln.x0 + ln.x1) / 12) + d in bins for d in (-1, 0, 1))}


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _running_head(page, top: bool) -> list[Line]:
    """The first (``top``) or last line of the page within its outer fifth, with any line on
    the same baseline (a page number beside a running head)."""
    band = [ln for ln in page.lines if (ln.y1 < 0.2 * page.height if top
                                        else ln.y0 > 0.8 * page.height)]
    if not band:
        return []
    edge = min(band, key=lambda ln: ln.y0) if top else max(band, key=lambda ln: ln.y1)
    group = [ln for ln in band if abs(ln.y0 - edge.y0) < 0.5 * edge.height]
    # a running head is set off from the text by more than a line's leading
    ids = {id(g) for g in group}
    limit = -0.5 * edge.height
    near = [d for ln in page.lines if id(ln) not in ids
            for d in ((ln.y0 - edge.y1) if top else (edge.y0 - ln.y1),) if d > limit]
    if near and min(near) < 1.0 * edge.height:
        return []
    return group


def _heading_word(text: str) -> bool:
    """A heading such as "References" or "3 Results" at a page's top is no running head
    (the heads of reference pages often repeat the word)."""
    from .headings import COMMON, REFERENCE_HEADINGS, split_number

    rest = split_number(text.strip())[1].lower().strip(" .:")
    return rest in REFERENCE_HEADINGS or rest in COMMON


def _far(ln: Line, group: list[Line], dist: float) -> bool:
    """``ln`` (a page number) stands well apart from the other lines on its baseline: the
    number of a running head at the page's edge, not a heading's own number ("6 Conclusion")."""
    return all(o is ln or max(o.x0 - ln.x1, ln.x0 - o.x1) > dist for o in group)


def remove_headers_footers(state: ParseState) -> None:
    """Drop page numbers and lines repeated in the top/bottom band of several pages.

    The band is the outer 10% of the page; beyond it (theses leave large top margins), the
    first or last line of a page counts when it repeats, or when it shares its baseline with
    a page number ("CHAPTER 2. BACKGROUND ... 17")."""
    seen: Counter = Counter()
    edges: list[tuple[Any, list[list[Line]]]] = []
    for page in state.pages:
        keys = {_norm(ln.text) for ln in page.lines
                if ln.y1 < page.height * BAND or ln.y0 > page.height * (1 - BAND)}
        # page 1 has no running head (its top line is often the title, which the heads of
        # later pages repeat)
        heads = [_running_head(page, True), _running_head(page, False)] if page.number else []
        keys |= {_norm(ln.text) for group in heads for ln in group}
        seen.update(keys)
        edges.append((page, heads))
    min_repeat = 2 if len(state.pages) <= 4 else 3
    often = max(min_repeat, len(state.pages) / 4)
    sizes: Counter = Counter()
    for page in state.pages[:20]:
        for ln in page.lines:
            sizes[round(ln.size)] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    for page, heads in edges:
        drop = set()
        for group in heads:
            numbered = len(group) > 1 and any(
                PAGE_NUMBER.match(ln.text) and _far(ln, group, 0.2 * page.width) for ln in group)
            # bold or large: a heading at the top of a page, unless it is at the top of many
            # pages (MNRAS sets its alternating heads above the body size)
            drop |= {id(ln) for ln in group if (numbered or seen[_norm(ln.text)] >= min_repeat)
                     and not ((ln.bold or ln.size > body + 0.5) and seen[_norm(ln.text)] < often
                              or _heading_word(ln.text))}
        kept = []
        for ln in page.lines:
            if OPENER.match(ln.text):  # "CHAPTER 3" alone opens a chapter: not a running head
                kept.append(ln)
                continue
            in_band = ln.y1 < page.height * BAND or ln.y0 > page.height * (1 - BAND)
            near_edge = ln.y1 < page.height * 0.12 or ln.y0 > page.height * 0.88
            # a line set well above the body size is no running head although the heads of
            # other pages repeat its words: the title in the top band (LNCS odd pages)
            if (near_edge and PAGE_NUMBER.match(ln.text)) or id(ln) in drop or (
                    in_band and seen[_norm(ln.text)] >= min_repeat and ln.size < 1.2 * body):
                ln.kind = "furniture"
                _count(state, "header_footer")
                continue
            kept.append(ln)
        page.lines = kept
