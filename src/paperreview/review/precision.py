"""The merge and precision passes: duplicates become one, severe comments are challenged.

Users' main complaint about LLM reviewers is false positives and nitpicks. ``merge`` folds
near-duplicates (same page, similar text or overlapping quote) into the severest one;
``challenge`` asks the model, for each major/critical comment, whether it is real, substantive and
something the authors would agree with. Nothing is deleted: merged and rejected comments stay in
the JSON with ``status="rejected"`` and a ``reason``; demoted ones keep
``metadata.severity_before_challenge``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from ..prompting import render
from ..records import ReviewComment

MAX_CHALLENGES = 12  # precision pass: at most this many major/critical comments challenged
ORDER = ("critical", "major", "moderate", "minor")


class Verdict(BaseModel):
    verdict: Literal["valid", "nitpick", "misreading"] = "valid"
    reason: str = ""


def merge(comments: list[ReviewComment]) -> list[ReviewComment]:
    """Near-duplicates (same page, similar text or overlapping quote) become one comment, the
    severest kept; result ranked by severity, then reading order. Rejected ones stay at the end."""
    from rapidfuzz import fuzz

    kept = [c for c in comments if c.status == "kept"]
    kept.sort(key=lambda c: ORDER.index(c.severity))
    out: list[ReviewComment] = []
    for c in kept:
        dup = next((o for o in out if o.evidence.page == c.evidence.page and (
            fuzz.token_set_ratio(o.text, c.text) >= 80
            or fuzz.partial_ratio(o.evidence.quote or "", c.evidence.quote or "") >= 90)), None)
        if dup is None:
            out.append(c)
        else:
            dup.metadata.setdefault("merged", []).append(c.id)
            c.status, c.reason = "rejected", f"duplicate of {dup.id}"
    return out + [c for c in comments if c.status == "rejected"]


def challenge(prog: Any, comments: list[ReviewComment]) -> None:
    """The precision pass: each kept major/critical comment (at most ``MAX_CHALLENGES``) is put
    back to the model with its quoted context; a nitpick is demoted to minor, a misreading
    rejected with the model's reason. ``prog`` is the :class:`~.progressive.Progressive` run."""
    severe = [c for c in comments if c.status == "kept" and c.severity in ("critical", "major")]
    severe = severe[:MAX_CHALLENGES]
    if not severe:
        return
    prog.log(f"[progressive] challenging {len(severe)} major/critical comment(s)")
    reqs = [prog._ask("precision", render(prog.p["precision"], severity=c.severity,
                                          category=c.category, comment=c.text,
                                          context=_context(prog.index, c)), Verdict, n)
            for n, c in enumerate(severe)]
    for c, v in zip(severe, prog._run("precision", reqs, Verdict)):
        if v is None:
            continue
        c.metadata["challenge"] = {"verdict": v.verdict, "reason": v.reason}
        if v.verdict == "nitpick":
            c.metadata["severity_before_challenge"] = c.severity
            c.severity = "minor"
        elif v.verdict == "misreading":
            c.status, c.reason = "rejected", f"precision pass: misreading ({v.reason})"

def _context(index: Any, c: ReviewComment) -> str:
    q = c.evidence.quote or ""
    for ch in index.chunks:
        if ch.page == c.evidence.page or ch.section == c.evidence.section:
            raw = ch.raw
            pos = raw.find(q[:40]) if q else -1
            return raw[max(0, pos - 1200):pos + 1200] if pos >= 0 else raw[:2400]
    return q
