"""Reading order: merge fragments on one baseline, detect two-column pages, order the lines.

A two-column page is read band by band: lines that span the page (title block, wide figures and
their captions) cut the page into bands, and inside each band the left column is read before the
right one.
"""

from __future__ import annotations

from .model import Line, PageInfo, ParseState

GUTTER_TOL = 6.0  # pt a column line may cross the page's middle (ragged bboxes, spaces)


def _merge_same_baseline(lines: list[Line], max_gap: float = 1.5,
                         gutter: float | None = None) -> list[Line]:
    """Join lines that overlap vertically and sit side by side (superscripts, split runs).

    ``gutter``: an x that no join may bridge (the page's middle, before columns are known).
    """
    if not lines:
        return lines
    lines = sorted(lines, key=lambda ln: ((ln.y0 + ln.y1) / 2, ln.x0))
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev is not None:
            overlap = min(prev.y1, ln.y1) - max(prev.y0, ln.y0)
            small = min(prev.height, ln.height) or 1.0
            gap = ln.x0 - prev.x1 if ln.x0 >= prev.x0 else prev.x0 - ln.x1
            bridges = gutter is not None and min(prev.x1, ln.x1) - 2 < gutter < max(
                prev.x0, ln.x0) + 2
            # a much smaller fragment set apart (a plot's tick label beside a text line) is
            # not part of it; superscripts touch their word
            big = max(prev.size, ln.size)
            apart = min(prev.size, ln.size) < 0.75 * big and gap > 0.8 * big
            if (overlap >= 0.5 * small and gap < max_gap * max(prev.size, ln.size)
                    and not bridges and not apart):
                _absorb(prev, ln)
                continue
        out.append(ln)
    return out


def _absorb(a: Line, b: Line) -> None:
    first, second = (a, b) if a.x0 <= b.x0 else (b, a)
    sep = " " if second.x0 - first.x1 > 0.15 * a.size and not first.text.endswith(" ") else ""
    text = first.text.rstrip() + sep + second.text.lstrip() if sep else first.text + second.text
    spans = first.spans + second.spans
    main = a if len(a.text) >= len(b.text) else b
    a.text, a.spans = text, spans
    a.size, a.font, a.bold, a.italic = main.size, main.font, main.bold, main.italic
    a.x0, a.y0 = min(a.x0, b.x0), min(a.y0, b.y0)
    a.x1, a.y1 = max(a.x1, b.x1), max(a.y1, b.y1)


def _columns(page: PageInfo) -> float | None:
    """The x of the gutter if this page is set in two columns, else None."""
    lines = [ln for ln in page.lines if len(ln.text) > 15]
    if len(lines) < 8:
        return None
    x0 = min(ln.x0 for ln in lines)
    x1 = max(ln.x1 for ln in lines)
    span = x1 - x0
    best = None
    # the middle of the text, or of the page when the right column is short (a last page
    # whose right column holds one line): the one fewer lines cross
    for mid in ((x0 + x1) / 2, page.width / 2):
        # in one column most long lines cross the middle; in two columns almost none do
        left = sum(1 for ln in lines if ln.x1 <= mid + GUTTER_TOL and ln.width > 0.3 * span)
        right = sum(1 for ln in lines if ln.x0 >= mid - GUTTER_TOL)
        wide = sum(1 for ln in lines if ln.x0 < mid - GUTTER_TOL and ln.x1 > mid + GUTTER_TOL)
        if left >= 4 and right >= 1 and left + right >= 1.5 * wide and (
                best is None or wide < best[1]):
            best = (mid, wide)
    return best[0] if best else None


def _rejoin_split_lines(lines: list[Line]) -> None:
    """A full-width line (abstract, title block) that a wide justified space split at the
    middle: a left and a right piece on one baseline, the line above or below spanning the
    same extent. Rejoin the pieces (in place: the right piece is dropped from ``lines``)."""
    wide = [ln for ln in lines if ln.col == -1]
    if not wide:
        return
    rows: dict[int, list[Line]] = {}  # right-column lines by baseline bucket (3 pt)
    for ln in lines:
        if ln.col == 1:
            rows.setdefault(round(ln.y0 / 3), []).append(ln)
    gone = set()
    for a in [ln for ln in lines if ln.col == 0]:
        key = round(a.y0 / 3)
        for b in rows.get(key - 1, []) + rows.get(key, []) + rows.get(key + 1, []):
            if id(b) in gone or min(a.y1, b.y1) - max(a.y0, b.y0) < 0.5 * a.height:
                continue
            if b.x0 - a.x1 > 5 * a.size or abs(a.size - b.size) > 0.5:
                continue
            same = [w for w in wide if abs(w.y0 - a.y0) < 2.5 * a.height
                    and abs(w.x0 - a.x0) < 0.8 * a.size + 12 and abs(w.size - a.size) < 0.5]
            # inside a block of wide lines (above and below), not the first line of two
            # columns under a wide caption
            if (any(w.y0 < a.y0 for w in same) and any(w.y0 > a.y0 for w in same)
                    and b.x1 <= max(w.x1 for w in same) + 6):
                _absorb(a, b)
                a.col = -1
                gone.add(id(b))
                break
    if gone:
        lines[:] = [ln for ln in lines if id(ln) not in gone]


