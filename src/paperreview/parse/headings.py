"""Section headings: short lines that start a block and stand out (bold, larger, capitals,
numbered), merged when a long heading wraps, with a level from the numbering or the style.

Numbers are not part of the heading text ("3.1 Results" -> "Results", level 2). Run-in
headings ("**Proof.** The claim...") stay in the body.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from .captions import gap_above, starts_block
from .captions import tabular as _tabular
from .front import FRONT_BLOCK
from .model import Line, ParseState

NUMBERED = re.compile(r"^\s*((?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,3}|[IVX]{1,5}\.[A-Z](?:\.\d{1,2})?"
                      r"|[IVX]{1,5})(\.?)\s+(\S.*)$")  # "II.A Data": economics
GLUED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3})(\.?)([A-Z][a-z].*)$")
CHAPTER = re.compile(r"^\s*(chapter|part|appendix)\s+([A-Z]|\d+|[IVX]+)\s*[:.]?\s*(.*)$", re.IGNORECASE)
COMMON = {"abstract", "introduction", "related work", "background", "method", "methods",
          "conclusion", "conclusions", "discussion", "results", "acknowledgments",
          "acknowledgements", "acknowledgment", "acknowledgement", "references", "bibliography",
          "appendix", "experiments", "evaluation", "limitations", "future work", "summary",
          "materials and methods", "data availability", "author contributions",
          "ethics statement", "broader impact", "conflict of interest", "funding",
          "supplementary material", "supplementary information", "contents", "preliminaries"}
STATEMENT = re.compile(r"^\s*(?:(?:theorem|lemma|corollary|proposition|definition|remark|example|"
                       r"observation|claim|assumption|conjecture|result|finding|lesson|takeaway)"
                       r"\s+\d{1,2}(?:\.\d{1,2})*\s*(?:\([^)]*\))?"
                       r"|proof(?:\s+of\s+(?:theorem|lemma|corollary|proposition|claim)\s+"
                       r"(?:[A-Z]\.?)?\d{1,2}(?:\.\d{1,2})*)?)\s*[.:]?\s*$", re.IGNORECASE)
ALGO_LINE = re.compile(r"^\s*\d{1,3}(?::\s|\s+(?:for|foreach|while|if|else|elif|end|return|repeat|"
                       r"until|do|then|function|procedure|input|output|require|ensure|break|"
                       r"continue|let|set|initiali[sz]e)\b)")
LIST_MARK = re.compile(r"\(?\d{1,2}[.)]|[•◦▪∙·–-]|\([a-z]\)")
CHECKLIST = re.compile(r"\bchecklist\b", re.IGNORECASE)
REFERENCE_HEADINGS = {"references", "bibliography", "literature cited", "works cited",
                      "references and notes", "reference", "references cited", "literature"}


def body_size(state: ParseState) -> float:
    """The running-text font size: the most common size of long lines in the first 70% of
    pages (the reference list and appendix tables are often set smaller and can be long)."""
    weights: Counter = Counter()
    last = max(1, int(0.7 * len(state.pages) + 0.5))
    for ln in state.lines:
        if ln.page < last and len(ln.text) >= 40:
            weights[round(ln.size * 2) / 2] += len(ln.text)
    if not weights:
        for ln in state.lines:
            weights[round(ln.size * 2) / 2] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def split_number(text: str) -> tuple[str, str]:
    """('3.1', 'Results') from '3.1 Results'; ('', text) when unnumbered. A multi-level number
    that the PDF set without a space before a word ("3.2.1Specification") counts too."""
    m = NUMBERED.match(text) or GLUED.match(text)
    if m and any(ch.isalpha() for ch in m.group(3)):
        return m.group(1), m.group(3).strip()
    return "", text.strip()


def _caps(text: str) -> bool:
    if text != text.upper():  # any lowercase letter (a cheap test first: called per line)
        return False
    return sum(c.isalpha() for c in text) >= 4


def _run_in(ln: Line, styled: int) -> bool:
    """A styled lead-in followed by regular text on the same line ("Proof. We show...").

    ``styled``: 2 = bold lead-in (span flag), 1 = any lead-in set apart by its font.
    """
    spans = [s for s in ln.spans if s[0].strip()]
    if len(spans) >= 3 and not spans[0][2] and LIST_MARK.fullmatch(spans[0][0].strip()):
        spans = spans[1:]  # "2. **Standard debates:** Models debated..." (a list item)
    if len(spans) < 2 or (styled == 2 and not spans[0][2]):
        return False
    head = spans[0][0].strip()
    rest = "".join(s[0] for s in spans[1:])
    if styled == 2:
        rest = "".join(s[0] for s in spans if not s[2])
        return len(rest.strip()) > 3 and not spans[-1][2]
    return head.endswith((".", ":")) and len(rest.split()) >= 3


Geometry = dict[tuple[int, int], tuple[float, float]]


def column_extents(lines: list[Line]) -> Geometry:
    """(page, col) -> (left, right) of the text column, from lines of running text."""
    ext: Geometry = {}
    for ln in lines:
        if len(ln.text) < 40:
            continue
        key = (ln.page, ln.col)
        left, right = ext.get(key, (1e9, -1e9))
        ext[key] = (min(left, ln.x0), max(right, ln.x1))
    return ext


def _centered(ln: Line, geo: Geometry) -> bool:
    left, right = geo.get((ln.page, ln.col), (ln.x0, ln.x1))
    if right - left < 100:
        return False
    mid = (left + right) / 2
    return (abs((ln.x0 + ln.x1) / 2 - mid) < 8 and ln.x0 > left + 15
            and ln.width < 0.8 * (right - left))


FLOAT_KINDS = ("float_text", "table_text")  # see parse.floats
STOPWORDS = {"by", "of", "the", "a", "an", "and", "or", "to", "in", "for", "with", "on", "at",
             "from", "as", "is", "are", "that", "which", "where", "we"}


def _wordy(text: str, open_end: bool = False) -> bool:
    """Looks like words, not a formula or a table cell: a real word and mostly letters.

    A line ending in "of", "the"... is a sentence fragment unless ``open_end`` (the heading
    wraps onto the next line)."""
    letters = sum(c.isalpha() for c in text)
    visible = sum(not c.isspace() for c in text) or 1
    words = text.split()
    return (letters >= 0.6 * visible and any(sum(c.isalpha() for c in w) >= 3 for w in words)
            and (open_end or words[-1].lower() not in STOPWORDS))


def _style(ln: Line, body: float, geo: Geometry | None = None,
           open_end: bool = False) -> str | None:
    """Why this line could be a heading: 'size', 'bold', 'caps', 'italic', 'center' or None."""
    text = ln.text.strip()
    if len(text) > 160 or ln.size < body - 2.6:
        return None
    words = text.split()
    if not 1 <= len(words) <= 18:
        return None
    num, rest = split_number(text)
    style = _raw_style(ln, body, geo, num, rest, len(words))
    return style if style and _wordy(rest, open_end) else None


def _raw_style(ln: Line, body: float, geo: Geometry | None, num: str, rest: str,
               n_words: int) -> str | None:
    if ln.size >= body + 0.9:
        return "size"
    if ln.bold and ln.size >= body - 1.2 and not _run_in(ln, 2):
        return "bold"
    if _caps(rest) and (num or rest.lower() in COMMON):
        return "caps"
    if n_words <= 3 and CHAPTER.match(rest) and not CHAPTER.match(rest).group(3):
        return "chapter"  # "CHAPTER 2" on its own line, its title below
    if not num or n_words > 14 or not rest[:1].isupper() or rest.endswith((".", ",", ";")):
        return None
    if ". " in rest.rstrip(". "):
        return None  # a sentence ends inside: a reference entry ("Z. Manna and A. Pnueli. The")
    if ln.italic and ln.size >= body - 1.6 and not _run_in(ln, 1):
        return "italic"
    if geo is not None and _centered(ln, geo):
        return "center"
    return None


def _numeric(ln: Line) -> bool:
    text = ln.text
    return sum(c.isalpha() for c in text) < 0.3 * max(1, sum(not c.isspace() for c in text))


def _is_candidate(prev: Line | None, ln: Line, body: float, geo: Geometry,
                  nxt: Line | None = None, body_font: str = "") -> bool:
    if ln.kind != "body":
        return False
    style = _style(ln, body, geo)
    words = ln.text.split()
    if (style is None and words and words[-1].lower() in STOPWORDS and nxt is not None
            and _continues(ln, nxt, body, geo)):  # "... Sufficient to" + "Establish Trust"
        style = _style(ln, body, geo, open_end=True)
    if style is None and _spaced(prev, ln, nxt, body_font):
        style = "spaced"
    if style is None or _tabular(ln):
        return False
    if nxt is not None and nxt.page == ln.page and (_numeric(nxt) or _tabular(nxt)):
        return False  # a row label or column header of a table
    if any(_beside(ln, o) for o in (prev, nxt)):
        return False  # a short fragment on the same baseline, close by: table cells
    num = split_number(ln.text)[0]
    left, right = geo.get((ln.page, ln.col), (ln.x0, ln.x1))
    if not num and ln.width > 0.92 * (right - left) and len(ln.text.split()) >= 9:
        return False  # a full line of running text (a bold or larger paragraph)
    if not num and gap_above(prev, ln) < 0.25 * ln.height:
        return False  # unnumbered headings are set off by space above
    text = ln.text.strip()
    if STATEMENT.match(text) or ALGO_LINE.match(text):
        return False  # the label of a boxed result or a theorem ("Result 1", "Lemma 3.2"), a
        # numbered line of an algorithm ("8: end if")
    if (text.endswith("-") and not split_number(text)[0] and nxt is not None
            and nxt.text.lstrip()[:1].islower()):
        return False  # a word broken across lines: running text ("for sug-" + "gestions")
    if text.endswith((",", ";")) or (text.endswith(".") and not split_number(text)[0]
                                      and text.lower().rstrip(".") not in COMMON):
        return False
    if text[0].islower() or text[0] in "([{=+-*/<>|":
        return False
    return starts_block(prev, ln) or (prev is not None and _style(prev, body) != style)


def _spaced(prev: Line | None, ln: Line, nxt: Line | None, body_font: str) -> bool:
    """A heading in the body size without bold (thesis styles; Type 3 fonts that hide their
    weight): a multi-level number ("1.3.", "2.1.1", "A.1" in an appendix), a few words, space
    above, and Title Case, or a font other than the running text's, or space below too."""
    num, rest = split_number(ln.text.strip())
    if (not re.fullmatch(r"(?:\d{1,2}|[A-Z])(?:\.\d{1,2}){1,3}", num)
            or rest.endswith((".", ",", ";", ":"))):
        return False
    if not (1 <= len(rest.split()) <= 12 and rest[:1].isupper()) or ". " in rest:
        return False  # ". " inside: a run-in heading and its paragraph ("1.2. Flags. The")
    if prev is not None and gap_above(prev, ln) <= 0.6 * ln.height:
        return False
    words = [w for w in rest.split() if len(w) > 3]
    return (sum(w[0].isupper() for w in words) >= 0.6 * len(words)
            or bool(body_font and ln.font != body_font)
            or (nxt is not None and 0.4 * ln.height < gap_above(ln, nxt) < 1e5))


