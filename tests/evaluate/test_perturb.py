"""Error injection on real PDFs (../shared/data/papers): the manifest tells the truth about the
copies, an oracle review scores recall 1, a review of untouched sentences scores 0."""

import json
from pathlib import Path

import pytest

from paperreview.cli import main
from paperreview.evaluate.external import load_reviews
from paperreview.evaluate.perturb.generators import resolve_kinds
from paperreview.evaluate.perturb.make import make_perturbations
from paperreview.evaluate.perturb.run import run_perturb_score
from paperreview.evaluate.perturb.score import coverage, quote_hit
from paperreview.records import ReviewComment

PAPERS = ("aatif-arabic-llm-safety-review.pdf", "bullet-groups-lcdm.pdf")


def _text(path) -> str:
    import pymupdf

    with pymupdf.open(str(path)) as doc:
        return " ".join(" ".join(p.get_text().split()) for p in doc)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    from tests.conftest import SHARED

    src = SHARED / "papers"
    if not src.exists():
        pytest.skip(f"shared papers not found at {src}")
    out = tmp_path_factory.mktemp("perturb")
    s = make_perturbations([src / p for p in PAPERS], out, ["surface"], per_paper=3, seed=1)
    rows = [json.loads(ln) for ln in (out / "manifest.jsonl").read_text().splitlines()]
    return out, s, rows


def test_manifest_matches_the_pdfs(made):
    out, s, rows = made
    assert s.failed == 0 and len(rows) >= 4
    assert {r["category"] for r in rows} == {"surface"}
    for r in rows:
        assert set(r) >= {"id", "copy_id", "file", "source", "paper_id", "category", "kind",
                          "original", "perturbed", "page", "section", "why_wrong",
                          "contradicts_quote", "generator"}
        orig, copy = _text(r["source"]), _text(out / r["file"])
        assert r["original"] in orig, r
        assert r["perturbed"] in copy, r
        assert r["original"] != r["perturbed"]
        # the planted text replaced the original there: one fewer occurrence in the copy
        assert copy.count(r["original"]) == orig.count(r["original"]) - 1, r


