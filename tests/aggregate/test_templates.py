"""Templates: built-ins, each schema, prompts, user template files validated on load."""

from __future__ import annotations

import pytest

from paperreview.aggregate.prompt import SAMPLE
from paperreview.aggregate.schema import SchemaError, validate_review
from paperreview.aggregate.templates import BUILTIN, get_template
from paperreview.errors import InputError

FOUR = ["Significance and novelty", "Potential reasons for acceptance",
        "Potential reasons for rejection", "Suggestions for improvement"]
SEVEN = ["How to evaluate the idea of the paper", "Essential differences from previous similar works",
         "How to evaluate the experimental results", "Possible reasons for acceptance",
         "Possible reasons for rejection", "Other suggestions for improving the paper",
         "Other important review comments"]
POINT = {"title": "Baselines", "detail": "Missing.", "raised_by": ["R1", "R2"]}


@pytest.mark.parametrize("name, headings", [("four-aspect", FOUR), ("seven-aspect", SEVEN)])
def test_point_templates(name, headings):
    t = get_template(name)
    assert [a.name for a in t.aspects] == headings
    assert t.point_aspects == t.aspects and t.prompt_version.startswith(f"{name}@")
    empty = {a.key: [] for a in t.aspects}
    assert validate_review(empty, t) == empty  # the honesty option: every aspect may be empty
    full = {a.key: [POINT] for a in t.aspects}
    assert validate_review(full, t) == full
    for bad, match in [({**empty, "extra": []}, "extra"),
                       ({k: v for k, v in list(empty.items())[1:]}, "Field required"),
                       ({**empty, t.aspects[0].key: [{"title": "x"}]}, "detail"),
                       ({**empty, t.aspects[0].key: [{**POINT, "raised_by": "R1"}]}, "list")]:
        with pytest.raises(SchemaError, match=match):
            validate_review(bad, t)


def test_sea_schema():
    t = get_template("sea")
    assert [a.name for a in t.aspects] == ["Summary", "Strengths", "Weaknesses", "Questions",
                                           "Soundness", "Presentation", "Contribution",
                                           "Rating", "Decision"]
    assert [(a.key, a.min, a.max) for a in t.aspects if a.kind == "score"] == [
        ("soundness", 1, 4), ("presentation", 1, 4), ("contribution", 1, 4), ("rating", 1, 10)]
    good = {"summary": "A method.", "strengths": [POINT], "weaknesses": [], "questions": [],
            "soundness": 3, "presentation": None, "contribution": 2, "rating": 6,
            "decision": {"decision": "accept", "reasons": "Solid."}}
    assert validate_review(good, t) == good
    for key, value in [("soundness", 5), ("rating", 0), ("decision", {"decision": "maybe",
                                                                      "reasons": ""})]:
        with pytest.raises(SchemaError, match=key):
            validate_review({**good, key: value}, t)
    schema = t.schema.model_json_schema()
    assert schema["additionalProperties"] is False and set(schema["required"]) == set(good)


@pytest.mark.parametrize("name", BUILTIN)
def test_prompt_says_empty_is_allowed_and_points_are_merged(name):
    t = get_template(name)
    system, user = t.messages(SAMPLE)
    assert system["role"] == "system" and user["role"] == "user"
    text = user["content"]
    assert "Empty lists are allowed" in text and "merged into ONE point" in text
    assert "===== Review by reviewer R1 (rating 6) =====\nClear paper." in text
    assert all(f'"{a.key}"' in text for a in t.aspects)


def test_decision_is_shown_only_to_templates_that_have_one():
    sub = SAMPLE.model_copy(update={"decision": "reject"})
    assert "final decision on the paper was: reject" in get_template("sea").messages(sub)[1][
        "content"]
    assert "final decision" not in get_template("four-aspect").messages(sub)[1]["content"]