def _over_table(lines: list[Line], i: int) -> bool:
    """An unnumbered line right above a row of side-by-side cells: a table's spanning header
    ("VGG Accuracy" over "Dense | Pruned"), not a section heading."""
    if i + 2 >= len(lines) or split_number(lines[i].text)[0]:
        return False
    a = lines[i + 1]
    if a.page != lines[i].page or a.y0 <= lines[i].y0:
        return False
    row = [a]
    for b in lines[i + 2:i + 12]:
        if b.page != a.page or b.col != a.col or abs(b.y0 - a.y0) >= 0.5 * a.height:
            break
        row.append(b)
    row.sort(key=lambda x: x.x0)
    # cells stand far apart; a justified line that MuPDF cut at its stretched spaces does not
    return len(row) > 1 and max(q.x0 - p.x1 for p, q in pairwise(row)) > 2.5 * a.size


def _neighbours(lines: list[Line], i: int) -> tuple[Line | None, Line | None]:
    """The lines before and after ``lines[i]``, passing over float labels."""
    j = i - 1
    while j >= 0 and lines[j].kind in FLOAT_KINDS:
        j -= 1
    k = i + 1
    while k < len(lines) and lines[k].kind in FLOAT_KINDS:
        k += 1
    return (lines[j] if j >= 0 else None), (lines[k] if k < len(lines) else None)


