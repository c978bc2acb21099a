"""A review's comments on the PDF: quote spans found on their page, highlights, thumbnails.

``comments_of(review)`` gives the review's :class:`~paperreview.records.ReviewComment` list; a
record from before comments existed (only checklist ``findings``) is converted, each quote
checked against its page (``verified``). ``annotate_pdf`` writes the paper with one highlight
annotation per verified comment (colour by severity, the comment as the note) and
``page_png`` renders one page with chosen quotes highlighted (the web page's thumbnails).

>>> from paperreview.records import Finding, Evidence, GeneratedReview
>>> r = GeneratedReview(id="x", findings=[Finding(rule="r", aspect="experiments",
...     severity="major", message="m", evidence=Evidence(page=1, quote="q"))])
>>> [(c.source, c.severity, c.category) for c in comments_of(r)]
[('checklist', 'major', 'experiments')]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..records import Finding, GeneratedReview, ReviewComment

#: checklist severities -> comment severities (a checklist "info" is a minor remark)
SEVERITY = {"critical": "critical", "major": "major", "moderate": "moderate", "minor": "minor",
            "info": "minor"}
CATEGORIES = {"soundness", "experiments", "claims", "clarity", "novelty", "reproducibility",
              "math", "ethics", "integrity", "presentation"}
#: highlight colours (RGB 0-1) by severity
COLOURS = {"critical": (0.93, 0.26, 0.26), "major": (1.0, 0.55, 0.1),
           "moderate": (1.0, 0.85, 0.1), "minor": (0.55, 0.8, 1.0)}
ORDER = ("critical", "major", "moderate", "minor")


def comment_of_finding(f: Finding, i: int) -> ReviewComment:
    aspect = f.aspect.lower()
    category = aspect if aspect in CATEGORIES else (
        "integrity" if "hidden" in f.rule else "other")
    return ReviewComment(id=f"checklist-{i + 1}", source="checklist", category=category,
                         severity=SEVERITY.get(f.severity, "minor"), text=f.message,
                         evidence=f.evidence, rule=f.rule)


def comments_of(review: GeneratedReview, pdf: str | Path | None = None) -> list[ReviewComment]:
    """The review's comments, severest first; findings converted when ``comments`` is empty.

    With ``pdf``, each converted comment's quote is looked up on its page: ``verified`` says it
    was found there."""
    comments = list(review.comments) or [comment_of_finding(f, i)
                                         for i, f in enumerate(review.findings)]
    if pdf is not None and not review.comments:
        import pymupdf

        with pymupdf.open(pdf) as doc:
            for c in comments:
                c.verified = bool(quote_rects(doc, c.evidence.page, c.evidence.quote))
    return sorted(comments, key=lambda c: ORDER.index(c.severity))


def quote_rects(doc: Any, page: int | None, quote: str | None) -> list[Any]:
    """Rectangles of ``quote`` on 1-based ``page`` (whole quote, else its longest sentence-like
    prefix of at least 6 words, since extraction may differ in a few characters)."""
    if not page or not quote or not 1 <= page <= doc.page_count:
        return []
    pg = doc[page - 1]
    text = re.sub(r"\s+", " ", quote).strip().strip("\"'“”…. ")
    if not text:
        return []
    rects = pg.search_for(text)
    words = text.split()
    n = len(words)
    while not rects and n > 6:  # shorten from the end until a run of >= 6 words matches
        n -= max(1, n // 4)
        rects = pg.search_for(" ".join(words[:max(n, 6)]))
    return rects


def annotate_pdf(pdf: str | Path, review: GeneratedReview, out: str | Path) -> int:
    """Write ``pdf`` with a highlight per comment whose quote is found; returns how many."""
    import pymupdf

    n = 0
    with pymupdf.open(pdf) as doc:
        for c in comments_of(review):
            if c.status != "kept":
                continue
            rects = quote_rects(doc, c.evidence.page, c.evidence.quote)
            if not rects:
                continue
            page = doc[c.evidence.page - 1]  # keep the page alive while its annotation is edited
            annot = page.add_highlight_annot(rects)
            annot.set_colors(stroke=COLOURS[c.severity])
            note = f"[{c.severity}] {c.text}" + (f"\nSuggestion: {c.suggestion}"
                                                 if c.suggestion else "")
            annot.set_info(title=f"paperreview ({c.source})", content=note)
            annot.update()
            n += 1
        doc.save(str(out), garbage=3, deflate=True)
    return n


def page_png(pdf: str | Path, page: int, quotes: list[str], width: int = 600) -> bytes:
    """PNG of 1-based ``page`` at ``width`` pixels with ``quotes`` highlighted."""
    import pymupdf

    with pymupdf.open(pdf) as doc:
        if not 1 <= page <= doc.page_count:
            raise IndexError(page)
        pg = doc[page - 1]
        for q in quotes:
            for r in quote_rects(doc, page, q):
                pg.draw_rect(r, color=None, fill=(1.0, 0.85, 0.1), fill_opacity=0.45,
                             overlay=True)
        zoom = width / pg.rect.width
        return pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom)).tobytes("png")
