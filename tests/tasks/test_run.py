"""`tasks run` / `title` / `tasks evaluate` against the local OpenAI-compatible server."""

from __future__ import annotations

import json

import pytest

from paperreview.cli import main
from paperreview.io import read_jsonl
from paperreview.tasks.spec import TITLE_INSTRUCTION
from tests.helpers.fake_openai import FakeOpenAIServer


def title_responder(body: dict) -> str:
    """A "model" that titles an abstract by its first three words, prefixed like a chatty one."""
    user = body["messages"][-1]["content"]
    abstract = user.split("\n", 1)[1] if "\n" in user else user
    return "Title: A " + " ".join(abstract.split()[:3]).title() + "\n\nThis title says it all."


def test_run_title_writes_one_title_per_abstract_and_evaluates(arxiv_file, tmp_path, capsys):
    out = tmp_path / "titles"
    with FakeOpenAIServer(rpm=6000) as srv:
        srv.responder = title_responder
        args = ["tasks", "run", "--task", "title", "--input", str(arxiv_file), "-o", str(out),
                "--model", "fake-model", "--base-url", srv.base_url]
        with pytest.raises(SystemExit) as done:  # the empty abstract: a failed row, exit 1
            main(args)
        assert done.value.code == 1
        assert all(b["messages"][0]["content"].startswith(TITLE_INSTRUCTION + "\n")
                   for b in srv.bodies)
        rows = list(read_jsonl(out / "predictions.jsonl"))
        ok = [r for r in rows if r["status"] == "ok"]
        assert len(ok) == 12 == len(srv.bodies)
        assert ok[0]["prediction"] == "A We Study Problem" and ok[0]["gold"] == "A title number 1"
        bad = [r for r in rows if r["status"] == "failed"]
        assert len(bad) == 1 and "empty abstract" in bad[0]["error"]
        # resumable: a rerun asks nothing again and writes no duplicate rows
        with pytest.raises(SystemExit):
            main(args)
        assert len(srv.bodies) == 12
        assert len(list(read_jsonl(out / "predictions.jsonl"))) == 13
    main(["tasks", "evaluate", "--task", "title", "--predictions", str(out), "-o",
          str(tmp_path / "rep"), "--no-embed"])
    res = json.loads((tmp_path / "rep" / "tasks_title.json").read_text())
    assert res["n"] == 12 and 0 < res["rougeL"] < 1 and (tmp_path / "rep" / "tasks_title.png").exists()


def test_run_keywords_and_classify_from_data_records(challenge_csv, arxiv_file, tmp_path):
    from paperreview.tasks.data import TasksDataConfig, run_data

    run_data(TasksDataConfig(task="classify", source=str(arxiv_file), out_dir=str(tmp_path / "d"),
                             label="archive", splits=[0.0, 0.0, 1.0]))
    with FakeOpenAIServer(rpm=6000) as srv:
        srv.responder = lambda body: "This is a math paper." if "math" in str(body) else "cs"
        main(["tasks", "run", "--task", "classify", "--input", str(tmp_path / "d" / "test.jsonl"),
              "-o", str(tmp_path / "c"), "--model", "m", "--base-url", srv.base_url])
        rows = list(read_jsonl(tmp_path / "c" / "predictions.jsonl"))
        assert len(rows) == 12 and {r["prediction"] for r in rows} <= {"math", "cs"}
        assert srv.bodies[0]["messages"][0]["content"].startswith("Please judge which arXiv")
        srv.responder = lambda body: "keywords: flow cytometry, ROS; leukemia"
        with pytest.raises(SystemExit):  # one empty abstract
            main(["tasks", "run", "--task", "keywords", "--input", str(challenge_csv), "-o",
                  str(tmp_path / "k"), "--model", "m", "--base-url", srv.base_url])
    rows = [r for r in read_jsonl(tmp_path / "k" / "predictions.jsonl") if r["status"] == "ok"]
    assert rows[0]["prediction"] == ["flow cytometry", "ROS", "leukemia"]
    assert rows[0]["gold"] == ["Flow cytometry", "ROS", "Leukemia"]
    main(["tasks", "evaluate", "--task", "keywords", "--predictions", str(tmp_path / "k"), "-o",
          str(tmp_path / "rep")])
    res = json.loads((tmp_path / "rep" / "tasks_keywords.json").read_text())
    assert res["@5"]["exact"]["f1"] == pytest.approx(0.5)  # doc 0 perfect, doc 2 no hit
    assert len(res["skipped_rows"]) == 1  # the empty abstract: no gold to score


def test_title_command_and_suggest(tmp_path, capsys):
    from paperreview.tasks import suggest

    with FakeOpenAIServer(rpm=6000) as srv:
        srv.responder = title_responder
        main(["title", "Graph pruning makes networks fast.", "--model", "m", "--base-url",
              srv.base_url])
        assert capsys.readouterr().out.strip() == "A Graph Pruning Makes"
        got = suggest("Graph pruning makes networks fast.", {"model": "m",
                                                             "base_url": srv.base_url})
    assert got["titles"] == ["A Graph Pruning Makes"] and got["source"] == "model"
    assert got["keywords"]  # the echoed answer parsed as a keyword list
    offline = suggest("We prune graph neural networks for speed. It works well.", {})
    assert offline["source"] == "offline" and offline["titles"] == [
        "We prune graph neural networks for speed"]
    assert any("graph" in k.lower() for k in offline["keywords"])
    from paperreview.errors import InputError

    with pytest.raises(InputError, match="empty"):
        suggest("   ", {})


def test_evaluate_needs_gold(tmp_path):
    from paperreview.errors import InputError
    from paperreview.tasks.evaluate import read_predictions

    (tmp_path / "predictions.jsonl").write_text('{"id": "a", "prediction": "x"}\nnot json\n')
    with pytest.raises(InputError, match="no prediction rows with a gold answer"):
        read_predictions(tmp_path)


def test_classify_a_csv_without_labels_asks_the_medical_question(challenge_csv, tmp_path):
    with FakeOpenAIServer(rpm=6000) as srv:
        srv.responder = lambda body: "1"
        with pytest.raises(SystemExit):  # the empty abstract
            main(["tasks", "run", "--task", "classify", "--input", str(challenge_csv), "-o",
                  str(tmp_path), "--model", "m", "--base-url", srv.base_url])
        assert srv.bodies[0]["messages"][0]["content"].startswith(
            "Please judge whether it is a medical field paper")
    rows = [r for r in read_jsonl(tmp_path / "predictions.jsonl") if r["status"] == "ok"]
    assert [r["prediction"] for r in rows] == ["1", "1"] and rows[0]["gold"] is None
