"""The generic batch runner behind ``paperreview llm run``.

Input: JSONL, each line an OpenAI Batch API input line (``{"custom_id", "body": {...}}``) or a
bare chat-completion body. Output: one line per input line, in input order, with ``custom_id``,
``job_key``, ``status`` (ok | failed), ``response`` (the chat completion), ``parsed`` when the
body asked for a json_schema, ``usage``, ``attempts`` and, for failures, ``reason`` + ``error``.
A bad input line becomes a failed output line (reason ``bad_input``); the run goes on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import JsonlWriter
from ..stage import Summary
from .engine import Engine
from .types import EngineConfig, Request


def request_from_line(obj: Any, line_no: int) -> Request:
    """Turn one input line into a Request; raises TypeError/ValueError saying what is wrong."""
    if not isinstance(obj, dict):
        raise TypeError("expected a JSON object")
    body = obj.get("body", obj) if "body" in obj else obj
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise TypeError("the chat-completion body needs a 'messages' list")
    body = dict(body)
    custom_id = obj.get("custom_id") if "body" in obj else body.pop("custom_id", None)
    body.pop("stream", None)
    messages = body.pop("messages")
    schema = None
    rf = body.get("response_format") or {}
    if rf.get("type") == "json_schema":
        schema = (rf.get("json_schema") or {}).get("schema")
        body.pop("response_format")
    max_tokens = body.pop("max_tokens", None) or body.get("max_completion_tokens")
    return Request(messages=messages, schema=schema, temperature=body.pop("temperature", None),
                   max_tokens=max_tokens, n=body.pop("n", 1) or 1, model=body.pop("model", None),
                   custom_id=str(custom_id) if custom_id is not None else f"line-{line_no}",
                   extra=body)


def _read(path: str) -> list[tuple[int, Request | str]]:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file", "give a JSONL file of chat-completion requests")
    items: list[tuple[int, Request | str]] = []
    for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append((i, request_from_line(json.loads(line), i)))
        except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
            items.append((i, f"{p}:{i}: {exc}"))
    if not items:
        raise InputError(f"{p}: no requests in the file")
    return items


def run_file(requests_path: str, output: str, cfg: EngineConfig, summary: Summary,
             progress: bool = True) -> None:
    items = _read(requests_path)
    with Engine(cfg) as engine, JsonlWriter(output, mode="w") as out:
        good = [r for _, r in items if isinstance(r, Request)]
        results = engine.run(good, progress=progress) if good else iter(())
        for line_no, item in items:
            if isinstance(item, str):
                out.write({"custom_id": f"line-{line_no}", "job_key": None, "status": "failed",
                           "reason": "bad_input", "error": item, "response": None})
                summary.count("failed", "bad_input")
                continue
            res = next(results)
            row = {"custom_id": res.custom_id, "job_key": res.job_key, "status": res.status,
                   "response": res.response, "usage": res.usage, "attempts": res.attempts}
            if item.schema_ is not None:
                row["parsed"] = res.parsed
            if res.status != "ok":
                row.update(reason=res.reason, error=res.error)
            out.write(row)
            summary.count(res.status, res.reason if res.status != "ok" else None)
            if res.cached:
                summary.extra["from_journal"] = summary.extra.get("from_journal", 0) + 1
