"""Fixtures for evaluate tests: one MiniLM per session, small JSONL inputs written per test."""

from __future__ import annotations

import pytest

from paperreview.io import write_jsonl
from paperreview.records import GeneratedReview, HumanReview, Submission

# Three papers; each human review is a list of bullet points. Shared points are paraphrases.
HUMANS = {
    "p1": [["The experiments lack a comparison with strong baselines such as BERT.",
            "The paper is hard to follow because the notation is inconsistent."],
           ["The baselines used in the experiments are weak; compare against BERT.",
            "The authors should release their code for reproducibility."]],
    "p2": [["The theoretical analysis assumes convex losses, which is unrealistic.",
            "The related work section misses several recent papers on pruning."],
           ["Figure 3 is unreadable and the captions are too short.",
            "The convexity assumption in the theory does not hold for deep networks."]],
    "p3": [["The novelty is limited since the method is a small change to dropout.",
            "Results on ImageNet are missing."],
           ["The method is an incremental variant of dropout with little novelty.",
            "The writing has many typos and grammatical errors."]],
}
GENERATED = {
    "p1": ["The empirical evaluation should include stronger baselines like BERT.",
           "Training on Mars requires a spacesuit for each GPU."],
    "p2": ["The analysis relies on a convexity assumption that fails for neural networks.",
           "Recent work on network pruning is not discussed in the related work."],
    "p3": ["The recipe for chocolate cake uses too much sugar and butter."],
}
RATINGS = {"p1": ([3, 4], 5.0), "p2": ([6, 7], 6.0), "p3": ([8, 8], 6.0)}
DECISIONS = {"p1": "reject", "p2": "accept", "p3": "accept"}


def bullets(points: list[str]) -> str:
    return "\n".join(f"- {p}" for p in points)


def make_submissions() -> list[Submission]:
    subs = []
    for pid, reviews in HUMANS.items():
        hrs = [HumanReview(id=f"{pid}-r{i}", forum=pid, text=bullets(pts),
                           rating=RATINGS[pid][0][i], fields={"soundness": f"{2 + i}: fair"})
               for i, pts in enumerate(reviews)]
        subs.append(Submission(id=pid, forum=pid, title=f"Paper {pid}", abstract="An abstract.",
                               decision=DECISIONS[pid], reviews=hrs))
    return subs


def make_generated() -> list[GeneratedReview]:
    return [GeneratedReview(id=pid, text=bullets(pts), rating=RATINGS[pid][1],
                            decision="accept" if RATINGS[pid][1] >= 6 else "reject",
                            review={"weaknesses": [{"title": p} for p in pts],
                                    "soundness": 3})
            for pid, pts in GENERATED.items()]


@pytest.fixture
def eval_files(tmp_path):
    """(generated.jsonl, submissions.jsonl) for the three hand-made papers."""
    gen, subs = tmp_path / "generated.jsonl", tmp_path / "submissions.jsonl"
    write_jsonl(gen, make_generated())
    write_jsonl(subs, make_submissions())
    return gen, subs


@pytest.fixture(scope="session")
def embedder():
    """The bundled MiniLM, loaded once for the whole session (it takes seconds)."""
    from paperreview.evaluate.embed import Embedder

    emb = Embedder()
    emb.encode(["warm up"])
    return emb
