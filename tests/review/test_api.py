"""run_review (the Python entry the web app calls) and review of parse output: a parsed paper is
never parsed again; progress lines per pass; annotate_pdf from the package."""

from __future__ import annotations

import json

import pymupdf
import pytest

import paperreview.parse as parse_pkg
from paperreview.llm import EngineConfig
from paperreview.review import ReviewOptions, annotate_pdf, run_review
from tests.helpers.fake_openai import FakeOpenAIServer
from tests.review.test_cli import run_cli, sample_pdf  # noqa: F401 - fixture
from tests.review.test_progressive import responder


@pytest.fixture
def parsed_dir(sample_pdf, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "parsed"
    code, _, err = run_cli(["parse", sample_pdf, "-o", out], capsys)
    assert code == 0, err
    return out


def _no_parse(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the paper was parsed again")

    monkeypatch.setattr(parse_pkg, "parse_pdf", boom)


def test_run_review_from_parsed_record(parsed_dir, sample_pdf, tmp_path, monkeypatch):  # noqa: F811
    (paper_json,) = [f for f in parsed_dir.glob("*.json") if "config" not in f.name
                     and "summary" not in f.name]
    record = json.loads(paper_json.read_text())
    _no_parse(monkeypatch)
    lines: list[str] = []
    with FakeOpenAIServer(responder=responder) as srv:
        cfg = EngineConfig(base_url=srv.base_url, model="m", run_dir=str(tmp_path / "llm"))
        rec = run_review(record, {"template": "stanford"}, progress=lines.append, engine=cfg)
    assert rec.status == "ok" and rec.metadata["method"] == "progressive"
    assert any(x.startswith("[progressive] reading part 1/") for x in lines)
    kept = [c for c in rec.comments if c.source == "llm" and c.verified and c.status == "kept"]
    assert kept and {c.source for c in rec.comments} >= {"llm", "checklist"}
    out = tmp_path / "a.pdf"
    n = annotate_pdf(sample_pdf, rec, out)
    with pymupdf.open(out) as doc:
        assert n >= 1 and sum(1 for pg in doc for _ in pg.annots()) == n


def test_offline_without_engine(parsed_dir, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("PAPERREVIEW_BASE_URL", raising=False)
    rec = run_review(next(parsed_dir.glob("sample*.json")), ReviewOptions())
    assert rec.status == "skipped" and any(c.source == "checklist" for c in rec.comments)


def test_cli_reviews_a_parse_output_dir(parsed_dir, tmp_path, capsys, monkeypatch):
    _no_parse(monkeypatch)
    out = tmp_path / "r.jsonl"
    code, _, err = run_cli(["review", parsed_dir, "-o", out], capsys)
    assert code == 0, err
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["status"] == "skipped"
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli(["review", empty], capsys)
    assert code == 2 and "no paper *.json files" in err
