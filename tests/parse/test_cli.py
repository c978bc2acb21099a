"""`paperreview parse` end to end: outputs, log, exit code, rerun/overwrite, stdout, science-parse."""

from __future__ import annotations

import json
import shutil

import pytest

from paperreview.cli import main
from paperreview.io import read_jsonl
from paperreview.parse.science_parse import load_science_parse


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as ex:
        main(args)
        raise SystemExit(0)
    return ex.value.code


def test_parse_cli_end_to_end(sample_pdf, tmp_path, capsys):
    inp = tmp_path / "in"
    (inp / "sub").mkdir(parents=True)
    shutil.copy(sample_pdf, inp / "paper.pdf")
    shutil.copy(sample_pdf, inp / "sub" / "paper.PDF")  # same stem: gets "-2"
    (inp / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    out = tmp_path / "out"
    code = _run(["parse", str(inp), "-o", str(out), "--workers", "2", "--format", "tagged"])
    err = capsys.readouterr().err
    assert code == 1  # one input failed
    assert "broken.pdf" in err and "hidden text item(s)" in err and "prompt injection" in err
    rows = list(read_jsonl(out / "parse_log.jsonl"))
    assert sorted(r["status"] for r in rows) == ["failed", "ok", "ok"]
    assert sorted(p.name for p in out.glob("*.txt")) == ["paper-2.txt", "paper.txt"]
    assert (out / "paper.txt").read_text().startswith("[TITLE]\nReviewing the Reviewers")
    assert json.loads((out / "parse_config.json").read_text())["format"] == "tagged"
    ok = next(r for r in rows if r["status"] == "ok")
    assert ok["pages"] == 2 and ok["seconds"] >= 0 and ok["hidden_text"] == ok["hidden_phrases"] == 1

    # rerun: done papers are skipped; the broken one is tried again
    assert _run(["parse", str(inp), "-o", str(out), "--workers", "0",
                 "--format", "tagged"]) == 1
    rows = list(read_jsonl(out / "parse_log.jsonl"))[3:]
    assert sorted(r["status"] for r in rows) == ["failed", "skipped", "skipped"]
    (inp / "broken.pdf").unlink()
    assert _run(["parse", str(inp), "-o", str(out), "--workers", "0", "--format", "tagged",
                 "--overwrite"]) == 0
    assert [r["status"] for r in read_jsonl(out / "parse_log.jsonl")][-2:] == ["ok", "ok"]


def test_parse_to_stdout_and_bad_flags(sample_pdf, capsys):
    assert _run(["parse", str(sample_pdf), "-o", "-", "--format", "markdown"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("# Reviewing the Reviewers") and "background_color" in cap.err
    assert _run(["parse", "-o", "x"]) == 2
    assert "either PDF files" in capsys.readouterr().err


def test_science_parse_inline(tmp_path):
    raw = {"name": "9.pdf", "metadata": {
        "title": "A Paper", "authors": ["Ann Smith"], "abstractText": "We do things.",
        "sections": [{"heading": "1 INTRODUCTION", "text": "Intro text."},
                     {"heading": None, "text": "Untitled part."},
                     {"heading": "A PROOFS", "text": "Proof."}],
        "references": [{"title": "Old work", "author": ["B Jones"], "venue": "In NIPS,",
                        "year": 2014}]}}
    (tmp_path / "9.pdf.json").write_text(json.dumps(raw))
    paper = load_science_parse(tmp_path / "9.pdf.json")
    assert (paper.title, paper.abstract, paper.authors) == ("A Paper", "We do things.",
                                                            ["Ann Smith"])
    assert [(s.heading, s.level, s.appendix) for s in paper.sections] == [
        ("INTRODUCTION", 1, False), ("", 1, False), ("PROOFS", 1, True)]
    assert paper.references == ["B Jones. Old work. In NIPS, 2014."]


def test_from_science_parse_on_peerread(peerread_dir, tmp_path, capsys):
    src = peerread_dir / "data" / "iclr_2017" / "train" / "parsed_pdfs"
    files = sorted(src.glob("*.pdf.json"))[:3]
    work = tmp_path / "sp"
    work.mkdir()
    for f in files:  # a temp copy of three files keeps the test fast
        shutil.copy(f, work / f.name)
    (work / "bad.pdf.json").write_text("{not json")
    out = tmp_path / "out"
    assert _run(["parse", "--from-science-parse", str(work), "-o", str(out)]) == 1
    assert "bad.pdf.json" in capsys.readouterr().err
    papers = [json.loads((out / f"{f.name[:-9]}.json").read_text()) for f in files]
    for paper, f in zip(papers, files):
        meta = json.loads(f.read_text())["metadata"]
        assert paper["abstract"] and paper["abstract"][:40] == " ".join(
            meta["abstractText"].split())[:40]
        assert len(paper["sections"]) == len(meta["sections"])
        assert len(paper["references"]) == len(meta["references"])
