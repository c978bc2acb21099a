"""The progressive method end to end through the CLI, against the local OpenAI-compatible server:
one call per part at least, comments in the one comment model, every verified quote really in the
paper, checklist comments kept, highlights on the PDF, dry run sends nothing, rerun pays nothing."""

from __future__ import annotations

import json
import re

import pymupdf
import pytest

from paperreview.records import Paper, Section
from paperreview.review.progressive import merge, reading_parts
from paperreview.review.verify import PaperIndex, normalise
from tests.helpers.fake_openai import FakeOpenAIServer, default_responder
from tests.review.test_cli import run_cli, sample_pdf  # noqa: F401 - fixture

INVENTED = "Our method reaches 99.9% accuracy on every benchmark ever published."


def _paper_text(content: str) -> str:
    m = re.search(r"<paper>\n(.*?)\n</paper>", content, re.DOTALL)
    return m.group(1) if m else ""


def _first_sentence(text: str) -> str:
    for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")):
        if len(s.split()) >= 8 and not s.startswith("["):
            return s.strip()
    return ""


def responder(body: dict) -> str:
    """Section passes quote a real sentence; cross-checks quote an invented one (re-asked and
    withdrawn); challenges call the first major comment a nitpick; the form gets the default."""
    last = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
    if "Read this part of the paper" in last:
        quote = _first_sentence(_paper_text(last))
        comments = [{"category": "experiments", "severity": "major", "text": "This claim is "
                     "not supported by a comparison.", "suggestion": "Add baselines.",
                     "quote": quote}] if quote else []
        return json.dumps({"notes": "Setup: graph pretraining.", "comments": comments})
    if "Compare what the abstract" in last:
        return json.dumps({"comments": [{"category": "claims", "severity": "critical",
                                         "text": "Overstated.", "quote": INVENTED}]})
    if "quotes text that is not in the paper" in last:
        return json.dumps({"withdraw": True})
    if "Challenge it" in last:
        return json.dumps({"verdict": "valid", "reason": "The passage says so."})
    return default_responder(body)


@pytest.fixture
def server():
    with FakeOpenAIServer(responder=responder) as srv:
        yield srv


def test_progressive_review_cli(server, sample_pdf, tmp_path, capsys):  # noqa: F811
    out, ann = tmp_path / "r.json", tmp_path / "r.pdf"
    args = ["review", sample_pdf, "--base-url", server.base_url, "--model", "m",
            "--method", "progressive", "-o", out, "--annotate", ann,
            "--run-dir", tmp_path / "llm"]
    code, _, err = run_cli(args, capsys)
    assert code == 0, err
    rec = json.loads(out.read_text())
    calls = rec["metadata"]["calls"]
    from paperreview.parse import parse_pdf

    n_parts = len(reading_parts(parse_pdf(sample_pdf)))
    assert calls["section"] == n_parts >= 3
    assert calls.get("crosscut", 0) >= 1 and calls.get("reask", 0) >= 1
    sources = {c["source"] for c in rec["comments"]}
    assert sources == {"checklist", "llm"}
    from paperreview.review.text import full_text

    text = normalise(full_text(parse_pdf(sample_pdf)))  # the paper's text, line numbers removed
    verified = [c for c in rec["comments"] if c["verified"] and c["status"] == "kept"]
    assert any(c["source"] == "llm" for c in verified)
    for c in (c for c in verified if c["source"] == "llm"):
        assert normalise(c["evidence"]["quote"]).strip(". ") in text, c
    rejected = [c for c in rec["comments"] if c["status"] == "rejected"]
    assert any(INVENTED in (c["evidence"]["quote"] or "") and c["reason"] for c in rejected)
    assert not any(INVENTED in (c["evidence"]["quote"] or "") for c in verified)
    highlights = 0
    with pymupdf.open(ann) as doc:
        for page in doc:
            highlights += sum(a.type[1] == "Highlight" for a in page.annots())
    assert highlights == sum(1 for c in verified if c["evidence"]["page"])
    # a rerun is served from the journal: no answer paid twice
    answered = sum(server.count_by_key.values())
    code, _, err = run_cli(args, capsys)
    assert code == 0, err
    assert sum(server.count_by_key.values()) == answered
    assert json.loads(out.read_text())["comments"] == rec["comments"]


def test_dry_run_sends_nothing(server, sample_pdf, tmp_path, capsys):  # noqa: F811
    code, out, err = run_cli(["review", sample_pdf, "--base-url", server.base_url, "--model",
                              "gpt-4o", "--dry-run", "--run-dir", tmp_path / "llm"], capsys)
    assert code == 0, err
    assert server.snapshot()["requests"] == 0 if "requests" in server.snapshot() else True
    assert sum(server.count_by_key.values()) == 0
    assert "read (one call per part)" in out and "total:" in out and "$" in out


