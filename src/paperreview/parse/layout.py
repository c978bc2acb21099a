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
            if overlap >= 0.5 * small and gap < max_gap * max(prev.size, ln.size) and not bridges:
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
        return sorted(page.lines, key=lambda ln: (ln.y0, ln.x0))
    for ln in page.lines:
        if ln.x1 <= mid + GUTTER_TOL:
            ln.col = 0
        elif ln.x0 >= mid - GUTTER_TOL:
            ln.col = 1
        else:
            ln.col = -1
    page.lines = [m for col in (0, 1, -1)
                  for m in _merge_same_baseline([ln for ln in page.lines if ln.col == col])]
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
