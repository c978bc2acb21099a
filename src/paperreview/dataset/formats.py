"""Record layouts (Alpaca, ShareGPT, messages) and LLaMA-Factory's ``dataset_info.json``.

Every layout carries ``id``, ``paper_id``, ``truncated`` (headings of the sections cut to fit)
and ``n_tokens`` beside the conversation, so one file serves LLaMA-Factory, TRL and
``datasets.load_dataset("json", ...)``.

>>> make_record("messages", "Review.", "[TITLE] T", "[Summary] ok", {"id": "x"})["messages"][0]
{'role': 'user', 'content': 'Review.\\n[TITLE] T'}
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .instructions import user_prompt

FORMATS = ("alpaca", "sharegpt", "messages")
SPLITS = ("train", "validation", "test")


def make_record(fmt: str, instruction: str, input_text: str, output: str,
                meta: dict[str, Any]) -> dict[str, Any]:
    """One JSONL line in ``fmt``; ``meta`` (id, paper_id, truncated, n_tokens, ...) is merged in."""
    if fmt == "alpaca":
        rec: dict[str, Any] = {"instruction": instruction, "input": input_text, "output": output}
    elif fmt == "sharegpt":
        rec = {"conversations": [{"from": "human", "value": user_prompt(instruction, input_text)},
                                 {"from": "gpt", "value": output}]}
    elif fmt == "messages":
        rec = {"messages": [{"role": "user", "content": user_prompt(instruction, input_text)},
                            {"role": "assistant", "content": output}]}
    else:
        raise InputError(f"unknown format '{fmt}'", f"use one of {', '.join(FORMATS)}")
    return rec | meta


def record_turns(rec: dict[str, Any]) -> tuple[str, str, str, str]:
    """``(instruction, input, user turn, output)`` of a record in any of the three layouts
    (instruction/input are empty for ShareGPT/messages lines, whose user turn is not split)."""
    if "instruction" in rec:
        ins, inp = rec.get("instruction") or "", rec.get("input") or ""
        return ins, inp, user_prompt(ins, inp), rec.get("output") or ""
    turns = rec.get("conversations") or rec.get("messages")
    if not isinstance(turns, list) or len(turns) < 2:
        raise InputError("record has neither instruction/output, conversations nor messages",
                         "give a directory written by `paperreview dataset build`")
    user = turns[0].get("value", turns[0].get("content", ""))
    out = turns[-1].get("value", turns[-1].get("content", ""))
    return "", "", user, out


def dataset_info(fmt: str, name: str, files: dict[str, str]) -> dict[str, Any]:
    """LLaMA-Factory ``dataset_info.json`` entries, one per split file: ``<name>_<split>``.

    Follows LLaMA-Factory's data/README.md: ``file_name``, ``formatting`` (alpaca | sharegpt),
    ``columns`` (prompt/query/response, or messages) and, for ShareGPT, ``tags`` (role_tag,
    content_tag, user_tag, assistant_tag).
    """
    if fmt == "alpaca":
        spec: dict[str, Any] = {"formatting": "alpaca", "columns": {
            "prompt": "instruction", "query": "input", "response": "output"}}
    elif fmt == "sharegpt":
        spec = {"formatting": "sharegpt", "columns": {"messages": "conversations"},
                "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                         "assistant_tag": "gpt"}}
    else:
        spec = {"formatting": "sharegpt", "columns": {"messages": "messages"},
                "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                         "assistant_tag": "assistant", "system_tag": "system"}}
    return {f"{name}_{split}": {"file_name": fname} | spec for split, fname in files.items()}
