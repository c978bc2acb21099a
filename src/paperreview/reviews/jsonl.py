"""Read Submission JSONL tolerantly: a bad line is counted and described, the run goes on."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

from ..io import BadLine, iter_jsonl
from ..records import Submission


def iter_submissions(path: str | os.PathLike, stats: Counter, errors: list[dict[str, str]]
                     ) -> Iterator[Submission]:
    """Yield ``Submission`` records from ``path``; a malformed line or a record with missing or
    mistyped fields is skipped, counted in ``stats`` and described (``path:line: why``) in
    ``errors``. A missing file raises :class:`InputError`."""
    hint = "give the submissions.jsonl written by `paperreview reviews fetch` or `import-peerread`"
    for item in iter_jsonl(path, Submission, missing_hint=hint):
        if isinstance(item, BadLine):
            reason = "malformed JSON line" if item.obj is None else "invalid submission record"
            stats[f"skipped: {reason}"] += 1
            errors.append({"where": item.where, "error": item.error.removeprefix(
                item.where + ": ")})
            continue
        yield item
