"""Front matter: title (largest text near the top of page 1), authors (best effort), abstract.

The abstract starts at an "Abstract" label (alone, or run in: "Abstract—", "ABSTRACT:") and
ends at the first heading, a keywords line, or a wide gap. Without a label (REVTeX, some
journals) the first long paragraph after the title block is taken.
"""

from __future__ import annotations

import re

from .authors import _names as find_names
from .authors import find_authors
from .captions import gap_above, paragraph_gap
from .model import Line, ParseState
from .text import clean, join_lines

ABSTRACT = re.compile(r"^\s*(a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\b\s*[.:—–-]?\s*", re.IGNORECASE)
THESIS_ABSTRACT = re.compile(r"^\s*(Abstract|ABSTRACT)\s*[:.—–-]?\s*(?=[A-Z]|$)")
# the labels of the front blocks after an abstract: keywords, classifications, ACM's blocks
_LABELS_ALONE = r"key\s?words|index terms"  # need no separator after them
_LABELS = (r"pacs|ccs concepts|subject (?:areas?|headings)|msc|(?:\d{4} )?mathematics subject "
           r"classification|jel|additional key words(?: and phrases)?|acm reference format|"
           r"general terms")
STOP = re.compile(rf"^\s*(?:({_LABELS_ALONE})\b|({_LABELS})\s*(?:numbers)?\s*(?:[:.—–-]|$))",
                  re.IGNORECASE)
FRONT_BLOCK = re.compile(rf"^\s*(?:{_LABELS_ALONE}|{_LABELS})\b", re.IGNORECASE)
NOT_AUTHOR = re.compile(r"@|universit|institut|department|dept\.|laborator|school|college|"
                        r"center|centre|inc\.|corporation|google|microsoft|research|faculty|museum|observator|"
                        r"academy|foundation|hospital|agency|\blabs?\b|"
                        r"\d{3,}|street|road|avenue|email|e-mail|http", re.IGNORECASE)


JUNK = re.compile(r"draft version|typeset using|compiled using|style file|preprint|submitted|accepted|received|arxiv|"
                  r"journal|proceedings|copyright|licen[cs]e|manuscript|vol\.|volume|doi|"
                  r"http|www\.|conference|workshop|published|running head|\bpages?\b", re.IGNORECASE)
FIELD_LABEL = re.compile(r"^\s*(authors?|affiliations?|key\s?words|correspondence)\s*:", re.IGNORECASE)
LEADERS = re.compile(r"(?:\.\s?){6,}")  # dot leaders of a contents line; "x_1, ..., x_n" is math
TITLE_LABEL = re.compile(r"^\s*title\s*:\s*", re.IGNORECASE)


def _title_score(ln: Line) -> float:
    letters = [c for c in ln.text if c.isalpha()]
    caps = len(letters) >= 6 and all(c.isupper() for c in letters)
    return ln.size + 1.0 * ln.bold + 0.8 * caps + 5.0 * bool(TITLE_LABEL.match(ln.text))


def find_title(state: ParseState) -> int:
    """Set ``state.title``; return the index in ``state.lines`` just after the title block.

    The title is the most prominent line (size, then bold, then capitals) on page 1 above the
    abstract, skipping journal furniture ("Draft version ...", "Preprint typeset ..."), plus
    the lines right below it in the same style.
    """
    lines = state.lines
    first = [i for i, ln in enumerate(lines) if ln.page == 0]
    if not first:
        return 0
    page_h = state.pages[0].height
    label = next((i for i in first if ABSTRACT.match(lines[i].text)), None)
    cands = [i for i in first if (label is None or i < label) and lines[i].y0 < 0.6 * page_h
             and len(re.findall(r"[^\W\d_]{2,}", lines[i].text)) >= 2
             and not JUNK.search(lines[i].text) and not ABSTRACT.match(lines[i].text)]
    if not cands:
        meta = clean(state.pdf_metadata.get("title") or "")
        state.title = meta if len(meta.split()) >= 3 else ""
        return 0
    best = max(_title_score(lines[i]) for i in cands)
    start = next(i for i in cands if _title_score(lines[i]) >= best - 0.01)
    while start - 1 in cands and _same_title_style(lines[start], lines[start - 1]):
        start -= 1  # an earlier line a fraction of a point smaller (a math glyph, rounding)
    block = [start]
    for i in range(start + 1, min(start + 6, len(lines))):
        ln, prev = lines[i], lines[block[-1]]
        if (ln.page != 0 or not _same_title_style(ln, prev) or JUNK.search(ln.text)
                or ABSTRACT.match(ln.text) or FIELD_LABEL.match(ln.text)):
            break
        block.append(i)
    nxt = block[-1] + 1
    if nxt < len(lines) and _subtitle(lines[nxt], lines[block[-1]], state.body_size):
        block.append(nxt)
    for i in block:
        lines[i].kind = "title"
    state.title = TITLE_LABEL.sub("", join_lines(lines[i].text for i in block))
    return block[-1] + 1


def _same_title_style(ln: Line, prev: Line) -> bool:
    """Two lines of one title: same weight, sizes within a point (6%), no wide gap."""
    caps = [_caps_line(x) for x in (ln, prev)]
    return (ln.page == prev.page and ln.bold == prev.bold and caps[0] == caps[1]
            and abs(ln.size - prev.size) <= max(0.6, 0.06 * max(ln.size, prev.size))
            and ln.y0 - prev.y1 <= 1.5 * max(ln.height, prev.height) and ln.y0 > prev.y0)