def test_same_seed_same_manifest(made, tmp_path):
    _out, _, rows = made
    from tests.conftest import SHARED

    make_perturbations([SHARED / "papers" / PAPERS[0]], tmp_path, ["surface"], per_paper=3,
                       seed=1)
    again = [json.loads(ln) for ln in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    assert [(r["id"], r["perturbed"]) for r in again] == \
        [(r["id"], r["perturbed"]) for r in rows if r["paper_id"] == again[0]["paper_id"]]


def _reviews(path: Path, per_copy: dict[str, list[str]]) -> Path:
    with path.open("w") as fh:
        for cid, quotes in per_copy.items():
            comments = [{"id": f"c{i}", "text": "This looks wrong.",
                         "evidence": {"quote": q}} for i, q in enumerate(quotes)]
            fh.write(json.dumps({"id": cid, "paper_id": cid, "comments": comments}) + "\n")
    return path


def test_oracle_scores_one_untouched_scores_zero(made, tmp_path):
    out, _, rows = made
    oracle = {}
    for r in rows:
        oracle.setdefault(r["copy_id"], []).append(f"the text says {r['perturbed']} here")
    res = run_perturb_score(out / "manifest.jsonl", [_reviews(tmp_path / "o.jsonl", oracle)],
                            tmp_path / "o")
    assert res["report"]["recall"]["value"] == 1.0
    assert all(v["value"] == 1.0 for v in res["report"]["by_kind"].values())
    # untouched sentences of the copy: the words around each change, but not the change
    untouched = {}
    for r in rows:
        words = _text(out / r["file"]).split()
        untouched.setdefault(r["copy_id"], []).extend(
            " ".join(words[i:i + 12]) for i in range(0, 240, 12))
        untouched[r["copy_id"]].append(r["original"])  # quoting the ORIGINAL is not a catch
    res = run_perturb_score(out / "manifest.jsonl", [_reviews(tmp_path / "u.jsonl", untouched)],
                            tmp_path / "u")
    assert res["report"]["recall"]["value"] <= 0.1
    rep = json.loads((tmp_path / "u" / "report.json").read_text())
    assert rep["precision"]["perturbed"]["verified_quote_share"] > 0.5
    assert "not run" in rep["precision"]["judge_false_positive_rate"]
    assert (tmp_path / "u" / "report.md").read_text().startswith("# Error-injection")


def test_coverage_rules():
    assert coverage("blocks 71.2%", "the blocks 71.2 % of") == 1.0
    assert coverage("blocks 71.2%", "unrelated") < 0.3
    row = {"original": "(Table 1).", "perturbed": "(Table 2)."}
    assert quote_hit(row, ReviewComment(id="a", text="x", evidence={"quote": "(Table 1)."})) == 0
    assert quote_hit(row, ReviewComment(id="a", text="x", evidence={"quote": "see Table 2"})) \
        >= 0.75


def test_kinds_resolve_and_reject():
    assert resolve_kinds(["surface"], False) == ["numeric_parameter", "operator_or_sign",
                                                 "table_reference"]
    assert "misinterp" in resolve_kinds(None, True) and "misinterp" not in resolve_kinds(None, False)
    from paperreview.errors import ConfigError

    with pytest.raises(ConfigError):
        resolve_kinds(["nonsense"], False)


def test_external_markdown_and_json(tmp_path):
    (tmp_path / "x-p1.md").write_text('## Issues\n- The claim "accuracy of 93.1%" contradicts '
                                      "the abstract.\n- Typos.\n")
    (tmp_path / "x-p2.json").write_text(json.dumps(
        {"comments": [{"quote": "p < 0.05", "explanation": "misread"}]}))
    revs, errs = load_reviews(tmp_path)
    assert not errs
    by = {g.paper_id: g for g in revs}
    assert by["x-p1"].comments[0].evidence.quote == "accuracy of 93.1%"
    assert by["x-p2"].comments[0].evidence.quote == "p < 0.05"
    assert by["x-p2"].comments[0].text == "misread"


def test_cli_bad_kind_is_usage_error(tmp_path, capsys):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(SystemExit) as e:
        main(["evaluate", "perturb", "make", str(pdf), "-o", str(tmp_path / "o"),
              "--kinds", "bogus"])
    assert e.value.code == 2


def _model_responder(body):
    user = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
    if "The line you may edit" in user:
        line = user.split("keep its length similar):\n", 1)[1].split("\n\nAnswer with", 1)[0]
        words = line.split()
        original = " ".join(words[1:3])
        return json.dumps({"original": original, "perturbed": " ".join(reversed(words[1:3])),
                           "why_wrong": "the order of the terms is reversed",
                           "contradicts_quote": None})
    if "Claimed reason it is wrong" in user:
        return json.dumps({"verdict": "substantive", "reason": "it changes the claim"})
    raise AssertionError(user[:200])


def test_model_kinds_through_the_engine(tmp_path, monkeypatch):
    from paperreview.llm import Engine, EngineConfig
    from tests.conftest import SHARED
    from tests.helpers.fake_openai import FakeOpenAIServer

    pdf = SHARED / "papers" / "hpc-ebpf-workload-characterization.pdf"
    if not pdf.exists():
        pytest.skip(f"shared papers not found at {pdf}")
    monkeypatch.setenv("FAKE_KEY", "sk-test")
    with FakeOpenAIServer() as srv:
        srv.responder = _model_responder
        cfg = EngineConfig(base_url=srv.base_url, model="fake-model",
                           run_dir=str(tmp_path / "llm"), api_key_env="FAKE_KEY")
        with Engine(cfg) as engine:
            make_perturbations([pdf], tmp_path / "o", ["overstated_claim", "invalid_implication"],
                               per_paper=2, seed=0, engine=engine)
    rows = [json.loads(ln) for ln in (tmp_path / "o" / "manifest.jsonl").read_text().splitlines()]
    assert rows and all(r["generator"] == "llm:fake-model" for r in rows)
    for r in rows:
        assert r["perturbed"] in _text(tmp_path / "o" / r["file"])
        assert r["why_wrong"] == "the order of the terms is reversed"


def test_offline_checklist_review_lines_are_read(tmp_path):
    (tmp_path / "g.jsonl").write_text(json.dumps({
        "id": "x-p1", "paper_id": "x-p1", "status": "skipped",
        "findings": [{"rule": "r", "aspect": "a", "message": "m",
                      "evidence": {"quote": "blocks 71.2%"}}]}) + "\n" + json.dumps(
        {"id": "y", "status": "failed"}) + "\n")
    revs, errs = load_reviews(tmp_path / "g.jsonl")
    assert [g.paper_id for g in revs] == ["x-p1"] and len(errs) == 1
    from paperreview.evaluate.external import review_comments

    assert review_comments(revs[0])[0].evidence.quote == "blocks 71.2%"
