"""`tasks baseline`: TF-IDF + linear SVM (CV) vs majority, YAKE F1@5/@10, first sentence."""

from __future__ import annotations

import json

import pytest

from paperreview.cli import main
from paperreview.tasks.baseline import BaselineConfig, first_sentence_title, run_baseline


@pytest.mark.slow  # ~5-15 s on two busy cores
def test_classify_on_the_arxiv_sample_beats_majority_clearly(tasks_data, tmp_path):
    src = tasks_data / "arxiv_kaggle_metadata_sample" / "weaviate_data_metadata_1000.json"
    out = tmp_path / "cls"
    main(["tasks", "baseline", "--task", "classify", "--label", "archive", "--source", str(src),
          "-o", str(out)])
    res = json.loads((out / "tasks_classify.json").read_text())
    assert res["n"] == 1000 and res["cv"]["folds"] == 5
    assert res["majority"]["predicts"] == "cond-mat"
    assert res["accuracy"] > res["majority"]["accuracy"] + 0.3  # measured 0.72 vs 0.21
    assert res["macro_f1"] > res["majority"]["macro_f1"]
    md = (out / "tasks_classify.md").read_text()
    assert "majority" in md and (out / "tasks_classify.png").exists()
    rows = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(rows) == 1000 and {"prediction", "gold"} <= set(rows[0])


@pytest.mark.parametrize("which", ["challenge", "inspec"])
def test_yake_keywords_report_f1_at_5_and_10(tasks_data, tmp_path, which):
    src = (tasks_data / "iflytek_paper_abstract_cls_kw" / "test.csv" if which == "challenge"
           else tasks_data / "keyphrase_inspec_kdd_www" / "Inspec.zip")
    s = run_baseline(BaselineConfig(task="keywords", source=str(src), out_dir=str(tmp_path),
                                    limit=60))  # the full sets: see docs/tasks.md
    res = json.loads((tmp_path / "tasks_keywords.json").read_text())
    for k in ("@5", "@10"):
        for rule in ("exact", "stemmed", "partial"):
            assert 0.0 < res[k][rule]["f1"] < 1.0
        assert res[k]["exact"]["f1"] <= res[k]["stemmed"]["f1"] <= res[k]["partial"]["f1"]
    assert "F1@10 (partial)" in (tmp_path / "tasks_keywords.md").read_text()
    assert s.extra["F1@5 exact"] == res["@5"]["exact"]["f1"]


def test_title_baseline_and_empty_abstracts_are_counted(arxiv_file, tmp_path):
    s = run_baseline(BaselineConfig(task="title", source=str(arxiv_file), out_dir=str(tmp_path)))
    assert s.ok == 12 and s.reasons == {"failed: empty abstract": 1}
    res = json.loads((tmp_path / "tasks_title.json").read_text())
    assert 0 < res["rougeL"] < 1
    assert first_sentence_title("We propose X. It works.") == "We propose X"
    assert len(first_sentence_title("word " * 50).split()) == 20


def test_classify_needs_two_classes(arxiv_file, tmp_path):
    from paperreview.errors import InputError

    with pytest.raises(InputError, match="only one class"):
        run_baseline(BaselineConfig(task="classify", source=str(arxiv_file),
                                    out_dir=str(tmp_path), label="any:physics"))


def test_challenge_train_csv_label_column_works_unchanged(tmp_path):
    """The challenge's labelled train.csv (not in the shared data) has a `label` column: it is
    the default rule for data and baseline alike."""
    from paperreview.tasks.data import TasksDataConfig, run_data

    med = "Patients with tumour cells were treated in a clinical trial of the drug"
    cs = "We train a neural network with a new optimizer on image benchmarks"
    rows = [f'{i},Paper {i},"A B","{med if i % 2 else cs} number {i}.",k1; k2,{i % 2}'
            for i in range(24)]
    src = tmp_path / "train.csv"
    src.write_text("uuid,title,author,abstract,Keywords,label\n" + "\n".join(rows) + "\n",
                   encoding="utf-8")
    s = run_data(TasksDataConfig(task="classify", source=str(src), out_dir=str(tmp_path / "d")))
    assert s.ok == 24
    rec = json.loads((tmp_path / "d" / "train.jsonl").read_text().splitlines()[0])
    assert rec["instruction"].startswith("Please judge whether it is a medical field paper")
    assert rec["output"] == rec["item"]["label"]
    run_baseline(BaselineConfig(task="classify", source=str(src), out_dir=str(tmp_path / "b"),
                                folds=3))
    res = json.loads((tmp_path / "b" / "tasks_classify.json").read_text())
    assert res["accuracy"] == 1.0 and res["f1_positive"] == 1.0
    assert res["majority"]["accuracy"] == 0.5