def _beside(ln: Line, o: Line | None) -> bool:
    """``o`` is a short fragment on ``ln``'s baseline a few words away (not merged into it:
    a wide gap), as table cells are; a line of the other column (when the page was not seen
    as two columns) is long or far."""
    if (o is None or o.page != ln.page or o.col != ln.col or o.kind in FLOAT_KINDS
            or abs(o.y0 - ln.y0) >= 0.5 * ln.height):
        return False
    gap = o.x0 - ln.x1 if o.x0 >= ln.x0 else ln.x0 - o.x1
    return len(o.text.strip()) < 40 and gap < 6 * ln.size


def _continues(ln: Line, nxt: Line, body: float, geo: Geometry) -> bool:
    """``nxt`` is the wrapped rest of heading line ``ln``: right below it, in the same look
    (size, weight, slant, capitals), short, unnumbered. A heading set apart only by position
    (centred, in the body font) wraps onto a centred line."""
    if (nxt.kind != "body" or abs(nxt.size - ln.size) >= 0.3 or nxt.bold != ln.bold
            or nxt.italic != ln.italic or gap_above(ln, nxt) >= 0.6 * ln.height
            or nxt.y0 < (ln.y0 + ln.y1) / 2  # on the same baseline: table column headers
            or len(nxt.text.split()) > 12 or split_number(nxt.text)[0]
            or nxt.text.rstrip().endswith((",", ";")) or _tabular(nxt)):
        return False
    rest = split_number(ln.text)[1]
    if _caps(rest) != _caps(nxt.text):
        return False
    if ln.bold or ln.italic or _caps(rest) or ln.size >= body + 0.9:
        return True
    return _centered(ln, geo) and _centered(nxt, geo)


