"""Front matter: title (largest text near the top of page 1), authors (best effort), abstract.

The abstract starts at an "Abstract" label (alone, or run in: "Abstract—", "ABSTRACT:") and
ends at the first heading, a keywords line, or a wide gap. Without a label (REVTeX, some
journals) the first long paragraph after the title block is taken.
"""

from __future__ import annotations

import re

from .captions import gap_above
from .model import Line, ParseState
from .text import clean, join_lines

ABSTRACT = re.compile(r"^\s*(a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\b\s*[.:—–-]?\s*", re.I)
STOP = re.compile(r"^\s*(key\s?words|index terms|pacs|ccs concepts|subject|msc|mathematics "
                  r"subject|jel|additional key words|acm reference|general terms)\b", re.I)
NOT_AUTHOR = re.compile(r"@|universit|institut|department|dept\.|laborator|school|college|"
                        r"center|centre|inc\.|corporation|google|microsoft|research|faculty|"
                        r"\d{3,}|street|road|avenue|email|e-mail|http", re.I)


def find_title(state: ParseState) -> int:
    """Set ``state.title``; return the index in ``state.lines`` just after the title block."""
    first = [i for i, ln in enumerate(state.lines) if ln.page == 0]
    if not first:
        return 0
    page_h = state.pages[0].height
    cands = [i for i in first if state.lines[i].y0 < 0.6 * page_h
             and sum(c.isalpha() for c in state.lines[i].text) >= 3
             and not ABSTRACT.match(state.lines[i].text)]
    if not cands:
        return 0
    top = max(state.lines[i].size for i in cands)
    if top < state.body_size + 1.0:  # no display-size title: trust the PDF metadata if any
        meta = clean(state.pdf_metadata.get("title") or "")
        if len(meta.split()) >= 3:
            state.title = meta
        return 0
    start = next(i for i in cands if state.lines[i].size >= top - 0.3)
    block = [start]
    for i in range(start + 1, min(start + 6, len(state.lines))):
        ln = state.lines[i]
        if ln.page != 0 or abs(ln.size - top) > 0.6 or gap_above(state.lines[block[-1]], ln) > \
                1.2 * ln.height and state.lines[block[-1]].col == ln.col:
            break
        block.append(i)
    for i in block:
        state.lines[i].kind = "title"
    state.title = join_lines(state.lines[i].text for i in block)
    return block[-1] + 1


def _authors(lines: list[Line], body: float) -> list[str]:
    names: list[str] = []
    for ln in lines:
        text = re.sub(r"[\d∗*†‡§¶,]+(?=\s|$|,)", ",", ln.text)
        if NOT_AUTHOR.search(text) or ln.size < body - 1.5:
            continue
        for part in re.split(r",|\band\b|&|;|·", text):
            part = clean(part).strip(" .")
            words = part.split()
            if 2 <= len(words) <= 5 and all(w[0].isupper() for w in words if w[0].isalpha()):
                names.append(part)
    return names[:30]


def find_abstract(state: ParseState, after_title: int) -> int:
    """Set ``state.abstract`` and ``state.authors``; return the index where the body starts."""
    lines = state.lines
    limit = next((i for i, ln in enumerate(lines) if ln.page >= 2), len(lines))
    label = next((i for i in range(after_title, limit) if ABSTRACT.match(lines[i].text)
                  and lines[i].kind == "body"), None)
    if label is not None:
        state.authors = _authors(lines[after_title:label], state.body_size)
        first = ABSTRACT.sub("", lines[label].text, count=1)
        lines[label].kind = "abstract_label"
        parts = [first] if first.strip() else []
        i = label + 1
    else:
        i = _first_paragraph(state, after_title, limit)
        if i is None:
            return after_title
        state.authors = _authors(lines[after_title:i], state.body_size)
        parts = []
    size = lines[i].size if i < len(lines) else state.body_size
    while i < len(lines) and len(" ".join(parts).split()) < 700:
        ln = lines[i]
        gap = gap_above(lines[i - 1], ln) if parts else 0.0
        if STOP.match(ln.text) or ln.kind != "body" or 1.5 * ln.height < gap < 1e5:
            break
        if parts and abs(ln.size - size) > 0.6 and (ln.bold or ln.size > size):
            break
        if parts and _heading_like(ln, state.body_size):
            break
        ln.kind = "abstract"
        parts.append(ln.text)
        i += 1
    state.abstract = join_lines(parts)
    return i


def _heading_like(ln: Line, body: float) -> bool:
    from .headings import split_number

    num, rest = split_number(ln.text)
    return bool(num) and (ln.bold or ln.size > body + 0.5 or rest.isupper())


def _first_paragraph(state: ParseState, start: int, limit: int) -> int | None:
    """Index of the first line of the first paragraph of >= 40 words on page 1."""
    lines = state.lines
    i = start
    while i < limit:
        j = i + 1
        while j < limit and gap_above(lines[j - 1], lines[j]) < 0.6 * lines[j].height:
            j += 1
        words = sum(len(ln.text.split()) for ln in lines[i:j])
        if words >= 40 and lines[i].page == 0:
            return i
        i = j
    return None
