"""Bracket text <-> JSON: lossless round trip (hypothesis), escaping, strict and lenient parsing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperreview.aggregate.bracket import BracketError, from_bracket, to_bracket
from paperreview.aggregate.schema import validate_review
from paperreview.aggregate.templates import get_template

# text rich in the characters the format uses: brackets, angle brackets, newlines, backslashes
TRICKY = st.text(
    alphabet=st.one_of(st.sampled_from(list("[]<>()\\\n\r\t :\"'{}rnstu0aF-*#1\x1f\x85\xa0\u2028")),
                       st.characters(codec="utf-8")),
    max_size=40,
)
IDS = st.lists(st.text(max_size=12), max_size=3)
POINT = st.fixed_dictionaries({"title": TRICKY, "detail": TRICKY, "raised_by": IDS})


def review_strategy(template):
    fields = {}
    for a in template.aspects:
        if a.kind == "points":
            fields[a.key] = st.lists(POINT, max_size=3)
        elif a.kind == "text":
            fields[a.key] = TRICKY
        elif a.kind == "score":
            fields[a.key] = st.none() | st.integers(a.min, a.max)
        else:
            fields[a.key] = st.none() | st.fixed_dictionaries(
                {"decision": st.sampled_from(["accept", "reject"]), "reasons": TRICKY})
    return st.fixed_dictionaries(fields)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["four-aspect", "seven-aspect", "sea"])
def test_round_trip_is_lossless(name):
    t = get_template(name)

    @SETTINGS
    @given(review_strategy(t))
    def check(review):
        text = to_bracket(review, t)
        assert from_bracket(text, t) == review
        assert from_bracket(text, t, strict=True) == review
        assert validate_review(review, t) == review
        # the training text drops reviewer ids and nothing else
        no_ids = from_bracket(to_bracket(review, t, raised_by=False), t, strict=True)
        for a in t.point_aspects:
            assert no_ids[a.key] == [{**p, "raised_by": []} for p in review[a.key]]

    check()


def test_format_matches_the_seed():
    t = get_template("four-aspect")
    review = {a.key: [] for a in t.aspects}
    review["significance_and_novelty"] = [
        {"title": "Novel idea", "detail": "A new take on [x].", "raised_by": ["R1", "R2"]}]
    review["reasons_for_rejection"] = [
        {"title": "a > b <c>", "detail": "line 1\nline 2 \\ end", "raised_by": []}]
    assert to_bracket(review, t, raised_by=False) == (
        "[Significance and novelty]\n<Novel idea> A new take on [x].\n"
        "[Potential reasons for acceptance]\n"
        "[Potential reasons for rejection]\n<a \\> b <c\\>> line 1\\nline 2 \\\\ end\n"
        "[Suggestions for improvement]")
    assert '(raised_by: ["R1", "R2"])' in to_bracket(review, t)


@pytest.mark.parametrize("value", ["*[Strengths]*", "## [Summary]:", "[Summary]", " (x) ", "\\"])
def test_text_that_looks_like_a_heading_stays_text(value):
    t = get_template("sea")
    review = from_bracket("", t)
    review["summary"] = value
    review["decision"] = {"decision": "reject", "reasons": value}
    text = to_bracket(review, t)
    assert from_bracket(text, t) == review == from_bracket(text, t, strict=True)


def test_sea_scores_and_decision():
    t = get_template("sea")
    text = ("[Summary]\n[Strengths]\n<Clear> Well written.\n[Weaknesses]\n[Questions]\n"
            "[Soundness]\n3\n[Presentation]\n4\n[Contribution]\n[Rating]\n6\n"
            "[Decision]\naccept\nSound and clear.")
    r = from_bracket(text, t, strict=True)
    assert r["soundness"] == 3 and r["contribution"] is None and r["rating"] == 6
    assert r["decision"] == {"decision": "accept", "reasons": "Sound and clear."}
    assert to_bracket(r, t) == text


def test_lenient_reads_model_output():
    t = get_template("four-aspect")
    text = ("\n[significance and novelty]\n- <Idea> New.\n  continues here\n\n"
            "[Potential reasons for rejection]:\n1. <Weak> Few baselines.\r\n"
            "[Unknown section]\n<ignored> x\n")
    r = from_bracket(text, t)
    assert r["significance_and_novelty"] == [
        {"title": "Idea", "detail": "New.\ncontinues here", "raised_by": []}]
    assert r["reasons_for_rejection"] == [
        {"title": "Weak", "detail": "Few baselines.", "raised_by": []}]
    assert r["reasons_for_acceptance"] == [] and r["suggestions_for_improvement"] == []


def test_lenient_reads_content_on_the_heading_line():
    t = get_template("sea")
    r = from_bracket("[Summary] A new loss.\n[Strengths] <Clear> Well written.\n"
                     "[Soundness] 3\n[Decision] reject\nWeak evidence.\n[1] is not a heading", t)
    assert r["summary"] == "A new loss." and r["soundness"] == 3
    assert r["strengths"] == [{"title": "Clear", "detail": "Well written.", "raised_by": []}]
    assert r["decision"] == {"decision": "reject", "reasons": "Weak evidence.\n[1] is not a heading"}


def test_lenient_scores_out_of_range_become_null():
    t = get_template("sea")
    r = from_bracket("[Soundness]\n3 good\n[Rating]\n11\n[Decision]\nAccept (poster)\nok", t)
    assert r["soundness"] == 3 and r["rating"] is None
    assert r["decision"] == {"decision": "accept", "reasons": "ok"}


@pytest.mark.parametrize("text, match", [
    ("[Significance and novelty]\nno title here", "line 2: .*expected '<title> detail'"),
    ("[Nope]", "unknown heading"),
    ("stray\n[Significance and novelty]", "line 1: text before"),
    ("[Significance and novelty]", "missing heading"),
])
def test_strict_errors_name_the_line(text, match):
    with pytest.raises(BracketError, match=match):
        from_bracket(text, "four-aspect", strict=True)
