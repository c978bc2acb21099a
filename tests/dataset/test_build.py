"""The build stage end to end: fitting, bad input counted, splits by paper, exports."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreview.cli import main
from paperreview.dataset.build import BuildConfig, run
from paperreview.dataset.splits import split_by_paper
from paperreview.dataset.tokens import TokenCounter
from tests.dataset.conftest import make_paper, review_line, write_inputs

LONG_REVIEW = "[Significance and novelty]\n" + "<Point> The paper proposes a method. " * 40


def _lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture
def inputs(tmp_path):
    papers = [make_paper(f"p{i}") for i in range(12)] + [make_paper("big", n_method=30)]
    papers.append(make_paper("empty").model_copy(update={"title": "", "abstract": "",
                                                         "sections": [], "captions": []}))
    reviews = [review_line(f"s{i}", f"p{i}") for i in range(12)]
    reviews += [review_line("s-big", "big", LONG_REVIEW), review_line("s-empty", "empty"),
                review_line("s-orphan", "no-such-paper"), review_line("s-fail", "p1", status="failed"),
                review_line("s-huge", "p2", "[Significance and novelty]\n" + "<X> y. " * 3000),
                review_line("s-dup", "p3")]
    pdir, rpath = write_inputs(tmp_path, papers, reviews)
    (pdir / "broken.json").write_text("{not json", encoding="utf-8")
    return pdir, rpath


def test_build_fits_counts_and_splits(inputs, tmp_path, tokenizer_dir):
    pdir, rpath = inputs
    out = tmp_path / "out"
    cfg = BuildConfig(papers=str(pdir), reviews=str(rpath), out_dir=str(out), max_tokens=4000,
                      tokenizer=str(tokenizer_dir), workers=1, splits=[0.5, 0.25, 0.25], seed=3)
    summary = run(cfg)
    assert summary.reasons["failed: no matching paper"] == 1
    assert summary.reasons["failed: empty paper"] == 1
    assert summary.reasons["skipped: review status failed"] == 1
    assert summary.reasons["failed: unreadable paper"] == 1
    assert summary.failed_rows[0]["where"] == str(pdir / "broken.json")
    assert summary.reasons["skipped: exact duplicate record"] == 1
    assert any(k.startswith("failed: review with instruction") for k in summary.reasons)
    rows = {s: _lines(out / f"{s}.jsonl") for s in ("train", "validation", "test")}
    allrows = [r for v in rows.values() for r in v]
    assert len(allrows) == summary.ok == 13
    papers = [{r["paper_id"] for r in v} for v in rows.values()]
    assert not (papers[0] & papers[1] or papers[0] & papers[2] or papers[1] & papers[2])
    assert all(papers)
    with TokenCounter(tokenizer_dir) as counter:
        for r in allrows:
            n = counter.count(counter.render_chat(r["instruction"] + "\n" + r["input"], r["output"]))
            assert n == r["n_tokens"] <= 4000
    big = next(r for r in allrows if r["paper_id"] == "big")
    assert big["output"] == LONG_REVIEW.strip()  # never cut
    assert big["truncated"] == ["2 Method", "A Proofs"] and "[TITLE]" in big["input"]
    assert all(r["truncated"] == [] for r in allrows if r["paper_id"] != "big")
    report = json.loads((out / "build_report.json").read_text())
    assert report["splits"] == {k: len(v) for k, v in rows.items()}
    assert "no matching paper" in {d["reason"] for d in report["dropped"]}
    assert any("broken.json: not valid JSON" in d["reason"] for d in report["dropped"])
    # same seed, same split; the resolved config is saved
    assert json.loads((out / "config.json").read_text())["seed"] == 3


def test_cli_build_messages_with_mix_and_save_to_disk(inputs, tmp_path, tokenizer_dir):
    pdir, rpath = inputs
    mix = tmp_path / "general.json"
    mix.write_text(json.dumps([{"instruction": f"Say {i}.", "input": "", "output": f"{i}"}
                               for i in range(50)] + [{"nope": 1}]))
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:  # exit 1: the inputs hold some failed items
        main(["dataset", "build", "--papers", str(pdir), "--reviews", str(rpath), "-o", str(out),
              "--tokenizer", str(tokenizer_dir), "--format", "messages", "--output-format", "json",
              "--max-seq-tokens", "4000", "--mix", f"{mix}:0.5", "--save-to-disk", "--workers", "2"])
    assert done.value.code == 1
    train = _lines(out / "train.jsonl")
    mixed = [r for r in train if r["id"].startswith("mix:")]
    paper_rows = [r for r in train if not r["id"].startswith("mix:")]
    assert len(mixed) == round(0.5 * len(paper_rows))
    at = [i for i, r in enumerate(train) if r["id"].startswith("mix:")]
    assert at != list(range(len(paper_rows), len(train)))  # interleaved (seeded), not appended
    assert not (out / ".build-spool.jsonl").exists()
    r = paper_rows[0]
    assert [m["role"] for m in r["messages"]] == ["user", "assistant"]
    assert json.loads(r["messages"][1]["content"])["significance_and_novelty"][0]["title"] == "New"
    import datasets

    dd = datasets.load_from_disk(str(out / "hf"))
    assert dd["train"].num_rows == len(train)
    loaded = datasets.load_dataset("json", data_files={"train": str(out / "train.jsonl")})
    assert loaded["train"].num_rows == len(train)


def test_dataset_info_matches_llamafactory_schema(inputs, tmp_path, tokenizer_dir):
    # documented in LLaMA-Factory data/README.md
    top = {"hf_hub_url", "ms_hub_url", "script_url", "file_name", "file_sha1", "subset", "folder",
           "ranking", "formatting", "columns", "tags", "split", "num_samples"}
    columns = {"prompt", "query", "response", "history", "messages", "system", "tools", "images",
               "videos", "audios", "chosen", "rejected", "kto_tag"}
    tags = {"role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag",
            "function_tag", "system_tag"}
    pdir, rpath = inputs
    for fmt in ("alpaca", "sharegpt", "messages"):
        out = tmp_path / fmt
        run(BuildConfig(papers=str(pdir), reviews=str(rpath), out_dir=str(out), format=fmt,
                        tokenizer=str(tokenizer_dir), workers=1))
        info = json.loads((out / "dataset_info.json").read_text())
        assert set(info) == {"paperreview_train", "paperreview_validation", "paperreview_test"}
        assert info["paperreview_train"]["file_name"] == "train.jsonl"
        for entry in info.values():
            assert set(entry) <= top and entry["formatting"] in ("alpaca", "sharegpt")
            assert set(entry["columns"]) <= columns and set(entry.get("tags", {})) <= tags
            row = _lines(out / entry["file_name"])[0]
            for col in entry["columns"].values():
                assert col in row  # every named column exists in the file
            if entry["formatting"] == "sharegpt":
                turn = row[entry["columns"]["messages"]][0]
                t = entry["tags"]
                assert set(turn) == {t["role_tag"], t["content_tag"]}
                assert turn[t["role_tag"]] == t["user_tag"]


def test_unloadable_tokenizer_stops_the_build_with_a_fix(inputs, tmp_path, capsys):
    pdir, rpath = inputs
    with pytest.raises(SystemExit) as exc:
        main(["dataset", "build", "--papers", str(pdir), "--reviews", str(rpath),
              "-o", str(tmp_path / "o"), "--tokenizer", "nobody/no-such-model"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "cannot load tokenizer 'nobody/no-such-model'" in err and "--local-dir" in err


@settings(max_examples=50, deadline=None)
@given(pids=st.lists(st.sampled_from([f"p{i}" for i in range(30)]), min_size=1, max_size=80),
       seed=st.integers(0, 5))
def test_splits_never_share_a_paper(pids, seed):
    recs = [{"paper_id": p, "i": i} for i, p in enumerate(pids)]
    splits = split_by_paper(recs, [0.8, 0.1, 0.1], seed)
    owners = {}
    for name, rows in splits.items():
        for r in rows:
            assert owners.setdefault(r["paper_id"], name) == name
    assert sum(len(v) for v in splits.values()) == len(recs)
    assert splits == split_by_paper(recs, [0.8, 0.1, 0.1], seed)  # seeded: reproducible


def test_training_targets_never_carry_reviewer_ids():
    from paperreview.dataset.inputs import review_output
    from paperreview.records import AggregatedReview

    point = {"title": "Novel", "detail": "New idea.", "raised_by": ["rev-secret-1"]}
    review = {k: [] for k in ("significance_and_novelty", "reasons_for_acceptance",
                              "reasons_for_rejection", "suggestions_for_improvement")}
    review["significance_and_novelty"] = [point]
    rev = AggregatedReview(id="s1", template="four-aspect", template_version="2.0", review=review)
    for fmt in ("bracket", "json"):
        out = review_output(rev, fmt)
        assert "Novel" in out and "rev-secret-1" not in out, fmt
    # the text the aggregate stage writes carries "(raised_by: [...])" lines: dropped too
    from paperreview.aggregate.bracket import to_bracket

    text = to_bracket(review, "four-aspect")
    assert "rev-secret-1" in text
    with_text = rev.model_copy(update={"text": text})
    out = review_output(with_text, "bracket")
    assert "rev-secret-1" not in out and "raised_by" not in out
    assert out == to_bracket(review, "four-aspect", raised_by=False).strip()


def test_reviews_join_parse_output_by_file_name(tmp_path, tokenizer_dir):
    """`paperreview parse` names a paper's file after its PDF while its id is the PDF's hash:
    a review whose paper_id is the file name finds it."""
    paper = make_paper("0f3a9c-sha256-of-the-pdf")
    pdir, rpath = write_inputs(tmp_path, [paper], [review_line("s1", "104")])
    (pdir / f"{paper.id}.json").rename(pdir / "104.json")
    out = tmp_path / "out"
    summary = run(BuildConfig(papers=str(pdir), reviews=str(rpath), out_dir=str(out),
                              tokenizer=str(tokenizer_dir), workers=1, splits=[1, 0, 0]))
    assert summary.ok == 1 and summary.failed == 0
    assert _lines(out / "train.jsonl")[0]["paper_id"] == paper.id


def test_garbage_line_mid_reviews_is_one_failed_row(tmp_path, tokenizer_dir):
    """A malformed line in the middle of aggregated.jsonl: the build finishes, the good records
    are built, and the summary counts one failed row naming path:line (given as aggregate's dir)."""
    papers = [make_paper(f"p{i}") for i in range(4)]
    reviews = [review_line(f"s{i}", f"p{i}") for i in range(4)]
    pdir, rpath = write_inputs(tmp_path, papers, reviews)
    lines = rpath.read_text(encoding="utf-8").splitlines(keepends=True)
    agg_dir = tmp_path / "agg"
    agg_dir.mkdir()
    (agg_dir / "aggregated.jsonl").write_text("".join(lines[:2] + ["{garbage\n"] + lines[2:]),
                                              encoding="utf-8")
    out = tmp_path / "out"
    summary = run(BuildConfig(papers=str(pdir), reviews=str(agg_dir), out_dir=str(out),
                              tokenizer=str(tokenizer_dir), workers=1, max_seq_tokens=4000))
    assert summary.ok == 4 and summary.failed == 1
    assert summary.reasons == {"failed: malformed input line": 1}
    saved = json.loads((out / "summary.json").read_text())
    assert [r["where"] for r in saved["failed_rows"]] == [f"{agg_dir / 'aggregated.jsonl'}:3"]
