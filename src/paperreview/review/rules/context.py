"""What some rules need beyond the :class:`~paperreview.records.Paper`: facts of the PDF itself.

``PdfFacts`` is built from the parser's working state (:class:`paperreview.parse.model.ParseState`)
so checking re-extracts no text: the raw text of each page (with the zero-width and bidi
characters that ``Paper`` text has lost), the page sizes, the PDF metadata, the author block under
the title, and where each heading sits (page, and whether text precedes it on that page: the page
limit counts the pages before the references/appendix/checklist). Link targets are read from the
PDF's annotations (cheap: no text extraction).

``CheckContext`` carries the venue profile and the facts (``None`` when only a Paper JSON is
checked: the PDF-only rules then stay silent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...records import Paper
from ..venues import Venue, load_venue


@dataclass(frozen=True)
class Heading:
    text: str  # without its number
    page: int  # 1-based
    after_text: bool  # some body text of the same page comes before it (reading order)


@dataclass
class PdfFacts:
    pages: list[str] = field(default_factory=list)  # raw visible text per page
    sizes: list[tuple[float, float]] = field(default_factory=list)  # (width, height) in pt
    metadata: dict[str, Any] = field(default_factory=dict)
    front: list[str] = field(default_factory=list)  # page-1 lines between title and abstract
    first_page: list[tuple[str, float]] = field(default_factory=list)  # (text, size) of page 1
    headings: list[Heading] = field(default_factory=list)
    line_numbers: int = 0  # review-copy line numbers the parser removed
    source: str = ""  # the PDF, for what is read only on demand (links)
    _links: list[tuple[int, str]] | None = None

    @property
    def links(self) -> list[tuple[int, str]]:
        """(page, uri) of the PDF's link annotations, read on first use (only the anonymity
        rule asks, and only when the text shows no personal URL)."""
        if self._links is None:
            self._links = pdf_links(self.source) if self.source else []
        return self._links

    @links.setter
    def links(self, value: list[tuple[int, str]]) -> None:
        self._links = value


@dataclass
class CheckContext:
    venue: Venue = field(default_factory=load_venue)
    facts: PdfFacts | None = None


def _front_block(lines: list[Any]) -> list[str]:
    page1 = [ln for ln in lines if ln.page == 0]
    titles = [i for i, ln in enumerate(page1) if ln.kind == "title"]
    start = titles[-1] + 1 if titles else 0
    out = []
    for ln in page1[start:]:
        if ln.kind in ("abstract_label", "abstract", "heading"):
            break
        out.append(ln.text)
    return out[:25]


def facts_from_state(state: Any, links: bool = True) -> PdfFacts:
    """Facts of a parsed PDF from the parser's state (after all processors ran)."""
    from ...parse.assemble import _reference_heading
    from ...parse.headings import split_number
    from ...parse.text import clean

    pages: list[list[str]] = [[] for _ in state.pages]
    heads: list[Heading] = []
    seen_body: set[int] = set()
    for ln in state.lines:
        if 0 <= ln.page < len(pages):
            pages[ln.page].append(ln.text)
        if ln.kind == "heading" or (ln.kind == "body" and _reference_heading(ln.text)):
            heads.append(Heading(split_number(clean(ln.text))[1], ln.page + 1,
                                 ln.page in seen_body))
        elif ln.kind in ("body", "caption", "abstract"):
            seen_body.add(ln.page)
    removed = (state.metadata.get("removed") or {}) if isinstance(state.metadata, dict) else {}
    facts = PdfFacts(
        pages=["\n".join(p) for p in pages],
        sizes=[(p.width, p.height) for p in state.pages],
        metadata=dict(state.pdf_metadata or {}),
        front=_front_block(state.lines),
        first_page=[(ln.text, ln.size) for ln in state.lines if ln.page == 0],
        headings=heads,
        line_numbers=int(removed.get("line_numbers", 0) or 0),
        source=state.source or "",
    )
    if links and state.source:
        facts.links = pdf_links(state.source)
    return facts


def pdf_links(path: str) -> list[tuple[int, str]]:
    """(page, uri) of every external link annotation (footnote URLs, \\url{...})."""
    import pymupdf

    out = []
    try:
        with pymupdf.open(path) as doc:
            # read /Annots -> /A /URI from the object table: loading pages would cost as much
            # as a third of the parse
            for i in range(doc.page_count):
                kind, annots = doc.xref_get_key(doc.page_xref(i), "Annots")
                if kind == "xref":
                    annots = doc.xref_object(int(annots.split()[0]), compressed=True)
                for ref in re.findall(r"(\d+) 0 R", annots or ""):
                    kind, uri = doc.xref_get_key(int(ref), "A/URI")
                    if kind == "string" and re.match(r"(?i)https?://|www\.", uri):
                        out.append((i + 1, uri))
    except Exception:  # noqa: BLE001 - links are a bonus; a broken annotation costs only them
        return out
    return out


def facts_from_pdf(path: str) -> tuple[Paper, PdfFacts]:
    """Parse ``path`` once and keep the facts: what :func:`check_one` uses."""
    from ...parse.pipeline import DEFAULT_MAX_PAGES, PROCESSORS, load, to_paper

    state = load(path, DEFAULT_MAX_PAGES)
    for step in PROCESSORS:
        step(state)
    return to_paper(state), facts_from_state(state, links=False)
