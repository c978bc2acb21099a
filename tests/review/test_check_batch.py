"""`paperreview check DIR --format csv|jsonl|md`: rows per finding, failed PDFs as rows, resume,
summary table by rule, --fail-on and exit codes."""

from __future__ import annotations

import csv
import json

import pytest

from paperreview.parse.sample import write_paper_pdf
from tests.review import papers, submissions
from tests.review.test_cli import run_cli


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    submissions.write_anon(d / "clean.pdf", None)
    submissions.write_anon(d / "named.pdf", "anon-authors")
    write_paper_pdf(d / "weak.pdf", submissions.weak_spec())
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    return d


def test_csv_batch_resume_and_summary(batch, tmp_path, capsys):
    out = tmp_path / "report.csv"
    code, _, err = run_cli(["check", batch, "--venue", "neurips", "-o", out], capsys)
    assert code == 1  # the broken PDF failed
    rows = list(csv.DictReader(out.open()))
    by_src = {}
    for r in rows:
        by_src.setdefault(r["source"].rsplit("/", 1)[-1], []).append(r)
    assert set(by_src) == {"clean.pdf", "named.pdf", "weak.pdf", "broken.pdf"}
    assert by_src["broken.pdf"][0]["status"] == "failed" and by_src["broken.pdf"][0]["error"]
    assert "anon-authors" in {r["rule"] for r in by_src["named.pdf"]}
    assert "| anon-authors | 2 |" in err  # named.pdf and weak.pdf (not anonymous) and "1 failed" in err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["extra"]["by_rule"]["anon-authors"]["papers"] == 2
    n = len(rows)
    code, _, err = run_cli(["check", batch, "--venue", "neurips", "-o", out], capsys)
    assert code == 0 and "4 already done" in err  # resume: nothing re-checked
    assert len(list(csv.DictReader(out.open()))) == n


def test_jsonl_and_md_and_fail_on(batch, tmp_path, capsys):
    files = [batch / "clean.pdf", batch / "weak.pdf"]
    out = tmp_path / "r.jsonl"
    code, _, _ = run_cli(["check", *files, "-o", out, "--workers", "2"], capsys)
    assert code == 0
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert {r["status"] for r in recs} == {"ok"} and len(recs) == 2
    f = next(r for r in recs if r["source"].endswith("weak.pdf"))["findings"][0]
    assert {"rule", "severity", "message", "evidence"} <= set(f)
    code, md, _ = run_cli(["check", *files, "--format", "md", "--fail-on", "major"], capsys)
    assert code == 1 and "## " in md and "| rule | papers |" in md


def test_single_json_shape_and_usage_errors(batch, tmp_path, capsys):
    out = tmp_path / "one.json"
    code, _, _ = run_cli(["check", batch / "named.pdf", "--venue", "neurips", "-o", out], capsys)
    data = json.loads(out.read_text())
    assert code == 0 and data["metadata"]["venue"].startswith("neurips@")
    assert any(f["rule"] == "anon-authors" for f in data["findings"])
    code, _, err = run_cli(["check", batch / "named.pdf", "--venue", "nosuch"], capsys)
    assert code == 2 and "unknown venue" in err
    code, listing, _ = run_cli(["check", "--list-venues"], capsys)
    assert code == 0 and "neurips" in listing and "acl" in listing


def test_in_memory_clean_paper_stays_clean_under_every_venue():
    from paperreview.review.check import check_paper

    for venue in ("generic", "neurips", "acl", "icml", "iclr", "cvpr", "aaai"):
        found = {f.rule for f in check_paper(papers.paper(), venue=venue)}
        assert found <= {"required-sections", "checklist", "anon-url"}, (venue, found)
