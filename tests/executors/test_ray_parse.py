"""`parse --executor ray`: the same paper records as the local executor, shards with completion
markers, a rerun redoes nothing, file:// URLs work (a Ray worker killed by its pid mid-shard:
test_shard_plans.py)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from paperreview.cli import main

pytest.importorskip("ray", reason="the scale extra is not installed: pip install 'paperreview[scale]'")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    d = tmp_path_factory.mktemp("pdfs")
    for i in range(6):
        spec = SAMPLE_SPEC.model_copy(update={"title": f"Paper number {i} on reviews"}) \
            if hasattr(SAMPLE_SPEC, "model_copy") else SAMPLE_SPEC
        write_paper_pdf(str(d / f"paper{i}.pdf"), spec)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    return d


def _run(args):
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return exc.code
    return 0


def _papers(d):
    out = {}
    for f in sorted(d.glob("*.json")):
        if f.name.startswith("parse_"):
            continue
        rec = json.loads(f.read_text())
        rec.get("metadata", {}).pop("parse_seconds", None)
        out[f.name] = rec
    return out


@pytest.mark.slow
def test_ray_matches_local_and_resumes(pdfs, tmp_path, ray_session):
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    assert _run(["parse", pdfs, "-o", local, "--workers", "1"]) == 1  # the broken PDF fails
    assert _run(["parse", pdfs, "-o", ray_out, "--executor", "ray", "--workers", "2",
                 "--shards", "3"]) == 1
    assert _papers(ray_out) == _papers(local)
    rows = [json.loads(x) for x in (ray_out / "parse_log.jsonl").read_text().splitlines()]
    assert sorted(r["input"] for r in rows) == sorted(str(p) for p in pdfs.glob("*.pdf"))
    assert sum(r["status"] == "failed" for r in rows) == 1
    assert len(list((ray_out / "shards").glob("*.done"))) == 3
    # a rerun with every marker in place runs nothing (no Ray start, same records)
    marker = next((ray_out / "shards").glob("shard-00002-*.done"))
    os.remove(marker)
    mtimes = {f: f.stat().st_mtime_ns for f in (ray_out / "shards").glob("shard-0000[01]-*.jsonl")}
    assert _run(["parse", pdfs, "-o", ray_out, "--executor", "ray", "--workers", "1",
                 "--shards", "3"]) == 1
    assert {f: f.stat().st_mtime_ns for f in mtimes} == mtimes  # done shards untouched
    assert marker.exists()


def test_local_sharded_executor_with_file_urls(pdfs, tmp_path):
    from paperreview.executors import ExecutorOptions
    from paperreview.executors.stages import parse_sharded
    from paperreview.parse.batch import ParseConfig

    src = tmp_path / "in"
    shutil.copytree(pdfs, src)
    (src / "broken.pdf").unlink()
    out = f"file://{tmp_path / 'out'}"
    summary = parse_sharded([f"file://{src}"], out, ParseConfig(workers=1),
                            ExecutorOptions(executor="local", shards=2))
    assert summary.ok == 6 and summary.failed == 0
    assert len(list((tmp_path / "out").glob("paper*.json"))) == 6
    assert len(list((tmp_path / "out" / "shards").glob("*.done"))) == 2
