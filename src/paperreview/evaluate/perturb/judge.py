"""The two judge calls of the perturbation benchmark, through ``paperreview.llm``.

* :meth:`PerturbJudge.detect`: does a comment explain a planted error? 1-5 (prompt
  ``evaluate.perturb_judge``; >= 3 counts as caught).
* :meth:`PerturbJudge.validity`: is a comment on a clean paper a valid criticism? (prompt
  ``evaluate.comment_validity``; the share judged invalid is the false-positive rate).

A failed or unparseable call gives ``None`` (counted, never a verdict).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ...records import ReviewComment
from ..prompts import load_prompt


class DetectAnswer(BaseModel):
    score: int = Field(ge=1, le=5)
    rationale: str = ""


class ValidityAnswer(BaseModel):
    valid: bool
    reason: str = ""


def _context(path: Path, quote: str | None, cache: dict, width: int = 1500) -> str:
    if path not in cache:
        import pymupdf

        try:
            with pymupdf.open(str(path)) as doc:
                cache[path] = " ".join(" ".join(p.get_text().split()) for p in doc)
        except Exception:  # noqa: BLE001
            cache[path] = ""
    text = cache[path]
    i = text.find(" ".join((quote or "").split())[:60]) if quote else -1
    return text[max(0, i - width): i + width] if i >= 0 else text[: 2 * width]


class PerturbJudge:
    def __init__(self, engine: Any):
        self.engine = engine
        self._texts: dict = {}
        self.calls = 0

    def _run(self, reqs: list) -> list:
        self.calls += len(reqs)
        return list(self.engine.run(reqs, progress=False))

    def detect(self, row: dict, comments: list[ReviewComment]) -> list[int | None]:
        from ...llm import Request

        p = load_prompt("perturb_judge")
        reqs = [Request(messages=p.messages(original=row["original"], perturbed=row["perturbed"],
                                            why_wrong=row["why_wrong"],
                                            quote=c.evidence.quote or "", comment=c.text),
                        schema=DetectAnswer, max_tokens=256, prompt_version=p.version_tag,
                        custom_id=f"detect:{row['id']}:{c.id}") for c in comments]
        return [r.parsed["score"] if r.status == "ok" and r.parsed else None
                for r in self._run(reqs)]

    def validity(self, items: list[tuple[ReviewComment, Path]]) -> list[bool | None]:
        from ...llm import Request

        p = load_prompt("comment_validity")
        reqs = [Request(messages=p.messages(context=_context(path, c.evidence.quote, self._texts),
                                            quote=c.evidence.quote or "", comment=c.text),
                        schema=ValidityAnswer, max_tokens=256, prompt_version=p.version_tag,
                        custom_id=f"valid:{c.id}") for c, path in items]
        return [r.parsed["valid"] if r.status == "ok" and r.parsed else None
                for r in self._run(reqs)]
