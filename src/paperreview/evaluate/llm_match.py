"""The LLM matcher: the Stanford protocol (Liang et al., 2023) through the LLM engine.

1. Extraction: one request per review -> ``{"points": [{"point", "aspect"}]}``.
2. Matching: one request per pair of reviews -> ``{"matches": [{"a", "b", "rationale",
   "similarity"}]}`` with similarity 5-10; a pair rated >= the threshold (7) is a match, and the
   shared Hungarian step keeps the matches one-to-one.

Every call is journaled by the engine under the run dir, so a rerun costs nothing for what is
done. A failed extraction leaves that review out (counted in ``failures``); a failed matching
leaves that pair out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from .match import ReviewDoc
from .points import ASPECTS, Point, tag_aspect
from .prompts import load_prompt


class ExtractedPoint(BaseModel):
    point: str
    aspect: str = "other"


class ExtractedPoints(BaseModel):
    points: list[ExtractedPoint] = Field(default_factory=list)


class PointMatch(BaseModel):
    a: int
    b: int
    rationale: str = ""
    similarity: int = Field(ge=1, le=10)


class PointMatches(BaseModel):
    matches: list[PointMatch] = Field(default_factory=list)


def _review_text(doc: ReviewDoc) -> str:
    if doc.text:
        return doc.text
    from .judge import review_as_text

    return review_as_text(doc.structured or {})


class LLMMatcher:
    """Extraction + matching prompts through an :class:`~paperreview.llm.Engine`."""

    name = "llm"
    default_threshold = 7.0

    def __init__(self, engine: Any, max_tokens: int = 2048, progress: bool = True):
        self.engine = engine
        self.max_tokens = max_tokens
        self.progress = progress
        self.failures: Counter = Counter()
        self.rationales: list[dict[str, Any]] = []

    def points(self, docs: Sequence[ReviewDoc]) -> dict[str, list[Point]]:
        from ..llm import Request

        prompt = load_prompt("extract")
        aspects = ", ".join(a for a in ASPECTS if a != "summary")
        reqs = [Request(messages=prompt.messages(review=_review_text(d), aspects=aspects),
                        schema=ExtractedPoints, max_tokens=self.max_tokens,
                        prompt_version=prompt.version_tag, custom_id=d.key) for d in docs]
        out: dict[str, list[Point]] = {}
        for doc, res in zip(docs, self.engine.run(reqs, progress=self.progress), strict=True):
            if res.status != "ok" or res.parsed is None:
                self.failures[f"extraction failed: {res.reason or 'error'}"] += 1
                continue
            pts = []
            for p in res.parsed.get("points", []):
                text = str(p.get("point", "")).strip()
                if text:
                    aspect = p.get("aspect") if p.get("aspect") in ASPECTS else tag_aspect(text)
                    pts.append(Point(text, aspect, doc.key))
            out[doc.key] = pts
        return out

    def scores(self, pairs: Sequence[tuple[list[Point], list[Point]]]) -> list[np.ndarray | None]:
        from ..llm import Request

        prompt = load_prompt("match")
        reqs = [Request(messages=prompt.messages(a=[p.text for p in a], b=[p.text for p in b]),
                        schema=PointMatches, max_tokens=self.max_tokens,
                        prompt_version=prompt.version_tag,
                        custom_id=f"{a[0].source}|{b[0].source}" if a and b else None)
                for a, b in pairs]
        out: list[np.ndarray | None] = []
        for (a, b), res in zip(pairs, self.engine.run(reqs, progress=self.progress), strict=True):
            if res.status != "ok" or res.parsed is None:
                self.failures[f"matching failed: {res.reason or 'error'}"] += 1
                out.append(None)
                continue
            out.append(self._matrix(a, b, res.parsed.get("matches", [])))
        return out

    def _matrix(self, a: list[Point], b: list[Point], matches: list[dict]) -> np.ndarray:
        """Ratings into an (len(a), len(b)) matrix; out-of-range indices are counted and dropped."""
        m = np.zeros((len(a), len(b)))
        for x in matches:
            i, j, s = int(x.get("a", 0)) - 1, int(x.get("b", 0)) - 1, float(x.get("similarity", 0))
            if not (0 <= i < len(a) and 0 <= j < len(b)):
                self.failures["matching: pair index out of range (dropped)"] += 1
                continue
            m[i, j] = max(m[i, j], min(max(s, 0.0), 10.0))
            if len(self.rationales) < 50:
                self.rationales.append({"a": a[i].text, "b": b[j].text, "similarity": s,
                                        "rationale": x.get("rationale", "")})
        return m


