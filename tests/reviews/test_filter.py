"""``reviews filter``: each rule drops what it should, and every drop is counted by reason."""

from __future__ import annotations

import json

from paperreview.io import read_records, write_jsonl
from paperreview.records import Comment, HumanReview, Submission
from paperreview.reviews.filters import FilterConfig, filter_submission, run_filter
from tests.reviews.util import run_cli

BODY = "The method is sound and the experiments are convincing overall. " * 12  # ~130 tokens


def review(rid, text=BODY, rating=6.0, confidence=4.0, **kw):
    return HumanReview(id=rid, forum="p", text=text, fields={"review": text}, rating=rating,
                       confidence=confidence, **kw)


def cfg(**kw):
    return FilterConfig(input="-", out_dir="-", **kw)


def test_each_review_rule():
    sub = Submission(id="p", forum="p", decision="accept", reviews=[
        review("ok"),
        review("dup", text=BODY.upper() + "  "),  # same text, other case and spacing
        review("short", text="Nice paper."),
        review("long", text="word " * 2001),
        review("lines", text="\n".join(["a few words"] * 60)),
        review("contra", text=BODY + " Different.", rating=3.0, confidence=1.0),
        review("sure-contra", text=BODY + " Other.", rating=3.0, confidence=5.0),
    ])
    kept, why = filter_submission(sub, cfg())
    assert [r.id for r in kept.reviews] == ["ok", "sure-contra"]
    assert why["reviews"] == {"duplicate review": 1, "too short (< 100 tokens)": 1,
                              "too long (> 2000 tokens)": 1,
                              "too many line breaks (> 0.2 per token)": 1,
                              "low confidence, rating contradicts decision": 1}
    # every rule can be switched off
    kept, _ = filter_submission(sub, cfg(dedupe=False, min_tokens=0, max_tokens=10**6,
                                         max_newline_ratio=10, drop_contradicting=False))
    assert len(kept.reviews) == 7


def test_contradiction_needs_a_decision_and_low_confidence():
    r = review("r", rating=8.0, confidence=2.0)
    assert filter_submission(Submission(id="p", forum="p", decision="reject", reviews=[r]),
                             cfg())[0] is None  # its only review is gone -> paper dropped
    assert filter_submission(Submission(id="p", forum="p", decision=None, reviews=[r]), cfg())[0]
    assert filter_submission(Submission(id="p", forum="p", decision="accept", reviews=[r]), cfg())[0]


def test_comment_rules():
    comments = [Comment(id=k, forum="p", kind=k) for k in
                ("author_response", "public_comment", "pre_review_question", "official_comment")]
    sub = Submission(id="p", forum="p", reviews=[review("r")], comments=comments)
    kept, why = filter_submission(sub, cfg())
    assert [c.kind for c in kept.comments] == ["official_comment"]
    assert sum(why["comments"].values()) == 3
    kept, _ = filter_submission(sub, cfg(drop_author_responses=False, drop_public_comments=False,
                                         drop_questions=False))
    assert len(kept.comments) == 4


def test_bad_lines_are_failed_rows_counted_and_named(tmp_path):
    good = Submission(id="a", forum="a", reviews=[review("r1")])
    path = tmp_path / "in.jsonl"
    write_jsonl(path, [good, good.model_copy(update={"id": "b"})])
    with path.open("a") as fh:
        fh.write("{not json\n")
        fh.write(json.dumps({"forum": "no id"}) + "\n")
        fh.write(good.model_copy(update={"id": "a"}).model_dump_json() + "\n")  # repeated id
    summary = run_filter(FilterConfig(input=str(path), out_dir=str(tmp_path / "out")))
    assert summary.ok == 2
    assert summary.reasons["failed: malformed input line"] == 1
    assert summary.reasons["failed: invalid submission record"] == 1
    assert summary.reasons["skipped: duplicate submission"] == 1
    assert [r["where"] for r in summary.failed_rows] == [f"{path}:3", f"{path}:4"]
    report = json.loads((tmp_path / "out" / "filter_report.json").read_text())
    assert [e["where"] for e in report["errors"]] == [f"{path}:3", f"{path}:4"]
    assert report["submissions"]["kept"] == 2
    # the repeated submission's review is neither "in" nor "kept"
    assert report["reviews"]["in"] == report["reviews"]["kept"] == 2


def test_cli_garbage_line_mid_input_is_one_failed_row(tmp_path):
    """`reviews filter` on the dir of a previous stage with a garbage line in the middle: the run
    finishes, the good records are written, summary.json names the line, exit status 1."""
    src = tmp_path / "fetched"
    subs = [Submission(id=i, forum=i, reviews=[review("r1")]) for i in "abc"]
    write_jsonl(src / "submissions.jsonl", subs[:2])
    with (src / "submissions.jsonl").open("a") as fh:
        fh.write("garbage\n" + subs[2].model_dump_json() + "\n")
    assert run_cli(["reviews", "filter", str(src), "-o", str(tmp_path / "out")]) == 1
    kept = list(read_records(tmp_path / "out" / "submissions.jsonl", Submission))
    assert [s.id for s in kept] == ["a", "b", "c"]
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (saved["ok"], saved["failed"]) == (3, 1)
    assert saved["failed_rows"][0]["where"] == f"{src / 'submissions.jsonl'}:3"


def test_cli_filter_on_peerread(peerread_dir, tmp_path):
    assert run_cli(["reviews", "import-peerread", str(peerread_dir), "-o", str(tmp_path / "in")]) == 0
    assert run_cli(["reviews", "filter", str(tmp_path / "in" / "submissions.jsonl"),
                    "-o", str(tmp_path / "out"), "--min-review-tokens", "100"]) == 0
    report = json.loads((tmp_path / "out" / "filter_report.json").read_text())
    assert report["reviews"]["in"] == 1068 + 27
    dropped = report["reviews"]["dropped"]
    assert report["reviews"]["kept"] == 1095 - sum(dropped.values())
    assert dropped["too short (< 100 tokens)"] > 0
    assert report["comments"]["dropped"]["pre-review question"] > 700
    kept = list(read_records(tmp_path / "out" / "submissions.jsonl", Submission))
    assert len(kept) == report["submissions"]["kept"] > 300
    assert sum(len(s.reviews) for s in kept) == report["reviews"]["kept"]
    assert all(c.kind not in ("author_response", "public_comment") for s in kept for c in s.comments)
    assert report["rules"]["max_tokens"] == 2000
