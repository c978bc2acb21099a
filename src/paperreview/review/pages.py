"""Find the page of each finding's evidence in the PDF, when the parser did not record it.

``Paper`` sections carry no page numbers, so a quote is looked up in the PDF's page texts
(de-hyphenated, whitespace and line numbers removed, case-folded): the first page holding the
quote's first words is its page.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..records import Finding

_LINE_NO = re.compile(r"(?<!\S)\d{1,4}(?!\S)")  # review-copy line numbers, page numbers
_NEEDLE_CHARS = 48


def _norm(text: str) -> str:
    text = re.sub(r"-\s*\n\s*", "", text)
    text = _LINE_NO.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def page_texts(pdf: str | Path) -> list[str]:
    import pymupdf

    with pymupdf.open(pdf) as doc:
        return [page.get_text() for page in doc]


def fill_pages(pdf: str | Path, findings: list[Finding]) -> int:
    """Set ``evidence.page`` where missing; returns how many were filled."""
    todo = [f for f in findings if f.evidence.page is None and (f.evidence.quote
                                                                or f.evidence.section)]
    if not todo or not Path(pdf).is_file():
        return 0
    raw = page_texts(pdf)
    norm = [_norm(t) for t in raw]
    filled = 0
    for f in todo:
        page = None
        if f.evidence.quote:
            needle = _norm(f.evidence.quote.rstrip("…"))[:_NEEDLE_CHARS].strip()
            page = next((i for i, t in enumerate(norm, 1) if needle and needle in t), None)
        elif f.evidence.section:
            head = re.compile(r"^\s*(?:[A-Z]?[\d.]+\s+)?" + re.escape(f.evidence.section) + r"\s*$",
                              re.MULTILINE)
            page = next((i for i, t in enumerate(raw, 1) if head.search(t)), None)
        if page:
            f.evidence.page = page
            filled += 1
    return filled


_ABSENT = re.compile(r"refers to (Figure|Table) (\S+), but the paper has no")


def drop_found_floats(pdf: str | Path, findings: list[Finding]) -> list[Finding]:
    """Drop "refers to Table 5, but the paper has no Table 5" when the PDF does show a line
    starting with "Table 5" (a caption the parser missed): the rule must not blame the paper
    for the parser's miss."""
    if not any(_ABSENT.search(f.message) for f in findings) or not Path(pdf).is_file():
        return findings
    return drop_floats_shown(findings, page_texts(pdf))


def drop_floats_shown(findings: list[Finding], pages: list[str]) -> list[Finding]:
    """:func:`drop_found_floats` on page texts already read (``pages``)."""
    text = "\n".join(pages)
    keep = []
    for f in findings:
        m = _ABSENT.search(f.message)
        if m:
            word = "(?:fig(?:ure)?\\.?)" if m.group(1) == "Figure" else "(?:tab(?:le)?\\.?)"
            label = re.escape(m.group(2)).replace("\\.", "\\.?")
            if re.search(rf"(?mi)^\s*{word}\s*{label}\s*(?:[:.|]|$)", text):
                continue
        keep.append(f)
    return keep
