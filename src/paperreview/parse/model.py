"""The parser's working state: lines per page, then blocks, then the fields of a Paper.

A processor is a function ``process(state: ParseState) -> None`` that reads and updates this
state (see :mod:`paperreview.parse.pipeline`). Lines carry geometry and font facts from PyMuPDF;
``kind`` records what a processor decided a line is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Line:
    """One visual line of visible text (spans on one baseline, hidden spans already removed)."""

    __slots__ = (
        "bold",
        "col",
        "font",
        "italic",
        "kind",
        "level",
        "page",
        "size",
        "spans",
        "text",
        "x0",
        "x1",
        "y0",
        "y1",
    )

    def __init__(self, page: int, bbox: tuple, text: str, size: float, font: str, bold: bool,
                 spans: list[tuple[str, float, bool, float, float]]):
        self.page = page  # 0-based
        self.x0, self.y0, self.x1, self.y1 = bbox
        self.text = text
        self.size = size  # dominant (most characters) font size, pt
        self.font = font
        self.bold = bold  # most characters bold
        self.italic = False  # most characters italic
        self.spans = spans  # (text, size, bold, x0, x1, italic) in reading order
        self.kind = "body"  # body | heading | caption | furniture | title | ...
        self.col = 0  # 0 = left/only column, 1 = right column, -1 = spans the page
        self.level = 0  # heading level once classified

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def __repr__(self) -> str:  # for debugging and test failure messages
        return (f"Line(p{self.page + 1} {self.x0:.0f},{self.y0:.0f} {self.size:.1f}"
                f"{'b' if self.bold else ''} {self.kind} {self.text[:50]!r})")


@dataclass
class PageInfo:
    number: int  # 0-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    two_column: bool = False
    n_images: int = 0


@dataclass
class ParseState:
    """Everything the processors share while one PDF is parsed."""

    source: str
    paper_id: str
    pages: list[PageInfo] = field(default_factory=list)
    hidden: list[dict[str, Any]] = field(default_factory=list)  # {page, text, reason}
    lines: list[Line] = field(default_factory=list)  # all visible lines in reading order
    body_size: float = 10.0
    line_spacing: float = 0.0  # white space between lines of a paragraph, in line heights
    body_start: int = 0  # index in ``lines`` where the body starts (after title/abstract)
    title: str = ""
    authors: list[str] = field(default_factory=list)
    author_details: list[dict[str, Any]] = field(default_factory=list)  # {name, affiliations, emails}
    abstract: str = ""
    sections: list[dict[str, Any]] = field(default_factory=list)
    captions: list[dict[str, Any]] = field(default_factory=list)
    footnotes: list[dict[str, Any]] = field(default_factory=list)  # {text, page}
    references: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    pdf_metadata: dict[str, Any] = field(default_factory=dict)
