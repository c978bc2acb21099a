"""Dataset reading, format conversion, label masking and bad-input errors (no training)."""

from __future__ import annotations

import json

import pytest

from paperreview.errors import InputError
from paperreview.train.data import (
    IGNORE,
    encode_split,
    load_split,
    to_messages,
    tokenize_conversation,
)
from tests.train.conftest import INSTRUCTION, PAPERS, record, write_dataset


@pytest.mark.parametrize("fmt", ["alpaca", "sharegpt", "messages"])
def test_every_format_gives_the_same_conversation(tmp_path, fmt):
    convs = load_split(write_dataset(tmp_path / fmt, fmt), "train")
    assert len(convs) == 8 and convs[0].id == "p0"
    assert convs[0].messages == [
        {"role": "user", "content": f"{INSTRUCTION}\n{PAPERS[0][0]}"},
        {"role": "assistant", "content": PAPERS[0][1]}]


def test_prompt_tokens_carry_minus_100(tiny_tokenizer):
    msgs = to_messages(record(0, "alpaca"), "alpaca")
    ids, labels = tokenize_conversation(tiny_tokenizer, msgs)
    prompt = tiny_tokenizer.apply_chat_template(msgs[:1], add_generation_prompt=True,
                                                tokenize=True, return_dict=True)["input_ids"]
    assert ids[: len(prompt)] == list(prompt)
    assert all(t == IGNORE for t in labels[: len(prompt)])           # the whole prompt is masked
    review = [t for t in labels if t != IGNORE]
    assert tiny_tokenizer.decode(review).startswith(PAPERS[0][1])   # ... and only the review
    assert review[-1] == tiny_tokenizer.convert_tokens_to_ids("<|end|>")  # learns to stop


def test_prefix_masking_without_generation_markers(tiny_tokenizer):
    """Templates without {% generation %} (e.g. Mistral's) are masked by rendering the prompt."""
    template = tiny_tokenizer.chat_template.replace("{% generation %}", "").replace(
        "{% endgeneration %}", "")
    msgs = to_messages(record(1, "messages"), "messages")
    ids_m, labels_m = tokenize_conversation(tiny_tokenizer, msgs)
    ids_p, labels_p = tokenize_conversation(tiny_tokenizer, msgs, template)
    assert ids_p[: len(ids_m)] == ids_m                  # (the plain render keeps a final "\n")
    first = [next(i for i, t in enumerate(lab) if t != IGNORE) for lab in (labels_m, labels_p)]
    assert first[0] == first[1] > 0                      # the same prompt is masked
    kept_m = [t for t in labels_m if t != IGNORE]
    kept_p = [t for t in labels_p if t != IGNORE]
    assert kept_p[: len(kept_m)] == kept_m               # prefix method may add the trailing "\n"


def test_overlong_records_are_listed_not_cut(tiny_tokenizer, tmp_path):
    convs = load_split(write_dataset(tmp_path / "d"), "train")
    enc = encode_split(convs, tiny_tokenizer, max_length=40)
    assert enc.overlong and all(o["tokens"] > 40 for o in enc.overlong)
    assert len(enc.rows) + len(enc.overlong) == len(convs)
    assert all(len(r["input_ids"]) <= 40 for r in enc.rows)
    assert enc.stats()["overlong"] == len(enc.overlong)


@pytest.mark.parametrize("line, needle", [
    ({"instruction": "x", "input": "y"}, "needs a string 'output'"),
    ({"conversations": [{"from": "human", "value": "x"}, {"from": "bot", "value": "y"}]},
     "unknown from 'bot'"),
    ({"messages": [{"role": "assistant", "content": "x"}, {"role": "user", "content": "y"}]},
     "last turn"),
    ({"title": "no known fields"}, "no 'messages'"),
])
def test_bad_records_name_file_and_record(tmp_path, line, needle):
    d = write_dataset(tmp_path / "d")
    with (d / "train.jsonl").open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    with pytest.raises(InputError) as exc:
        load_split(d, "train")
    assert "train.jsonl: record 9" in str(exc.value) and needle in str(exc.value)


def test_missing_files_are_clear(tmp_path):
    with pytest.raises(InputError, match="dataset directory not found"):
        load_split(tmp_path / "nope", "train")
    d = write_dataset(tmp_path / "d")
    (d / "validation.jsonl").unlink()
    with pytest.raises(InputError, match="missing validation split") as exc:
        load_split(d, "validation")
    assert "--no-eval" in exc.value.hint
