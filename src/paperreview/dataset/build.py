"""The build stage: (paper, merged review) pairs -> instruction data fitted to a token budget.

Reads Paper records (``paperreview parse`` output) and ``aggregated.jsonl``; writes
``train.jsonl``, ``validation.jsonl``, ``test.jsonl``, ``dataset_info.json`` (LLaMA-Factory),
``build_report.json`` and ``config.json`` to ``out_dir`` (and ``hf/`` with ``save_to_disk``).

The output (the review) is never cut: an over-long record loses paper sections instead
(:func:`paperreview.dataset.budget.fit_paper`); a record whose review with instruction and chat
template alone exceeds ``max_tokens`` is dropped and counted.

>>> cfg = BuildConfig(papers="papers/", reviews="aggregated.jsonl", out_dir="data/",
...                   tokenizer="meta-llama/Llama-3.1-8B-Instruct")   # doctest: +SKIP
>>> run(cfg).print()                                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator

from ..config import StageConfig, redact
from ..errors import InputError
from ..io import atomic_write_json
from ..stage import Summary, progress, timed
from .budget import fit_paper, render_tagged
from .formats import SPLITS, dataset_info, make_record
from .inputs import is_empty, iter_papers, load_mix, load_reviews, parse_mix, review_output
from .instructions import instruction_version, resolve_instruction, user_prompt
from .splits import Spool, assign_splits, content_key
from .tokens import TokenCounter

BATCH = 64  # records counted per batch (split over the worker processes)


def check_splits(v: list[float]) -> list[float]:
    """Train/validation/test fractions: three non-negative numbers summing to 1."""
    if len(v) != 3 or any(x < 0 for x in v) or abs(sum(v) - 1) > 1e-6:
        raise ValueError("splits must be three non-negative numbers summing to 1, e.g. 0.9,0.05,0.05")
    return v


class BuildConfig(StageConfig):
    papers: str
    reviews: str
    out_dir: str
    tokenizer: str
    format: Literal["alpaca", "sharegpt", "messages"] = "alpaca"
    output_format: Literal["bracket", "json"] = "bracket"
    # the token budget of a whole record (`--max-seq-tokens`, the same name as `train fit`'s);
    # a config file may call it max_tokens or max_seq_tokens
    max_tokens: int = Field(12288, gt=0, validation_alias=AliasChoices("max_tokens",
                                                                        "max_seq_tokens"))
    instruction: str | None = None
    splits: list[float] = Field(default_factory=lambda: [0.9, 0.05, 0.05])
    seed: int = 0
    mix: list[str] = Field(default_factory=list)
    save_to_disk: bool = False
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    name: str = "paperreview"

    @field_validator("splits")
    @classmethod
    def _splits(cls, v: list[float]) -> list[float]:
        return check_splits(v)


def run(config: BuildConfig) -> Summary:
    """Build the dataset described by ``config``; returns the run summary (also in the report)."""
    summary = Summary(stage="dataset build")
    out = Path(config.out_dir)
    with timed(summary), TokenCounter(config.tokenizer, config.workers) as counter:
        by_paper, rejected = load_reviews(config.reviews)
        instructions = {t: resolve_instruction(config.instruction, t)
                        for t in sorted({r.template for revs in by_paper.values() for r in revs})}
        for row in rejected:
            if "where" in row:  # a malformed line: a failed row naming path:line
                summary.fail_row(row["where"], row["error"], row["reason"])
            else:
                summary.count(row["status"], row["reason"])
        dropped = list(rejected)
        spool = Spool(out)
        stats = _make_records(config, counter, by_paper, instructions, summary, dropped, spool)
        where = assign_splits(spool.paper_ids, config.splits, config.seed)
        n_train = sum(where[p] == "train" for p in spool.paper_ids)
        mixed, extra = _mix(config, counter, n_train, summary)
        sizes = spool.write_splits(out, where, extra, config.seed)
        _write_meta(config, sizes, summary)
        overhead = counter.chat_overhead()
    report = {"summary": summary.model_dump(mode="json"), "config": redact(
        config.model_dump(mode="json", exclude={"env_vars"})),
        "instructions": {t: instruction_version(x) for t, x in instructions.items()},
        "chat_overhead_tokens": overhead, "splits": sizes, "mixed": {k: len(v) for k, v in mixed.items()},
        "tokens": stats, "dropped": dropped}
    atomic_write_json(out / "build_report.json", report)
    summary.outputs["report"] = str(out / "build_report.json")
    summary.write(out / "summary.json")
    return summary


def _make_records(config, counter, by_paper, instructions, summary, dropped, spool):
    """Join papers (streamed) with their reviews, fit each record in the workers, spool the
    kept ones; returns token figures of the kept records."""
    seen: set[str] = set()
    totals: list[int] = []
    batch: list[tuple] = []

    def drop(rev, status, reason, detail=None):
        summary.count(status, reason)
        row = {"id": rev.id, "paper_id": rev.paper_id, "status": status, "reason": reason}
        dropped.append(row | ({"detail": detail} if detail else {}))

    pending: list = []  # (batch, results) submitted to the workers, not yet collected

    def flush():
        # submit this batch, then collect the previous one: the workers count batch N while
        # this process reads and renders batch N+1
        tasks = [(paper, tagged, pre, post, config.max_tokens)
                 for paper, _, _, _, tagged, pre, post in batch]
        pending.append((list(batch), counter.map(fit_record, tasks)))
        batch.clear()
        while len(pending) > 1 or (pending and not tasks):
            collect(*pending.pop(0))

    def collect(done, results):
        for (paper, rev, ins, out, tagged, *_), fitted in zip(done, results):
            if len(fitted) == 2:  # (reason, detail): counted by reason, detail in the report
                drop(rev, "failed", *fitted)
                continue
            text, truncated, n_tok = fitted
            text = tagged if text is None else text
            meta = {"id": rev.id, "paper_id": paper.id, "template": rev.template,
                    "truncated": truncated, "n_tokens": n_tok}
            if not spool.add(make_record(config.format, ins, text, out, meta),
                             content_key(ins, text, out)):
                summary.count("skipped", "exact duplicate record")
                continue
            totals.append(n_tok)
            summary.count("ok", "paper shortened to fit" if truncated else None)

    for paper, where in progress(iter_papers(config.papers), desc="dataset build"):
        if paper is None:  # an unreadable file or line: a failed row naming it, the build goes on
            summary.fail_row(where.split(": ", 1)[0], where, "unreadable paper")
            dropped.append({"id": None, "paper_id": None, "status": "failed", "reason": where})
            continue
        # a review names its paper by Paper.id or, for a directory of `paperreview parse`
        # output (whose ids are PDF hashes), by the file name: <paper_id>.json
        keys = [k for k in (paper.id, where[:-5] if where.endswith(".json") else None)
                if k and k not in seen]
        revs = [r for k in dict.fromkeys(keys) for r in by_paper.get(k, [])]
        seen.update(keys)  # a paper given twice is used once
        for rev in revs:
            out = review_output(rev, config.output_format)
            if is_empty(paper):
                drop(rev, "failed", "empty paper", where)
            elif out is None:
                drop(rev, "failed", f"review has no {config.output_format} output")
            else:
                ins = instructions[rev.template]
                tagged = render_tagged(paper).rstrip()
                pre, post = _frame(counter, ins, out, tagged)
                if pre is None:
                    drop(rev, "failed", "the chat template rewrites the content; cannot fit it")
                else:
                    batch.append((paper, rev, ins, out, tagged, pre, post))
        if len(batch) >= BATCH:
            flush()
    flush()
    flush()  # an empty flush collects the last batch
    for pid, revs in by_paper.items():
        if pid not in seen:
            for rev in revs:
                drop(rev, "failed", "no matching paper")
    stats = {"max_tokens": config.max_tokens, "records": len(totals),
             "max": max(totals, default=0), "mean": round(sum(totals) / len(totals), 1) if totals else 0}
    return stats


_SLOT = "\x00PAPER\x00"
REVIEW_TOO_LONG = "review with instruction and chat template exceeds max-tokens"
HEAD_TOO_LONG = "title, abstract and captions do not fit beside the review"


def _frame(counter, instruction, output, tagged):
    """The rendered record around the paper: ``(prefix, suffix)`` with
    ``prefix + tagged + suffix == render_chat(user_prompt(instruction, tagged), output)``, so the
    workers can count any shortened paper exactly without the chat template; ``(None, None)`` if
    the template alters the content so that this does not hold."""
    pre, _, post = counter.render_chat(user_prompt(instruction, _SLOT), output).partition(_SLOT)
    full = counter.render_chat(user_prompt(instruction, tagged), output)
    return (pre, post) if full == pre + tagged + post else (None, None)


def fit_record(count, task):
    """Count one record and, when over budget, shorten its paper (runs in a worker process).

    ``task`` = ``(paper, tagged, prefix, suffix, max_tokens)``; returns ``(text, truncated,
    n_tokens)`` with ``n_tokens`` the exact count of the whole rendered record (``text`` None:
    ``tagged`` unchanged), or ``(reason, detail)`` for a record that cannot be kept."""
    paper, tagged, pre, post, max_tokens = task
    n_total = count(pre + tagged + post)
    if n_total <= max_tokens:
        return None, [], n_total  # None: the paper as sent (no need to ship it back)
    try:  # every candidate is counted as the whole record, so the limit holds exactly
        fit = fit_paper(paper, max_tokens, lambda t: count(pre + t.rstrip() + post), n_total)
    except InputError:  # which part is too long? (counted only here: most records fit)
        fixed = count(pre + post)  # the record with no paper: instruction + review + template
        if fixed >= max_tokens:
            return (REVIEW_TOO_LONG, f"{fixed} tokens without the paper")
        return (HEAD_TOO_LONG, f"{n_total} tokens with the whole paper")
    return fit.text.rstrip(), fit.truncated, fit.n_tokens


def _mix(config, counter, n_train, summary) -> tuple[dict[str, list], list[dict]]:
    """General instruction examples for train (``--mix FILE:RATIO``), seeded, within budget."""
    mixed: dict[str, list] = {}
    for spec in config.mix:
        path, ratio = parse_mix(spec)
        pairs, bad = load_mix(path, round(ratio * n_train), config.seed)
        if bad:
            summary.count("skipped", f"mix row not instruction data ({path.name})", bad)
        counts = counter.count_many([counter.render_chat(u, a) for u, a in pairs])
        rows = mixed.setdefault(str(path), [])
        for i, ((user, answer), n) in enumerate(zip(pairs, counts)):
            if n > config.max_tokens:
                summary.count("skipped", f"mix example over max-tokens ({path.name})")
                continue
            meta = {"id": f"mix:{path.stem}:{i}", "paper_id": None, "template": None,
                    "truncated": [], "n_tokens": n}
            rows.append(make_record(config.format, user, "", answer, meta))
    return mixed, [r for rows in mixed.values() for r in rows]


def _write_meta(config: BuildConfig, sizes: dict[str, int], summary: Summary) -> None:
    out = Path(config.out_dir)
    files = {split: f"{split}.jsonl" for split in SPLITS}
    summary.outputs.update({split: str(out / fname) for split, fname in files.items()})
    # LLaMA-Factory cannot load an empty file: register only the splits that have records
    registered = {s: f for s, f in files.items() if sizes[s]}
    atomic_write_json(out / "dataset_info.json", dataset_info(config.format, config.name, registered))
    atomic_write_json(out / "config.json", redact(config.model_dump(mode="json", exclude={"env_vars"})))
    summary.outputs["dataset_info"] = str(out / "dataset_info.json")
    if config.save_to_disk and any(sizes.values()):  # no records: nothing to save (exit 1)
        summary.outputs["hf"] = str(save_to_disk(out, files))


def save_to_disk(out: Path, files: dict[str, str]) -> Path:
    """Write the splits as a Hugging Face ``DatasetDict`` (arrow) under ``out/hf``."""
    from ..errors import require

    datasets = require("datasets", "hf", "--save-to-disk")
    present = {s: str(out / f) for s, f in files.items() if (out / f).stat().st_size > 0}
    dd = datasets.load_dataset("json", data_files=present)
    dd.save_to_disk(str(out / "hf"))
    return out / "hf"