def order_page(page: PageInfo) -> list[Line]:
    # fragments of one line split at a wide (justified) word gap: join them first, with a
    # gap limit well under a column gutter, so a full-width line is not cut into two columns
    page.lines = _merge_same_baseline(page.lines, max_gap=1.2, gutter=page.width / 2)
    mid = _columns(page)
    page.two_column = mid is not None
    if mid is None:
        for ln in page.lines:
            ln.col = 0
        page.lines = _merge_same_baseline(page.lines)
        return side_regions(sorted(page.lines, key=lambda ln: (ln.y0, ln.x0)))
    for ln in page.lines:
        if ln.x1 <= mid + GUTTER_TOL:
            ln.col = 0
        elif ln.x0 >= mid - GUTTER_TOL:
            ln.col = 1
        else:
            ln.col = -1
    page.lines = [m for col in (0, 1, -1)
                  for m in _merge_same_baseline([ln for ln in page.lines if ln.col == col])]
    _rejoin_split_lines(page.lines)
    out: list[Line] = []
    band: list[Line] = []
    for ln in sorted(page.lines, key=lambda ln: (ln.y0, ln.x0)):
        if ln.col == -1:
            out.extend(sorted(band, key=lambda b: (b.col, b.y0, b.x0)))
            band = []
            out.append(ln)
        else:
            band.append(ln)
    out.extend(sorted(band, key=lambda b: (b.col, b.y0, b.x0)))
    return out


def order_lines(state: ParseState) -> None:
    """Fill ``state.lines`` with every page's lines in reading order."""
    state.lines = []
    for page in state.pages:
        state.lines.extend(order_page(page))
    state.metadata["two_column_pages"] = sum(p.two_column for p in state.pages)


def _beside(a: Line, b: Line) -> bool:
    """``b`` sits to the right of ``a`` on the same baseline, apart (not one line)."""
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.3 * min(a.height, b.height) and b.x0 > a.x1 + 6


def side_regions(lines: list[Line]) -> list[Line]:
    """A figure set inside the text column (wrapfigure): its lines (caption, tick labels,
    legend) sit to the right of the paragraph's lines on the same baselines, so ordering by
    baseline interleaves them. Lines in the right part of the column that have a line beside
    them on the left make up the region (grown to the lines right under/above it in that x
    range); they are read as one block after the paragraph beside them ends."""
    long = [ln for ln in lines if len(ln.text) > 15]
    if len(long) < 8:
        return lines
    left = min(ln.x0 for ln in long)
    right = max(ln.x1 for ln in long)
    cut = left + 0.3 * (right - left)
    # text lines of the narrowed paragraph: at the left edge, a good part of the column wide
    text = [a for a in lines if a.x0 < left + 15 and a.width > 0.35 * (right - left)]
    right = [b for b in lines if b.x0 > cut]  # few on a one-column page: test only those
    pairs = [(a, b) for b in right for a in text if _beside(a, b)]
    side = {id(b) for _, b in pairs}
    if len(side) < 2 or len({id(a) for a, _ in pairs}) < 2:
        return lines
    region = [ln for ln in lines if id(ln) in side]
    x0 = min(ln.x0 for ln in region) - 12
    lh = max(ln.height for ln in region)
    grown = True
    while grown:  # lines under/above the region in its x range: the rest of the float
        y0, y1 = min(ln.y0 for ln in region), max(ln.y1 for ln in region)
        grown = False
        for ln in lines:
            if id(ln) not in side and ln.x0 >= x0 and y0 - 1.5 * lh < ln.y0 < y1 + 1.5 * lh:
                side.add(id(ln))
                region.append(ln)
                grown = True
    for ln in region:
        ln.col = 1
    main = [ln for ln in lines if id(ln) not in side]
    region.sort(key=lambda ln: (ln.y0, ln.x0))
    bottom = max(ln.y1 for ln in region)
    # read the float where the text reaches its bottom: its caption and labels are not body
    # text, so a paragraph that goes on below it still reads as one
    at = next((k for k, ln in enumerate(main) if ln.y0 > bottom), len(main))
    return main[:at] + region + main[at:]