def test_reviews_without_text_use_their_fields_and_empty_ones_are_left_out():
    from paperreview.records import HumanReview

    sub = SAMPLE.model_copy(update={"reviews": [
        HumanReview(id="a", forum="f", fields={"summary": "Good.", "weaknesses": ""}),
        HumanReview(id="b", forum="f", text="  ")]})
    t = get_template("four-aspect")
    assert {k: r.id for k, r in t.reviewer_labels(sub).items()} == {"R1": "a"}
    assert "summary: Good." in t.messages(sub)[1]["content"]


USER_TEMPLATE = """\
name: my-template
version: 3
description: two aspects
user: |
  Reviews of {{ title }}:
  {% for r in reviews %}{{ r.label }}: {{ r.text }}
  {% endfor %}
  Answer as JSON: {{ format }}. Empty lists are allowed.
aspects:
  - {key: pros, name: Pros}
  - {key: cons, name: Cons, description: problems}
  - {key: overall, name: Overall, kind: score, min: 0, max: 5}
"""


def test_user_template_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(USER_TEMPLATE)
    t = get_template(str(path))
    assert t.name == "my-template" and t.version == "3"
    assert t.prompt_version == "my-template@3+base1"  # system prompt inherited from _base.yaml
    msgs = t.messages(SAMPLE)
    assert msgs[0]["content"].startswith("You are an experienced area chair")
    assert msgs[1]["content"].startswith("Reviews of A sample paper:\nR1: Clear paper.")
    assert validate_review({"pros": [], "cons": [POINT], "overall": 0}, t)


@pytest.mark.parametrize("change, match", [
    (("version: 3", "version: 3\ncolour: red"), "colour: Extra inputs"),
    (("key: cons", "key: pros"), "duplicate aspect key: pros"),
    (("name: Cons,", "name: '[Cons]',"), "without '\\['"),
    (("key: cons", "key: Cons-x"), "aspects.1.key"),
    (("min: 0, max: 5", "min: 5, max: 5"), "min < max"),
    (("{{ format }}", "{{ format }"), "user: prompt line"),
    (("{{ title }}", "{{ paper_title }}"), "'paper_title' is undefined"),
    (("name: my-template\n", ""), "name: Field required"),
    (("aspects:\n", "aspectz:\n"), "aspects: Field required"),
])
def test_invalid_user_templates_name_the_file_and_problem(tmp_path, change, match):
    path = tmp_path / "bad.yaml"
    path.write_text(USER_TEMPLATE.replace(*change))
    with pytest.raises(InputError, match=match) as info:
        get_template(str(path))
    assert str(path) in info.value.message


def test_unknown_template_names():
    with pytest.raises(InputError, match="unknown template 'five-aspect'") as info:
        get_template("five-aspect")
    assert "four-aspect" in info.value.hint
    with pytest.raises(InputError, match="template file not found"):
        get_template("nope/missing.yaml")


def test_template_version_feeds_the_job_key(tmp_path):
    from paperreview.llm import Request

    keys = []
    for version in ("3", "4"):
        path = tmp_path / f"v{version}.yaml"
        path.write_text(USER_TEMPLATE.replace("version: 3", f"version: {version}"))
        t = get_template(str(path))
        keys.append(Request(messages=t.messages(SAMPLE), schema=t.schema,
                            prompt_version=t.prompt_version).key_for("m"))
    assert keys[0] != keys[1]


def test_filter_takes_keys_or_headings_and_counts_content_only():
    from paperreview.aggregate.filter import LongTailFilter
    from paperreview.errors import ConfigError

    t = get_template("four-aspect")
    f = LongTailFilter(t, min_tokens=6, require_aspects=["Potential reasons for rejection"])
    review = {a.key: [] for a in t.aspects}
    assert f.reason(review, "") == "empty reasons_for_rejection"
    review["reasons_for_rejection"] = [POINT]
    assert f.reason(review, "[Potential reasons for rejection]\n<a> b") == "too short"
    assert f.reason(review, "[Potential reasons for rejection]\n<a> b c d") is None
    with pytest.raises(ConfigError, match="no aspect 'pros'"):
        LongTailFilter(t, require_aspects=["pros"])
