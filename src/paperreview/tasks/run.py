"""``tasks run``: ask a model (any backend of :mod:`paperreview.llm`) to do a task per item.

Reads any source :mod:`.readers` knows (a ``tasks data`` split too); writes
``predictions.jsonl`` rows ``{id, task, status, prediction, gold, raw, error}`` (the gold answer
travels from the source, when it has one, for ``tasks evaluate``), ``config.json`` and
``summary.json``; the engine's journal (``journal.sqlite``) sits beside them, so a rerun pays
for nothing twice and resumes after the ids already written.

The prompt is the one the model was fine-tuned on: ``instruction + "\\n" + input`` as one user
turn (LLaMA-Factory's Alpaca join, :func:`paperreview.dataset.instructions.user_prompt`).

>>> from paperreview.llm import EngineConfig
>>> cfg = RunConfig(task="title", input="abstracts.jsonl", out_dir="out/")      # doctest: +SKIP
>>> run_task(cfg, EngineConfig(local_model="model.gguf")).print()               # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from ..config import StageConfig, redact
from ..dataset.instructions import resolve_instruction, user_prompt
from ..errors import InputError
from ..io import JsonlWriter, atomic_write_json, done_ids
from ..stage import Summary, timed
from .readers import FORMATS as SOURCE_FORMATS
from .readers import BadRow, Item, read_items
from .spec import default_instruction, gold_value, input_text, label_of, parse_answer

MAX_NEW = {"title": 48, "keywords": 96, "classify": 8}
PROMPT_VERSION = "tasks@1"


class RunConfig(StageConfig):
    task: Literal["title", "keywords", "classify"]
    input: str
    out_dir: str
    input_format: Literal[SOURCE_FORMATS] | None = None  # type: ignore[valid-type]
    instruction: str | None = None     # None: the record's own, else the task's default
    label: str | None = None           # classify: how gold labels are read (column, archive, ...)
    classes: list[str] = Field(default_factory=list)  # classify: the answers to look for
    max_new_tokens: int | None = Field(None, gt=0)
    temperature: float = 0.0
    limit: int | None = Field(None, gt=0)


def prompt_for(task: str, item: Item, instruction: str | None = None,
               label: str | None = None, classes: list[str] | None = None) -> str:
    """The user turn for ``item`` (a record's own instruction unless one is given)."""
    ins = instruction if instruction is not None else item.instruction
    if ins is None:
        ins = default_instruction(task, label, classes)
    return user_prompt(ins, input_text(task, item))


def make_request(task: str, item: Item, prompt: str, max_new: int | None, temperature: float):
    from ..llm import Request

    return Request(messages=[{"role": "user", "content": prompt}],
                   max_tokens=max_new or MAX_NEW[task], temperature=temperature,
                   prompt_version=PROMPT_VERSION, custom_id=item.id)


def _items(config: RunConfig, summary: Summary, writer: JsonlWriter, done: set[str],
           written: set[str]) -> list[Item]:
    items = []
    for it in read_items(config.input, config.input_format):
        if isinstance(it, BadRow):  # a row the model cannot be asked about: failed, with why
            summary.count("failed", it.error.split(": ", 1)[-1].split(" (")[0])
            if it.where not in written:  # once, not again on every rerun
                writer.write({"id": it.where, "task": config.task, "status": "failed",
                              "prediction": None, "error": it.error})
            continue
        if it.id in done:
            summary.count("skipped", "already in predictions.jsonl")
            continue
        items.append(it)
        if config.limit and len(items) >= config.limit:
            break
    return items


def run_task(config: RunConfig, engine_config) -> Summary:
    """Ask the model about every item; rows are appended as answers come (resumable)."""
    from ..llm import Engine

    summary = Summary(stage=f"tasks run ({config.task})")
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pred_path = out / "predictions.jsonl"
    done = done_ids(pred_path)
    instruction = (resolve_instruction(config.instruction, config.task)
                   if config.instruction else None)
    with timed(summary), JsonlWriter(pred_path) as writer:
        items = _items(config, summary, writer, done, done_ids(pred_path, statuses=None))
        # gold classes: the CSV's label column when there is one, else the arXiv archive on
        # arXiv data; a CSV without labels (the challenge's test set) is asked the 0/1 question
        rule = config.label or ("archive" if any(it.categories for it in items)
                                and not any(it.label for it in items) else "column")
        classes = config.classes or (sorted({c for it in items if (c := _gold_class(it, rule))})
                                     if config.task == "classify" else [])
        if config.task == "classify" and not classes:
            if rule == "archive":
                raise InputError(f"{config.input}: no classes to ask for",
                                 "pass --classes a,b,c")
            classes = ["0", "1"]
        ec = engine_config.model_copy(update={"run_dir": str(out)})
        by_id = {it.id: it for it in items}
        requests = [make_request(config.task, it, prompt_for(config.task, it, instruction, rule,
                                                             classes),
                                 config.max_new_tokens, config.temperature) for it in items]
        with Engine(ec) as engine:
            for res in engine.run(requests):
                it = by_id[res.custom_id]
                row = {"id": it.id, "task": config.task, "status": res.status,
                       "prediction": None, "gold": _gold(config.task, it, rule),
                       "raw": res.content, "error": res.error}
                if res.ok:
                    row["prediction"] = parse_answer(config.task, res.content, classes or None)
                    if row["prediction"] is None:
                        row |= {"status": "failed", "error": "no usable answer in the output"}
                summary.count(row["status"], None if row["status"] == "ok" else
                              (res.reason or "no usable answer in the output"))
                writer.write(row)
    summary.outputs["predictions"] = str(pred_path)
    atomic_write_json(out / "config.json", redact(config.model_dump(mode="json",
                                                                    exclude={"env_vars"})))
    summary.write(out / "summary.json")
    return summary


def _gold_class(item: Item, rule: str) -> str | None:
    return item.output if item.output is not None else label_of(item, rule)


def _gold(task: str, item: Item, rule: str):
    try:
        return gold_value(task, item, rule)
    except (KeyError, ValueError):
        return None
