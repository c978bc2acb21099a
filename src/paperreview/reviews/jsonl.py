"""Read Submission JSONL tolerantly: a bad line is counted and described, the run goes on."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError
from ..records import Submission


def iter_submissions(path: str | os.PathLike, stats: Counter, errors: list[dict[str, str]]
                     ) -> Iterator[Submission]:
    """Yield ``Submission`` records from ``path``; a malformed line or a record with missing or
    mistyped fields is skipped, counted in ``stats`` and described (``path:line: why``) in
    ``errors``. A missing file raises :class:`InputError`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file", "give the submissions.jsonl written by "
                         "`paperreview reviews fetch` or `import-peerread`")
    with p.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if not line.endswith("\n"):  # a run killed mid-write leaves a partial last line
                    stats["skipped: truncated last line"] += 1
                    continue
                stats["skipped: malformed JSON line"] += 1
                errors.append({"where": f"{p}:{i}", "error": f"not valid JSON ({exc.msg})"})
                continue
            try:
                yield Submission.model_validate(obj)
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(x) for x in first["loc"])
                stats["skipped: invalid submission record"] += 1
                errors.append({"where": f"{p}:{i}", "error": f"{loc}: {first['msg']}"})
