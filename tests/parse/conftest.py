"""Fixtures for parser tests: PDFs drawn with paperreview.parse.sample (no files checked in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperreview.parse.sample import SAMPLE_SPEC, PaperSpec, write_paper_pdf


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.pdf"
    write_paper_pdf(path, SAMPLE_SPEC)
    return path


@pytest.fixture
def make_pdf(tmp_path):
    """make_pdf(name, **PaperSpec fields) -> (path, info) with SAMPLE_SPEC's content as default."""

    def make(name: str = "paper.pdf", **fields):
        base = {k: getattr(SAMPLE_SPEC, k) for k in ("title", "authors", "affiliation",
                                                    "abstract", "sections", "captions",
                                                    "references")}
        base.update(hidden=[], header=None, line_numbers=False)
        base.update(fields)
        path = tmp_path / name
        info = write_paper_pdf(path, PaperSpec(**base))
        return path, info

    return make
