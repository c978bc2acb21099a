"""``reviews join``: submissions meet parsed papers by forum id, file name or title."""

from __future__ import annotations

import json

from paperreview.io import read_records, write_jsonl
from paperreview.records import Paper, Submission
from paperreview.reviews.join import JoinConfig, run_join
from paperreview.reviews.peerread import import_peerread
from tests.reviews.util import run_cli


def sub(sid, title, abstract="An abstract.", **meta):
    return Submission(id=sid, forum=sid, title=title, abstract=abstract, metadata=meta)


def write_papers(d, papers):
    d.mkdir(parents=True, exist_ok=True)
    for name, p in papers.items():
        (d / f"{name}.json").write_text(p.model_dump_json())
    (d / "summary.json").write_text('{"stage": "parse"}')  # parse's own files are ignored
    (d / "broken.json").write_text("{")


def test_join_by_key_file_name_and_title(tmp_path):
    subs = [sub("F1", "Sparse Attention"), sub("F2", "Graph Nets: Do They Generalize?"),
            sub("F3", "Filled From OpenReview", abstract="From the forum."), sub("F4", "Unseen")]
    write_jsonl(tmp_path / "subs.jsonl", subs)
    write_papers(tmp_path / "parsed", {
        "F1": Paper(id="h1", source="runs/pdfs/F1.pdf", title="Sparse attention"),  # no abstract
        "x2": Paper(id="h2", source="x2.pdf", title="Graph nets - do they generalize"),
        "x3": Paper(id="h3", source="x3.pdf", metadata={"forum": "F3"}),  # no title, no abstract
        "x4": Paper(id="h4", source="x4.pdf", title="Another Paper"),
    })
    summary = run_join(JoinConfig(submissions=str(tmp_path / "subs.jsonl"),
                                  papers=str(tmp_path / "parsed"), out_dir=str(tmp_path / "out")))
    assert summary.reasons == {"ok: matched by key": 2, "ok: matched by title": 1,
                               "skipped: no matching paper": 1}
    joined = {s.id: s.paper_id for s in read_records(tmp_path / "out/submissions.jsonl", Submission)}
    assert joined == {"F1": "h1", "F2": "h2", "F3": "h3"}
    papers = {p.id: p for p in read_records(tmp_path / "out/papers.jsonl", Paper)}
    assert papers["h3"].title == "Filled From OpenReview" and papers["h3"].abstract == "From the forum."
    assert papers["h3"].metadata["filled"] == ["abstract", "title"]
    assert papers["h1"].metadata["filled"] == ["abstract"] and papers["h1"].title == "Sparse attention"
    report = json.loads((tmp_path / "out/join_report.json").read_text())
    assert report["papers"]["loaded"] == 4 and report["errors"][0]["where"].endswith("broken.json")


def test_join_skips_parse_bookkeeping_but_not_a_paper_named_config(tmp_path):
    # `paperreview parse -o DIR` writes parse_config.json beside the papers: not a bad paper file
    write_jsonl(tmp_path / "subs.jsonl", [sub("A", "Sparse Attention"), sub("B", "Config Paper")])
    d = tmp_path / "parsed"
    d.mkdir()
    (d / "parse_config.json").write_text('{"format": "json", "workers": 0}')
    (d / "a.json").write_text(Paper(id="pa", source="a.pdf", title="Sparse attention").model_dump_json())
    (d / "config.json").write_text(Paper(id="pc", source="config.pdf", title="Config paper").model_dump_json())
    summary = run_join(JoinConfig(submissions=str(tmp_path / "subs.jsonl"), papers=str(d),
                                  out_dir=str(tmp_path / "out")))
    report = json.loads((tmp_path / "out/join_report.json").read_text())
    assert summary.ok == 2 and report["errors"] == []
    assert report["papers"] == {"loaded": 2}


def test_join_from_paper_jsonl_keep_unmatched_and_no_title(tmp_path):
    write_jsonl(tmp_path / "subs.jsonl", [sub("A", "Same Title"), sub("B", "Same Title")])
    write_jsonl(tmp_path / "papers.jsonl", [Paper(id="p", source="q.pdf", title="Same title")])
    cfg = {"submissions": str(tmp_path / "subs.jsonl"), "papers": str(tmp_path / "papers.jsonl")}
    s = run_join(JoinConfig(**cfg, out_dir=str(tmp_path / "o1"), keep_unmatched=True))
    assert s.ok == 1 and s.reasons["skipped: paper already joined to another submission"] == 1
    out = list(read_records(tmp_path / "o1/submissions.jsonl", Submission))
    assert [(x.id, x.paper_id) for x in out] == [("A", "p"), ("B", None)]
    s = run_join(JoinConfig(**cfg, out_dir=str(tmp_path / "o2"), by_title=False))
    assert s.ok == 0


def test_cli_join_peerread_science_parse(peerread_dir, tmp_path):
    """PeerRead's parsed_pdfs (science-parse JSON) join to their ICLR submissions by id; the 167
    papers whose science-parse title is null get the title from the review file."""
    write_jsonl(tmp_path / "subs.jsonl", import_peerread(peerread_dir / "data"))
    assert run_cli(["reviews", "join", str(tmp_path / "subs.jsonl"),
                    str(peerread_dir / "data" / "iclr_2017"), "-o", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out/summary.json").read_text())
    # ACL ids overlap ICLR ids, but an ICLR paper never joins an ACL submission
    assert summary["reasons"] == {"ok: matched by key": 349, "skipped: no matching paper": 14}
    papers = list(read_records(tmp_path / "out/papers.jsonl", Paper))
    assert sum("title" in p.metadata.get("filled", []) for p in papers) == 167
    assert all(p.title for p in papers)
    subs = list(read_records(tmp_path / "out/submissions.jsonl", Submission))
    assert len({s.paper_id for s in subs}) == 349


def test_cli_fetch_filter_join_offline(fake_openreview, monkeypatch, tmp_path):
    """The whole stage on the fake API: fetch -> filter -> join to parse-style Paper files."""
    monkeypatch.setenv("OPENREVIEW_API_BASEURL_V2", fake_openreview.url("v2"))
    assert run_cli(["reviews", "fetch", "--venue", "ICLR.cc/2024/Conference", "-o",
                    str(tmp_path / "f"), "--rps", "0"]) == 0
    assert run_cli(["reviews", "filter", str(tmp_path / "f" / "submissions.jsonl"),
                    "-o", str(tmp_path / "flt"), "--min-tokens", "50"]) == 0
    kept = list(read_records(tmp_path / "flt" / "submissions.jsonl", Submission))
    assert [s.id for s in kept] == ["v2Acc001", "v2Rej002"]  # the withdrawn paper had no review
    assert [c.kind for c in kept[0].comments] == ["official_comment"]
    write_papers(tmp_path / "parsed", {
        f: Paper(id=f"sha-{f}", source=f"runs/pdfs/{f}.pdf", title="T") for f in ("v2Acc001",)})
    assert run_cli(["reviews", "join", str(tmp_path / "flt" / "submissions.jsonl"),
                    str(tmp_path / "parsed"), "-o", str(tmp_path / "j")]) == 0
    joined = list(read_records(tmp_path / "j" / "submissions.jsonl", Submission))
    assert [(s.id, s.paper_id) for s in joined] == [("v2Acc001", "sha-v2Acc001")]
    assert run_cli(["reviews", "join", str(tmp_path / "nope.jsonl"), str(tmp_path / "parsed"),
                    "-o", str(tmp_path / "j2")]) == 2  # click: the path does not exist
