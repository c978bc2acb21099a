"""PeerRead's science-parse output (``parsed_pdfs/<id>.pdf.json``) -> :class:`Paper` records.

So papers whose PDFs are not at hand flow through the same pipeline. The science-parse JSON has
``{"name", "metadata": {"title", "authors", "abstractText", "sections": [{"heading", "text"}],
"references": [{"title", "author", "venue", "year"}], ...}}``; it carries no captions and no
hidden-text information.

>>> import json, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "1.pdf.json")
>>> _ = open(p, "w").write(json.dumps({"name": "1.pdf", "metadata": {"title": "T",
...     "abstractText": "A.", "sections": [{"heading": "2.1 SETUP", "text": "x"}]}}))
>>> paper = load_science_parse(p)
>>> (paper.title, paper.sections[0].heading, paper.sections[0].level)
('T', 'SETUP', 2)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import BadLine, iter_jsonl_where, record_files
from ..records import Paper, Section
from .assemble import APPENDIX
from .headings import split_number
from .text import clean


def _reference(ref: dict[str, Any]) -> str:
    authors = ", ".join(a for a in ref.get("author") or [] if a)
    parts = [authors, clean(ref.get("title") or ""), clean(ref.get("venue") or "")]
    year = ref.get("year")
    text = ". ".join(p.rstrip(". ,") for p in parts if p)
    return f"{text}, {year}." if year and year != -1 else (text + "." if text else "")


def _sections(raw: list[dict[str, Any]]) -> list[Section]:
    out: list[Section] = []
    appendix = False
    for s in raw or []:
        num, heading = split_number(clean(s.get("heading") or ""))
        if APPENDIX.match(heading) or (num[:1].isalpha() and num[:1].isupper() and out):
            appendix = True
        level = num.count(".") + 1 if num and not num.isalpha() else 1
        out.append(Section(heading=heading, level=level, text=(s.get("text") or "").strip(),
                           appendix=appendix))
    return out


def _read_json(p: Path, hint: str) -> tuple[bytes, Any]:
    try:
        data = p.read_bytes()
        return data, json.loads(data)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", "check the path") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not valid JSON ({exc})", hint) from None


def load_science_parse(path: str | Path) -> Paper:
    """Read one science-parse JSON file; raises :class:`InputError` naming the file if unusable."""
    p = Path(path)
    data, obj = _read_json(p, "pass PeerRead parsed_pdfs/*.pdf.json files")
    return _from_science_parse(p, data, obj)


def load_paper_json(path: str | Path) -> Paper:
    """One paper file of either kind: a ``Paper`` record written by ``paperreview parse``, or
    PeerRead's science-parse JSON. Raises :class:`InputError` naming the file otherwise."""
    p = Path(path)
    hint = "pass `paperreview parse` output or PeerRead parsed_pdfs/*.pdf.json files"
    data, obj = _read_json(p, hint)
    if isinstance(obj, dict) and "reviews" in obj:
        raise InputError(f"{p}: a review file, not a paper", hint)
    if isinstance(obj, dict) and obj.get("id"):
        try:
            return Paper.model_validate(obj)
        except ValueError as exc:  # pydantic's ValidationError
            raise InputError(f"{p}: not a valid Paper record ({str(exc).splitlines()[0]})",
                             hint) from None
    return _from_science_parse(p, data, obj)


def _from_science_parse(p: Path, data: bytes, obj: Any) -> Paper:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(meta, dict):
        raise InputError(f"{p}: no 'metadata' object: not a science-parse file",
                         "pass PeerRead parsed_pdfs/*.pdf.json files")
    title = meta.get("title")
    return Paper(
        id=hashlib.sha256(data).hexdigest(),
        source=str(p),
        n_pages=0,
        title=clean(title) if isinstance(title, str) and title != "None" else "",
        authors=[clean(a) for a in meta.get("authors") or [] if isinstance(a, str)],
        abstract=clean(meta.get("abstractText") or ""),
        sections=_sections(meta.get("sections") or []),
        references=[r for r in (_reference(x) for x in meta.get("references") or []) if r],
        metadata={"parser": "science-parse", "science_parse_source": meta.get("source"),
                  "name": obj.get("name"), "year": meta.get("year"),
                  "emails": meta.get("emails") or []},
    )


def iter_papers(path: str | Path, recursive: bool = False
                ) -> Iterator[tuple[str, Paper | BadLine]]:
    """The one loader of papers: ``(where, paper)`` from a Paper JSONL (``where`` = ``path:line``),
    or from a directory of paper files (``paperreview parse`` output, PeerRead ``parsed_pdfs/``;
    ``where`` = the file) or a directory holding ``papers.jsonl``.

    An unreadable file or line comes as ``(where, BadLine)`` naming it and why, so the caller
    counts a failed row and goes on; only a missing path raises :class:`InputError`.
    """
    p = Path(path)
    if p.is_dir():
        files = record_files(p, recursive=recursive)  # without parse_config.json and the like
        if not files and (p / "papers.jsonl").is_file():
            p = p / "papers.jsonl"
        elif not files:
            raise InputError(f"{p}: no paper *.json files and no papers.jsonl in this directory",
                             "run `paperreview parse PDF_DIR -o DIR` first, or pass a Paper JSONL")
        else:
            for f in files:
                try:
                    yield str(f), load_paper_json(f)
                except InputError as exc:
                    yield str(f), BadLine(str(f), exc.message)
            return
    if not p.is_file():
        raise InputError(f"{p}: no such file or directory",
                         "give the output dir of `paperreview parse` or a Paper JSONL")
    yield from iter_jsonl_where(p, Paper)


def science_parse_files(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory",
                         "pass the parsed_pdfs folder of a PeerRead split")
    return sorted(folder.glob("*.json"))


def convert_to_file(src: str, out: str, fmt: str, _max_pages: int = 0) -> dict[str, Any]:
    """Batch worker for ``--from-science-parse``: same row shape as PDF parsing."""
    from ..io import atomic_write_text
    from .render import render

    row: dict[str, Any] = {"input": src, "output": None, "id": None, "status": "ok",
                           "reason": None, "pages": None, "seconds": 0.0, "hidden_text": 0,
                           "error": None}
    try:
        paper = load_science_parse(src)
        atomic_write_text(out, render(paper, fmt))
        row.update(output=out, id=paper.id)
    except InputError as exc:
        row.update(status="failed", reason="bad_science_parse_json", error=exc.message)
    return row
