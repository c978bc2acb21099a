"""`tasks data`: instruction records through the dataset stage's writers, split by paper."""

from __future__ import annotations

import csv
import json

import pytest

from paperreview.cli import main
from paperreview.io import read_jsonl
from paperreview.tasks.data import TasksDataConfig, run_data
from paperreview.tasks.spec import KEYWORDS_INSTRUCTION, TITLE_INSTRUCTION


def _records(out):
    return {s: list(read_jsonl(out / f"{s}.jsonl")) for s in ("train", "validation", "test")}


def test_arxiv_sample_gives_900_alpaca_records_split_by_paper(tasks_data, tmp_path):
    src = tasks_data / "arxiv_kaggle_metadata_sample" / "weaviate_data_metadata_1000.json"
    out = tmp_path / "title"
    main(["tasks", "data", "--task", "title", "--source", str(src), "-o", str(out)])  # exit 0
    recs = _records(out)
    assert sum(len(v) for v in recs.values()) >= 900
    papers = {s: {r["paper_id"] for r in v} for s, v in recs.items()}
    assert not (papers["train"] & papers["test"]) and not (papers["train"] & papers["validation"])
    r = recs["train"][0]
    assert r["instruction"] == TITLE_INSTRUCTION and r["output"] == r["item"]["title"]
    assert r["input"] == r["item"]["abstract"] and "\n" not in r["output"]
    info = json.loads((out / "dataset_info.json").read_text())
    assert info["paper_title_train"]["formatting"] == "alpaca"
    report = json.loads((out / "build_report.json").read_text())
    assert report["tokens"]["fields"]["output"]["n"] == sum(len(v) for v in recs.values())
    datasets = pytest.importorskip("datasets")
    dd = datasets.load_dataset("json", data_files={s: str(out / f"{s}.jsonl") for s in recs})
    assert dd["train"].num_rows == len(recs["train"])
    assert {"instruction", "input", "output"} <= set(dd["train"].column_names)


def test_challenge_csv_keyword_records_hold_the_gold_keywords(tasks_data, tmp_path):
    src = tasks_data / "iflytek_paper_abstract_cls_kw" / "test.csv"
    s = run_data(TasksDataConfig(task="keywords", source=str(src), out_dir=str(tmp_path / "kw")))
    assert s.ok == 2357 and s.reasons == {"failed: empty abstract": 1}
    gold = {r["uuid"]: r["Keywords"] for r in csv.DictReader(src.open(encoding="utf-8"))}
    recs = [r for v in _records(tmp_path / "kw").values() for r in v]
    assert len(recs) == 2357
    for r in recs[:200]:
        want = [k.strip().rstrip(".").strip() for k in gold[r["id"]].split(";") if k.strip()]
        assert r["output"].split(", ") == [k for k in want if k]
        assert r["instruction"] == KEYWORDS_INSTRUCTION
        assert r["input"].startswith("title: ") and "\nabstract: " in r["input"]


def test_classify_labels_formats_and_instruction(arxiv_file, tmp_path):
    out = tmp_path / "cls"
    s = run_data(TasksDataConfig(task="classify", source=str(arxiv_file), out_dir=str(out),
                                 label="primary:q-bio", format="messages", splits=[0.5, 0.25, 0.25],
                                 instruction="Is it biology? 1 or 0"))
    assert s.ok == 12 and s.failed == 1
    recs = [r for v in _records(out).values() for r in v]
    assert {r["messages"][1]["content"] for r in recs} == {"0", "1"}
    assert all(r["messages"][0]["content"].startswith("Is it biology? 1 or 0\ntitle: ")
               for r in recs)
    bio = [r for r in recs if r["messages"][1]["content"] == "1"]
    assert all(r["item"]["categories"][0].startswith("q-bio") for r in bio)
    info = json.loads((out / "dataset_info.json").read_text())
    assert info["paper_classify_train"]["columns"] == {"messages": "messages"}


def test_classify_without_labels_says_what_to_pass(arxiv_file, tmp_path):
    s = run_data(TasksDataConfig(task="classify", source=str(arxiv_file), out_dir=str(tmp_path)))
    assert s.ok == 0
    assert any("pass --label archive" in k for k in s.reasons)


def test_tokenizer_statistics(arxiv_file, tiny_llama_dir, tmp_path):
    out = tmp_path / "tok"
    run_data(TasksDataConfig(task="title", source=str(arxiv_file), out_dir=str(out),
                             format="sharegpt", tokenizer=str(tiny_llama_dir)))
    stats = json.loads((out / "token_stats.json").read_text())
    assert stats["records"] == 12 and (out / "token_stats.png").exists()
    report = json.loads((out / "build_report.json").read_text())
    assert report["tokens"]["unit"] == "tokens" and report["tokens"]["max"] > 0
