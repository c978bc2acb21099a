"""``tasks data``: a task source -> instruction records, through the dataset stage's writers.

Reads any source :mod:`.readers` knows; writes ``train.jsonl`` / ``validation.jsonl`` /
``test.jsonl`` (Alpaca, ShareGPT or messages, split by paper with
:func:`paperreview.dataset.splits.assign_splits`), ``dataset_info.json`` for LLaMA-Factory,
``build_report.json`` (counts, splits, dropped rows with reasons, token statistics),
``config.json`` and ``summary.json``; with ``tokenizer`` also ``token_stats.json/.png`` and with
``save_to_disk`` an HF ``DatasetDict`` under ``hf/``.

Every record carries ``id``, ``paper_id``, ``task`` and ``item`` (title, abstract, authors,
categories, keywords, label of the source row) so ``tasks run`` and ``tasks evaluate`` can read
the test split back with its gold answers.

>>> cfg = TasksDataConfig(task="title", source="arxiv.json", out_dir="data/title")  # doctest: +SKIP
>>> run_data(cfg).print()                                                           # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from ..config import StageConfig, redact
from ..dataset.formats import FORMATS, SPLITS, dataset_info, make_record
from ..dataset.instructions import instruction_version, resolve_instruction
from ..dataset.splits import assign_splits, content_key
from ..io import atomic_write_json, write_jsonl
from ..stage import Summary, timed
from .readers import FORMATS as SOURCE_FORMATS
from .readers import BadRow, Item, read_items
from .spec import TASKS, check_label_rule, default_instruction, gold_output, input_text


class TasksDataConfig(StageConfig):
    task: Literal["title", "keywords", "classify"]
    source: str
    out_dir: str
    source_format: Literal[SOURCE_FORMATS] | None = None  # type: ignore[valid-type]
    format: Literal[FORMATS] = "alpaca"  # type: ignore[valid-type]
    instruction: str | None = None     # text or file; None = the task's default wording
    label: str | None = None           # classify: column | archive | primary:X | any:X
    splits: list[float] = Field(default_factory=lambda: [0.9, 0.05, 0.05])
    seed: int = 0
    limit: int | None = Field(None, gt=0)  # first N usable items only
    tokenizer: str | None = None       # token statistics with this tokenizer (dir or hub id)
    save_to_disk: bool = False
    name: str | None = None            # dataset_info.json prefix [paper_<task>]

    @field_validator("splits")
    @classmethod
    def _splits(cls, v: list[float]) -> list[float]:
        from ..dataset.build import check_splits

        return check_splits(v)

    @field_validator("label")
    @classmethod
    def _label(cls, v: str | None) -> str | None:
        return check_label_rule(v) if v else v


def item_meta(item: Item) -> dict:
    """The source row as kept in every record (gold answers for run/evaluate)."""
    return {"title": item.title, "abstract": item.abstract, "authors": item.authors,
            "categories": item.categories, "keywords": item.keywords, "label": item.label}


def collect(config: TasksDataConfig, summary: Summary, dropped: list[dict]
            ) -> tuple[list[Item], list[str], str]:
    """Usable items (with their gold output) and the label rule; bad rows are counted."""
    rule = config.label or "column"
    items: list[Item] = []
    outputs: list[str] = []
    for it in read_items(config.source, config.source_format):
        if isinstance(it, BadRow):
            summary.count("failed", it.error.split(": ", 1)[-1].split(" (")[0])
            dropped.append({"where": it.where, "error": it.error})
            continue
        out = gold_output(config.task, it, rule)
        if out is None:
            need = {"title": "no title", "keywords": "no gold keywords"}.get(
                config.task, "no label (no 'label' column: pass --label archive or primary:X)"
                if rule == "column" else "no categories to label by")
            summary.count("failed", need)
            dropped.append({"where": it.where, "id": it.id, "error": f"{it.where}: {need}"})
            continue
        items.append(it)
        outputs.append(out)
        if config.limit and len(items) >= config.limit:
            break
    return items, outputs, rule


def run_data(config: TasksDataConfig) -> Summary:
    """Build the task's instruction data; see the module docstring for what is written."""
    summary = Summary(stage=f"tasks data ({config.task})")
    out = Path(config.out_dir)
    dropped: list[dict] = []
    with timed(summary):
        items, outputs, rule = collect(config, summary, dropped)
        classes = sorted(set(outputs)) if config.task == "classify" else None
        instruction = (resolve_instruction(config.instruction, config.task) if config.instruction
                       else default_instruction(config.task, rule, classes))
        records, seen = [], set()
        for it, gold in zip(items, outputs, strict=True):
            text = input_text(config.task, it)
            key = content_key(instruction, text, gold)
            if key in seen:
                summary.count("skipped", "exact duplicate record")
                continue
            seen.add(key)
            meta = {"id": it.id, "paper_id": it.paper_id, "task": config.task,
                    "item": item_meta(it)}
            records.append(make_record(config.format, instruction, text, gold, meta))
            summary.count("ok")
        where = assign_splits([r["paper_id"] for r in records], config.splits, config.seed)
        sizes = {s: write_jsonl(out / f"{s}.jsonl", [r for r in records
                                                     if where[r["paper_id"]] == s])
                 for s in SPLITS}
        files = {s: f"{s}.jsonl" for s in SPLITS if sizes[s]}
        name = config.name or f"paper_{config.task}"
        atomic_write_json(out / "dataset_info.json", dataset_info(config.format, name, files))
        tokens = _token_stats(config, out, records, summary)
        if config.save_to_disk and records:
            from ..dataset.build import save_to_disk

            summary.outputs["hf"] = str(save_to_disk(out, files))
    summary.outputs.update({s: str(out / f) for s, f in files.items()})
    summary.outputs["dataset_info"] = str(out / "dataset_info.json")
    cfg = redact(config.model_dump(mode="json", exclude={"env_vars"}))
    report = {"summary": summary.model_dump(mode="json"), "config": cfg, "task": config.task,
              "label_rule": rule if config.task == "classify" else None,
              "instruction": instruction, "instruction_version": instruction_version(instruction),
              "splits": sizes, "classes": dict(Counter(outputs)) if classes else None,
              "tokens": tokens, "dropped": dropped}
    atomic_write_json(out / "build_report.json", report)
    atomic_write_json(out / "config.json", cfg)
    summary.outputs["report"] = str(out / "build_report.json")
    summary.write(out / "summary.json")
    return summary


def _token_stats(config: TasksDataConfig, out: Path, records: list[dict], summary: Summary
                 ) -> dict:
    """Exact token statistics with ``tokenizer`` (dataset stats), else word counts."""
    from ..dataset.formats import record_turns
    from ..dataset.stats import percentiles

    if not records:
        return {}
    if config.tokenizer:
        from ..dataset.stats import compute_stats

        stats = compute_stats(out, config.tokenizer, workers=1, plot=True)
        summary.outputs["token_stats"] = str(out / "token_stats.json")
        rec = stats["fields"]["record"]
        return {"unit": "tokens", "tokenizer": config.tokenizer, "records": stats["records"],
                "max": rec["max"], "mean": rec["mean"], "fields": stats["fields"],
                "recommended_cutoff": stats["recommended_cutoff"]}
    turns = [record_turns(r) for r in records]
    return {"unit": "words (pass --tokenizer for exact token counts)",
            "fields": {"user": percentiles([len(t[2].split()) for t in turns]),
                       "output": percentiles([len(t[3].split()) for t in turns])}}


__all__ = ["TASKS", "TasksDataConfig", "collect", "item_meta", "run_data"]
