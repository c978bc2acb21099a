"""Assemble sections from the classified lines: body text per heading, the reference list kept
out, and everything after the references (or under an "Appendix" heading) marked appendix.
"""

from __future__ import annotations

import re

from .captions import gap_above, paragraph_gap
from .floats import FOOT_MARK, raised_mark
from .headings import CHAPTER, REFERENCE_HEADINGS, split_number
from .model import Line, ParseState
from .references import split_references
from .text import clean, join_lines, join_two

APPENDIX = re.compile(r"^(appendix|appendices|supplementary|supplemental)\b", re.IGNORECASE)
APPENDIX_PREFIX = re.compile(r"^appendix\s*(?:(?:[A-Z]|\d+|[IVX]+)?\s*[:.—–-]\s*(?=\S)"
                             r"|(?:[A-Z]|\d+|[IVX]+)\s+(?=[A-Z]))", re.IGNORECASE)
# front-matter lists: their "text" is a list of page numbers, not content
LISTS = {"contents", "table of contents", "list of figures", "list of tables",
         "list of abbreviations", "list of symbols", "acronyms", "abbreviations"}


def _heading_text(lines: list[Line], i: int) -> tuple[str, int]:
    """Text of the heading at ``i`` with its wrapped continuation lines; index after it."""
    parts = [lines[i].text]
    j = i + 1
    while j < len(lines) and lines[j].kind == "heading_cont":
        parts.append(lines[j].text)
        j += 1
    _, text = split_number(clean(" ".join(parts)))
    return text.rstrip(" .:"), j


def _paragraph_text(lines: list[Line], col_left: dict, spacing: float = 0.0) -> str:
    """The section's lines joined into paragraphs: a new one after white space (more than
    the document's usual line spacing allows) or at an indent after a sentence's end."""
    out = ""
    prev = None
    brk = paragraph_gap(spacing)
    for ln in lines:
        text = clean(ln.text)
        if prev is not None:
            gap = gap_above(prev, ln)
            indent = ln.x0 - col_left.get((ln.page, ln.col), ln.x0)
            if brk * ln.height < gap < 1e5 or (prev.text.rstrip().endswith((".", ":", "?", "!"))
                                               and indent > 0.8 * ln.size and gap < 1e5):
                out += "\n"
                prev = ln
                out += text
                continue
        out = join_two(out, text) if out and not out.endswith("\n") else out + text
        prev = ln
    return out.strip()


