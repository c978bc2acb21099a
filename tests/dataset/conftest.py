"""Fixtures for the dataset tests: a trained BPE tokenizer with a chat template, small inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperreview.records import Caption, Paper, Section


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory) -> Path:
    """Only the tokenizer of the tiny Llama (no torch import, about a second)."""
    from tests.helpers.tiny_models import train_tokenizer

    out = tmp_path_factory.mktemp("tok")
    train_tokenizer(out)
    return out


def make_paper(pid: str, n_method: int = 3, words: int = 40, appendix: bool = True) -> Paper:
    def para(tag: str, j: int) -> str:
        return " ".join(f"{tag}{j}w{k}" for k in range(words)) + "."

    sections = [
        Section(heading="1 Introduction", text="\n\n".join(para("intro", j) for j in range(2))),
        Section(heading="2 Method", text="\n\n".join(para("method", j) for j in range(n_method))),
        Section(heading="3 Experiments", text="\n\n".join(para("exp", j) for j in range(2))),
        Section(heading="4 Conclusion", text=para("concl", 0)),
    ]
    if appendix:
        sections.append(Section(heading="A Proofs", text=para("proof", 0), appendix=True))
    return Paper(id=pid, title=f"Paper {pid}", abstract=f"We study {pid}. " * 3,
                 sections=sections, captions=[Caption(label="1", text="A plot.")])


def review_line(rid: str, pid: str | None, text: str = "[Significance and novelty]\n<New> Yes.",
                status: str = "ok", template: str = "four-aspect") -> dict:
    review = {"significance_and_novelty": [{"title": "New", "detail": "Yes.", "raised_by": ["R1"]}]}
    return {"id": rid, "paper_id": pid, "template": template, "template_version": "1",
            "status": status, "review": review, "text": text}


def write_inputs(tmp: Path, papers: list[Paper], reviews: list[dict]) -> tuple[Path, Path]:
    pdir = tmp / "papers"
    pdir.mkdir(parents=True, exist_ok=True)
    for p in papers:
        (pdir / f"{p.id}.json").write_text(json.dumps(p.to_json()), encoding="utf-8")
    rpath = tmp / "aggregated.jsonl"
    rpath.write_text("".join(json.dumps(r) + "\n" for r in reviews), encoding="utf-8")
    return pdir, rpath


@pytest.fixture(autouse=True)
def _hub_offline(monkeypatch):
    """huggingface_hub reads HF_HUB_OFFLINE once, at import; a session fixture may import it
    before the autouse env fixture runs, so pin the constant too (no network retries)."""
    import sys

    hub = sys.modules.get("huggingface_hub.constants")
    if hub is not None:
        monkeypatch.setattr(hub, "HF_HUB_OFFLINE", True)
