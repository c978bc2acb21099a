"""``evaluate scorecard`` on the shared PeerRead split and a real PDF: offline (model sections
marked not run) and end to end through the local OpenAI-compatible server."""

import hashlib
import itertools
import json

import pytest

from paperreview.cli import main
from paperreview.evaluate.hidden_plant import WAYS
from paperreview.io import write_jsonl
from tests.helpers.fake_openai import FakeOpenAIServer, default_responder

PDF = "hpc-ebpf-workload-characterization.pdf"  # 4 pages: planting 8 ways stays fast


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    from tests.conftest import SHARED

    root = SHARED / "peerread" / "data" / "iclr_2017" / "train"
    pdf = SHARED / "papers" / PDF
    if not root.exists() or not pdf.exists():
        pytest.skip(f"shared PeerRead/papers data not found under {SHARED}")
    from paperreview.reviews.peerread import import_peerread

    d = tmp_path_factory.mktemp("split")
    write_jsonl(d / "subs.jsonl", itertools.islice(import_peerread(root / "reviews"), 8))
    return d / "subs.jsonl", root / "parsed_pdfs", pdf


def _run(args):
    try:
        main(args)
    except SystemExit as e:
        assert e.code in (0, None), e.code


@pytest.mark.slow
def test_scorecard_offline_writes_every_section(split, tmp_path):
    subs, papers, pdf = split
    out = tmp_path / "card"
    _run(["evaluate", "scorecard", "--human", str(subs), "--papers", str(papers),
          "--pdfs", str(pdf), "--per-paper", "1", "--limit", "3", "-o", str(out)])
    card = json.loads((out / "scorecard.json").read_text())
    for sec in ("hit_rate", "scores", "decisions", "error_injection", "hidden_instructions",
                "cost"):
        assert sec in card, sec
    assert card["reviewer"] == "checklist"
    assert card["hit_rate"]["llm"]["status"] == "not run: no model configured"
    emb = card["hit_rate"]["embedding"]
    assert emb["status"] == "ok" or emb["status"].startswith("not run")
    assert card["scores"]["status"].startswith("not run")  # the checklist gives no rating
    assert card["error_injection"]["status"] == "ok"
    assert 0.0 <= card["error_injection"]["recall"]["value"] <= 1.0
    assert "not run" in card["error_injection"]["precision"]["judge_false_positive_rate"]
    hid = card["hidden_instructions"]
    assert set(hid["by_way"]) == set(WAYS)
    assert all(v["planted"] == 1 for v in hid["by_way"].values())  # all 8 reach the text layer
    assert hid["by_way"]["render3"]["flagged"] == 1.0
    md = (out / "scorecard.md").read_text()
    assert "not run: no model configured" in md and "71.6%" in md and "39.23%" in md
    assert (out / "scorecard.png").stat().st_size > 1000


def responder(body):
    """Schema-valid answers; review ratings vary with the paper so Spearman is defined."""
    ans = default_responder(body)
    try:
        obj = json.loads(ans)
    except ValueError:
        return ans
    if isinstance(obj, dict) and "overall" in obj:
        h = int(hashlib.sha256(json.dumps(body["messages"]).encode()).hexdigest(), 16)
        obj["overall"] = 1 + h % 10
        obj["decision"] = "accept" if obj["overall"] >= 6 else "reject"
    if isinstance(obj, dict) and "score" in obj and "rationale" in obj:
        obj["score"] = 4
    return json.dumps(obj)


@pytest.mark.slow
def test_scorecard_with_a_model_runs_every_section(split, tmp_path, monkeypatch):
    subs, papers, pdf = split
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    out = tmp_path / "card"
    with FakeOpenAIServer() as srv:
        srv.responder = responder
        _run(["evaluate", "scorecard", "--human", str(subs), "--papers", str(papers),
              "--pdfs", str(pdf), "--per-paper", "1", "--limit", "3", "-o", str(out),
              "--model", "fake-model", "--base-url", srv.base_url])
    card = json.loads((out / "scorecard.json").read_text())
    assert card["reviewer"] == "llm"
    assert card["hit_rate"]["llm"]["status"] == "ok", card["hit_rate"]["llm"]
    assert card["scores"]["status"] == "ok", card["scores"]
    assert card["cost"]["tokens_per_paper"] > 0
    fp = card["error_injection"]["precision"]["judge_false_positive_rate"]
    assert not isinstance(fp, str) or "no model" not in fp
    assert "not run: no model configured" not in (out / "scorecard.md").read_text()


def test_calibrated_spearman_fits_on_dev_and_tests_on_the_rest():
    from paperreview.evaluate.scorecard import calibrated
    from paperreview.records import GeneratedReview, HumanReview, Submission

    subs, gens = [], []
    for i in range(20):
        hs = [1 + i % 9, 2 + i % 8]
        subs.append(Submission(id=f"s{i}", forum=f"s{i}", title=f"t{i}", reviews=[
            HumanReview(id=f"s{i}/{j}", forum=f"s{i}", rating=h) for j, h in enumerate(hs)]))
        gens.append(GeneratedReview(id=f"s{i}", paper_id=f"s{i}", rating=6 + (i % 9) / 4))
    c = calibrated(gens, subs, seed=0)
    assert c["status"] == "ok", c
    assert c["mae_calibrated"] < c["mae_raw"]  # the model's bunched 6-8 mapped onto the humans' 1-9
    assert c["value"] > 0.5
    assert calibrated(gens[:5], subs, 0)["status"].startswith("not run")
