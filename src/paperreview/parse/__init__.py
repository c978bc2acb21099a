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

__all__ = ["load_paper", "parse_pdf"]


def parse_pdf(path: str | Path, max_pages: int | None = None) -> Paper:
    """Parse one PDF (see :func:`paperreview.parse.pipeline.parse_pdf`)."""
    from .pipeline import DEFAULT_MAX_PAGES
    from .pipeline import parse_pdf as _parse

    return _parse(path, DEFAULT_MAX_PAGES if max_pages is None else max_pages)


def load_paper(path: str | Path, max_pages: int | None = None) -> Paper:
    """Any paper input -> a Paper: a PDF, a LaTeX source (``.tex`` file, source folder, arXiv
    ``.tar.gz``/``.tgz``/``.tar``), or a Paper / science-parse JSON file.

    Raises :class:`~paperreview.errors.InputError` naming the file for input it cannot use.
    PDFs and LaTeX are told apart by the extension (a folder is LaTeX source), so a PDF with an
    odd name is still tried as a PDF and reported if it is not one.
    """
    from .latex import is_latex_input, parse_latex

    p = Path(path)
    if p.suffix.lower() == ".json":
        from .science_parse import load_paper_json

        return load_paper_json(p)
    if is_latex_input(p):
        return parse_latex(p)
    if p.is_dir():
        from ..errors import InputError

        raise InputError(f"{p}: a folder without .tex files",
                         "pass a PDF, a LaTeX source folder or file, or an arXiv tarball")
    return parse_pdf(p, max_pages)
