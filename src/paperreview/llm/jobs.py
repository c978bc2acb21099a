"""Building request bodies and results: the parts of a job that do not talk to the network."""

from __future__ import annotations

from typing import Any

from .journal import load_json_field
from .structured import response_format, with_schema_prompt
from .types import EngineConfig, Request, Result


def text_of(content: Any) -> str:
    """Message content as text (strings, or lists of {"type": "text", "text": ...} parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """A tokenizer-free estimate (~4 characters per token, +4 per message) for rate budgeting."""
    return sum(len(text_of(m.get("content"))) // 4 + 4 for m in messages) + 3


def charge(request: Request, cfg: EngineConfig, prompt_tokens: int) -> int:
    """Tokens charged up front: prompt estimate + n * max_tokens (refunded from usage)."""
    return prompt_tokens + request.n * (request.max_tokens or cfg.default_max_tokens)


def deadline(request: Request, cfg: EngineConfig, base: float | None = None) -> float:
    """Overall deadline, sized from the tokens the answer may take."""
    return (cfg.deadline_base if base is None else base) + request.n * (request.max_tokens or cfg.default_max_tokens) / max(
        cfg.min_tokens_per_s, 1e-6)


def body_for(request: Request, messages: list[dict[str, Any]], mode: str,
             model: str) -> dict[str, Any]:
    """The chat-completion body sent for one call. ``mode``: json_schema | json_object | prompt."""
    body: dict[str, Any] = dict(request.extra)
    body.pop("stream", None)
    body.pop("stream_options", None)
    if request.schema_ is not None:
        if mode != "json_schema":
            messages = with_schema_prompt(messages, request.schema_)
        rf = response_format(request.schema_, mode)
        if rf:
            body["response_format"] = rf
        else:
            body.pop("response_format", None)
    body["messages"] = messages
    body["model"] = request.model or model
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.max_tokens is not None and "max_completion_tokens" not in body:
        body["max_tokens"] = request.max_tokens
    if request.n != 1:
        body["n"] = request.n
    return body


def journal_request(request: Request) -> dict[str, Any]:
    """What the journal keeps about a request (enough to export it again; no secrets)."""
    return {"messages": request.messages, "temperature": request.temperature,
            "max_tokens": request.max_tokens, "n": request.n, "extra": request.extra,
            "schema": request.schema_dict(), "prompt_version": request.prompt_version,
            "model": request.model}


def first_content(completion: dict[str, Any] | None) -> str:
    try:
        return text_of(completion["choices"][0]["message"].get("content"))
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


def result_from_row(row: dict[str, Any], request: Request | None, *, cached: bool) -> Result:
    usage = {"prompt_tokens": row.get("prompt_tokens") or 0,
             "completion_tokens": row.get("completion_tokens") or 0}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    if row.get("cost") is not None:
        usage["cost_usd"] = row["cost"]
    return Result(
        custom_id=request.custom_id if request else row.get("custom_id"),
        job_key=row["job_key"], status="ok" if row["status"] == "ok" else "failed",
        content=row.get("content") or "", parsed=load_json_field(row.get("parsed")),
        response=load_json_field(row.get("response")), error=row.get("error"),
        reason=row.get("reason"), usage=usage, attempts=row.get("attempts") or 0, cached=cached,
        metadata=request.metadata if request else {})
