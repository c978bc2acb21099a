"""Classification of replies, score parsing, stringify and the offline token counter."""

from __future__ import annotations

import pytest

from paperreview.reviews.classify import decision_label, parse_score, reply_kind, venueid_status
from paperreview.reviews.convert import convert_note, family, unwrap
from paperreview.reviews.stringify import heading, stringify
from paperreview.reviews.tokens import count_tokens, tokenize

V = "ICLR.cc/2024/Conference"


@pytest.mark.parametrize("invitation,signatures,kind", [
    (f"{V}/Submission7/-/Official_Review", [f"{V}/Submission7/Reviewer_ab"], "review"),
    (f"{V}/Submission7/-/Meta_Review", [f"{V}/Submission7/Area_Chair_x"], "meta_review"),
    (f"{V}/Submission7/-/Decision", [f"{V}/Program_Chairs"], "decision"),
    (f"{V}/Submission7/-/Official_Comment", [f"{V}/Submission7/Authors"], "author_response"),
    (f"{V}/Submission7/-/Official_Comment", [f"{V}/Submission7/Reviewer_ab"], "official_comment"),
    (f"{V}/Submission7/-/Public_Comment", ["~Jane_Doe1"], "public_comment"),
    (f"{V}/Submission7/-/Withdrawal", [f"{V}/Submission7/Authors"], "withdrawal"),
    (f"{V}/Submission7/-/Ethics_Review", ["x"], "other"),
    ("NeurIPS.cc/2023/Conference/Submission7/-/Rebuttal", ["NeurIPS.cc/2023/Conference/Submission7/Authors"], "author_response"),
    ("ICLR.cc/2019/Conference/-/Paper12/Official_Review", [], "review"),
    ("ICLR.cc/2018/Conference/-/Acceptance_Decision", [], "decision"),
    ("ICLR.cc/2017/conference/-/paper12/official/review", [], "review"),
    ("ICLR.cc/2017/conference/-/paper12/pre-review/question", [], "pre_review_question"),
    ("ICLR.cc/2017/conference/-/paper12/public/comment", ["~A_B1"], "public_comment"),
    ("ICLR.cc/2017/conference/-/paper12/acceptance", [], "decision"),
    (None, [], "other"),
])
def test_reply_kind(invitation, signatures, kind):
    assert reply_kind(invitation, signatures) == kind


def test_scores_and_decisions():
    assert parse_score("6: marginally above the acceptance threshold") == 6.0
    assert parse_score("3 good") == 3.0 and parse_score(7) == 7.0 and parse_score("4") == 4.0
    assert parse_score("N/A") is None and parse_score(None) is None and parse_score(True) is None
    assert [decision_label(x) for x in ("Accept (spotlight)", "Reject", "Invite to Workshop Track",
                                        "Withdrawn", "")] == ["accept", "reject", "reject", None, None]
    assert venueid_status(V, V) == "accept"
    assert venueid_status(f"{V}/Rejected_Submission", V) == "reject"
    assert venueid_status(f"{V}/Desk_Rejected_Submission", V) == "desk_rejected"


def test_stringify_uses_venue_order_and_skips_boilerplate():
    fields = {"weaknesses": "W.", "summary": "S.", "rating": 6, "code_of_conduct": "Yes", "empty": ""}
    text = stringify(fields, order={"summary": 1, "weaknesses": 2, "rating": 3})
    assert text == "## Summary\nS.\n\n## Weaknesses\nW.\n\n## Rating\n6"
    assert stringify({"comments": "Just text."}) == "Just text."
    assert heading("tl_dr") == "TL;DR" and heading("strengths_and_weaknesses") == "Strengths And Weaknesses"
    assert stringify({"flags": ["a", "b"], "ok": True}) == "## Flags\na, b\n\n## Ok\nYes"


def test_tokens():
    assert tokenize("state-of-the-art, 12.5%") == ["state", "-", "of", "-", "the", "-", "art", ",",
                                                   "12", ".", "5", "%"]
    assert tokenize("internationalization") == ["internat", "ionaliza", "tion"]
    assert count_tokens("") == 0 and count_tokens("word " * 100) == 100


def test_unwrap_and_family():
    assert unwrap({"a": {"value": 1}, "hidden": {"readers": ["x"]}, "b": {"value": None}}) == {"a": 1, "b": None}
    assert unwrap({"title": "v1 plain"}) == {"title": "v1 plain"}
    assert family(f"{V}/Submission12/-/Official_Review") == f"{V}/SubmissionN/-/Official_Review"


def test_convert_note_v1_shapes_and_withdrawn_v2():
    v1 = {"id": "B", "forum": "B", "invitation": "X/-/Blind_Submission", "original": "O",
          "content": {"title": "T", "authors": ["A", "B"], "keywords": "x, y", "pdf": "/pdf/b.pdf"},
          "details": {"directReplies": [
              {"id": "m", "invitation": "X/-/Paper1/Meta_Review", "signatures": ["X/Paper1/Area_Chair1"],
               "content": {"metareview": "ok", "recommendation": "Accept (Oral)"}, "cdate": 5}]}}
    sub = convert_note(v1, "X")
    assert sub.decision == "accept" and sub.keywords == ["x", "y"]
    assert sub.pdf_urls == ["https://openreview.net/pdf/b.pdf"]
    assert sub.meta_reviews[0].kind == "meta_review" and sub.metadata["api"] == 1
    v2 = {"id": "W", "invitations": [f"{V}/-/Submission"],
          "content": {"title": {"value": "T"}, "venueid": {"value": f"{V}/Withdrawn_Submission"},
                      "authors": {"value": [{"fullname": "Ann Lee", "username": "~Ann_Lee1"}]}}}
    sub = convert_note(v2, V)
    assert sub.decision is None and sub.metadata["status"] == "withdrawn"
    assert sub.authors == ["Ann Lee"] and sub.forum == "W"
