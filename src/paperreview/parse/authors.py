"""Authors between the title and the abstract: people with their affiliations and e-mails.

The front lines are grouped into blocks (lines stacked under each other; side-by-side author
blocks of ICML/NeurIPS/IEEE are separate blocks, read left to right, row by row). In a block the
first lines hold names; from the first affiliation-like line on (an institution word, a smaller
or italic line, a line opening with an affiliation mark) the lines are affiliations and address,
e-mails apart. Marks after names (``Alice Martin1,2``) link names to marked affiliations
(``1University of ...``); without marks a block's affiliations belong to all its names. An
e-mail goes to the person whose name its local part contains.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Line
from .text import clean

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
GROUP_EMAIL = re.compile(r"\{([^}]*)\}\s*@\s*([\w-]+(?:\.[\w-]+)+)")  # {alice, carol}@x.edu
MARKS = "∗*†‡§¶♯♭♮⋆"
_WORD = r"[^\W\d_](?:[^\W\d_]|['’.-])*"
NAME = re.compile(r"(" + _WORD + r"(?:\s+(?:(?:de|da|van|von|der|den|del|di|la|le|du|dos|y)\s+)*"
                  + _WORD + r"){1,4})\s*([\d,∗*†‡§¶♯⋆\s]*)")
INSTITUTION = re.compile(r"universit|institut|department|dept\.|laborator|school|college|centre|"
                         r"center|inc\.|corporation|google|microsoft|research|faculty|museum|"
                         r"observator|academy|foundation|hospital|agency|\blabs?\b|street|road|"
                         r"avenue|email|e-mail|http|\d{3,}|\bcorresponding\b", re.IGNORECASE)
NOT_NAME = re.compile(r"\b(?:and|of|the|for|in|on|at|with|by|to|equal|contribution|work|done|"
                      r"while|anonymous|authors?|submission|paper|under|review)\b",
                      re.IGNORECASE)


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Stacks of lines (each under the previous, overlapping it in x), in reading order."""
    blocks: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        best = None
        for b in blocks:
            last = b[-1]
            overlap = min(last.x1, ln.x1) - max(last.x0, ln.x0)
            gap = ln.y0 - last.y1
            if (overlap > 0.3 * min(last.width, ln.width) and -0.5 * ln.height < gap
                    < 1.6 * max(ln.height, last.height)):
                best = b
        if best is None:
            blocks.append([ln])
        else:
            best.append(ln)
    rows: list[list[list[Line]]] = []
    for b in sorted(blocks, key=lambda b: b[0].y0):
        row = rows[-1] if rows else None
        if row and b[0].y0 < row[0][0].y1:  # first lines side by side: one row of blocks
            row.append(b)
        else:
            rows.append([b])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0].x0)]


def _marked(ln: Line) -> str:
    """The line's text with superscript marks (small spans of a few characters) as ``⟨m⟩``."""
    out = []
    for text, size, *_ in ln.spans:
        mark = text.strip().strip(",")
        if mark and size < 0.85 * ln.size and len(mark) <= 4:
            out.append(" ⟨" + mark.replace(",", " ") + "⟩ ")
        else:
            out.append(text)
    return clean("".join(out))


def _emails(text: str) -> list[str]:
    out = []
    for m in GROUP_EMAIL.finditer(text):
        out += [f"{u.strip()}@{m.group(2)}" for u in m.group(1).split(",") if u.strip()]
    rest = GROUP_EMAIL.sub(" ", text)
    return out + EMAIL.findall(rest)


def _leading_mark(text: str) -> tuple[str, str]:
    m = re.match(r"^\s*⟨([^⟩]*)⟩\s*(\S.*)$", text) or re.match(
        r"^\s*([\d" + MARKS + r"]{1,3}|[a-z](?=[A-Z]))\s*(\S.*)$", text)
    return (m.group(1), m.group(2)) if m else ("", text)


def _is_affiliation(ln: Line, first: Line) -> bool:
    text = clean(ln.text)
    mark, rest = _leading_mark(text)
    return bool(INSTITUTION.search(text) or (ln.italic and not first.italic)
                or ln.size < first.size - 0.5 or (mark and rest[:1].isupper() and ln is not first))


def _names(text: str) -> list[tuple[str, list[str]]]:
    """(name, marks) for each person on a name line (marks as ``⟨1 2⟩`` or trailing digits)."""
    text = re.sub(r"^\s*authors?\s*:\s*", "", text, flags=re.IGNORECASE)
    out = []
    for part in re.split(r"\s*(?:,(?![^⟨]*⟩)(?!\s*[\d" + MARKS + r"])|\band\b|&|;|·|\s{3,})\s*",
                         text):
        marks = [m for group in re.findall(r"⟨([^⟩]*)⟩", part) for m in group.split()]
        part = re.sub(r"⟨[^⟩]*⟩", " ", part)
        m = NAME.fullmatch(part.strip(" ."))
        if not m:
            continue
        name = clean(m.group(1)).strip(" ,")
        marks += re.findall(r"\d+|[" + MARKS + r"]", m.group(2) or "")
        words = name.split()
        if (2 <= len(words) <= 5 and all(w[0].isupper() for w in words if w[0].isalpha())
                and not NOT_NAME.search(name)):
            out.append((name, marks))
    return out


def _owner(mail: str, people: list[dict]) -> dict | None:
    local = re.sub(r"[^a-z]", "", mail.split("@")[0].lower())
    for p in people:
        parts = [re.sub(r"[^a-z]", "", w.lower()) for w in p["name"].split()]
        if any(len(w) >= 3 and w in local for w in parts):
            return p
    return None


def find_authors(lines: list[Line], body: float, junk: Any) -> list[dict]:
    """[{name, affiliations, emails}] from the lines between the title and the abstract."""
    lines = [ln for ln in lines if ln.text.strip() and not junk.search(ln.text)
             and ln.size >= body - 3]
    people: list[dict] = []
    for block in _blocks(lines):
        affs: list[tuple[str, str]] = []  # (mark, text)
        mails: list[str] = []
        first = block[0]
        in_affs = False
        name_text = ""
        for ln in block:
            text = _marked(ln)
            found = _emails(text)
            if found:
                mails += found
                continue
            in_affs = in_affs or _is_affiliation(ln, first)
            if not in_affs:  # a name list may wrap: "Michael K." / "Gilson, ..."
                name_text = f"{name_text} {text}"
                continue
            mark, rest = _leading_mark(text)
            if affs and not mark and not affs[-1][1].rstrip().endswith((".", ";")) and (
                    ln.y0 - block[block.index(ln) - 1].y1 < 0.5 * ln.height):
                affs[-1] = (affs[-1][0], f"{affs[-1][1]}, {rest}" if mark == "" else rest)
            else:
                affs.append((mark, rest))
        names = _names(name_text)
        new = [{"name": n, "marks": m, "affiliations": [], "emails": []} for n, m in names]
        marked = {m: t.strip(" ,") for m, t in affs if m}
        for p in new:
            if p["marks"] and marked:
                p["affiliations"] = [marked[m] for m in p["marks"] if m in marked]
            else:
                p["affiliations"] = [t.strip(" ,") for m, t in affs if not m]
        targets = new or people
        for mail in mails:
            owner = _owner(mail, targets) or (targets[0] if len(targets) == 1 else None)
            if owner is not None:
                owner["emails"].append(mail)
        people += new
    return [{k: v for k, v in p.items() if k != "marks"} for p in people[:30]]