def _split_run_in(ln: Line) -> tuple[Line, Line] | None:
    """'1.2. **Reducible flag varieties.** The center of...' (amsart's numbered run-in
    subsections; acmart's in italics: '2.1.1 *Sleep Posture Detection.* Dreaming...') -> a
    heading line and a body line. Unnumbered run-ins ("**Proof.**") stay."""
    spans = ln.spans
    i = 0
    while i < len(spans) and not spans[i][0].strip():
        i += 1
    if i >= len(spans) or not re.fullmatch(r"\s*(\d{1,2}(\.\d{1,2}){0,3}\.?)\s*", spans[i][0]):
        return None
    j = i + 1
    styled = 2 if j < len(spans) and spans[j][2] else 5  # a bold run, else an italic one
    while j < len(spans) and (spans[j][styled] or not spans[j][0].strip()):
        j += 1
    head = "".join(s[0] for s in spans[i:j]).strip()
    rest = spans[j:]
    words = split_number(head)[1].split()
    if (not rest or not head.endswith(".") or not 1 <= len(words) <= 12
            or not any(s[styled] for s in spans[i + 1:j])):
        return None
    if styled == 5 and (all(s[5] for s in rest if s[0].strip())  # all italic: a statement
                        or not re.match(r"\d{1,2}\.\d", spans[i][0].strip())
                        or not _wordy(split_number(head)[1])):
        return None  # italic: only "2.1.1 Title." (a number and math set in italics are not)
    first = Line(ln.page, (ln.x0, ln.y0, rest[0][3], ln.y1), head.rstrip("."), ln.size, ln.font,
                 True, spans[:j])
    second = Line(ln.page, (rest[0][3], ln.y0, ln.x1, ln.y1), "".join(s[0] for s in rest),
                  ln.size, ln.font, False, rest)
    for new in (first, second):
        new.col = ln.col
    return first, second


def find_headings(state: ParseState, start: int) -> None:
    """Mark heading lines from ``state.lines[start:]``; ``ln.level`` gets the heading level."""
    body = state.body_size
    lines = state.lines
    geo = column_extents(lines)
    fonts: Counter = Counter(ln.font for ln in lines if len(ln.text) >= 40)
    body_font = fonts.most_common(1)[0][0] if fonts else ""
    i = start
    style_levels: dict[tuple, int] = {}
    pending: list[tuple[Line, tuple]] = []
    under_roman = False
    while i < len(lines):
        ln, prev = lines[i], lines[i - 1] if i else None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if ln.kind == "body" and (prev is not None and prev.kind in FLOAT_KINDS
                                  or nxt is not None and nxt.kind in FLOAT_KINDS):
            prev, nxt = _neighbours(lines, i)  # a plot's labels between the text lines
        if not _is_candidate(prev, ln, body, geo, nxt, body_font) or _over_table(lines, i):
            split = _split_run_in(ln) if ln.kind == "body" and starts_block(prev, ln) else None
            if split is not None:
                lines[i:i + 1] = split
                split[0].kind = "heading"
                num = split_number(split[0].text)[0]
                split[0].level = num.rstrip(".").count(".") + 1
            i += 1
            continue
        j = i + 1  # a long heading wraps onto lines of the same style
        while (j < len(lines) and j - i < 3 and _continues(lines[j - 1], lines[j], body, geo)
               and not lines[i].text.rstrip().endswith(".")):
            j += 1
        if j - i == 3 and j < len(lines) and _continues(lines[j - 1], lines[j], body, geo):
            i = j  # four or more lines in one style: an emphasised paragraph, not a heading
            continue
        group = lines[i:j]
        for k, g in enumerate(group):
            g.kind = "heading" if k == 0 else "heading_cont"
        label = CHAPTER.match(ln.text)
        if label and not label.group(3) and j < len(lines):
            j = _chapter_title(lines, j, body, geo)
        num, _ = split_number(ln.text)
        key = (round(ln.size), ln.bold, _style(ln, body))
        roman = bool(re.fullmatch(r"[IVX]+", num))
        under_roman = under_roman or roman
        if CHAPTER.match(ln.text) and CHAPTER.match(ln.text).group(1).lower() == "chapter":
            ln.level = 0
        elif num:
            # "II. METHOD" is a section and "A." under it a subsection (IEEE, REVTeX);
            # elsewhere the dots count ("3.1" -> 2)
            if roman:
                ln.level = 1
            elif under_roman and len(num) == 1 and num.isalpha():
                ln.level = 2
            else:
                ln.level = num.count(".") + 1
            style_levels.setdefault(key, ln.level)
        else:
            pending.append((ln, key))
            ln.level = 1
        i = j
    _style_levels(pending, style_levels)
    _chapters(lines, start, body)
    _front_blocks(lines, start)
    _checklist_items(lines, start)


