"""Structured output: schemas in, validated dicts out.

The endpoint is asked for ``response_format`` json_schema where it supports it, json_object
otherwise (with the schema written into the prompt). Answers are parsed, near-misses (code
fences, trailing commas, truncated tails) repaired with ``json-repair``, then validated with
pydantic (model classes) or a small JSON-schema checker (dicts). A failed validation produces the
message used to re-ask the model.

>>> from pydantic import BaseModel
>>> class A(BaseModel):
...     score: int
>>> parse_answer('```json\\n{"score": 3,}\\n```', A)
({'score': 3}, None, None)
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def schema_to_dict(schema: Any) -> dict[str, Any] | None:
    """The JSON schema of a pydantic model class (computed once per class) or a dict as is.
    Callers must not mutate the returned dict: it is shared."""
    if schema is None:
        return None
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return _model_schema(schema)
    if isinstance(schema, dict):
        return schema
    raise TypeError(f"schema must be a pydantic model class or a JSON-schema dict, not {schema!r}")


@functools.cache
def _model_schema(cls: type[BaseModel]) -> dict[str, Any]:
    # the job key hashes the schema of every request: building it once per class, not per job
    return cls.model_json_schema()


def schema_name(schema: Any) -> str:
    d = schema_to_dict(schema) or {}
    raw = getattr(schema, "__name__", None) or d.get("title") or "answer"
    return re.sub(r"[^a-zA-Z0-9_-]", "_", str(raw))[:64]


def response_format(schema: Any, mode: str) -> dict[str, Any] | None:
    """``mode``: "json_schema" | "json_object" | "prompt" (no response_format at all)."""
    if schema is None or mode == "prompt":
        return None
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {
            "name": schema_name(schema), "schema": schema_to_dict(schema), "strict": False}}
    return {"type": "json_object"}


def schema_instruction(schema: Any) -> str:
    return ("Answer with a single JSON object (no prose, no code fences) that validates against "
            "this JSON schema:\n" + json.dumps(schema_to_dict(schema), ensure_ascii=False))


def with_schema_prompt(messages: list[dict[str, Any]], schema: Any) -> list[dict[str, Any]]:
    """Messages with the schema instruction appended to the system message (or a new one)."""
    msgs = [dict(m) for m in messages]
    text = schema_instruction(schema)
    if msgs and msgs[0].get("role") == "system" and isinstance(msgs[0].get("content"), str):
        msgs[0]["content"] = msgs[0]["content"] + "\n\n" + text
    else:
        msgs.insert(0, {"role": "system", "content": text})
    return msgs


def reask_messages(content: str, error: str) -> list[dict[str, Any]]:
    """The two turns appended to re-ask after an invalid answer."""
    return [{"role": "assistant", "content": content},
            {"role": "user", "content": f"Your answer was not valid: {error}\n"
             "Reply again with only the corrected JSON object."}]


def load_json(content: str) -> tuple[Any, bool]:
    """Parse ``content`` as JSON; fall back to json-repair. Returns (value, repaired)."""
    text = content.strip()
    m = _FENCE.match(text)
    if m:
        text = m.group(1)
    try:
        return json.loads(text), m is not None
    except json.JSONDecodeError:
        pass
    import json_repair

    value = json_repair.loads(text)
    if value in ("", None) and text not in ('""', "null"):
        raise ValueError("no JSON object found in the answer")
    return value, True


def parse_answer(content: str, schema: Any) -> tuple[dict | None, str | None, str | None]:
    """Return ``(parsed, error, reason)``; reason is "invalid_json" or "schema_validation"."""
    if content is None or not content.strip():
        return None, "the answer was empty", "invalid_json"
    try:
        value, _ = load_json(content)
    except Exception as exc:  # noqa: BLE001 - json_repair raises assorted types on garbage
        return None, f"not JSON ({exc})", "invalid_json"
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        try:
            return schema.model_validate(value).model_dump(mode="json"), None, None
        except ValidationError as exc:
            errs = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
                             for e in exc.errors()[:5])
            return None, errs, "schema_validation"
    if not isinstance(value, dict):
        return None, f"expected a JSON object, got {type(value).__name__}", "schema_validation"
    if schema is not None:
        problems = validate_schema(value, schema_to_dict(schema) or {})
        if problems:
            return None, "; ".join(problems[:5]), "schema_validation"
    return value, None, None


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
          "integer": int, "number": (int, float)}


def validate_schema(value: Any, schema: dict[str, Any], path: str = "(root)",
                    defs: dict[str, Any] | None = None) -> list[str]:
    """A small JSON-schema checker: type, required, properties, items, enum, anyOf, $ref,
    additionalProperties=false, minimum/maximum. Returns problems as readable strings."""
    defs = defs if defs is not None else schema.get("$defs", schema.get("definitions", {}))
    if "$ref" in schema:
        schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf")
        if any(not validate_schema(value, s, path, defs) for s in options):
            return []
        return [f"{path}: matches none of the allowed forms"]
    out: list[str] = []
    t = schema.get("type")
    types = t if isinstance(t, list) else [t] if t else []
    if types:
        ok = any(isinstance(value, _TYPES.get(x, object)) and not (
            x in ("integer", "number") and isinstance(value, bool)) for x in types)
        if not ok:
            return [f"{path}: expected {'/'.join(types)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} is above the maximum {schema['maximum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                out.append(f"{path}.{k}: field required")
        for k, v in value.items():
            if k in props:
                out += validate_schema(v, props[k], f"{path}.{k}", defs)
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}.{k}: unexpected field")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            out += validate_schema(v, schema["items"], f"{path}[{i}]", defs)
    return out
