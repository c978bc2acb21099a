"""PDF -> Paper: the provider, then a list of small processors, then the record.

Extension point: a processor is ``def step(state: ParseState) -> None`` that reads and updates
the state (lines with ``kind``, title, sections...). Add it to :data:`PROCESSORS` at the place
where what it needs is ready, e.g. a footnote remover after ``order_lines``:

>>> from paperreview.parse.pipeline import PROCESSORS
>>> [p.__name__ for p in PROCESSORS][:3]
['remove_line_numbers', 'remove_headers_footers', 'order_lines']
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..records import Author, Caption, Footnote, HiddenText, Paper, Section
from .assemble import assemble
from .captions import find_captions, line_spacing
from .floats import mark_float_text, mark_footnotes, mark_tiny_labels
from .front import find_abstract, find_title
from .furniture import remove_headers_footers, remove_line_numbers
from .headings import body_size, find_headings
from .layout import order_lines
from .model import ParseState
from .provider import DEFAULT_MAX_PAGES, load


def set_body_size(state: ParseState) -> None:
    state.body_size = body_size(state)
    state.line_spacing = line_spacing(state.lines)


def front_matter(state: ParseState) -> None:
    after_title = find_title(state)
    state.body_start = find_abstract(state, after_title)


def headings(state: ParseState) -> None:
    find_headings(state, state.body_start)


PROCESSORS: list[Callable[[ParseState], None]] = [
    remove_line_numbers,
    remove_headers_footers,
    order_lines,
    set_body_size,
    mark_tiny_labels,
    find_captions,
    mark_float_text,
    mark_footnotes,
    front_matter,
    headings,
    assemble,
]


def to_paper(state: ParseState) -> Paper:
    meta = dict(state.metadata)
    meta["parser"] = "paperreview.parse (PyMuPDF)"
    meta["body_font_size"] = state.body_size
    if state.pdf_metadata.get("title"):
        meta["pdf_title"] = state.pdf_metadata["title"]
    return Paper(
        id=state.paper_id,
        source=state.source,
        n_pages=len(state.pages),
        title=state.title,
        authors=state.authors,
        author_details=[Author(**a) for a in state.author_details],
        abstract=state.abstract,
        sections=[Section(**s) for s in state.sections],
        captions=[Caption(**c) for c in state.captions],
        footnotes=[Footnote(**f) for f in state.footnotes],
        references=state.references,
        hidden_text=[HiddenText(**h) for h in state.hidden],
        metadata=meta,
    )


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one paper is parsed, resumed after.

    A parse allocates a dozen objects per word (PyMuPDF's span dicts and boxes, the lines'
    tuples) and none of them in reference cycles: reference counting frees them all. The
    collector would only walk the live ones over and over (its full passes over a page's dicts
    took 9% of the parse time on the shared papers). Resumed only if it was running, so a
    caller that turned it off keeps it off; threads parsing at once leave it running at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_pdf(path: str | Path, max_pages: int = DEFAULT_MAX_PAGES) -> Paper:
    """Parse one PDF into a :class:`~paperreview.records.Paper`.

    Raises :class:`~paperreview.errors.InputError` (with a ``status`` such as ``not_pdf``,
    ``encrypted``, ``no_text``) for input that cannot be parsed.

    >>> import tempfile, os
    >>> from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf
    >>> pdf = os.path.join(tempfile.mkdtemp(), "demo.pdf")
    >>> _ = write_paper_pdf(pdf, SAMPLE_SPEC)
    >>> paper = parse_pdf(pdf)
    >>> paper.title
    'Reviewing the Reviewers: Measuring LLM Feedback on Scientific Papers'
    >>> [h.reason for h in paper.hidden_text]
    ['background_color']
    """
    with cycle_collector_paused():
        return _run(path, max_pages)


def _run(path: str | Path, max_pages: int) -> Paper:
    # its own frame: the state is freed before the collector resumes, else the collector's
    # first pass would walk all of it
    state = load(path, max_pages)
    for step in PROCESSORS:
        step(state)
    return to_paper(state)
