"""Pairwise LLM judge: which of two reviews of the same paper is better?

Each pair is judged twice, with the reviews shown in both orders, because LLM judges prefer one
position. Per order the judge answers ``first``/``second``/``tie`` (plus per-criterion verdicts and
a rationale, all kept). A pair scores 1 for A, 0 for B and 0.5 for a tie in each order; its score
is the mean of the two orders, so a verdict that flips with the order counts as a tie. The win
rate of A is the mean pair score over pairs, with a bootstrap interval.

>>> combine("first", "second")   # A first then B first: A won both times
1.0
>>> combine("first", "first")    # always the first shown: pure position bias -> tie
0.5
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..records import GeneratedReview, Paper
from .prompts import load_prompt
from .stats import bootstrap_mean

CRITERIA = (
    "specificity: points are concrete and tied to this paper (sections, results, equations)",
    "correctness: claims about the paper are accurate, with no hallucinated content",
    "coverage: the most significant strengths and weaknesses are identified",
    "actionability: the authors can act on the suggestions",
    "clarity: the review is well organised and easy to follow",
)
Verdict = Literal["first", "second", "tie"]
_SCORE = {"first": 1.0, "second": 0.0, "tie": 0.5}


class JudgeAnswer(BaseModel):
    criteria: dict[str, Verdict] = Field(default_factory=dict)
    rationale: str = ""
    winner: Verdict


def combine(ab: str, ba: str) -> float:
    """A's score from the verdict with A shown first (``ab``) and with B shown first (``ba``)."""
    return (_SCORE[ab] + (1.0 - _SCORE[ba])) / 2


def review_as_text(review: dict[str, Any]) -> str:
    """A structured review dict as plain text: ``## key`` headings with ``- title: detail`` items."""
    lines: list[str] = []
    for key, items in review.items():
        lines.append(f"## {key.replace('_', ' ').title()}")
        if isinstance(items, list):
            for it in items:
                if isinstance(it, dict):
                    title, detail = it.get("title", ""), it.get("detail", "")
                    lines.append(f"- {title}: {detail}" if detail else f"- {title}")
                else:
                    lines.append(f"- {it}")
        else:
            lines.append(str(items))
        lines.append("")
    return "\n".join(lines).strip()


def generated_text(g: GeneratedReview) -> str:
    return g.text or review_as_text(g.review or {})


def paper_text(paper: Paper | None, title: str = "", abstract: str = "",
               max_chars: int = 12000) -> str:
    """Title, abstract and body of the paper, cut at ``max_chars`` (the reviews matter more)."""
    if paper is None:
        return f"Title: {title}\n\nAbstract: {abstract}".strip()
    body = "\n\n".join(f"{s.heading}\n{s.text}" for s in paper.body_sections)
    text = f"Title: {paper.title or title}\n\nAbstract: {paper.abstract or abstract}\n\n{body}"
    return text[:max_chars] + ("\n[... paper truncated ...]" if len(text) > max_chars else "")


def judge_pairs(engine: Any, pairs: Sequence[tuple[str, str, str, str]],
                criteria: Sequence[str] = CRITERIA, seed: int = 0, progress: bool = True
                ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Judge ``(pair_id, paper_text, review_a, review_b)`` items; returns (summary, rows)."""
    from ..llm import Request

    prompt = load_prompt("judge")
    reqs = []
    for pid, paper, a, b in pairs:
        for order, (first, second) in (("ab", (a, b)), ("ba", (b, a))):
            reqs.append(Request(messages=prompt.messages(paper=paper, first=first, second=second,
                                                         criteria=list(criteria)),
                                schema=JudgeAnswer, max_tokens=1024,
                                prompt_version=prompt.version_tag, custom_id=f"{pid}:{order}"))
    results = list(engine.run(reqs, progress=progress))
    rows, scores, counts, failures = [], [], Counter(a=0, b=0, tie=0), Counter()
    consistent, firsts, decided = 0, 0, 0
    for k, (pid, _, _, _) in enumerate(pairs):
        ab, ba = results[2 * k], results[2 * k + 1]
        row: dict[str, Any] = {"id": pid, "status": "ok",
                               "ab": _verdict(ab), "ba": _verdict(ba)}
        if ab.status != "ok" or ba.status != "ok" or not ab.parsed or not ba.parsed:
            row["status"] = "failed"
            row["error"] = ab.error or ba.error or "no parsed answer"
            failures[f"failed: {ab.reason or ba.reason or 'error'}"] += 1
            rows.append(row)
            continue
        w_ab, w_ba = ab.parsed["winner"], ba.parsed["winner"]
        s = combine(w_ab, w_ba)
        row["score_a"] = s
        row["winner"] = "a" if s > 0.5 else "b" if s < 0.5 else "tie"
        counts[row["winner"]] += 1
        scores.append(s)
        consistent += int((w_ab, w_ba) in {("first", "second"), ("second", "first"),
                                           ("tie", "tie")})
        for w in (w_ab, w_ba):
            if w != "tie":
                decided += 1
                firsts += int(w == "first")
        rows.append(row)
    summary = {"n_pairs": len(scores), "n_failed": len(pairs) - len(scores),
               "win_rate_a": bootstrap_mean(scores, seed=seed), "counts": dict(counts),
               "consistency": consistent / len(scores) if scores else None,
               "first_position_rate": firsts / decided if decided else None,
               "failures": dict(failures), "criteria": list(criteria),
               "prompt_version": prompt.version_tag}
    return summary, rows


def _verdict(res: Any) -> dict[str, Any]:
    """What to keep of one judgment: the verdicts, the rationale, and the raw text on failure."""
    if res.status == "ok" and res.parsed:
        return {k: res.parsed.get(k) for k in ("winner", "criteria", "rationale")}
    return {"status": res.status, "error": res.error, "raw": res.content}
