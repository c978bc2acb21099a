"""Read the build's inputs: papers (dir of Paper JSON or JSONL), aggregated reviews, mix files.

Per-item problems are yielded as ``(None, reason)`` / returned as counts so the build goes on;
a missing file or directory stops it with an :class:`InputError`.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..io import BadLine, iter_jsonl, read_jsonl, resolve_input
from ..parse.science_parse import iter_papers as load_papers
from ..records import AggregatedReview, Paper


def iter_papers(path: str | Path) -> Iterator[tuple[Paper | None, str]]:
    """Yield ``(paper, where)`` through the one paper loader
    (:func:`paperreview.parse.science_parse.iter_papers`): a directory of Paper ``*.json`` files
    (``where`` = the file name) or a Paper JSONL (``where`` = ``path:line``); ``(None, "where:
    why")`` for an unreadable file or line, numbered as in the file."""
    is_dir = Path(path).is_dir()
    for where, item in load_papers(path):
        if isinstance(item, BadLine):
            yield None, item.error
        elif not item.sections and not item.title and not item.abstract and not is_dir:
            yield None, f"{where}: not a Paper record"
        else:
            yield item, Path(where).name if is_dir else where


def is_empty(paper: Paper) -> bool:
    """No title, no abstract and no section text: nothing to review."""
    return not (paper.title.strip() or paper.abstract.strip()
                or any(s.text.strip() for s in paper.sections))


def load_reviews(path: str | Path) -> tuple[dict[str, list[AggregatedReview]], list[dict]]:
    """Aggregated reviews by ``paper_id`` (status ok only), and the rejected lines as
    ``{"id", "paper_id", "status", "reason"}`` rows (with ``where`` = ``path:line`` and ``error``
    for a line that is not a valid record). ``path`` may be aggregate's output dir."""
    by_paper: dict[str, list[AggregatedReview]] = {}
    rejected: list[dict] = []
    p = resolve_input(path, ["aggregated.jsonl"], "--reviews",
                      "pass aggregated.jsonl or the output dir of `paperreview aggregate`")
    for rev in iter_jsonl(p, AggregatedReview):
        if isinstance(rev, BadLine):  # named path:line, counted, and the build goes on
            obj = rev.obj or {}
            reason = "malformed input line" if rev.obj is None else "invalid review record"
            rejected.append({"id": obj.get("id"), "paper_id": obj.get("paper_id"),
                             "status": "failed", "reason": reason, "where": rev.where,
                             "error": rev.error})
            continue
        row = {"id": rev.id, "paper_id": rev.paper_id}
        if rev.status != "ok":
            rejected.append(row | {"status": "skipped", "reason": f"review status {rev.status}"})
        elif not rev.paper_id:
            rejected.append(row | {"status": "failed", "reason": "review has no paper_id"})
        else:
            by_paper.setdefault(rev.paper_id, []).append(rev)
    return by_paper, rejected


#: the provenance line ``to_bracket(..., raised_by=True)`` puts after a point
_RAISED_LINE = re.compile(r"^\(raised_by: \[.*\]\)[ \t]*(?:\n|$)", re.MULTILINE)


def _without_raised_by(review: dict) -> dict:
    """The review JSON with each point's ``raised_by`` list dropped."""
    return {k: [{f: x for f, x in p.items() if f != "raised_by"} if isinstance(p, dict) else p
                for p in v] if isinstance(v, list) else v for k, v in review.items()}


def review_output(rev: AggregatedReview, output_format: str) -> str | None:
    """The training target: the bracket text, or the review JSON (``--output-format json``)."""
    if output_format == "json":  # reviewer ids are provenance, not something to learn to write
        return json.dumps(_without_raised_by(rev.review), ensure_ascii=False) if rev.review else None
    if rev.text and rev.text.strip():  # text made with to_bracket(raised_by=True) keeps ids: drop
        return _RAISED_LINE.sub("", rev.text).strip() or None
    if rev.review:  # an older line without text: render it with the aggregate stage
        try:
            from ..aggregate.bracket import to_bracket
            from ..aggregate.templates import get_template

            text = to_bracket(rev.review, get_template(rev.template), raised_by=False)
            return text.strip() or None
        except Exception:  # noqa: BLE001 - unknown template / aggregate missing: caller counts it
            return None
    return None


def parse_mix(spec: str) -> tuple[Path, float]:
    """``FILE:RATIO`` -> (path, ratio); RATIO = general examples per paper example in train."""
    path, sep, ratio = spec.rpartition(":")
    try:
        value = float(ratio)
    except ValueError:
        value = -1.0
    if not sep or not path or value < 0:
        raise InputError(f"--mix '{spec}': expected FILE:RATIO with RATIO >= 0, e.g. alpaca.json:0.2")
    if not Path(path).is_file():
        raise InputError(f"--mix: {path}: no such file", "give a JSON or JSONL instruction file")
    return Path(path), value


def load_mix(path: Path, n: int, seed: int) -> tuple[list[tuple[str, str]], int]:
    """Up to ``n`` (user, assistant) pairs sampled (seeded) from a general instruction file in
    Alpaca, ShareGPT or messages form (JSON array or JSONL); also the number of unusable rows."""
    text = path.read_text(encoding="utf-8")
    try:
        rows = json.loads(text) if text.lstrip().startswith("[") else list(read_jsonl(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"--mix: {path}: not valid JSON ({exc.msg})") from None
    pairs, bad = [], 0
    for row in rows:
        pair = _pair(row) if isinstance(row, dict) else None
        if pair:
            pairs.append(pair)
        else:
            bad += 1
    random.Random(seed).shuffle(pairs)
    return pairs[:n], bad


_USER, _ASSISTANT = ("human", "user"), ("gpt", "assistant")


def _pair(row: dict) -> tuple[str, str] | None:
    if "instruction" in row and "output" in row:
        user = "\n".join(x for x in (row["instruction"], row.get("input") or "") if x)
        return (user, row["output"]) if user and row["output"] else None
    turns = row.get("conversations") or row.get("messages")
    if not isinstance(turns, list):
        return None
    turns = [t for t in turns if isinstance(t, dict)]
    for a, b in itertools.pairwise(turns):  # the first user turn answered by the assistant
        if a.get("from", a.get("role")) in _USER and b.get("from", b.get("role")) in _ASSISTANT:
            user, reply = a.get("value", a.get("content")), b.get("value", b.get("content"))
            if isinstance(user, str) and isinstance(reply, str) and user and reply:
                return user, reply
            return None
    return None
