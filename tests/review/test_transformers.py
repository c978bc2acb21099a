"""The transformers backend end to end on a tiny random Llama (built locally, no downloads).

Quality is irrelevant: a random model writes gibberish, so these tests check the plumbing (the
paper fitted with the model's own tokenizer, the prompt, the journal), schema enforcement (the
gibberish is rejected, saying what failed) and the Markdown (offline analysis still printed).
"""

from __future__ import annotations

import json

import pytest

from paperreview.cli import main
from paperreview.llm import EngineConfig
from paperreview.review.generate import ReviewOptions, review_paper
from paperreview.review.render import to_markdown
from tests.review import papers

pytestmark = pytest.mark.slow


def test_tiny_model_answer_fails_schema_and_keeps_offline_analysis(tiny_llama_dir, tmp_path):
    cfg = EngineConfig(backend="transformers", local_model=str(tiny_llama_dir),
                       run_dir=str(tmp_path / "llm"))
    rec = review_paper(papers.paper("no-ablation"), cfg,
                       ReviewOptions(method="zero-shot", template="four-aspect", max_tokens=24))
    assert rec.status == "failed"
    assert "none of the headings [Significance and novelty]" in rec.error
    assert rec.metadata["context"] == 2048 and 0 < rec.metadata["paper_tokens"] < 2048
    assert rec.metadata["usage"]["completion_tokens"] > 0  # the model really generated
    assert [f.rule for f in rec.findings] == ["no-ablation"]
    md = to_markdown(rec)
    assert "The LLM review failed" in md and "(no-ablation)" in md
    assert (tmp_path / "llm" / "journal.sqlite").exists()


def test_tiny_model_context_too_small_for_prompted_template(tiny_llama_dir, tmp_path):
    cfg = EngineConfig(backend="transformers", local_model=str(tiny_llama_dir),
                       run_dir=str(tmp_path / "llm"), max_context=600)
    rec = review_paper(papers.paper(), cfg, ReviewOptions(method="zero-shot", template="neurips", max_tokens=64))
    assert rec.status == "failed" and "context (600 tokens) is too small" in rec.error


def test_cli_local_model(tiny_llama_dir, tmp_path, capsys):
    from paperreview.parse.sample import write_paper_pdf

    pdf = tmp_path / "p.pdf"
    write_paper_pdf(pdf, papers.spec("no-limitations"))
    out = tmp_path / "r.json"
    with pytest.raises(SystemExit) as exc:
        main(["review", str(pdf), "--local-model", str(tiny_llama_dir), "-t", "seven-aspect",
              "--max-tokens", "16", "-o", str(out), "--run-dir", str(tmp_path / "llm")])
    assert exc.value.code == 1  # the review failed (gibberish), the analysis was written
    rec = json.loads(out.read_text())
    assert rec["status"] == "failed" and rec["model"] == str(tiny_llama_dir)
    assert [f["rule"] for f in rec["findings"]] == ["no-limitations"]
    assert "LLM review failed" in capsys.readouterr().err
