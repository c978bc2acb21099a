"""Hit rate on hand-made reviews with an exact-text matcher, so every number is known."""

import itertools

import numpy as np

from paperreview.evaluate.hitrate import PaperItem, hit_rate
from paperreview.evaluate.match import ReviewDoc, doc_points


class ExactMatcher:
    """Score 1 for identical point texts, 0 otherwise (a deterministic stand-in for MiniLM)."""

    name = "exact"
    default_threshold = 0.5

    def points(self, docs):
        return {d.key: doc_points(d) for d in docs}

    def scores(self, pairs):
        return [np.array([[float(x.text == y.text) for y in b] for x in a]) for a, b in pairs]


X, Y, Z, W = ("Point x is about weak baselines.", "Point y is about missing ablations.",
              "Point z is about unclear notation.", "Point w is about code release.")


def doc(key, *pts):
    return ReviewDoc(key, "\n".join(f"- {p}" for p in pts))


def test_known_hit_rate_recall_and_human_baseline():
    item = PaperItem("p", doc("p/g", X, Y, Z), [doc("p/h1", X, W), doc("p/h2", Y, X)])
    res = hit_rate([item], ExactMatcher(), sweep=False)
    g, h = res["generated"], res["human_vs_human"]
    assert g["hit_rate"]["value"] == 2 / 3           # x and y were raised by some human
    assert g["pairwise_hit_rate"]["value"] == 0.5     # mean(1/3, 2/3)
    assert g["recall"]["value"] == 3 / 4              # x (h1), y and x (h2) of 4 human points
    # h1 vs h2: x matched -> 1/2 each way; human baseline = mean over the two humans
    assert h["hit_rate"]["value"] == 0.5 and h["pairwise_hit_rate"]["value"] == 0.5
    assert h["recall"]["value"] == 0.5


def test_duplicate_generated_points_do_not_reuse_a_human_point():
    # the generated review says x twice; the single human x can match only one of them
    item = PaperItem("p", ReviewDoc("p/g", "", structured={"w": [{"title": X}, {"title": X}]}),
                     [doc("p/h1", X, W)])
    res = hit_rate([item], ExactMatcher(), sweep=False)
    assert res["generated"]["hit_rate"]["value"] == 0.5
    assert res["generated"]["recall"]["value"] == 0.5
    assert res["human_vs_human"]["n_papers"] == 0  # one human: no baseline for this paper


def test_per_aspect_breakdown_and_sweep_with_embeddings(embedder):
    from paperreview.evaluate.match import EmbeddingMatcher
    from tests.evaluate.conftest import GENERATED, HUMANS, bullets

    items = [PaperItem(pid, ReviewDoc(f"{pid}/g", bullets(GENERATED[pid])),
                       [ReviewDoc(f"{pid}/h{i}", bullets(h)) for i, h in enumerate(hs)])
             for pid, hs in HUMANS.items()]
    res = hit_rate(items, EmbeddingMatcher(embedder=embedder))
    g = res["generated"]
    # 3 of the 5 generated points paraphrase a human point; Mars and cake match nothing
    assert g["hit_rate"]["value"] == (1 / 2 + 2 / 2 + 0) / 3
    assert sum(a["n_points"] for a in g["per_aspect"].values()) == 5
    assert res["human_vs_human"]["hit_rate"]["value"] > 0
    sweep = {s["threshold"]: s["generated_hit_rate"] for s in res["threshold_sweep"]}
    ths = sorted(sweep)
    assert all(sweep[a] >= sweep[b] for a, b in itertools.pairwise(ths))  # stricter -> fewer hits
