"""PyMuPDF provider: open and validate a PDF, then turn each page into visible lines.

Bad input raises :class:`~paperreview.errors.InputError` whose ``status`` names the case (the batch
log records it): ``not_found``, ``empty``, ``not_pdf``, ``damaged``, ``encrypted``,
``too_many_pages``, ``no_text`` (image-only: OCR needed).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError
from .hidden import split_hidden
from .model import Line, PageInfo, ParseState

DEFAULT_MAX_PAGES = 300
# PDF operators that paint a shape (fill, fill+stroke, shading) or draw a form/image (which may
# hold shapes): only then can a shape hide text or be the background of pale text
# (the operator follows whitespace or a delimiter; may_paint puts a space before the stream)
PAINTS = re.compile(rb"[\s\])>](?:f\*?|F|B\*?|b\*?|sh|Do)(?=[\s/\[(<]|$)")


class ParseInputError(InputError):
    """An input the parser cannot use; ``status`` is the short reason for the batch log."""

    def __init__(self, status: str, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.status = status


def open_pdf(path: str | Path, max_pages: int = DEFAULT_MAX_PAGES) -> tuple[Any, str]:
    """Open ``path`` with PyMuPDF after checking it is a usable PDF; returns (doc, sha256)."""
    import pymupdf

    p = Path(path)
    if not p.is_file():
        raise ParseInputError("not_found", f"{p}: no such file", "check the path")
    data = p.read_bytes()
    if not data:
        raise ParseInputError("empty", f"{p}: empty file (0 bytes)",
                              "re-download or re-export the PDF")
    if b"%PDF-" not in data[:1024]:
        head = data[:8].decode("latin-1").encode("unicode_escape").decode()
        raise ParseInputError("not_pdf", f"{p}: not a PDF (starts with '{head}')",
                              "pass PDF files only; convert other formats to PDF first")
    digest = hashlib.sha256(data).hexdigest()
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises several types for broken files
        raise ParseInputError("damaged", f"{p}: damaged PDF that PyMuPDF cannot open ({exc})",
                              "re-download the file; a truncated download looks like this") from None
    if doc.needs_pass:
        doc.close()
        raise ParseInputError("encrypted", f"{p}: password-protected PDF",
                              "remove the password (e.g. qpdf --decrypt) and parse again")
    if doc.page_count == 0:
        doc.close()
        raise ParseInputError("damaged", f"{p}: PDF has no readable pages (truncated or damaged)",
                              "re-download the file")
    if b"%%EOF" not in data[-2048:] and getattr(doc, "is_repaired", False):
        doc.close()
        raise ParseInputError("truncated", f"{p}: truncated PDF (no end-of-file marker; "
                              f"{len(data)} bytes)", "re-download the file; it was cut short")
    if max_pages and doc.page_count > max_pages:
        n = doc.page_count
        doc.close()
        raise ParseInputError("too_many_pages",
                              f"{p}: {n} pages, more than --max-pages {max_pages}",
                              "is this a paper? raise --max-pages (0 = no limit) to parse it anyway")
    return doc, digest


# Weight and slant from the font's name, for fonts whose descriptor leaves MuPDF's bold/italic
# flags unset (seen: NimbusRomNo9L-Medi, the bold of LaTeX's Times, and -ReguItal in IEEE papers;
# CMBX10). URW names its bold "Medi"; Computer Modern and the EC fonts "bx" / "ti".
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|^(?:nimbus\w*|urw\w*)-medi|^(?:cm|sf|ec)\w*bx",
                        re.IGNORECASE)
_ITALIC_NAME = re.compile(r"italic|ital$|oblique|slant|^(?:cm|sf|ec)\w*(?:ti|sl)\d|-it$", re.IGNORECASE)
_FONT_STYLE: dict[str, tuple[bool, bool]] = {}


def font_style(name: str) -> tuple[bool, bool]:
    """(bold, italic) as the font's name says (a subset prefix "ABCDEF+" is ignored)."""
    got = _FONT_STYLE.get(name)
    if got is None:
        base = name.rpartition("+")[2]
        got = _FONT_STYLE[name] = (bool(_BOLD_NAME.search(base)), bool(_ITALIC_NAME.search(base)))
    return got


def _line_from_spans(page_no: int, spans: list[dict], inked: list[dict]) -> Line:
    """One Line from the visible spans of a MuPDF line; ``inked``: those that are not blank.

    Runs for every line of every page: kept lean (PyMuPDF splits a span at every space MuPDF
    adds between words, so a line has about seven spans)."""
    parts = []
    add = parts.append
    n_bold = n_italic = n_all = 0
    for s in spans:
        text, flags = s["text"], s["flags"]
        bbox = s["bbox"]
        named = _FONT_STYLE.get(s["font"]) or font_style(s["font"])
        bold = bool(flags & 16) or named[0]
        italic = bool(flags & 2) or named[1]
        add((text, s["size"], bold, bbox[0], bbox[2], italic))
        n = len(text)
        n_all += n
        if bold:
            n_bold += n
        if italic:
            n_italic += n
    if len(inked) == 1:
        main = inked[0]
        box = main["bbox"]
    else:  # the box of the inked spans (trailing spaces would widen it)
        boxes = [s["bbox"] for s in inked]
        box = (min([b[0] for b in boxes]), min([b[1] for b in boxes]),
               max([b[2] for b in boxes]), max([b[3] for b in boxes]))
        lengths = [len(s["text"]) for s in inked]  # the longest run sets size and font
        main = inked[lengths.index(max(lengths))]
    line = Line(page_no, box, "".join([p[0] for p in parts]),
                round(main["size"], 1), main["font"], n_bold > 0.5 * n_all, parts)
    line.italic = n_italic > 0.6 * n_all
    return line


