"""Quote verification: is a comment's quote really in the paper, and where?

The paper's text is indexed per page (from the PDF's own text layer when the source is a PDF,
else per section of the parsed record) after normalisation: case, whitespace, quotes and
dashes, ligatures and line-break hyphens. A quote is *verified* when at least 75% of it is found
as one passage (rapidfuzz's best partial alignment, so a few characters garbled by extraction do
not fail it). The match gives the page and section to cite and, when it fails, the nearest
passage to show the model in a re-ask.

>>> from paperreview.records import Paper, Section
>>> p = Paper(id="x", sections=[Section(heading="Intro", text="We train on   CIFAR-10 only.")])
>>> idx = PaperIndex.from_paper(p)
>>> m = idx.find("we train on CIFAR–10 only")
>>> (m.ok, m.section, m.page)
(True, 'Intro', None)
>>> idx.find("the moon is made of cheese").ok
False
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..records import Paper

THRESHOLD = 75.0  # percent of the quote that must be found as one passage
_TRANS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "−": "-", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", " ": " "})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_TRANS)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # line-break hyphenation
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class Match:
    ok: bool
    score: float                 # 0-100: share of the quote found as one passage
    page: int | None = None      # 1-based, when the index knows pages
    section: str | None = None
    passage: str = ""            # the paper's own text at the best match


@dataclass
class _Chunk:
    text: str                    # normalised
    raw: str
    page: int | None
    section: str | None


class PaperIndex:
    """Normalised paper text in chunks (pages or sections) for quote look-ups."""

    def __init__(self, chunks: list[_Chunk], sections: list[tuple[str, str]]):
        self.chunks = chunks
        self.sections = sections  # (heading, normalised text) to name a page match's section

    @classmethod
    def from_paper(cls, paper: Paper) -> PaperIndex:
        sections = [(s.heading, normalise(s.text)) for s in paper.sections]
        src = Path(paper.source or "")
        if src.suffix.lower() == ".pdf" and src.is_file():
            import pymupdf

            chunks = []
            with pymupdf.open(src) as doc:
                for i, page in enumerate(doc, 1):
                    raw = page.get_text()
                    chunks.append(_Chunk(normalise(raw), raw, i, None))
            return cls(chunks, sections)
        chunks = [_Chunk(normalise(f"{paper.title}\n{paper.abstract}"),
                         f"{paper.title}\n{paper.abstract}", None, "Abstract")]
        chunks += [_Chunk(t, s.text, None, s.heading) for s, (_, t) in
                   zip(paper.sections, sections)]
        chunks += [_Chunk(normalise(c.text), c.text, c.page, None) for c in paper.captions]
        return cls(chunks, sections)

    def find(self, quote: str | None) -> Match:
        from rapidfuzz import fuzz

        q = normalise(quote or "").strip("\"'. …")
        if len(q) < 12:
            return Match(False, 0.0)
        best: tuple[float, _Chunk | None, int, int] = (0.0, None, 0, 0)
        for ch in self.chunks:
            if not ch.text:
                continue
            if q in ch.text:
                i = ch.text.index(q)
                best = (100.0, ch, i, i + len(q))
                break
            al = fuzz.partial_ratio_alignment(q, ch.text, score_cutoff=best[0])
            if al is not None and al.score > best[0]:
                best = (al.score, ch, al.dest_start, al.dest_end)
        score, ch, a, b = best
        if ch is None:
            return Match(False, 0.0)
        passage = ch.text[max(0, a - 40):b + 40]
        section = ch.section or self._section_of(ch.text[a:b])
        return Match(score >= THRESHOLD, round(score, 1), ch.page, section, passage)

    def _section_of(self, passage: str) -> str | None:
        probe = passage[:80]
        for heading, text in self.sections:
            if probe and probe in text:
                return heading
        return None