FIRST_REF = re.compile(r"^\s*(\[1\]|1\.)\s+\S")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _unheaded_references(lines: list[Line], start: int) -> int | None:
    """Where a reference list without a heading starts (REVTeX, some Elsevier builds): the
    last line opening with "[1]" (or "1.") in the second half, followed closely by "[2]" and
    "[3]" ("2.", "3."), the entries citing years."""
    for i in range(len(lines) - 1, max(start, len(lines) // 2) - 1, -1):
        m = FIRST_REF.match(lines[i].text) if lines[i].kind in ("body", "footnote") else None
        if not m:
            continue
        window = lines[i:i + 40]
        joined = " ".join(f"\n{ln.text.lstrip()}" for ln in window[1:])
        two, three = ("\n[2]", "\n[3]") if m.group(1) == "[1]" else ("\n2.", "\n3.")
        if two in joined and three in joined and len(YEAR.findall(
                " ".join(ln.text for ln in window[:12]))) >= 3:
            return i
    return None


def _reference_heading(text: str) -> bool:
    """'References', '7 REFERENCES', 'Bibliography:' (runs on every line: the cheap word
    count first, the longest such heading has four words with its number)."""
    if len(text.split()) > 4:
        return False
    rest = split_number(clean(text))[1]
    # capitalised: the last line of a paragraph ("... in the literature.") is not a heading
    return rest[:1].isupper() and rest.lower().strip(" .:") in REFERENCE_HEADINGS


def assemble(state: ParseState) -> None:
    lines = state.lines
    has_heading = any(ln.kind in ("body", "heading") and _reference_heading(ln.text)
                      for ln in lines[state.body_start:])
    unheaded = None if has_heading else _unheaded_references(lines, state.body_start)
    col_left: dict[tuple[int, int], float] = {}
    for ln in lines:
        key = (ln.page, ln.col)
        col_left[key] = min(col_left.get(key, 1e9), ln.x0)
    sections: list[dict] = []
    cur: dict | None = None
    ref_lines: list[Line] = []
    foot_lines: list[Line] = []
    in_refs = appendix = False
    i = state.body_start
    while i < len(lines):
        ln = lines[i]
        if ln.kind == "heading":
            text, i = _heading_text(lines, i)
            if text.lower() in REFERENCE_HEADINGS:
                in_refs, cur = True, None
                continue
            if in_refs or APPENDIX.match(text) or (CHAPTER.match(ln.text) and CHAPTER.match(
                    ln.text).group(1).lower() == "appendix"):
                appendix, in_refs = True, False
            if text.lower() in LISTS:
                cur = {"heading": text, "level": ln.level, "lines": [], "skip": True}
                continue
            cur = {"heading": APPENDIX_PREFIX.sub("", text), "level": ln.level, "lines": [],
                   "appendix": appendix}
            sections.append(cur)
            continue
        i += 1
        if ln.kind == "body" and _reference_heading(ln.text):
            in_refs, cur = True, None
        elif i - 1 == unheaded:
            in_refs, cur = True, None
            ref_lines.append(ln)
        elif in_refs:
            if ln.kind in ("body", "footnote"):  # a list set small can look like notes
                ref_lines.append(ln)
        elif ln.kind == "footnote":
            foot_lines.append(ln)
        elif ln.kind in ("body", "table_text"):
            if cur is None:
                cur = {"heading": "", "level": 1, "lines": [], "appendix": appendix}
                sections.append(cur)
            cur.setdefault("tables" if ln.kind == "table_text" else "lines", []).append(ln)
    spacing = state.line_spacing
    state.references = split_references(ref_lines)
    state.footnotes = _footnotes(foot_lines)
    state.sections = _merge_chapter_labels([
        {"heading": s["heading"], "level": s["level"],
         "text": _with_tables(_paragraph_text(s["lines"], col_left, spacing),
                             s.get("tables", [])),
         "appendix": s["appendix"]}
        for s in sections])


def _footnotes(lines: list[Line]) -> list[dict]:
    """Footnote lines (in reading order) -> one ``{text, page}`` per note: a note goes on
    down its column and ends where the next one opens with its mark ("2 Code at ...", a
    smaller first span) or the column ends."""
    notes: list[dict] = []
    parts: list[str] = []
    prev: Line | None = None
    for ln in lines:
        text = ln.text
        raised = raised_mark(ln) and bool(ln.spans[0][0].strip())
        if raised:  # a superscript mark: "47" + "We believe" -> "47 We believe"
            mark = ln.spans[0][0]
            text = f"{mark.strip()} {text[len(mark):].lstrip()}"
        if prev is None or raised or FOOT_MARK.match(text) or (ln.page, ln.col) != (
                prev.page, prev.col):
            if parts:
                notes[-1]["text"] = join_lines(parts)
            notes.append({"text": "", "page": ln.page + 1})
            parts = []
        parts.append(text)
        prev = ln
    if parts:
        notes[-1]["text"] = join_lines(parts)
    return [n for n in notes if n["text"]]


def _with_tables(text: str, rows: list[Line]) -> str:
    """The section's text, then the cells of its tables as one paragraph (out of the
    sentences, still there for whoever reads results)."""
    cells = " ".join(clean(ln.text) for ln in rows).strip()
    return f"{text}\n{cells}".strip() if cells else text


def _merge_chapter_labels(sections: list[dict]) -> list[dict]:
    """'Chapter 3' on its own line followed by the chapter's title -> one level-0 heading."""
    out: list[dict] = []
    for s in sections:
        prev = out[-1] if out else None
        m = CHAPTER.match(prev["heading"]) if prev else None
        if prev and m and not m.group(3) and not prev["text"]:
            s = {**s, "level": 0 if m.group(1).lower() == "chapter" else s["level"]}
            out[-1] = s
            continue
        if s["heading"] or s["text"]:
            out.append(s)
    return out
