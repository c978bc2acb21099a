"""A deterministic "merging" responder for FakeOpenAIServer, and small inline submissions.

The responder reads the reviews out of the aggregation prompt and sorts each sentence into an
aspect by keyword; identical sentences from several reviewers become one point raised by all of
them. It stands in for the model so the stage's plumbing can be checked exactly.
"""

from __future__ import annotations

import json
import re

from paperreview.records import HumanReview, Submission

REVIEW_HEAD = re.compile(r"^===== Review by reviewer (R\d+)[^\n]*=====\n(.*?)(?=\n\n=====)",
                         re.DOTALL | re.MULTILINE)
KEYWORDS = {  # aspect key -> words that send a sentence there (first match wins)
    "significance_and_novelty": ("novel", "new", "significan"),
    "reasons_for_acceptance": ("strong", "clear", "good"),
    "reasons_for_rejection": ("missing", "weak", "lack"),
    "suggestions_for_improvement": ("should", "suggest", "please"),
}


def user_prompt(body: dict) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def reviews_in(body: dict) -> dict[str, str]:
    return dict(REVIEW_HEAD.findall(user_prompt(body)))


def merging_responder(body: dict) -> str:
    keys = list(body["response_format"]["json_schema"]["schema"]["properties"])
    answer: dict[str, list] = {k: [] for k in keys}
    index: dict[str, dict] = {}
    for label, text in reviews_in(body).items():
        for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
            aspect = next((k for k, words in KEYWORDS.items()
                           if k in answer and any(w in sentence.lower() for w in words)), None)
            if aspect is None:
                continue
            norm = sentence.lower().strip(" .")
            if norm in index:
                index[norm]["raised_by"].append(label)
                continue
            point = {"title": " ".join(sentence.split()[:3]), "detail": sentence,
                     "raised_by": [label]}
            index[norm] = point
            answer[aspect].append(point)
    return json.dumps(answer)


def submission(i: int, reviews: list[str], **kw) -> Submission:
    sid = f"sub{i}"
    return Submission(id=sid, forum=sid, title=f"Paper {i}", abstract="We study things.",
                      reviews=[HumanReview(id=f"{sid}/rev{j}", forum=sid, text=t, rating=5 + j)
                               for j, t in enumerate(reviews)], **kw)


def inline_submissions(n: int = 4) -> list[Submission]:
    shared = "The idea is novel."
    subs = [
        submission(0, [f"{shared} Experiments are missing baselines.",
                       f"{shared} The writing is clear. You should add error bars."]),
        submission(1, []),  # no reviews: skipped
    ]
    for i in range(2, n):
        subs.append(submission(i, [f"A clear paper number {i}. Ablations are missing.",
                                   f"The method is new. Please report variance for run {i}."]))
    return subs
