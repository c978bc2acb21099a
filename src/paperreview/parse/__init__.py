"""``paperreview parse``: paper PDFs -> structured :class:`~paperreview.records.Paper` records.

provider (PyMuPDF spans, fonts, colours, boxes) -> processors (furniture, columns, captions,
title/abstract, headings, references) -> renderers (json, markdown, tagged).

>>> from paperreview.parse import parse_pdf          # doctest: +SKIP
>>> paper = parse_pdf("paper.pdf")                    # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..records import Paper

__all__ = ["parse_pdf"]


def parse_pdf(path: str | Path, max_pages: int | None = None) -> Paper:
    """Parse one PDF (see :func:`paperreview.parse.pipeline.parse_pdf`)."""
    from .pipeline import DEFAULT_MAX_PAGES
    from .pipeline import parse_pdf as _parse

    return _parse(path, DEFAULT_MAX_PAGES if max_pages is None else max_pages)
