"""Token statistics of a built dataset and a recommended cut-off that keeps every review whole.

Reads ``train.jsonl``/``validation.jsonl``/``test.jsonl`` of a build directory (or one JSONL
file) in any of the three layouts; writes ``token_stats.json`` and ``token_stats.png``.

Fields are counted exactly with the tokenizer (``instruction``, ``input``, ``output`` for Alpaca;
``user``, ``output`` otherwise). A record's total is the sum of its turns plus the chat
template's overhead, measured once with the tokenizer's real template (so it may differ from
the exact count by the one or two tokens that merge across a join).

>>> stats = compute_stats("data/", "path/to/tokenizer", workers=2)   # doctest: +SKIP
>>> stats["recommended_cutoff"]                                       # doctest: +SKIP
12288
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import atomic_write_json
from .formats import SPLITS, record_turns
from .tokens import TokenCounter

PERCENTILES = (50, 90, 95, 99)
STEP = 512  # cut-offs are multiples of this (GPU-friendly sequence lengths)
CHUNK = 256  # records counted per batch


def percentiles(values: list[int]) -> dict[str, float]:
    """p50/p90/p95/p99 (the smallest observed value covering that share), max, mean, n."""
    import numpy as np

    if not values:
        return {"n": 0}
    arr = np.asarray(values)
    out: dict[str, float] = {f"p{q}": int(np.percentile(arr, q, method="inverted_cdf"))
                             for q in PERCENTILES}
    return out | {"max": int(arr.max()), "mean": round(float(arr.mean()), 1), "n": len(values)}


def recommend_cutoff(records: list[int], fixed: list[int], step: int = STEP) -> int:
    """The smallest multiple of ``step`` that covers the 99th percentile of record lengths and
    leaves room for every record's review with instruction and chat template (``fixed``)."""
    need = max(percentiles(records).get("p99", 0), max(fixed, default=0))
    return max(step, math.ceil(need / step) * step)


def cutoff_table(records: list[int], fixed: list[int], cutoffs: list[int]) -> list[dict]:
    """For each cut-off: the share of records longer than it (their papers would be shortened)
    and how many records could not keep their review whole (would be dropped)."""
    n = max(len(records), 1)
    return [{"cutoff": c, "share_truncated": round(sum(r > c for r in records) / n, 4),
             "outputs_cut": sum(f > c for f in fixed)} for c in cutoffs]


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = [path / f"{s}.jsonl" for s in SPLITS if (path / f"{s}.jsonl").exists()]
    if not files:
        raise InputError(f"{path}: no train/validation/test .jsonl here",
                         "give a directory written by `paperreview dataset build` or a JSONL file")
    return files


def _chunks(path: Path, size: int) -> Iterator[list[dict]]:
    """Lists of ``size`` JSON objects, streamed (a build can be larger than memory allows)."""
    rows: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{i}: not valid JSON ({exc.msg})",
                                 "fix or delete that line, or rebuild the dataset") from None
            if not isinstance(rows[-1], dict):
                raise InputError(f"{path}:{i}: expected a JSON object per line")
            if len(rows) == size:
                yield rows
                rows = []
    if rows:
        yield rows


def count_records(path: str | Path, counter: TokenCounter) -> dict[str, list[int]]:
    """Token counts per field and per record for every record under ``path``."""
    overhead = counter.chat_overhead()
    newline = counter.count("\n")
    fields: dict[str, list[int]] = {"instruction": [], "input": [], "user": [], "output": [],
                                    "record": [], "fixed": []}
    cache: dict[str, int] = {}  # instructions repeat: count each distinct one once
    for f in _files(Path(path)):
        for rows in _chunks(f, CHUNK):
            turns = [record_turns(r) for r in rows]
            alpaca = [t[0] != "" for t in turns]
            texts = [t[1] if a else t[2] for t, a in zip(turns, alpaca)] + [t[3] for t in turns]
            counts = counter.count_many(texts)
            k = len(turns)
            for i, (t, a) in enumerate(zip(turns, alpaca)):
                if a and t[0] not in cache:
                    cache[t[0]] = counter.count(t[0])
                ins = cache[t[0]] if a else 0
                inp = counts[i] if a else 0
                user = ins + (newline if t[1] else 0) + inp if a else counts[i]
                out = counts[k + i]
                fields["instruction"].append(ins)
                fields["input"].append(inp)
                fields["user"].append(user)
                fields["output"].append(out)
                fields["record"].append(user + out + overhead)
                fields["fixed"].append(user - inp + out + overhead)
    if not fields["record"]:
        raise InputError(f"{path}: the dataset has no records", "build it first")
    return fields


def compute_stats(path: str | Path, tokenizer: str, workers: int = 1,
                  cutoffs: list[int] | None = None, plot: bool = True,
                  out_dir: str | Path | None = None) -> dict[str, Any]:
    """Count, summarise and (with ``plot``) draw; writes token_stats.json/.png to ``out_dir``
    (default: beside ``path``)."""
    path = Path(path)
    with TokenCounter(tokenizer, workers) as counter:
        fields = count_records(path, counter)
        overhead = counter.chat_overhead()
    records, fixed = fields["record"], fields["fixed"]
    rec = recommend_cutoff(records, fixed)
    if cutoffs is None:
        lo = max(STEP, (percentiles(records)["p50"] // STEP) * STEP)
        hi = math.ceil(max(records) / STEP) * STEP
        cutoffs = sorted({*range(int(lo), hi + 1, STEP)[:40], rec})
    shown = [k for k in ("instruction", "input", "user", "output", "record")
             if any(fields[k]) or k in ("output", "record")]
    stats = {"path": str(path), "tokenizer": tokenizer, "records": len(records),
             "chat_overhead_tokens": overhead, "total_tokens": int(sum(records)),
             "fields": {k: percentiles(fields[k]) for k in shown},
             "recommended_cutoff": rec, "cutoffs": cutoff_table(records, fixed, cutoffs)}
    out_dir = Path(out_dir) if out_dir else (path if path.is_dir() else path.parent)
    out_dir.mkdir(parents=True, exist_ok=True)
    if plot:
        stats["histogram"] = str(draw_histogram(fields, rec, out_dir / "token_stats.png"))
    atomic_write_json(out_dir / "token_stats.json", stats)
    return stats


def draw_histogram(fields: dict[str, list[int]], cutoff: int, png: Path) -> Path:
    """Record and output token histograms with percentiles and the cut-off marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key in zip(axes, ("record", "output")):
        values = fields[key]
        ax.hist(values, bins=min(60, max(5, len(values) // 5)), color="#4c72b0")
        p = percentiles(values)
        for q, style in (("p50", ":"), ("p99", "--")):
            ax.axvline(p[q], color="k", linestyle=style, label=f"{q} = {p[q]}")
        if key == "record":
            ax.axvline(cutoff, color="#c44e52", label=f"cut-off = {cutoff}")
        ax.set_xlabel(f"{key} tokens")
        ax.set_ylabel("records")
        ax.legend(fontsize=8)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return png
