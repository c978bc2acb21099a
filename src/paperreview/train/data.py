"""Training data: the JSONL splits written by ``paperreview dataset build`` -> tokenized examples.

Three line formats are read (``format="auto"`` detects them from the first line):

* alpaca   ``{"instruction", "input", "output", "paper_id", "truncated", ["system"]}``
* sharegpt ``{"conversations": [{"from": "human"|"gpt"|"system", "value": ...}]}``
* messages ``{"messages": [{"role": "user"|"assistant"|"system", "content": ...}]}``

Each becomes a list of chat messages; the prompt is rendered with the model's chat template and
only the assistant's tokens carry labels (prompt tokens get -100). An alpaca record's user turn is
``instruction + "\\n" + input`` (LLaMA-Factory's rule), so both trainers see the same text:

>>> alpaca_messages("Review the paper.", "[TITLE] X", "Good.")[0]
{'role': 'user', 'content': 'Review the paper.\\n[TITLE] X'}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2.exceptions import TemplateError

from ..errors import InputError
from ..io import read_jsonl

SPLITS = ("train", "validation")
SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "system": "system"}
IGNORE = -100  # label of a token that carries no loss (PyTorch cross-entropy's ignore_index)


class BadRecord(Exception):
    """A JSONL record without the fields its format needs (turned into InputError with path:line)."""


@dataclass
class Conversation:
    id: str
    messages: list[dict[str, str]]


@dataclass
class EncodedSplit:
    rows: list[dict[str, list[int]]] = field(default_factory=list)  # input_ids + labels
    ids: list[str] = field(default_factory=list)
    overlong: list[dict[str, Any]] = field(default_factory=list)     # {"id", "tokens"}

    def stats(self) -> dict[str, Any]:
        lens = [len(r["input_ids"]) for r in self.rows]
        labelled = sum(sum(1 for t in r["labels"] if t != IGNORE) for r in self.rows)
        return {"examples": len(lens), "tokens": sum(lens), "max_tokens": max(lens, default=0),
                "mean_tokens": round(sum(lens) / len(lens), 1) if lens else 0,
                "label_tokens": labelled, "overlong": len(self.overlong)}


def alpaca_messages(instruction: str, input: str = "", output: str | None = None,
                    system: str | None = None) -> list[dict[str, str]]:
    """The chat messages for one alpaca record (``review`` prompts the same way)."""
    msgs = [{"role": "system", "content": system}] if system else []
    user = f"{instruction}\n{input}" if input else instruction
    msgs.append({"role": "user", "content": user})
    if output is not None:
        msgs.append({"role": "assistant", "content": output})
    return msgs


def detect_format(obj: dict[str, Any]) -> str:
    if "messages" in obj:
        return "messages"
    if "conversations" in obj:
        return "sharegpt"
    if "instruction" in obj or "output" in obj:
        return "alpaca"
    raise BadRecord("no 'messages', 'conversations' or 'instruction'/'output' field")


def to_messages(obj: dict[str, Any], fmt: str) -> list[dict[str, str]]:
    """One JSONL record -> chat messages; :class:`BadRecord` says which field is wrong."""
    if fmt == "alpaca":
        for key in ("instruction", "output"):
            if not isinstance(obj.get(key), str):
                raise BadRecord(f"alpaca record needs a string '{key}'")
        return alpaca_messages(obj["instruction"], obj.get("input") or "", obj["output"],
                               obj.get("system"))
    key, role_k, text_k = (("conversations", "from", "value") if fmt == "sharegpt"
                           else ("messages", "role", "content"))
    turns = obj.get(key)
    if not isinstance(turns, list) or not turns:
        raise BadRecord(f"{fmt} record needs a non-empty list '{key}'")
    msgs = []
    for i, t in enumerate(turns):
        if not isinstance(t, dict) or not isinstance(t.get(text_k), str):
            raise BadRecord(f"{key}[{i}] needs '{role_k}' and a string '{text_k}'")
        role = SHAREGPT_ROLES.get(str(t.get(role_k)).lower()) if fmt == "sharegpt" else t.get(role_k)
        if role not in ("system", "user", "assistant"):
            raise BadRecord(f"{key}[{i}] has unknown {role_k} {t.get(role_k)!r}")
        msgs.append({"role": role, "content": t[text_k]})
    if msgs[-1]["role"] != "assistant":
        raise BadRecord(f"the last turn of '{key}' must be the assistant's review")
    return msgs


def split_path(data_dir: str | Path, split: str) -> Path:
    d = Path(data_dir)
    if not d.is_dir():
        raise InputError(f"{d}: dataset directory not found",
                         "pass the output dir of `paperreview dataset build` to --data")
    p = d / f"{split}.jsonl"
    if not p.exists():
        raise InputError(f"{p}: missing {split} split",
                         "run `paperreview dataset build` again, or pass --no-eval "
                         "if you have no validation split" if split == "validation" else
                         "run `paperreview dataset build` to write it")
    return p


def load_split(data_dir: str | Path, split: str, fmt: str = "auto") -> list[Conversation]:
    """Read and validate a whole split before any training starts (errors name path:line)."""
    path = split_path(data_dir, split)
    out: list[Conversation] = []
    for i, obj in enumerate(read_jsonl(path), 1):
        try:
            line_fmt = detect_format(obj) if fmt == "auto" else fmt
            msgs = to_messages(obj, line_fmt)
        except BadRecord as exc:
            raise InputError(f"{path}: record {i}: {exc}",
                             "rebuild the split with `paperreview dataset build` or fix --format") from None
        rid = str(obj.get("id") or obj.get("paper_id") or f"{split}:{i}")
        out.append(Conversation(rid, msgs))
    if not out:
        raise InputError(f"{path}: the {split} split is empty", "rebuild the dataset")
    return out


def read_build_report(data_dir: str | Path) -> dict[str, Any] | None:
    """The dataset stage's ``build_report.json`` (token statistics), if present."""
    p = Path(data_dir) / "build_report.json"
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}: not valid JSON ({exc.msg})", "rebuild the dataset") from None