def _front_blocks(lines: list[Line], start: int) -> None:
    """The blocks between the abstract and the first section ("CCS CONCEPTS" and its bold
    concept lines, "KEYWORDS", "ACM Reference Format", "Index Terms") are front matter, not
    sections: their labels and the headings after them, up to the first numbered or common
    section heading, go back to the text before the first section."""
    in_front = False
    for ln in lines[start:]:
        if ln.kind not in ("heading", "heading_cont"):
            continue
        num, rest = split_number(ln.text)
        if FRONT_BLOCK.match(ln.text):
            in_front = True
        elif not in_front or ln.kind == "heading" and (
                num or rest.lower().strip(" .:") in COMMON):
            return
        ln.kind = "body"


def _chapter_title(lines: list[Line], j: int, body: float, geo: Geometry) -> int:
    """The title under a "Chapter N" label (up to three lines in capitals, centred, bold or
    large) becomes a level-0 heading; returns the index after it."""
    k = j
    while (k < len(lines) and k - j < 3 and lines[k].kind == "body"
           and lines[k].page == lines[j].page and not split_number(lines[k].text)[0]
           and (_caps(lines[k].text) or _centered(lines[k], geo) or lines[k].bold
                or lines[k].size >= body + 0.9)):
        lines[k].kind = "heading" if k == j else "heading_cont"
        lines[k].level = 0
        k += 1
    return k


def _chapters(lines: list[Line], start: int, body: float) -> None:
    """Theses and books open each chapter on a new page in a huge size (LaTeX's \\chapter is
    \\Huge, 2.07x the body; \\section is 1.44x): such headings, two or more, are chapters
    (level 0), and with chapters present sections are level 1 ("1.1"), subsections 2."""
    first: dict[int, Line] = {}
    for ln in lines:
        first.setdefault(ln.page, ln)
    heads = [ln for ln in lines[start:] if ln.kind == "heading"]
    big = [h for h in heads if h.size >= 1.8 * body and first.get(h.page) is h]
    if len(big) < 2 and not any(h.level == 0 for h in heads):
        return
    chapter_size = min((h.size for h in big), default=1e9) - 0.5
    for h in heads:
        if h.level != 0:
            h.level = 0 if h.size >= chapter_size else max(1, h.level - 1)


def _style_levels(pending: list[tuple[Line, tuple]], known: dict[tuple, int]) -> None:
    """Levels of headings without a decimal number: the level of numbered headings in the same
    style, else by size: each larger size used by two or more such headings is a level up."""
    counts = Counter(round(ln.size) for ln, key in pending if key not in known)
    sizes = [size for size, n in counts.items() if n >= 2]
    for ln, key in pending:
        if key in known:
            ln.level = known[key]
        else:
            ln.level = min(3, 1 + sum(size > round(ln.size) for size in sizes))


def _checklist_items(lines: list[Line], start: int) -> None:
    """Under a "Paper Checklist" heading (NeurIPS, ICML...) the numbered bold questions
    ("1. Claims", "2. Theory assumptions and proofs") are items of a list, not sections."""
    inside = False
    for ln in lines[start:]:
        if ln.kind != "heading":
            continue
        if CHECKLIST.search(ln.text):
            inside = True
        elif inside and re.match(r"\s*\d{1,2}\.\s", ln.text):
            ln.kind = "body"
        elif inside:
            inside = False
