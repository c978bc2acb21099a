"""Renderers: a Paper as JSON (the record), Markdown (``#`` headings) or tagged text.

The tagged format is the seed project's training input: ``[TITLE]``, ``[ABSTRACT]``,
``[CAPTIONS]`` and ``[CONTENT]`` blocks in that order, captions before content, no references.

>>> from paperreview.records import Paper, Section, Caption
>>> p = Paper(id="x", title="T", abstract="A.", sections=[Section(heading="Intro", text="B.")],
...           captions=[Caption(kind="table", label="1", text="C.")])
>>> print(to_tagged(p), end="")
[TITLE]
T
<BLANKLINE>
[ABSTRACT]
A.
<BLANKLINE>
[CAPTIONS]
Table 1: C.
<BLANKLINE>
[CONTENT]
# Intro
B.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..records import Caption, Paper

EXTENSIONS = {"json": ".json", "markdown": ".md", "tagged": ".txt"}


def caption_line(c: Caption) -> str:
    name = {"figure": "Figure", "table": "Table", "algorithm": "Algorithm"}.get(c.kind, "")
    label = f"{name} {c.label}".strip()
    return f"{label}: {c.text}" if label else c.text


def _section_block(heading: str, level: int, text: str, appendix: bool = False) -> str:
    marks = "#" * max(1, min(level + (level == 0), 6))
    head = f"{marks} {'Appendix: ' if appendix and not heading.lower().startswith('appendix') else ''}"
    lines = [f"{head}{heading}".rstrip()] if heading else []
    if text:
        lines.append(text)
    return "\n".join(lines)


def to_tagged(paper: Paper, include_appendix: bool = True) -> str:
    """The ``[TITLE]/[ABSTRACT]/[CAPTIONS]/[CONTENT]`` text (no references, no hidden text)."""
    blocks = [f"[TITLE]\n{paper.title}", f"[ABSTRACT]\n{paper.abstract}"]
    blocks.append("[CAPTIONS]\n" + "\n".join(caption_line(c) for c in paper.captions))
    content = [
        _section_block(s.heading, s.level, s.text, s.appendix)
        for s in paper.sections if include_appendix or not s.appendix
    ]
    blocks.append("[CONTENT]\n" + "\n\n".join(c for c in content if c))
    return "\n\n".join(blocks).rstrip() + "\n"


def to_markdown(paper: Paper) -> str:
    """Markdown: the title as ``#``, sections as ``##``/``###`` by level, then captions,
    footnotes, references and a warning block listing hidden text."""
    out = [f"# {paper.title or 'Untitled'}"]
    if paper.authors:
        out.append(", ".join(paper.authors))
    if paper.abstract:
        out.append(f"## Abstract\n\n{paper.abstract}")
    for s in paper.sections:
        level = 2 if s.level <= 1 else min(s.level + 1, 6)
        prefix = "Appendix: " if s.appendix and not s.heading.lower().startswith("appendix") else ""
        if s.heading:
            out.append(f"{'#' * level} {prefix}{s.heading}")
        if s.text:
            out.append(s.text.replace("\n", "\n\n"))
    if paper.captions:
        out.append("## Captions\n\n" + "\n".join(f"- {caption_line(c)}" for c in paper.captions))
    if paper.footnotes:
        out.append("## Footnotes\n\n" + "\n".join(
            f"- page {f.page}: {f.text}" if f.page else f"- {f.text}" for f in paper.footnotes))
    if paper.references:
        out.append("## References\n\n" + "\n".join(f"{i}. {r}" for i, r in
                                                  enumerate(paper.references, 1)))
    if paper.hidden_text:
        out.append("## Hidden text (not part of the body)\n\n" + "\n".join(
            f"- page {h.page} ({h.reason}): {h.text}" for h in paper.hidden_text))
    return "\n\n".join(out) + "\n"


def to_json(paper: Paper) -> str:
    return json.dumps(paper.to_json(), ensure_ascii=False, indent=1) + "\n"


RENDERERS: dict[str, Callable[[Paper], str]] = {
    "json": to_json, "markdown": to_markdown, "tagged": to_tagged}


def render(paper: Paper, fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {sorted(RENDERERS)}")
    return RENDERERS[fmt](paper)
