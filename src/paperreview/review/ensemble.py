"""Ensembles and self-critique: N independent reviews merged into a meta-review with averaged
scores, and K rounds in which the model critiques and rewrites its own review.

Each step is an ordinary engine request (journaled, cached, resumable). A failed step never
loses work: a failed critique keeps the previous version, a failed meta-review falls back to the
union of the members' points; both say so in ``metadata["errors"]``.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from typing import Any

from ..records import GeneratedReview, HumanReview, Paper, Submission
from .grounding import check_grounding, not_found
from .templates import ReviewTemplate, decision_of

REFLECT_TOKENS = 300  # room for the critique request in the prompt budget

CRITIQUE = (
    "Critique the review you just wrote, as a strict area chair would, then rewrite it.\n"
    "1. Remove or fix every point that is generic (it could be said of any paper) or that the "
    "paper's text does not support.\n"
    "2. Make every remaining point name the section, table, figure, equation or number it "
    "concerns, exactly as the paper numbers them.\n"
    "3. Check that any scores and the decision agree with the strengths and weaknesses.\n"
    "{grounding}"
    "Answer with the complete improved review only, in exactly the same format as before.")

META_SYSTEM = (
    "You are the area chair. You are given {n} independent reviews of the same paper, as JSON. "
    "Merge them into one meta-review in exactly the same JSON format: keep the points that are "
    "specific and supported, merge points that say the same thing, drop generic ones, and do not "
    "add points of your own. Answer with the JSON object only.")


def reflect(engine: Any, template: ReviewTemplate, paper: Paper, messages: list[dict],
            contents: list[str], members: list[dict], rounds: int, rec: GeneratedReview,
            max_tokens: int = 2048) -> list[dict]:
    """``rounds`` critique-and-rewrite rounds over every member; returns the final versions."""
    from ..llm import Request
    from .generate import add_usage, read_answer, review_points

    members, contents = list(members), list(contents)
    for r in range(1, rounds + 1):
        reqs = []
        for i, (review, content) in enumerate(zip(members, contents, strict=True)):
            missing = [c.reference for c in not_found(
                check_grounding(review_points(template, review), paper))]
            grounding = ("4. These references in your review do not exist in the paper: "
                         + ", ".join(dict.fromkeys(missing)) + ". Remove or correct them.\n"
                         if missing else "")
            msgs = messages + [{"role": "assistant", "content": content},
                               {"role": "user", "content": CRITIQUE.format(grounding=grounding)}]
            reqs.append(Request(messages=msgs, temperature=0.0, max_tokens=max_tokens,
                                schema=template.schema if template.kind == "json" else None,
                                prompt_version=f"{template.prompt_version}#reflect",
                                custom_id=f"{paper.id}:member{i}:reflection{r}"))
        for i, res in enumerate(engine.run(reqs, progress=False)):
            add_usage(rec, res)
            review, err = read_answer(template, res)
            if err:  # keep the previous version of this member
                rec.metadata["errors"].append(f"{(res.custom_id or '').partition(':')[2]}: {err}")
                continue
            members[i], contents[i] = review, res.content
        rec.metadata["reflections"] = r
    return members


def average_scores(template: ReviewTemplate, members: list[dict]) -> dict[str, float]:
    """Mean of each numeric score over the members that gave it (2 decimals)."""
    keys = {k for m in members for k in template.scores(m)}
    return {k: round(statistics.fmean(template.scores(m)[k] for m in members
                                      if k in template.scores(m)), 2) for k in sorted(keys)}


def merge_reviews(engine: Any, template: ReviewTemplate, members: list[dict],
                  rec: GeneratedReview, max_tokens: int = 2048) -> dict[str, Any]:
    """One meta-review of ``members`` by the model; numeric scores are the members' means and
    the decision their majority (the model's own scores are not trusted to average)."""
    from ..llm import Request
    from .generate import add_usage

    if template.kind == "bracket":
        agg = template.aggregate
        sub = Submission(id=rec.id, forum=rec.id, reviews=[
            HumanReview(id=f"member{i}", forum=rec.id, text=_bracket(m, agg))
            for i, m in enumerate(members)])
        req = Request(messages=agg.messages(sub), schema=agg.schema, temperature=0.0,
                      max_tokens=max_tokens, prompt_version=f"{agg.prompt_version}+review-meta",
                      custom_id=f"{rec.id}:meta")
    else:
        body = "\n\n".join(f"Review {i}:\n{json.dumps(m, ensure_ascii=False)}"
                           for i, m in enumerate(members, 1))
        req = Request(messages=[{"role": "system", "content": META_SYSTEM.format(n=len(members))},
                                {"role": "user", "content": f"<reviews>\n{body}\n</reviews>"}],
                      schema=template.schema, temperature=0.0, max_tokens=max_tokens,
                      prompt_version=f"{template.prompt_version}#meta", custom_id=f"{rec.id}:meta")
    res = engine.complete(req)
    add_usage(rec, res)
    merged: dict[str, Any] | None = None
    if res.ok and res.parsed is not None:
        try:
            merged = (template.aggregate.schema if template.kind == "bracket" else template.schema
                      ).model_validate(res.parsed).model_dump(mode="json")
        except ValueError as exc:
            rec.metadata["errors"].append(f"meta-review: {exc}")
    else:
        rec.metadata["errors"].append(f"meta-review: {res.reason or 'failed'}: {res.error}")
    if merged is None:
        merged = union(template, members)
        rec.metadata["meta_review"] = "fallback: union of the members' points"
    else:
        rec.metadata["meta_review"] = "model"
    scores = average_scores(template, members)
    merged.update(scores)
    decisions = Counter(d for m in members if (d := decision_of(m.get("decision"))))
    if decisions:
        top = decisions.most_common()
        if len(top) == 1 or top[0][1] > top[1][1]:
            d, cur = top[0][0], merged.get("decision")  # sea: {"decision", "reasons"}
            if template.kind == "bracket":
                merged["decision"] = {"reasons": "", **(cur or {}), "decision": d}
            else:
                merged["decision"] = d
    rec.metadata["ensemble"] = {"n": len(members), "scores_mean": scores,
                                "scores": [template.scores(m) for m in members]}
    return merged


def union(template: ReviewTemplate, members: list[dict]) -> dict[str, Any]:
    """All members' points, de-duplicated by title; other fields from the first member."""
    merged = dict(members[0])
    for key in template.point_keys():
        seen, points = set(), []
        for m in members:
            for p in m.get(key) or []:
                t = str(p.get("title", "")).strip().lower()
                if t not in seen:
                    seen.add(t)
                    points.append(p)
        merged[key] = points
    return merged


def _bracket(review: dict, agg: Any) -> str:
    from ..aggregate.bracket import to_bracket

    return to_bracket(review, agg, raised_by=False)
