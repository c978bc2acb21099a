"""`check DIR --executor ray`: the same records as the local batch, through resumable shards."""

from __future__ import annotations

import json

import pytest

from paperreview.parse.sample import write_paper_pdf
from tests.review import submissions
from tests.review.test_cli import run_cli


def _records(path):
    recs = {}
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        rec["metadata"].pop("seconds", None)  # timing, the only field that differs per run
        recs[rec["source"]] = rec
    return recs


@pytest.mark.slow
def test_check_on_ray_writes_the_local_records(tmp_path, capsys, ray_session):
    pytest.importorskip("ray", reason="the scale extra is not installed")
    d = tmp_path / "pdfs"
    d.mkdir()
    submissions.write_anon(d / "clean.pdf", None)
    submissions.write_anon(d / "named.pdf", "anon-authors")
    write_paper_pdf(d / "weak.pdf", submissions.weak_spec())
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    local, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    code, _, _ = run_cli(["check", d, "--venue", "neurips", "-o", local], capsys)
    assert code == 1  # the broken PDF
    code, _, _ = run_cli(["check", d, "--venue", "neurips", "-o", ray_out, "--executor", "ray",
                          "--workers", "2", "--shards", "3"], capsys)
    assert code == 1
    assert _records(ray_out) == _records(local) and len(_records(local)) == 4
    assert len(list((tmp_path / "ray.jsonl.shards" / "shards").glob("*.done"))) == 3
