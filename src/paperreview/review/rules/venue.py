"""Venue rules (from the ``--venue`` profile): page limit, paper size, required sections,
checklist, line numbers in a review copy. With ``--venue generic`` none of them fires.

The page limit counts the main text: the pages before the first heading that ends it in the
profile's ``main_text_ends_at`` (references, appendix, checklist, and for ACL the Limitations
and ethics sections). A page where that heading comes after some body text counts as a main-text
page; a page it opens does not.
"""

from __future__ import annotations

import re

from ...records import Evidence, Finding, Paper
from . import finding, rule
from .context import CheckContext, Heading

ENDS = {
    "references": r"references|bibliography|literature cited|works cited|references and notes",
    "appendix": r"appendix|appendices|supplementary|supplemental|[A-H]\s+\S",
    "checklist": r".*\bchecklist\b",
    "limitations": r"limitations?",
    "ethics": r"ethic(?:s|al)",
    "reproducibility": r"reproducibility",
    "impact": r"(?:broader )?impact statement|broader impacts?",
    "acknowledgments": r"acknowledge?ments?",
}
SIZES = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}


def _ends_main(h: Heading, kinds: list[str]) -> bool:
    text = h.text.strip().rstrip(".:").strip()
    return any(re.fullmatch(rf"(?:{ENDS[k]})(?:\s.*)?", text, re.IGNORECASE) for k in kinds
               if k != "appendix") or ("appendix" in kinds and re.match(
                   r"(?i)(appendix|appendices|supplementary|supplemental)\b", text) is not None)


def main_text_pages(ctx: CheckContext) -> tuple[int, Heading] | None:
    """(pages of main text, the heading that ends it), or None when no such heading is found."""
    facts = ctx.facts
    if not facts:
        return None
    kinds = ctx.venue.main_text_ends_at
    # the end is after the first third of the paper: a "Limitations" paragraph heading in the
    # introduction or a table-of-contents line is not where the main text stops
    floor = max(2, len(facts.sizes) // 3)
    for h in facts.headings:
        if h.page >= floor and _ends_main(h, kinds):
            return (h.page if h.after_text else h.page - 1), h
    return None


@rule("page-limit", aspect="venue", context=True, scope="venue")
def page_limit(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """The main text (before references/appendix/checklist) is longer than the venue allows."""
    limit = ctx.venue.limit
    found = main_text_pages(ctx) if limit else None
    if not found or found[0] <= limit:
        return []
    pages, h = found
    return [finding("page-limit", "venue", "critical",
                    f"The main text runs to {pages} pages; {ctx.venue.name} allows {limit} "
                    f"({'camera-ready' if ctx.venue.camera_ready else 'submission'}), counted up "
                    f"to \"{h.text}\" on page {h.page}. Cut it or move material to the appendix.",
                    Evidence(page=h.page, section=h.text))]


def _size_name(w: float, h: float) -> str:
    for name, (sw, sh) in SIZES.items():
        if abs(w - sw) < 3 and abs(h - sh) < 3:
            return name
    return f"{w / 72 * 25.4:.0f} x {h / 72 * 25.4:.0f} mm"


@rule("paper-size", aspect="venue", context=True, scope="venue")
def paper_size(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """Pages are not the venue's paper size (US letter or A4)."""
    want = ctx.venue.paper_size
    if not want or not ctx.facts or not ctx.facts.sizes:
        return []
    sw, sh = SIZES[want]
    bad = [i for i, (w, h) in enumerate(ctx.facts.sizes, 1)
           if not (abs(w - sw) < 3 and abs(h - sh) < 3) and not (abs(w - sh) < 3 and abs(h - sw) < 3)]
    if not bad:
        return []
    w, h = ctx.facts.sizes[bad[0] - 1]
    return [finding("paper-size", "venue", "major",
                    f"{len(bad)} page(s) are {_size_name(w, h)}, not {want} as {ctx.venue.name} "
                    "requires (first: page {}); use the venue's style file.".format(bad[0]),
                    Evidence(page=bad[0]))]


@rule("required-sections", aspect="venue", context=True, scope="venue")
def required_sections(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """A section the venue requires is missing (e.g. ACL's Limitations)."""
    out = []
    heads = [s.heading for s in paper.sections]
    if ctx.facts:
        heads += [h.text for h in ctx.facts.headings]
    for req in ctx.venue.required_sections:
        pat = re.compile(rf"^\W*(?:{req.pattern})\b", re.IGNORECASE)
        if any(pat.search(h.strip()) for h in heads):
            continue
        out.append(finding("required-sections", "venue", req.severity,
                           f"No \"{req.name}\" section: {req.why or ctx.venue.name + ' requires it'}.",
                           Evidence()))
    return out


@rule("checklist", aspect="venue", context=True, scope="venue")
def checklist(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """The venue's checklist (e.g. the NeurIPS Paper Checklist) is not in the PDF."""
    cl = ctx.venue.checklist
    if not cl:
        return []
    pat = re.compile(cl.pattern, re.IGNORECASE)
    heads = [s.heading for s in paper.sections] + (
        [h.text for h in ctx.facts.headings] if ctx.facts else [])
    if any(pat.search(h) for h in heads):
        return []
    if ctx.facts and any(pat.search(p) and re.search(r"(?i)answer:\s*\[?(yes|no|n/?a)", p)
                         for p in ctx.facts.pages):
        return []
    return [finding("checklist", "venue", "critical",
                    f"The {cl.name} is missing; {ctx.venue.name} desk-rejects papers without it "
                    "(it goes after the references/appendix).", Evidence())]


@rule("line-numbers", aspect="venue", context=True, scope="venue")
def line_numbers(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """A review copy without line numbers where the venue's submission style has them."""
    v = ctx.venue
    if not v.line_numbers or v.camera_ready or not ctx.facts or ctx.facts.line_numbers:
        return []
    return [finding("line-numbers", "venue", "minor",
                    f"The PDF has no line numbers; the {v.name} submission style prints them "
                    "(is this the camera-ready style, or the wrong template?).", Evidence())]