def may_paint(page: Any) -> bool:
    """Whether the page's content stream fills a shape or draws a form (a cheap scan of the
    stream, ~0.5 ms a page). Without one, no shape can hide text or lie under it, so the hidden
    text checks need no vectors. Unreadable content counts as painting."""
    try:
        return bool(PAINTS.search(b" " + page.read_contents()))
    except Exception:  # noqa: BLE001 - be safe: collect the vectors
        return True


def page_dict(page: Any) -> dict:
    """PyMuPDF's ``get_text("dict")`` of a page as the parser needs it: spans with fonts,
    colours and render flags, text outside the page box, vector shapes where one can hide text.
    Call it under :func:`raw_quads`."""
    import pymupdf

    flags = pymupdf.TEXT_PRESERVE_WHITESPACE
    if may_paint(page):  # vector collection costs ~15% of MuPDF's time: only where needed
        flags |= pymupdf.TEXT_COLLECT_VECTORS
    # no TEXT_MEDIABOX_CLIP: text placed outside the page must be seen to be reported as hidden
    return page.get_text("dict", flags=flags, clip=pymupdf.INFINITE_RECT())


def extract_page(page: Any, page_no: int, state: ParseState) -> PageInfo:
    """Visible lines of one page; hidden spans go to ``state.hidden``, rotated lines are dropped."""
    d = page_dict(page)
    rect = page.rect
    info = PageInfo(page_no, rect.width, rect.height)
    visible_lines, hidden = split_hidden(page, d["blocks"], rect)
    info.lines = [_line_from_spans(page_no, spans, inked) for spans, inked in visible_lines]
    for h in hidden:
        h["page"] = page_no + 1
        prev = state.hidden[-1] if state.hidden else None
        if prev and prev["page"] == h["page"] and prev["reason"] == h["reason"] and h.get("next"):
            prev["text"] = f"{prev['text']} {h['text']}".strip()
        else:
            state.hidden.append({"page": h["page"], "text": h["text"], "reason": h["reason"]})
    return info


@contextmanager
def raw_quads() -> Iterator[None]:
    """PyMuPDF's character-box corrections off while a document is extracted, restored after.

    The correction looks up each character's font ascender and descender (a quarter of the
    cost of ``get_text("dict")``) to redo boxes of fonts whose metrics make no sense
    (ascender - descender < 1 em); the parser reads line boxes, which MuPDF's own boxes give.
    PyMuPDF keeps the switch in a process-wide global, hence the restore."""
    import pymupdf

    before = pymupdf.TOOLS.unset_quad_corrections()
    pymupdf.TOOLS.unset_quad_corrections(True)
    try:
        yield
    finally:
        pymupdf.TOOLS.unset_quad_corrections(before)


def load(path: str | Path, max_pages: int = DEFAULT_MAX_PAGES) -> ParseState:
    """Open, validate and extract every page of ``path`` into a fresh :class:`ParseState`."""
    doc, digest = open_pdf(path, max_pages)
    state = ParseState(source=str(path), paper_id=digest)
    try:
        state.pdf_metadata = dict(doc.metadata or {})
        with raw_quads():
            for i in range(doc.page_count):
                try:
                    page = doc.load_page(i)
                    state.pages.append(extract_page(page, i, state))
                    if i < 3 and page.get_images():
                        state.metadata["images"] = True
                except Exception as exc:  # noqa: BLE001 - one bad page should not lose the paper
                    state.metadata.setdefault("page_errors", []).append(f"page {i + 1}: {exc}")
                    state.pages.append(PageInfo(i, 612, 792))
        if getattr(doc, "is_repaired", False):
            state.metadata["repaired"] = True
    finally:
        doc.close()
    n_chars = sum(len(ln.text) for pg in state.pages for ln in pg.lines)
    if n_chars < 50 * max(1, min(len(state.pages), 3)):
        what = ("the pages are scanned images" if state.metadata.get("images")
                else "the pages are blank or drawn as vector outlines")
        raise ParseInputError(
            "no_text",
            f"{path}: no text layer ({n_chars} visible characters on {len(state.pages)} "
            f"pages): {what}; OCR is needed",
            "run OCR first (e.g. ocrmypdf IN.pdf OUT.pdf) and parse the OCR'd file")
    return state
