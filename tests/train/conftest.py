"""Train-area fixtures: tiny datasets in the shape `paperreview dataset build` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

INSTRUCTION = "Write a review of the paper with strengths and weaknesses."
PAPERS = [
    ("[TITLE] A Study [ABSTRACT] We study things. [CONTENT] Intro.",
     "Strengths: clear writing, strong baselines. Weaknesses: only a single dataset."),
    ("[TITLE] Novel method [ABSTRACT] A novel method for learning representations.",
     "Strengths: ablation study in Table 2. Weaknesses: no error bars."),
]


def record(i: int, fmt: str) -> dict:
    paper, review = PAPERS[i % len(PAPERS)]
    if fmt == "alpaca":
        return {"id": f"p{i}", "instruction": INSTRUCTION, "input": paper, "output": review,
                "paper_id": f"p{i}", "truncated": []}
    if fmt == "sharegpt":
        return {"id": f"p{i}", "paper_id": f"p{i}", "conversations": [
            {"from": "human", "value": f"{INSTRUCTION}\n{paper}"}, {"from": "gpt", "value": review}]}
    return {"id": f"p{i}", "paper_id": f"p{i}", "messages": [
        {"role": "user", "content": f"{INSTRUCTION}\n{paper}"},
        {"role": "assistant", "content": review}]}


def write_dataset(root: Path, fmt: str = "alpaca", n_train: int = 8, n_val: int = 2,
                  report: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("validation", n_val), ("test", 1)):
        with (root / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps(record(i, fmt)) + "\n")
    # the shape `paperreview dataset build` writes (config + tokens summary)
    report = report or {"config": {"tokenizer": "tiny", "max_tokens": 128},
                        "splits": {"train": n_train, "validation": n_val, "test": 1},
                        "tokens": {"max_tokens": 128, "records": n_train, "max": 60, "mean": 55.0}}
    (root / "build_report.json").write_text(json.dumps(report), encoding="utf-8")
    return root


@pytest.fixture
def dataset_dir(tmp_path) -> Path:
    return write_dataset(tmp_path / "sft")


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_llama_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_llama_dir)

