"""Task wording, label rules, answer parsing and the metrics, on small inline cases."""

from __future__ import annotations

import pytest

from paperreview.errors import ConfigError
from paperreview.tasks import metrics
from paperreview.tasks.readers import Item
from paperreview.tasks.spec import (
    KEYWORDS_INSTRUCTION,
    MEDICAL_INSTRUCTION,
    check_label_rule,
    default_instruction,
    input_text,
    label_of,
    parse_answer,
)


def test_default_instructions_are_the_challenge_wording():
    assert default_instruction("keywords") == KEYWORDS_INSTRUCTION
    assert KEYWORDS_INSTRUCTION.endswith("separated by commas -->")
    assert default_instruction("classify") == MEDICAL_INSTRUCTION
    assert "output 1 or 0" in MEDICAL_INSTRUCTION
    assert "q-bio" in default_instruction("classify", "primary:q-bio")
    assert "(cs, math)" in default_instruction("classify", "archive", ["cs", "math"])


def test_input_text_is_title_author_abstract_for_the_challenge_tasks():
    it = Item(id="1", title="T", authors="A B", abstract="Text.")
    assert input_text("title", it) == "Text."
    assert input_text("keywords", it) == "title: T\nauthor: A B\nabstract: Text."


def test_label_rules():
    it = Item(id="1", abstract="a", categories=["cs.LG", "q-bio.NC"])
    assert label_of(it, "archive") == "cs"
    assert label_of(it, "primary:q-bio") == "0"
    assert label_of(it, "any:q-bio") == "1"
    assert label_of(it, "primary:cs.LG") == "1" and label_of(it, "primary:cs.AI") == "0"
    assert label_of(Item(id="2", abstract="a", label="1"), "column") == "1"
    with pytest.raises(ConfigError, match="unknown label rule"):
        check_label_rule("medical")


def test_parse_answers():
    assert parse_answer("title", 'Title: "Fast Pruning of GNNs"\nMore text') == "Fast Pruning of GNNs"
    assert parse_answer("keywords", "1. graph; 2. pruning") == ["graph", "pruning"]
    assert parse_answer("classify", "The answer is 1.") == "1"
    assert parse_answer("classify", "It is q-bio, not cs", ["cs", "q-bio"]) == "q-bio"
    assert parse_answer("title", "   ") is None


def test_keyword_match_rules():
    gold = [["neural networks", "model pruning", "GPU"]]
    pred = [["Neural-Networks", "pruning", "neural network", "speed"]]
    r = metrics.keyword_prf(gold, pred, k=5)
    assert r["exact"]["precision"] == 0.25      # "Neural-Networks" only
    assert r["stemmed"]["precision"] == 0.5     # + "neural network"
    assert r["partial"]["precision"] == 0.75    # + "pruning" inside "model pruning"
    assert r["partial"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    top1 = metrics.keyword_prf(gold, pred, k=1)["exact"]
    assert top1["precision"] == 1.0 and top1["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics.keyword_prf(gold, [None], k=5)["partial"]["f1"] == 0.0


def test_rouge_and_classification():
    r = metrics.rouge_scores(["Fast pruning of graph networks"], ["Fast pruning of graph networks"])
    assert r["rougeL"] == 1.0
    assert metrics.rouge_scores(["a b"], [None])["rouge1"] == 0.0
    c = metrics.classification_scores(["1", "0", "0", "0"], ["1", "0", "1", None])
    assert c["accuracy"] == 0.5 and c["unparsed"] == 1
    assert c["majority"] == {"predicts": "0", "accuracy": 0.75, "macro_f1": pytest.approx(0.4286,
                                                                                       abs=1e-4),
                             "f1_positive": 0.0}
    assert c["f1_positive"] == pytest.approx(0.6667, abs=1e-4)
