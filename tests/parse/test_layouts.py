"""Layouts of other venues (tests/parse/layouts.py) and real-paper pitfalls found outside the
development set: the parser must not be tuned to one family of papers."""

from __future__ import annotations

import re

import pymupdf
import pytest

from paperreview.parse import parse_pdf
from tests.parse.layouts import LAYOUTS, REFS, write_layout


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    truth = write_layout(path, name)
    paper = parse_pdf(path)
    assert _norm(paper.title) == _norm(truth["title"])
    assert _norm(paper.abstract) == _norm(truth["abstract"])
    got = [(s.level, _norm(s.heading)) for s in paper.sections if s.heading]
    assert got == [(s["level"], _norm(s["heading"])) for s in truth["sections"]]
    assert [_norm(c.text) for c in paper.captions] == [_norm(c) for c in truth["captions"]]
    assert len(paper.references) == len(REFS), paper.references
    body = " ".join(s.text for s in paper.sections)
    assert "Journal of Things" not in body and "References" not in body.title()
    assert paper.hidden_text == []


def test_clipped_figure_canvas_does_not_hide_the_text_above(tmp_path):
    """An included plot's white canvas is clipped to the figure, but its rectangle in the text
    page is not: the paragraph it seems to cover is visible and must stay in the body."""
    plot = pymupdf.open()
    src = plot.new_page(width=200, height=100)
    src.draw_rect(pymupdf.Rect(-30, -80, 340, 100), color=None, fill=(1, 1, 1))
    src.draw_rect(pymupdf.Rect(20, 20, 180, 80), color=(0, 0, 0))
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 80), "A Paper With a Plot", fontsize=16)
    for y in range(120, 300, 12):  # running text, its last line right above the plot
        page.insert_text((72, y), "Running text of the paper goes on here. " * 2, fontsize=10)
    line = "This paragraph ends just above the figure and must stay visible."
    page.insert_text((72, 300), line, fontsize=10)
    page.show_pdf_page(pymupdf.Rect(72, 305, 272, 405), plot, 0)
    path = tmp_path / "clipped.pdf"
    doc.save(path)
    paper = parse_pdf(path)
    assert paper.hidden_text == []
    assert line in " ".join(s.text for s in paper.sections) + paper.abstract


def test_thesis_chapters_are_level_zero(tmp_path):
    """Chapters open a page in LaTeX's \\Huge; sections below them are then level 1."""
    doc = pymupdf.open()
    cover = doc.new_page()
    cover.insert_text((72, 200), "Offloading Network Work", fontname="tibo", fontsize=28)
    text = "The thesis develops the argument of this chapter in full sentences here. "
    for n, (chapter, section) in enumerate([("Introduction", "Scope"),
                                            ("Background", "Prior Work")], start=1):
        page = doc.new_page()
        page.insert_text((72, 100), f"{n} {chapter}", fontname="tibo", fontsize=24.9)
        y = 150
        for k in range(8):
            if k == 4:
                page.insert_text((72, y + 10), f"{n}.1 {section}", fontname="tibo", fontsize=17.3)
                y += 34
            for _ in range(3):
                page.insert_text((72, y), text[:70], fontname="tiro", fontsize=12)
                y += 15
    path = tmp_path / "thesis.pdf"
    doc.save(path)
    paper = parse_pdf(path)
    assert [(s.level, s.heading) for s in paper.sections if s.heading] == [
        (0, "Introduction"), (1, "Scope"), (0, "Background"), (1, "Prior Work")]