def _caps_line(ln: Line) -> bool:
    letters = [c for c in ln.text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _subtitle(ln: Line, last: Line, body: float) -> bool:
    """A subtitle right under the title: display size (1.3x the body, 2/3 of the title),
    close below it, words (no e-mail, affiliation or journal line)."""
    return (ln.page == last.page and ln.y0 > last.y0 and ln.size >= 1.3 * body
            and ln.size >= 0.65 * last.size and ln.y0 - last.y1 <= 1.0 * last.height
            and len(ln.text.split()) >= 2 and not NOT_AUTHOR.search(ln.text)
            and not JUNK.search(ln.text) and ln.text.count(",") < 2
            and not find_names(ln.text))  # the authors, set large


def _authors(state: ParseState, lines: list[Line]) -> list[str]:
    """Fill ``state.author_details``; return the names."""
    state.author_details = find_authors(lines, state.body_size, JUNK)
    return [p["name"] for p in state.author_details]


def find_abstract(state: ParseState, after_title: int) -> int:
    """Set ``state.abstract`` and ``state.authors``; return the index where the body starts."""
    lines = state.lines
    limit = next((i for i, ln in enumerate(lines) if ln.page >= 2), len(lines))
    label = next((i for i in range(after_title, limit) if ABSTRACT.match(lines[i].text)
                  and lines[i].kind == "body" and _prose_follows(lines, i)), None)
    if label is None:  # theses put the abstract after a title page, a declaration...
        # after the title page, declarations, acknowledgements and a table of contents: up to
        # page 12, or a fifth of a long thesis (page 30 at most)
        last = min(30, max(12, len(state.pages) // 5))
        far = next((i for i, ln in enumerate(lines) if ln.page >= last), len(lines))
        label = next((i for i in range(limit, far) if THESIS_ABSTRACT.match(lines[i].text)
                      and lines[i].kind == "body" and _prose_follows(lines, i)), None)
        if label is not None:
            limit = far
    if label is not None:
        state.authors = _authors(state, lines[after_title:label])
        first = ABSTRACT.sub("", lines[label].text, count=1)
        lines[label].kind = "abstract_label"
        parts = [first] if first.strip() else []
        i = label + 1
    else:
        i = _first_paragraph(state, after_title, limit)
        if i is None:
            return after_title
        state.authors = _authors(state, lines[after_title:i])
        parts = []
    top = lines[label] if label is not None else None
    while i < len(lines) and not parts and lines[i].page <= 1 and (
            ((NOT_AUTHOR.search(lines[i].text) or JUNK.search(lines[i].text))
             and lines[i].size < state.body_size - 0.5)
            or lines[i].kind != "body"
            or (top is not None and lines[i].page == top.page and lines[i].y1 <= top.y0)):
        i += 1  # affiliations or notes between the label and the text (AASTeX preprint); a
        # journal line above the label that reading order put after it (MNRAS)
    size = lines[i].size if i < len(lines) else state.body_size
    brk = max(1.5, state.line_spacing + 0.5)  # a double-spaced abstract is one paragraph
    while i < len(lines) and len(" ".join(parts).split()) < 700:
        ln = lines[i]
        if parts and re.fullmatch(r"\s*\d{1,3}\s*", ln.text):
            i += 1  # a page number or footnote mark between two parts of the abstract
            continue
        if parts and ln.kind in ("footnote", "float_text", "table_text"):
            i += 1  # notes under page 1's text, or a float, between two parts of the abstract
            continue
        gap = gap_above(lines[i - 1], ln) if parts else 0.0
        if STOP.match(ln.text) or ln.kind != "body" or brk * ln.height < gap < 1e5:
            break
        if gap >= 1e5 and parts[-1].rstrip().endswith((".", "!", "?")):
            break  # a new column or page after a finished sentence: the abstract is over
        if parts and abs(ln.size - size) > 0.6 and (ln.bold or ln.size > size):
            break
        if parts and _heading_like(ln, state.body_size):
            break
        ln.kind = "abstract"
        parts.append(ln.text)
        i += 1
    state.abstract = join_lines(parts)
    return i


def _prose_follows(lines: list[Line], i: int) -> bool:
    """The "Abstract" label is followed by text, not by dot leaders or a page number (the
    entry in a table of contents)."""
    rest = ABSTRACT.sub("", lines[i].text, count=1)
    nxt = [rest] if len(rest.split()) >= 6 else [ln.text for ln in lines[i + 1:i + 4]]
    return any(len(t.split()) >= 6 and not LEADERS.search(t) for t in nxt)


def _heading_like(ln: Line, body: float) -> bool:
    from .headings import split_number

    num, rest = split_number(ln.text)
    return bool(num) and (ln.bold or ln.size > body + 0.5 or rest.isupper())


def _first_paragraph(state: ParseState, start: int, limit: int) -> int | None:
    """Index of the first line of the first paragraph of >= 40 words on page 1."""
    from .headings import COMMON, split_number

    lines = state.lines
    brk = paragraph_gap(state.line_spacing)
    i = start
    while i < limit:
        ln = lines[i]
        if (ln.bold or ln.size > state.body_size + 0.9) and split_number(
                clean(ln.text))[1].lower().rstrip(".") in COMMON:
            return None  # "Introduction" before any long paragraph: there is no abstract
        j = i + 1
        while j < limit and gap_above(lines[j - 1], lines[j]) < brk * lines[j].height:
            j += 1
        while i < j - 1 and (NOT_AUTHOR.search(lines[i].text) or (
                lines[i].text.count(",") >= 2 and lines[i].text.rstrip()[-1:] in "0123456789∗*†‡")):
            i += 1  # author and affiliation lines glued to the abstract (REVTeX)
        words = sum(len(ln.text.split()) for ln in lines[i:j])
        if words >= 40 and lines[i].page == 0:
            return i
        i = j
    return None
