"""Read Submission JSONL tolerantly: a bad line is counted and described, the run goes on."""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..io import BadLine, iter_jsonl, resolve_input
from ..records import Submission
from ..stage import Summary


def iter_submissions(path: str | os.PathLike, summary: Summary, errors: list[dict[str, str]]
                     ) -> Iterator[Submission]:
    """Yield ``Submission`` records from ``path`` (a Submission JSONL, or the output dir of a
    ``paperreview reviews`` command holding ``submissions.jsonl``). A malformed line or a record
    with missing or mistyped fields is a failed row in ``summary`` naming ``path:line`` (also
    described in ``errors``), and the run goes on. A missing file raises :class:`InputError`."""
    hint = "give the submissions.jsonl written by `paperreview reviews fetch` or `import-peerread`"
    path = resolve_input(path, ["submissions.jsonl"], "submissions", hint)
    for item in iter_jsonl(path, Submission, missing_hint=hint):
        if isinstance(item, BadLine):
            reason = "malformed input line" if item.obj is None else "invalid submission record"
            summary.bad_line(item, reason)
            errors.append({"where": item.where, "error": item.error.removeprefix(
                item.where + ": ")})
            continue
        yield item
