"""Splits by paper, exact-duplicate removal, and split files written from a disk spool.

A build can hold more text than memory comfortably allows (15,000 papers are ~700 MB), so
records go to a spool file as they are made; only each record's paper id and content hash stay
in memory. The split files are then written by streaming the spool once.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

from .formats import SPLITS


def assign_splits(paper_ids: list[str], fractions: list[float], seed: int) -> dict[str, str]:
    """paper id -> "train" | "validation" | "test" (seeded shuffle, exact proportions); held-out
    splits asked for get at least one paper once there are three papers."""
    papers = sorted(set(paper_ids))
    random.Random(seed).shuffle(papers)
    n = len(papers)
    n_val, n_test = (max(int(f > 0 and n >= 3), round(f * n)) for f in fractions[1:])
    cut1 = n - n_val - n_test
    cut2 = cut1 + n_val
    return {p: ("train" if i < cut1 else "validation" if i < cut2 else "test")
            for i, p in enumerate(papers)}


def split_by_paper(records: list[dict], fractions: list[float], seed: int) -> dict[str, list[dict]]:
    """In-memory form of :func:`assign_splits`: records grouped by split."""
    where = assign_splits([r["paper_id"] for r in records], fractions, seed)
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for rec in records:
        out[where[rec["paper_id"]]].append(rec)
    return out


def content_key(instruction: str, input_text: str, output: str) -> bytes:
    """Identity of a record for exact deduplication (ids and bookkeeping fields left out)."""
    h = hashlib.sha256()
    for part in (instruction, input_text, output):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.digest()


class Spool:
    """Append-only record spool beside the outputs; drops exact duplicates as they come."""

    def __init__(self, out_dir: Path):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / ".build-spool.jsonl"
        self._fh = self.path.open("w", encoding="utf-8")
        self.paper_ids: list[str] = []
        self._seen: set[bytes] = set()

    def add(self, record: dict[str, Any], key: bytes) -> bool:
        """Spool ``record``; False (and nothing written) when its content was seen before."""
        if key in self._seen:
            return False
        self._seen.add(key)
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.paper_ids.append(record["paper_id"])
        return True

    def write_splits(self, out_dir: Path, where: dict[str, str], extra_train: list[dict],
                     seed: int) -> dict[str, int]:
        """Stream the spool into ``<split>.jsonl`` (temp file + rename each); ``extra_train``
        (mixed-in examples) is interleaved into train at seeded random places. Returns the
        number of records per split and removes the spool."""
        self._fh.close()
        n_train = sum(where[p] == "train" for p in self.paper_ids)
        slots = set(random.Random(seed).sample(range(n_train + len(extra_train)), len(extra_train)))
        extra = iter(extra_train)
        tmp = {s: out_dir / f".{s}.jsonl.tmp" for s in SPLITS}
        handles = {s: p.open("w", encoding="utf-8") for s, p in tmp.items()}
        counts = dict.fromkeys(SPLITS, 0)

        def put(split: str, line: str) -> None:
            while split == "train" and counts["train"] in slots:  # a mixed example goes here
                handles["train"].write(json.dumps(next(extra), ensure_ascii=False) + "\n")
                counts["train"] += 1
            handles[split].write(line)
            counts[split] += 1

        with self.path.open(encoding="utf-8") as fh:
            for pid, line in zip(self.paper_ids, fh):
                put(where[pid], line)
        for rec in extra:  # the slots at the very end
            handles["train"].write(json.dumps(rec, ensure_ascii=False) + "\n")
            counts["train"] += 1
        for s, h in handles.items():
            h.flush()
            os.fsync(h.fileno())
            h.close()
            os.replace(tmp[s], out_dir / f"{s}.jsonl")
        self.path.unlink()
        return counts
