"""Replace a span of a PDF's text in place: PyMuPDF redaction, then new text at the same spot.

The characters of the original span are located in ``rawdict`` (exact boxes and baseline), covered
by a redaction (only text under it is removed; images and drawings stay) and the replacement is
written on the same baseline in a built-in serif font at the original size, shrunk just enough to
fit the old width when it is longer. :func:`apply_edits` re-reads the copy and reports each edit
whose replacement is not in the text layer, so a manifest never claims a change the reader cannot
see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONT = "tiro"  # MuPDF's built-in Times: has Latin, Greek and the math signs generators swap


@dataclass
class Edit:
    """Replace ``original`` on ``page`` (0-based) starting at ``rect`` with ``perturbed``."""

    page: int
    original: str
    perturbed: str
    rect: tuple[float, float, float, float]  # union of the original characters' boxes
    origin: tuple[float, float]  # baseline start of the first character
    size: float
    color: int = 0


def page_spans(page: Any) -> list[dict]:
    """Each text line of a page as ``{text, chars, sizes, colors}`` with per-character boxes
    (the spans of a line are joined, so a phrase crossing a font change stays one unit)."""
    out = []
    for b in page.get_text("rawdict")["blocks"]:
        for line in b.get("lines", []):
            if abs(line["dir"][1]) > 1e-3:  # rotated text: leave it alone
                continue
            chars, sizes, colors = [], [], []
            for s in line["spans"]:
                chars += s["chars"]
                sizes += [s["size"]] * len(s["chars"])
                colors += [s["color"]] * len(s["chars"])
            if chars:
                out.append({"text": "".join(c["c"] for c in chars), "chars": chars,
                            "sizes": sizes, "colors": colors})
    return out


def edit_for(page_no: int, span: dict, start: int, end: int, perturbed: str) -> Edit:
    chars = span["chars"][start:end]
    x0 = min(c["bbox"][0] for c in chars)
    x1 = max(c["bbox"][2] for c in chars)
    y0 = min(c["bbox"][1] for c in chars)
    y1 = max(c["bbox"][3] for c in chars)
    return Edit(page_no, span["text"][start:end], perturbed, (x0, y0, x1, y1),
                tuple(chars[0]["origin"]), max(span["sizes"][start:end]), span["colors"][start])


def _rgb(c: int) -> tuple[float, float, float]:
    return ((c >> 16) & 255) / 255, ((c >> 8) & 255) / 255, (c & 255) / 255


def apply_edits(src: str | Path, dst: str | Path, edits: list[Edit]) -> list[Edit]:
    """Write ``dst`` = ``src`` with every edit applied; returns the edits that did NOT take
    (their ``perturbed`` text missing from the copy's page text)."""
    import pymupdf

    doc = pymupdf.open(str(src))
    try:
        by_page: dict[int, list[Edit]] = {}
        for e in edits:
            by_page.setdefault(e.page, []).append(e)
        for pno, es in by_page.items():
            page = doc[pno]
            for e in es:
                x0, y0, x1, y1 = e.rect
                # inset a little so the neighbours' glyph boxes (which touch ours) survive
                page.add_redact_annot(pymupdf.Rect(x0 + 0.4, y0 + 0.5, x1 - 0.4, y1 - 0.5),
                                      fill=False)
            page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE,
                                  graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
            font = pymupdf.Font(FONT)  # embedded with Unicode encoding: Greek, minus, <= all work
            for e in es:
                width = e.rect[2] - e.rect[0]
                size = e.size
                need = font.text_length(e.perturbed, fontsize=size)
                if need > width > 0:
                    size = max(size * width / need, size * 0.6)
                tw = pymupdf.TextWriter(page.rect)
                tw.append(pymupdf.Point(*e.origin), e.perturbed, font=font, fontsize=size)
                tw.write_text(page, color=_rgb(e.color))
        doc.save(str(dst), garbage=3, deflate=True, no_new_id=True)  # same seed, same bytes
    finally:
        doc.close()
    return failed_edits(dst, edits)


def _squash(s: str) -> str:
    return " ".join(s.split())


def failed_edits(path: str | Path, edits: list[Edit]) -> list[Edit]:
    import pymupdf

    with pymupdf.open(str(path)) as doc:
        texts = {p: _squash(doc[p].get_text()) for p in {e.page for e in edits}}
    return [e for e in edits if _squash(e.perturbed) not in texts[e.page]]
