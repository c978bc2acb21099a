"""The drawing engine behind :mod:`paperreview.parse.sample`: columns, wrapping, floats, marks.

Text is drawn line by line with PyMuPDF's Base-14 Times fonts, so the PDF looks like a LaTeX
paper to a parser: spans with real fonts and sizes, bold headings, captions under figures, a
reference list, and (optionally) the furniture of review copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BODY, BOLD, ITALIC, SANS = "tiro", "tibo", "tiit", "helv"

# kind (as planted) -> HiddenText.reason (as the parser reports it); sample.py re-exports it
HIDDEN_KINDS = {
    "white": "background_color",
    "tiny": "tiny_font",
    "render3": "invisible_render",
    "offpage": "outside_page",
    "covered": "covered",
}
BLACK, WHITE, GREY = (0, 0, 0), (1, 1, 1), (0.45, 0.45, 0.45)


@dataclass
class PageGeometry:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    columns: int
    gap: float = 18.0

    @classmethod
    def for_paper(cls, paper: str, two_column: bool) -> PageGeometry:
        w, h = (595.0, 842.0) if paper.lower() == "a4" else (612.0, 792.0)
        side = 54.0 if two_column else 90.0
        return cls(w, h, side, side, 72.0, 72.0, 2 if two_column else 1)

    @property
    def col_width(self) -> float:
        full = self.width - self.left - self.right
        return (full - self.gap * (self.columns - 1)) / self.columns

    def col_x(self, col: int) -> float:
        return self.left + col * (self.col_width + self.gap)


def text_width(text: str, font: str, size: float) -> float:
    import pymupdf

    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


def wrap(text: str, font: str, size: float, width: float, indent: float = 0.0,
         hyphenate: bool = True) -> list[str]:
    """Greedy line breaking; a long word that overflows is split with a hyphen."""
    lines: list[str] = []
    cur = ""
    avail = width - indent
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        trial = f"{cur} {word}" if cur else word
        if text_width(trial, font, size) <= avail:
            cur, i = trial, i + 1
            continue
        if hyphenate and len(word) >= 8 and word.isalpha():
            for cut in range(len(word) - 3, 2, -1):
                head = f"{cur} {word[:cut]}-" if cur else f"{word[:cut]}-"
                if text_width(head, font, size) <= avail:
                    lines.append(head)
                    words[i] = word[cut:]
                    cur, avail = "", width
                    break
            else:
                cut = 0
            if cut:
                continue
        if not cur:  # a single word wider than the column: put it alone on the line
            cur, i = word, i + 1
        lines.append(cur)
        cur, avail = "", width
    if cur:
        lines.append(cur)
    return lines


class Flow:
    """A cursor that pours lines into columns and pages, numbering lines when asked."""

    def __init__(self, doc: Any, geo: PageGeometry, spec: Any):
        self.doc, self.geo, self.spec = doc, geo, spec
        self.size = spec.body_size
        self.page = doc.new_page(width=geo.width, height=geo.height)
        self.col = 0
        self.y = geo.top
        self.col_top = geo.top
        self.line_count = 0
        self.planted: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ cursor
    @property
    def page_no(self) -> int:
        return self.page.number + 1

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=self.geo.width, height=self.geo.height)
        self.col, self.y, self.col_top = 0, self.geo.top, self.geo.top

    def ensure(self, height: float) -> None:
        if self.y + height <= self.geo.height - self.geo.bottom:
            return
        if self.col + 1 < self.geo.columns:
            self.col += 1
            self.y = self.col_top
        else:
            self.new_page()

    def line(self, text: str, font: str = BODY, size: float | None = None, dx: float = 0.0,
             color: tuple = BLACK, render_mode: int = 0, number: bool = True,
             center: bool = False) -> Any:
        import pymupdf

        size = size or self.size
        lead = size * 1.22
        self.ensure(lead)
        x = self.geo.col_x(self.col) + dx
        if center:
            x = self.geo.col_x(self.col) + (self.geo.col_width - text_width(text, font, size)) / 2
        self.page.insert_text((x, self.y + size), text, fontname=font, fontsize=size,
                              color=color, render_mode=render_mode)
        rect = pymupdf.Rect(x, self.y, x + text_width(text, font, size), self.y + lead)
        if number and self.spec.line_numbers:
            self._line_number(self.y + size)
        self.y += lead
        return rect

    def _line_number(self, baseline: float) -> None:
        self.line_count += 1
        label = f"{self.line_count:03d}"
        if self.col == 0:
            x = self.geo.col_x(0) - 26
        else:
            x = self.geo.col_x(self.col) + self.geo.col_width + 10
        self.page.insert_text((x, baseline), label, fontname=SANS, fontsize=7, color=GREY)

    # ------------------------------------------------------------------ blocks
    def title_block(self, title: str, authors: list[str], affiliation: str) -> None:
        full = self.geo.width - self.geo.left - self.geo.right
        y = self.geo.top
        for text, font, size in (
            *((t, BOLD, 16.0) for t in wrap(title, BOLD, 16.0, full * 0.9, hyphenate=False)),
            *((t, BODY, 11.0) for t in wrap(", ".join(authors), BODY, 11.0, full)),
            *((t, ITALIC, 10.0) for t in wrap(affiliation, ITALIC, 10.0, full)),
        ):
            y += 4 if font != BOLD else 0
            x = self.geo.left + (full - text_width(text, font, size)) / 2
            self.page.insert_text((x, y + size), text, fontname=font, fontsize=size)
            y += size * 1.3
        self.y = self.col_top = y + 18

    def heading(self, text: str, size: float, center: bool = False) -> None:
        self.ensure(size * 4)  # keep a heading with the first lines of its text
        self.y += size * 0.6
        self.line(text, BOLD, size, center=center)
        self.y += size * 0.2

    def paragraphs(self, text: str, indent_first: bool = True) -> None:
        for k, para in enumerate(p for p in text.split("\n\n") if p.strip()):
            indent = 12.0 if (indent_first or k) else 0.0
            lines = wrap(para, BODY, self.size, self.geo.col_width, indent, self.spec.hyphenate)
            for j, ln in enumerate(lines):
                self.line(ln, dx=indent if j == 0 else 0.0)
            self.y += self.size * 0.3

    def reference(self, label: str, text: str) -> None:
        size = self.size - 1
        pad = text_width(label, BODY, size) + 4
        lines = wrap(text, BODY, size, self.geo.col_width - pad, hyphenate=False)
        self.line(f"{label} {lines[0]}", size=size)
        for ln in lines[1:]:
            self.line(ln, size=size, dx=pad)
        self.y += 2

    def float_(self, cap: Any) -> None:
        import pymupdf

        size = self.size - 1
        text = f"{cap.prefix} {cap.label}: {cap.text}"
        lines = wrap(text, BODY, size, self.geo.col_width, hyphenate=False)
        body_h = 80.0 if cap.kind == "figure" else 48.0
        self.ensure(body_h + len(lines) * size * 1.25 + 16)
        self.y += 6
        x0, w = self.geo.col_x(self.col), self.geo.col_width
        if cap.kind != "figure":
            for ln in lines:
                self.line(ln, size=size, number=False)
            self.y += 10
        box = pymupdf.Rect(x0 + 10, self.y, x0 + w - 10, self.y + body_h)
        if cap.kind == "figure":  # a small line chart made of vector paths, no text
            self.page.draw_rect(box, color=BLACK, width=0.6)
            pts = [pymupdf.Point(box.x0 + box.width * t / 6,
                                 box.y1 - box.height * (0.2 + 0.6 * ((t * 37) % 7) / 7))
                   for t in range(7)]
            self.page.draw_polyline(pts, color=(0.1, 0.3, 0.8), width=1.2)
            self.y = box.y1 + 6
            for ln in lines:
                self.line(ln, size=size, number=False)
        else:
            self._table(box, size)
            self.y = box.y1 + 4
        self.y += 6

    def _table(self, box: Any, size: float) -> None:
        rows = [("Model", "Hit rate", "Rating"), ("Baseline", "0.28", "5.1"),
                ("Ours", "0.41", "5.6")]
        h = box.height / len(rows)
        self.page.draw_line((box.x0, box.y0), (box.x1, box.y0), width=0.8)
        self.page.draw_line((box.x0, box.y0 + h), (box.x1, box.y0 + h), width=0.5)
        self.page.draw_line((box.x0, box.y1), (box.x1, box.y1), width=0.8)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                x = box.x0 + 4 + c * box.width / 3
                self.page.insert_text((x, box.y0 + r * h + h * 0.7), cell, fontname=BODY,
                                      fontsize=size)

    def hidden(self, h: Any) -> None:
        if h.kind == "tiny":
            self.ensure(2)
            x = self.geo.col_x(self.col)
            self.page.insert_text((x, self.y + 0.5), h.text, fontname=BODY, fontsize=0.5)
            self.y += 1.0
        elif h.kind == "offpage":
            self.page.insert_text((self.geo.left, -40), h.text, fontname=BODY, fontsize=self.size)
        else:
            lines = wrap(h.text, BODY, self.size, self.geo.col_width, hyphenate=False)
            for ln in lines:
                if h.kind == "white":
                    self.line(ln, color=WHITE, number=False)
                elif h.kind == "render3":
                    self.line(ln, render_mode=3, number=False)
                else:  # covered: drawn in black, then painted over by an opaque white box
                    rect = self.line(ln, number=False)
                    self.page.draw_rect(rect + (-1, -1, 1, 1), color=None, fill=WHITE,
                                        overlay=True)
        self.planted.append({"page": self.page_no, "text": h.text,
                             "reason": HIDDEN_KINDS[h.kind], "kind": h.kind})

    # ------------------------------------------------------------------ page furniture
    def finish(self) -> None:
        import pymupdf

        spec, geo = self.spec, self.geo
        for page in self.doc:
            n = page.number + 1
            if spec.header:
                w = text_width(spec.header, BODY, 8)
                page.insert_text(((geo.width - w) / 2, 40), spec.header, fontname=BODY, fontsize=8)
            if spec.footer:
                page.insert_text((geo.left, geo.height - 36), spec.footer, fontname=BODY,
                                 fontsize=8)
            if spec.page_numbers:
                w = text_width(str(n), BODY, 9)
                page.insert_text(((geo.width - w) / 2, geo.height - 40), str(n), fontname=BODY,
                                 fontsize=9)
            if spec.watermark:
                w = text_width(spec.watermark, SANS, 60)
                centre = pymupdf.Point(geo.width / 2, geo.height / 2)
                start = pymupdf.Point(centre.x - w / 2, centre.y)
                page.insert_text(start, spec.watermark, fontname=SANS, fontsize=60,
                                 color=(0.85, 0.85, 0.85), overlay=False,
                                 morph=(centre, pymupdf.Matrix(-45)))
            if spec.arxiv_stamp and n == 1:
                page.insert_text((34, geo.height / 2 + 150), spec.arxiv_stamp, fontname=BODY,
                                 fontsize=20, color=(0.5, 0.5, 0.5), rotate=90)
