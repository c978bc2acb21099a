"""The LLM matcher and the judge against the engine's local OpenAI-compatible test server."""

import json
import re

import pytest

from paperreview.cli import main
from paperreview.evaluate.hitrate import PaperItem, hit_rate
from paperreview.evaluate.judge import judge_pairs
from paperreview.evaluate.llm_match import LLMMatcher
from paperreview.evaluate.match import ReviewDoc
from paperreview.io import write_jsonl
from paperreview.llm import Engine, EngineConfig
from paperreview.records import GeneratedReview
from tests.helpers.fake_openai import FakeOpenAIServer


def _user(body):
    return next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")


def stanford_responder(body):
    """Extraction: each bullet is a point. Matching: same [tag] -> rating from the tag's number."""
    text = _user(body)
    if "===== REVIEW =====" in text:
        review = text.split("===== REVIEW =====")[1].split("===== END OF REVIEW")[0]
        pts = [ln[2:].strip() for ln in review.splitlines() if ln.startswith("- ")]
        return json.dumps({"points": [{"point": p, "aspect": "soundness"} for p in pts]})
    if "Comments of review A" in text:
        a = dict(re.findall(r"^A(\d+)\. .*?\[(\w+)\]", text, re.MULTILINE))
        b = dict(re.findall(r"^B(\d+)\. .*?\[(\w+)\]", text, re.MULTILINE))
        out = [{"a": int(i), "b": int(j), "rationale": f"both say {t}", "similarity": int(t[-1])}
               for i, t in a.items() for j, u in b.items() if t == u]
        return json.dumps({"matches": out})
    raise AssertionError("unexpected prompt")


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def _cfg(srv, tmp_path):
    return EngineConfig(base_url=srv.base_url, model="fake-model", run_dir=str(tmp_path / "run"),
                        api_key_env="FAKE_KEY")


def test_llm_matcher_stanford_protocol(server, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_KEY", "sk-test")
    server.responder = stanford_responder
    # tag number = the similarity the fake model gives; >= 7 is a match
    gen = ReviewDoc("p/g", "- weak baselines [s9]\n- unclear notation [t6]\n- no code [u8]")
    h1 = ReviewDoc("p/h1", "- baselines too weak [s9]\n- notation confusing [t6]")
    h2 = ReviewDoc("p/h2", "- code not released [u8]\n- baselines weak [s9]")
    with Engine(_cfg(server, tmp_path)) as engine:
        m = LLMMatcher(engine, progress=False)
        res = hit_rate([PaperItem("p", gen, [h1, h2])], m)
    g = res["generated"]
    assert res["matcher"] == "llm" and res["threshold"] == 7
    assert g["hit_rate"]["value"] == pytest.approx(2 / 3)   # s9 and u8; t6 is below 7
    assert g["pairwise_hit_rate"]["value"] == pytest.approx((1 / 3 + 2 / 3) / 2)
    assert res["human_vs_human"]["hit_rate"]["value"] == pytest.approx(0.5)
    sweep = {s["threshold"]: s["generated_hit_rate"] for s in res["threshold_sweep"]}
    assert sweep[6.0] == pytest.approx(1.0) and sweep[10.0] == 0
    assert m.rationales and not m.failures
    n_calls = server.stats["requests"]
    assert n_calls == 3 + 3  # 3 extractions, 3 matchings (g-h1, g-h2, h1-h2)
    # a rerun is served from the journal: no new calls
    with Engine(_cfg(server, tmp_path)) as engine:
        hit_rate([PaperItem("p", gen, [h1, h2])], LLMMatcher(engine, progress=False))
    assert server.stats["requests"] == n_calls
    assert not server.duplicates()


def test_llm_matcher_counts_unusable_answers(server, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_KEY", "sk-test")
    server.responder = lambda body: "this is not JSON at all"
    with Engine(_cfg(server, tmp_path).model_copy(update={"max_reasks": 0, "max_retries": 0})
                ) as engine:
        m = LLMMatcher(engine, progress=False)
        pts = m.points([ReviewDoc("k", "- a point here")])
    assert pts == {} and sum(m.failures.values()) == 1


def judge_responder(body):
    """Prefers the review containing GOOD, whatever its position; ties when neither has it."""
    text = _user(body)
    first = text.split("===== FIRST REVIEW =====")[1].split("===== END OF FIRST")[0]
    second = text.split("===== SECOND REVIEW =====")[1].split("===== END OF SECOND")[0]
    winner = ("first" if "GOOD" in first else "second" if "GOOD" in second else "tie")
    return json.dumps({"criteria": {"specificity": winner}, "rationale": f"{winner} is better",
                       "winner": winner})


def test_judge_both_orders_and_position_bias(server, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_KEY", "sk-test")
    server.responder = judge_responder
    pairs = [("1", "paper", "GOOD review", "bad review"), ("2", "paper", "meh", "GOOD one"),
             ("3", "paper", "GOOD", "bad"), ("4", "paper", "plain", "plain too")]
    with Engine(_cfg(server, tmp_path)) as engine:
        summary, rows = judge_pairs(engine, pairs, progress=False)
    assert summary["counts"] == {"a": 2, "b": 1, "tie": 1}
    assert summary["win_rate_a"]["value"] == pytest.approx((1 + 0 + 1 + 0.5) / 4)
    assert summary["consistency"] == 1.0 and summary["first_position_rate"] == 0.5
    assert rows[0]["ab"]["rationale"] == "first is better"  # rationale kept
    assert server.stats["requests"] == 8
    # a judge that always picks the first position: every pair becomes a tie
    server.responder = lambda body: json.dumps({"rationale": "x", "winner": "first"})
    with Engine(_cfg(server, tmp_path / "2")) as engine:
        summary, _ = judge_pairs(engine, pairs, progress=False)
    assert summary["counts"]["tie"] == 4 and summary["first_position_rate"] == 1.0


def test_judge_cli_end_to_end(server, tmp_path, eval_files, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server.responder = judge_responder
    _, subs = eval_files
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, [GeneratedReview(id=p, text=f"GOOD review of {p}") for p in ("p1", "p2", "p3")])
    write_jsonl(b, [GeneratedReview(id=p, text=f"review of {p}") for p in ("p1", "p2")])
    out = tmp_path / "report"
    main(["evaluate", "judge", "--a", str(a), "--b", str(b), "--human", str(subs),
          "-o", str(out), "--base-url", server.base_url, "--model", "fake-model"])
    res = json.loads((out / "judge.json").read_text())
    assert res["n_pairs"] == 2 and res["win_rate_a"]["value"] == 1.0
    assert res["skipped"] == {"no review of the same paper in --b": 1}
    assert (out / "judge.png").exists() and "100.0%" in (out / "judge.md").read_text()
    rows = [json.loads(x) for x in (out / "judgments.jsonl").read_text().splitlines()]
    assert {r["winner"] for r in rows} == {"a"} and rows[0]["ba"]["rationale"]
    assert any("Title: Paper p1" in b["messages"][1]["content"] for b in server.bodies)  # --human
