"""LaTeX source -> :class:`~paperreview.records.Paper`: a ``.tex`` file, a source folder or an
arXiv source tarball. Math is kept as LaTeX, ``\\input``/``\\include`` are resolved, user macros
expanded, citations numbered from the ``.bbl``/``.bib``.

>>> from paperreview.parse.latex import parse_latex      # doctest: +SKIP
>>> paper = parse_latex("paper/main.tex")                  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ...records import Author, Caption, Footnote, Paper, Section
from . import bib, convert, front, macros, source

__all__ = ["is_latex_input", "parse_latex"]

STRUCTURAL = re.compile(r"title|author|section|caption|abstract|affil|keyword|thanks|maketitle|"
                        r"email|address|institute|footnote|bibliograph|appendix", re.IGNORECASE)


def is_latex_input(path: str | Path) -> bool:
    """A .tex file, an arXiv source archive, or a folder holding .tex files."""
    p = Path(path)
    if p.is_dir():
        return any(p.rglob("*.tex"))
    return p.name.lower().endswith((".tex", ".ltx", ".tar.gz", ".tgz", ".tar"))


def _document(full: str) -> tuple[str, str]:
    """(preamble, body) around \\begin{document} ... \\end{document}."""
    start = full.find("\\begin{document}")
    if start < 0:
        return "", full
    end = full.find("\\end{document}", start)
    return full[:start], full[start + len("\\begin{document}"):end if end >= 0 else None]


def _resolve(text: str, numbers: dict[str, int] | None, labels: dict[str, str]) -> str:
    """Citations as "[n]" and \\ref as the number it points to; ``numbers=None``: drop both."""
    if numbers is None:
        return convert.LABEL.sub("", convert.REF.sub("", convert.CITE.sub("", text)))

    def cite(m: re.Match) -> str:
        if m.group(0).startswith("\\nocite"):
            return ""
        keys = [k.strip() for k in m.group(1).split(",")]
        return "[" + ", ".join(str(numbers.get(k, "?")) for k in keys) + "]"

    text = convert.CITE.sub(cite, text)
    text = convert.REF.sub(lambda m: labels.get(m.group(1).strip(), "?"), text)
    return convert.LABEL.sub("", text)


def parse_latex(path: str | Path, plain: bool = False) -> Paper:
    """Parse a LaTeX paper (file, folder or tarball) into a Paper record.

    ``plain``: math rendered as approximate Unicode text instead of kept as LaTeX, citations
    and cross-references dropped instead of numbered -- the text a reader sees without them,
    as in the ground truth of ``benchmarks/parse_quality.py``."""
    from ..provider import ParseInputError

    full, main = source.read_source(path)
    if "\\begin{document}" not in full:
        raise ParseInputError("not_latex", f"{path}: no \\begin{{document}} in {main.name}",
                              "pass the main .tex file (the one with \\documentclass)")
    defs, full = macros.collect(full)
    # the paper's own macros kept in a package beside it (not a venue's style file: only
    # \\newcommand'ed names that are not the class's own commands); its own definitions win
    local = {name: d for name, d in macros.collect(
        source.local_packages(full, main.parent), defs_only=True)[0].items()
        if "@" not in name and not STRUCTURAL.search(name)}
    defs = {**local, **defs}
    full = macros.expand(full, defs)
    preamble, body = _document(full)
    conv = convert._converter("text" if plain else "verbatim")
    refs = bib.references(full, main)
    numbers = None if plain else {key: k for k, (key, _) in enumerate(refs, 1)}
    labels: dict[str, str] = {}
    abstract_raw = ""
    m = re.search(r"\\begin\{abstract\}(.*?)\\end\{abstract\}", full, re.DOTALL)
    if m:
        abstract_raw = m.group(1)
    elif convert.first_arg(full, "abstract") is not None:
        abstract_raw = convert.first_arg(full, "abstract") or ""
    body_wo_abs = re.sub(r"\\begin\{abstract\}.*?\\end\{abstract\}", "", body, flags=re.DOTALL)
    body_wo_abs = convert.THEBIB_RE.sub("", body_wo_abs)
    captions, body_text = convert.find_captions(body_wo_abs, labels)
    head, parts = convert.split_sections(body_text, labels)

    def text(latex: str) -> str:
        latex = re.sub(r"\\maketitle|\\appendix|\\(?:icml)?printAffiliationsAndNotice\w*"
                       r"(?:\{[^}]*\})?", "", _resolve(latex, numbers, labels))
        return convert.to_text(convert.drop_commands(latex), conv)

    sections = []
    lead = text(head)
    if lead:
        sections.append(Section(heading="", level=1, text=lead))
    for part in parts:
        heading = convert.to_text(convert.drop_commands(_resolve(part["heading"], numbers,
                                                                  labels)), conv)
        if heading.lower().strip(" .:") == "abstract" and not abstract_raw:
            abstract_raw = part["latex"]
            continue
        sections.append(Section(heading=heading, level=part["level"], text=text(part["latex"]),
                                appendix=part["appendix"]))
    people = front.authors(preamble + body[:body.find("\\maketitle") + 1 or 5000], conv)
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()
    return Paper(
        id=digest, source=str(path), n_pages=0, title=front.title(full, conv),
        authors=[p["name"] for p in people],
        author_details=[Author(**p) for p in people],
        abstract=text(abstract_raw).replace("\n", " ") if abstract_raw else "",
        sections=sections,
        captions=[Caption(kind=c["kind"], label=c["label"], page=None,
                          text=text(c["latex"]).replace("\n", " ")) for c in captions],
        footnotes=[Footnote(text=f"{k} {text(note)}".strip(), page=None) for k, (_, note, _)
                   in enumerate(convert.all_args(body_text, convert.FOOTNOTE), 1)],
        references=[f"[{k}] " + convert.to_text(_resolve(entry, numbers, labels), conv).replace(
            "\n", " ") for k, (_, entry) in enumerate(refs, 1)],
        metadata={"parser": "paperreview.parse.latex (pylatexenc)", "main_file": str(main),
                  "macros_expanded": len(defs)},
    )
