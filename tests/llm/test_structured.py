from __future__ import annotations

from pydantic import BaseModel

from paperreview.llm.structured import (
    parse_answer,
    response_format,
    schema_to_dict,
    validate_schema,
    with_schema_prompt,
)


class Review(BaseModel):
    summary: str
    rating: int


def test_clean_json_validates_against_pydantic():
    assert parse_answer('{"summary": "s", "rating": 6}', Review) == (
        {"summary": "s", "rating": 6}, None, None)


def test_repairs_fences_trailing_commas_and_truncated_tails():
    fenced = '```json\n{"summary": "s", "rating": 6,}\n```'
    assert parse_answer(fenced, Review)[0] == {"summary": "s", "rating": 6}
    truncated = '{"summary": "a long summ'
    parsed, err, _ = parse_answer(truncated, {"type": "object",
                                                   "properties": {"summary": {"type": "string"}}})
    assert parsed == {"summary": "a long summ"} and err is None


def test_validation_error_names_the_field():
    parsed, err, reason = parse_answer('{"summary": "s", "rating": "high"}', Review)
    assert parsed is None and reason == "schema_validation" and "rating" in err


def test_garbage_and_empty_answers_are_invalid_json():
    assert parse_answer("", Review)[2] == "invalid_json"
    assert parse_answer("I cannot answer that.", Review)[2] in ("invalid_json",
                                                                "schema_validation")


def test_dict_schema_checker():
    schema = {"type": "object", "required": ["a", "b"], "additionalProperties": False,
              "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 10},
                             "b": {"type": "array", "items": {"enum": ["x", "y"]}}}}
    assert validate_schema({"a": 3, "b": ["x"]}, schema) == []
    problems = validate_schema({"a": 11, "b": ["z"], "c": 1}, schema)
    assert len(problems) == 3
    assert validate_schema({"a": True, "b": []}, schema)  # bool is not an integer


def test_response_formats_and_prompt_fallback():
    assert response_format(Review, "json_schema")["json_schema"]["schema"] == schema_to_dict(Review)
    assert response_format(Review, "json_object") == {"type": "json_object"}
    assert response_format(Review, "prompt") is None
    msgs = with_schema_prompt([{"role": "user", "content": "hi"}], Review)
    assert msgs[0]["role"] == "system" and '"rating"' in msgs[0]["content"]


def test_model_schema_is_built_once_per_class(monkeypatch):
    class Once(BaseModel):
        score: int

    calls = []
    real = Once.model_json_schema.__func__
    monkeypatch.setattr(Once, "model_json_schema",
                        classmethod(lambda cls, *a, **k: calls.append(1) or real(cls, *a, **k)))
    from paperreview.llm import Request

    keys = {Request(messages=[{"role": "user", "content": str(i)}], schema=Once).key_for("m")
            for i in range(5)}
    assert len(keys) == 5 and len(calls) == 1
    assert schema_to_dict(Once)["required"] == ["score"]
