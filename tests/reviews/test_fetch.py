"""``reviews fetch`` against a local server answering with recorded API v1/v2 shapes.

The real openreview-py clients talk HTTP to ``FakeOpenReview``; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json

import pytest

from paperreview.io import read_jsonl, read_records
from paperreview.records import Submission
from paperreview.reviews.fetch import FetchConfig, fetch_venue
from paperreview.reviews.openreview import Caller
from tests.reviews.util import run_cli

V2, V1 = "ICLR.cc/2024/Conference", "ICLR.cc/2019/Conference"


def fetch(clients, out, venue=V2, **kw):
    cfg = FetchConfig(venue=venue, out_dir=str(out), rps=0, progress=False, **kw)
    return fetch_venue(cfg, *clients)


def subs(out):
    return {s.id: s for s in read_records(out / "submissions.jsonl", Submission)}


def test_v2_venue_reviews_typed_apart(clients, tmp_path):
    summary = fetch(clients, tmp_path)
    assert summary.extra["api"] == 2 and summary.ok == 3
    s = subs(tmp_path)
    acc, rej, wdr = s["v2Acc001"], s["v2Rej002"], s["v2Wdr003"]
    assert (acc.decision, rej.decision, wdr.decision) == ("accept", "reject", None)
    assert wdr.metadata["status"] == "withdrawn"
    assert [r.id for r in acc.reviews] == ["v2R1a", "v2R1b"]  # only official reviews
    assert [(r.rating, r.confidence) for r in acc.reviews] == [(6.0, 4.0), (8.0, 3.0)]
    assert [(m.kind, m.decision) for m in acc.meta_reviews] == [("meta_review", None),
                                                                ("decision", "Accept (poster)")]
    assert {c.id: c.kind for c in acc.comments} == {
        "v2C1": "author_response", "v2C2": "official_comment", "v2P1": "public_comment"}
    review = acc.reviews[0]
    # fields in the form's order (from the invitation), not the API's alphabetical order
    assert list(review.fields)[:4] == ["summary", "soundness", "presentation", "contribution"]
    assert review.text.startswith("## Summary\n") and "Code Of Conduct" not in review.text
    assert review.signature.endswith("/Reviewer_AbCd") and review.date.startswith("2023-09-21")
    assert acc.title == "Sparse Attention With a Budget" and acc.keywords == ["attention", "efficiency"]
    assert acc.pdf_urls == ["https://openreview.net/pdf/v2Acc001latest.pdf"]


def test_v2_pdf_first_is_the_first_edit(clients, fake_openreview, tmp_path):
    fetch(clients, tmp_path, pdf="first")
    pdf = (tmp_path / "pdfs" / "v2Acc001.pdf").read_bytes()
    assert pdf == b"%PDF-1.5 v2 notes/edits/attachment e1first"
    acc = subs(tmp_path)["v2Acc001"]
    assert [r["id"] for r in acc.revisions] == ["e1first", "e1rev"]  # the venueid edit has no pdf
    rows = {r["id"]: r for r in read_jsonl(tmp_path / "pdfs.jsonl")}
    assert rows["v2Acc001"]["revision"] == "e1first" and rows["v2Acc001"]["status"] == "ok"
    assert fake_openreview.requests("/v2/notes/edits/attachment")[0] == {"id": "e1first", "name": "pdf"}


def test_pdf_first_is_the_last_revision_before_the_reviews(clients, fake_openreview, tmp_path):
    # a second PDF uploaded before the first review (1695300001000): that is what was reviewed
    edits = fake_openreview.edits["v2Acc001"]["edits"]
    edits[1]["cdate"] = edits[1]["tcdate"] = 1695300000500
    fetch(clients, tmp_path, pdf="first")
    acc = subs(tmp_path)["v2Acc001"]
    assert acc.metadata["first_revision"] == "e1rev"
    assert acc.revisions[1]["invitations"] == ["ICLR.cc/2024/Conference/Submission101/-/Revision"]
    assert (tmp_path / "pdfs" / "v2Acc001.pdf").read_bytes().endswith(b"e1rev")


def test_pdf_first_without_visible_revisions_saves_the_latest_and_says_so(
        clients, fake_openreview, tmp_path):
    fake_openreview.edits["v2Rej002"] = {"edits": [], "count": 0}
    summary = fetch(clients, tmp_path, pdf="first")
    rows = {r["id"]: r for r in read_jsonl(tmp_path / "pdfs.jsonl")}
    assert rows["v2Rej002"]["status"] == "ok" and rows["v2Rej002"]["revision"] is None
    assert "latest" in rows["v2Rej002"]["fallback"] and "fallback" not in rows["v2Acc001"]
    assert summary.reasons["warning: no revisions, latest PDF saved"] == 1


def test_v1_venue_with_references(clients, fake_openreview, tmp_path):
    summary = fetch(clients, tmp_path, venue=V1, pdf="first")
    assert summary.extra["api"] == 1
    assert summary.extra["invitation"] == f"{V1}/-/Blind_Submission"
    s = subs(tmp_path)
    acc = s["v1Acc001"]
    assert acc.decision == "accept" and s["v1Rej002"].decision == "reject"  # from meta-reviews
    assert [r.rating for r in acc.reviews] == [7.0, 5.0]
    assert list(acc.reviews[0].fields) == ["title", "review", "rating", "confidence"]
    # v1 default: directReplies, so the authors' answer nested under a review is not there
    assert [c.kind for c in acc.comments] == ["public_comment"]
    assert fake_openreview.requests("/v1/notes")[-1]["details"] == "directReplies"
    assert [r["id"] for r in acc.revisions] == ["ref1a", "ref1b"]  # oldest first, pdf only
    assert (tmp_path / "pdfs" / "v1Acc001.pdf").read_bytes() == b"%PDF-1.5 v1 references/pdf ref1a"
    # references are asked of the original (non-blind) note
    assert fake_openreview.requests("/v1/references")[0]["referent"] == "v1Orig001"


def test_v1_all_replies(clients, tmp_path):
    fetch(clients, tmp_path, venue=V1, details="replies")
    acc = subs(tmp_path)["v1Acc001"]
    assert {c.id: c.kind for c in acc.comments} == {"v1C1": "author_response",
                                                    "v1P1": "public_comment"}
    assert acc.comments[0].metadata["replyto"] == "v1R2"


def test_pdf_latest_and_limit(clients, fake_openreview, tmp_path):
    summary = fetch(clients, tmp_path, pdf="latest", limit=2)
    assert summary.ok == 2 and set(subs(tmp_path)) == {"v2Acc001", "v2Rej002"}
    assert (tmp_path / "pdfs" / "v2Acc001.pdf").read_bytes() == b"%PDF-1.5 v2 pdf v2Acc001"
    assert not fake_openreview.requests("/v2/notes/edits")  # latest needs no revisions


def test_rerun_fetches_only_what_is_missing(clients, fake_openreview, tmp_path):
    fake_openreview.fail["/v2/notes/edits/attachment"] = [404]  # first PDF download fails
    first = fetch(clients, tmp_path, pdf="first")
    assert first.reasons["failed: pdf download"] == 1 and first.ok == 3
    fake_openreview.log.clear()
    second = fetch(clients, tmp_path, pdf="first")
    assert second.ok == 0 and second.reasons == {"skipped: already fetched": 2}
    # only the failed PDF was fetched again; no submission was written twice
    assert [q["id"] for q in fake_openreview.requests("/v2/notes/edits/attachment")] == ["e1first"]
    assert len(list(read_jsonl(tmp_path / "submissions.jsonl"))) == 3
    ok = [r for r in read_jsonl(tmp_path / "pdfs.jsonl") if r["status"] == "ok"]
    assert len(ok) == 3
    third = fetch(clients, tmp_path, pdf="first")
    assert third.reasons == {"skipped: already fetched": 3}
    fake_openreview.log.clear()  # asking for the other version downloads it
    fetch(clients, tmp_path, pdf="latest")
    assert len(fake_openreview.requests("/v2/pdf")) == 3


def test_a_line_cut_by_a_killed_run_is_replaced(clients, tmp_path):
    fetch(clients, tmp_path, limit=2)
    path = tmp_path / "submissions.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + lines[1][:40])  # killed while writing the second forum
    assert fetch(clients, tmp_path).ok == 2  # the cut forum and the third one
    assert sorted(s.id for s in read_records(path, Submission)) == ["v2Acc001", "v2Rej002",
                                                                     "v2Wdr003"]


def test_pages_are_cached_and_paged(clients, fake_openreview, tmp_path):
    fetch(clients, tmp_path, page_size=2)
    offsets = [q.get("offset") for q in fake_openreview.requests("/v2/notes")]
    assert offsets == [None, "2"]
    assert (tmp_path / "raw" / "0000000.json").exists()  # the full page
    assert not (tmp_path / "raw" / "0000002.json").exists()  # the last, partial page
    fake_openreview.log.clear()
    fetch(clients, tmp_path, page_size=2)
    assert [q.get("offset") for q in fake_openreview.requests("/v2/notes")] == ["2"]
    (tmp_path / "raw" / "0000000.json").write_text("[{broken")  # a damaged cache is re-fetched
    fake_openreview.log.clear()
    assert fetch(clients, tmp_path, page_size=2).reasons == {"skipped: already fetched": 3}
    assert [q.get("offset") for q in fake_openreview.requests("/v2/notes")] == [None, "2"]


def test_a_full_rerun_after_a_limited_one_fetches_the_rest(clients, fake_openreview, tmp_path):
    assert fetch(clients, tmp_path, limit=2).ok == 2  # caches a full page of 2
    summary = fetch(clients, tmp_path)  # pages of 200: the cached page of 2 is not used
    assert summary.ok == 1 and summary.reasons["skipped: already fetched"] == 2
    assert set(subs(tmp_path)) == {"v2Acc001", "v2Rej002", "v2Wdr003"}


def test_429_is_retried_politely(clients, fake_openreview, tmp_path):
    fake_openreview.fail["/v2/notes"] = [429]  # openreview-py honours Retry-After (0 here)
    assert fetch(clients, tmp_path).ok == 3
    assert len(fake_openreview.requests("/v2/notes")) == 2


def test_caller_retries_transient_errors_with_backoff():
    from openreview import OpenReviewException

    sleeps, calls = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OpenReviewException({"name": "Error", "status": 503, "message": "busy"})
        return "ok"

    caller = Caller(rps=0, max_retries=3, backoff=1.0, sleep=sleeps.append)
    assert caller(flaky) == "ok" and caller.retries == 2
    assert 0.5 <= sleeps[0] <= 1.5 and 1.0 <= sleeps[1] <= 3.0  # 1s then 2s, +-50% jitter
    with pytest.raises(OpenReviewException):
        Caller(rps=0, max_retries=1, sleep=sleeps.append)(
            lambda: (_ for _ in ()).throw(OpenReviewException({"status": 500})))
    with pytest.raises(OpenReviewException):  # a 404 is not retried
        Caller(rps=0, sleep=lambda s: pytest.fail("slept"))(
            lambda: (_ for _ in ()).throw(OpenReviewException({"status": 404})))


def test_rate_limit_spaces_calls():
    now = [0.0]
    sleeps = []

    def sleep(s):
        sleeps.append(s)
        now[0] += s

    caller = Caller(rps=4, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        caller(lambda: None)
    assert sleeps == [0.25, 0.25]


def test_unknown_venue_and_bad_notes(clients, fake_openreview, tmp_path):
    from paperreview.errors import InputError

    with pytest.raises(InputError, match="Nope.cc/2024/Conference.*not found"):
        fetch(clients, tmp_path, venue="Nope.cc/2024/Conference")
    fake_openreview.data["v2"]["notes"]["notes"].append({"invitations": [f"{V2}/-/Submission"],
                                                        "content": {}})
    summary = fetch(clients, tmp_path / "b")
    assert summary.ok == 3 and summary.failed == 1
    fail = list(read_jsonl(tmp_path / "b" / "failures.jsonl"))
    assert fail[0]["stage"] == "convert" and "without an id" in fail[0]["error"]


def test_cli_fetch(fake_openreview, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENREVIEW_API_BASEURL", fake_openreview.url("v1"))
    monkeypatch.setenv("OPENREVIEW_API_BASEURL_V2", fake_openreview.url("v2"))
    code = run_cli(["reviews", "fetch", "--venue", V1, "-o", str(tmp_path), "--pdf", "first",
                    "--rps", "0", "--limit", "1"])
    assert code == 0
    assert list(subs(tmp_path)) == ["v1Acc001"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["ok"] == 1 and summary["extra"]["pdfs"] == 1
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["baseurl_v1"] == fake_openreview.url("v1") and config["pdf"] == "first"
    assert run_cli(["reviews", "fetch", "--venue", "Nope/2020", "-o", str(tmp_path / "x"),
                    "--rps", "0"]) == 2


def test_unreachable_api_is_a_clear_error(tmp_path, monkeypatch):
    import socket

    from paperreview.errors import BackendError
    from paperreview.reviews.openreview import make_clients

    monkeypatch.delenv("OPENREVIEW_USERNAME", raising=False)
    monkeypatch.delenv("OPENREVIEW_PASSWORD", raising=False)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    clients = make_clients(dead + "/v1", dead + "/v2")
    caller = Caller(rps=0, max_retries=1, backoff=0.0)
    with pytest.raises(BackendError, match="OpenReview request failed"):
        fetch_venue(FetchConfig(venue=V2, out_dir=str(tmp_path)), *clients, caller=caller)


def test_an_empty_group_answer_means_not_on_api_v2():
    from paperreview.reviews.openreview import _group

    class EmptyAnswer:  # openreview-py does response.json()["groups"][0] on an empty list
        def get_group(self, venue):
            raise IndexError("list index out of range")

    assert _group(EmptyAnswer(), "ICLR.cc/2019/Conference", Caller(rps=0)) is None