def test_verify_and_merge_units():
    p = Paper(id="x", sections=[Section(heading="Method", text="We fine-tune the encoder for "
                                         "ten epochs with a learning rate of 0.001.")])
    idx = PaperIndex.from_paper(p)
    assert idx.find("we fine-tune the encoder for ten epochs").ok
    assert idx.find("we fine tune the encoder for ten epoch").ok  # garbled a little: still ok
    assert not idx.find("we pretrain on ImageNet for a hundred epochs").ok
    from paperreview.records import Evidence, ReviewComment

    a = ReviewComment(id="c1", text="No error bars are reported.", severity="minor",
                      evidence=Evidence(page=2, quote="x"))
    b = ReviewComment(id="c2", text="No error bars are reported at all.", severity="major",
                      evidence=Evidence(page=2, quote="y"))
    out = merge([a, b])
    assert [c.id for c in out if c.status == "kept"] == ["c2"]
    assert out[1].reason == "duplicate of c2"


def test_calibrate_and_review_with_calibration(server, sample_pdf, tmp_path, capsys):  # noqa: F811
    from paperreview.records import GeneratedReview, HumanReview, Submission

    gen, human = tmp_path / "gen.jsonl", tmp_path / "subs.jsonl"
    gen.write_text("".join(GeneratedReview(id=f"g{i}", rating=r).model_dump_json() + "\n"
                           for i, r in enumerate([6, 6, 7, 7, 7, 8, 6, 7, 8, 7])))
    human.write_text("".join(Submission(id=f"s{i}", forum=f"s{i}", venue="DemoConf", reviews=[
        HumanReview(id=f"r{i}{j}", forum=f"s{i}", rating=r) for j, r in enumerate(rs)]
    ).model_dump_json() + "\n" for i, rs in enumerate([[3, 5], [4, 6], [8, 7], [5, 5], [2, 6]])))
    cal = tmp_path / "cal.json"
    code, _, err = run_cli(["evaluate", "calibrate", "--generated", gen, "--human", human,
                            "-o", cal], capsys)
    assert code == 0, err
    from paperreview.evaluate.calibrate import Calibration

    c = Calibration.load(cal)
    assert c.venue == "DemoConf" and c.n_model == 10 and c.n_human == 10
    assert c.apply(6)[0] < c.apply(7)[0] < c.apply(8)[0]
    from tests.review.test_generate import neurips_answer

    server.responder = lambda body: neurips_answer(7, "accept")
    out = tmp_path / "r.json"
    code, _, err = run_cli(["review", sample_pdf, "--base-url", server.base_url, "--model", "m",
                            "-t", "neurips", "--method", "zero-shot", "--calibration", cal,
                            "-o", out, "--run-dir", tmp_path / "llm"], capsys)
    assert code == 0, err
    rec = json.loads(out.read_text())
    cr = rec["metadata"]["calibrated_rating"]
    assert cr["raw"] == 7 and cr["low"] <= cr["value"] <= cr["high"] and cr["venue"] == "DemoConf"
    assert "human scale" in out.with_suffix(".md").read_text()


def test_killed_mid_review_rerun_pays_nothing_twice(server, sample_pdf, tmp_path, capsys,  # noqa: F811
                                                    monkeypatch):
    """Killed after the reading pass (Ctrl-C before the cross-checks): the rerun reads every
    part from the journal and asks the server only for what was never answered."""
    from paperreview.review import progressive

    args = ["review", sample_pdf, "--base-url", server.base_url, "--model", "m", "-o",
            tmp_path / "r.json", "--run-dir", tmp_path / "llm"]
    real = progressive.Progressive.crosscut

    def killed(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(progressive.Progressive, "crosscut", killed)
    try:
        code = run_cli(args, capsys)[0]  # the CLI turns Ctrl-C into an exit status
    except KeyboardInterrupt:
        code = 130
    assert code not in (0, None)
    read = sum(server.count_by_key.values())
    assert read >= 3 and not (tmp_path / "r.json").exists()
    monkeypatch.setattr(progressive.Progressive, "crosscut", real)
    code, _, err = run_cli(args, capsys)
    assert code == 0, err
    assert sum(server.count_by_key.values()) > read  # the rest was asked ...
    assert max(server.count_by_key.values()) == 1    # ... and no answer twice
