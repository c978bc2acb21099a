"""A few small PDFs (drawn with paperreview.parse.sample) and a broken one, shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperreview.parse.sample import SAMPLE_SPEC, PaperSpec, write_paper_pdf


def _spec(i: int) -> PaperSpec:
    base = {k: getattr(SAMPLE_SPEC, k) for k in ("authors", "affiliation", "abstract",
                                                "sections", "captions", "references")}
    return PaperSpec(title=f"Paper number {i} on sharded parsing", hidden=[], header=None,
                     line_numbers=False, **base)


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pdfs")
    for i in range(6):
        write_paper_pdf(d / f"paper{i}.pdf", _spec(i))
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return d


def strip_times(rows: list[dict]) -> list[dict]:
    """Log rows without what differs between two runs of the same input (timings)."""
    return sorted(({k: v for k, v in r.items() if k not in ("time", "seconds")} for r in rows),
                  key=lambda r: r["input"])