def has_generation_markers(template: str | None) -> bool:
    return bool(template) and "{% generation %}" in template.replace("{%-", "{%").replace("-%}", "%}")


def _render(tokenizer, messages, template, **kw) -> list[int]:
    enc = tokenizer.apply_chat_template(messages, chat_template=template, tokenize=True,
                                        return_dict=True, **kw)
    return list(enc["input_ids"])


def tokenize_conversation(tokenizer, messages: list[dict[str, str]], template: str | None = None
                          ) -> tuple[list[int], list[int]]:
    """Render ``messages`` with the chat template; labels are -100 except on assistant tokens.

    A template with ``{% generation %}`` markers gives the assistant mask directly; any other
    template is handled by rendering each prompt prefix (with the generation prompt) and masking
    everything up to it, which needs the template to render earlier turns identically.
    """
    template = template or tokenizer.chat_template
    if has_generation_markers(template):
        enc = tokenizer.apply_chat_template(messages, chat_template=template, tokenize=True,
                                            return_dict=True, return_assistant_tokens_mask=True)
        ids, mask = list(enc["input_ids"]), list(enc["assistant_masks"])
        return ids, [t if m else IGNORE for t, m in zip(ids, mask, strict=True)]
    ids = _render(tokenizer, messages, template)
    labels = [IGNORE] * len(ids)
    for i, msg in enumerate(messages):
        if msg["role"] != "assistant":
            continue
        prompt = _render(tokenizer, messages[:i], template, add_generation_prompt=True)
        upto = _render(tokenizer, messages[: i + 1], template)
        start = len(prompt)
        if ids[: len(upto)] != upto or ids[:start] != prompt:
            raise InputError(
                "the chat template renders a conversation's turns differently from its prefix, "
                "so the review tokens cannot be located",
                "pass --chat-template FILE.jinja with {% generation %} markers")
        labels[start: len(upto)] = ids[start: len(upto)]
    return ids, labels


def encode_split(convs: list[Conversation], tokenizer, max_length: int,
                 template: str | None = None) -> EncodedSplit:
    """Tokenize every conversation; those over ``max_length`` are listed, not cut."""
    out = EncodedSplit()
    for conv in convs:
        try:
            ids, labels = tokenize_conversation(tokenizer, conv.messages, template)
        except TemplateError as exc:  # raised by the template itself, e.g. "Conversation
            # roles must alternate" or "System role not supported"
            raise InputError(f"record {conv.id}: the chat template rejected it ({exc})",
                             "drop the system turn when building the dataset, or pass "
                             "--chat-template FILE.jinja") from None
        if len(ids) > max_length:
            out.overlong.append({"id": conv.id, "tokens": len(ids)})
            continue
        if all(t == IGNORE for t in labels):
            raise InputError(f"record {conv.id}: the review (assistant turn) has no tokens",
                             "drop empty reviews when building the dataset")
        out.rows.append({"input_ids": ids, "labels": labels})
        out.ids.append(conv.id)
    return out
