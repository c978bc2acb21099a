"""Every kind of bad input gets a status and a one-line message; a batch goes on past it,
and a crashing or hanging worker costs only its own PDF."""

from __future__ import annotations

import pymupdf
import pytest

from paperreview.cli import main
from paperreview.errors import InputError
from paperreview.io import read_jsonl
from paperreview.parse import parse_pdf
from paperreview.parse.batch import ParseConfig, run
from tests.parse._workers import crash_on_marker, hang_on_marker


def _status(path, **kw) -> tuple[str, str]:
    with pytest.raises(InputError) as err:
        parse_pdf(path, **kw)
    assert str(path) in err.value.message and err.value.hint
    return err.value.status, err.value.message


def test_missing_empty_and_not_pdf(tmp_path):
    assert _status(tmp_path / "nope.pdf")[0] == "not_found"
    (tmp_path / "zero.pdf").write_bytes(b"")
    assert _status(tmp_path / "zero.pdf") == ("empty", (f"{tmp_path / 'zero.pdf'}: empty file "
                                              "(0 bytes)"))
    (tmp_path / "page.pdf").write_text("<html>not a pdf</html>")
    status, msg = _status(tmp_path / "page.pdf")
    assert status == "not_pdf" and "<html>" in msg


def test_truncated(sample_pdf, tmp_path):
    data = sample_pdf.read_bytes()
    for n in (40, len(data) // 3):
        (tmp_path / "cut.pdf").write_bytes(data[:n])
        assert _status(tmp_path / "cut.pdf")[0] in ("truncated", "damaged")


def test_password_protected(sample_pdf, tmp_path):
    doc = pymupdf.open(sample_pdf)
    doc.save(tmp_path / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u",
             owner_pw="o")
    status, msg = _status(tmp_path / "locked.pdf")
    assert status == "encrypted" and "password" in msg


def test_image_only_says_ocr_is_needed(tmp_path):
    doc = pymupdf.open()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 120, 160), False)
    pix.clear_with(180)
    for _ in range(2):
        doc.new_page().insert_image(pymupdf.Rect(50, 50, 550, 750), pixmap=pix)
    doc.save(tmp_path / "scan.pdf")
    status, msg = _status(tmp_path / "scan.pdf")
    assert status == "no_text" and "scanned images" in msg and "OCR" in msg


def test_thousand_pages(tmp_path):
    doc = pymupdf.open()
    for _ in range(1000):
        doc.new_page()
    doc.save(tmp_path / "long.pdf")
    status, msg = _status(tmp_path / "long.pdf")
    assert status == "too_many_pages" and "1000 pages" in msg and "--max-pages" in msg


def test_batch_isolates_crash_and_hang(sample_pdf, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.pdf", "crash.pdf", "b.pdf", "hang.pdf", "c.pdf"):
        (inputs / name).write_bytes(sample_pdf.read_bytes())
    (inputs / "zero.pdf").write_bytes(b"")
    out = tmp_path / "out"
    summary = run([inputs], out, ParseConfig(workers=2, timeout=3), fn=crash_on_marker)
    rows = {r["input"].rsplit("/", 1)[-1]: r for r in read_jsonl(out / "parse_log.jsonl")}
    assert rows["crash.pdf"]["reason"] == "worker_crashed"
    assert rows["zero.pdf"]["reason"] == "empty"
    assert {rows[n]["status"] for n in ("a.pdf", "b.pdf", "c.pdf", "hang.pdf")} == {"ok"}
    assert (summary.ok, summary.failed) == (4, 2)
    assert sorted(p.name for p in out.glob("*.json")) == ["a.json", "b.json", "c.json",
                                                           "hang.json"]
    # the hang: only that PDF times out, the rest of the batch finishes
    summary = run([inputs], out, ParseConfig(workers=1, timeout=2, overwrite=True),
                  fn=hang_on_marker)
    last = list(read_jsonl(out / "parse_log.jsonl"))[-6:]
    by_name = {r["input"].rsplit("/", 1)[-1]: r for r in last}
    assert by_name["hang.pdf"]["reason"] == "timeout"
    assert by_name["c.pdf"]["status"] == "ok" and summary.failed == 2


def test_pymupdf_error_fails_only_that_pdf(sample_pdf, tmp_path, monkeypatch, capsys):
    """An exception from MuPDF (or a processor) is a `parser_error` row with a one-line
    message naming the file; the other PDFs of the batch are parsed."""
    from paperreview.parse import pipeline

    real = pipeline.parse_pdf

    def boom(path, max_pages=300):
        if "bad" in str(path):
            raise RuntimeError("code=7: cannot find object in xref (42 0 R)\nbroken stream")
        return real(path, max_pages)

    monkeypatch.setattr(pipeline, "parse_pdf", boom)
    for name in ("bad.pdf", "good.pdf"):
        (tmp_path / name).write_bytes(sample_pdf.read_bytes())
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as ex:
        main(["parse", str(tmp_path / "bad.pdf"), str(tmp_path / "good.pdf"), "-o", str(out),
              "--workers", "0"])
    assert ex.value.code == 1  # an input failed
    rows = {r["input"].rsplit("/", 1)[-1]: r for r in read_jsonl(out / "parse_log.jsonl")}
    bad = rows["bad.pdf"]
    assert (bad["status"], bad["reason"]) == ("failed", "parser_error")
    assert "bad.pdf" in bad["error"] and "\n" not in bad["error"] and bad["hint"]
    assert rows["good.pdf"]["status"] == "ok" and (out / "good.json").is_file()
    err = capsys.readouterr().err
    assert [ln for ln in err.splitlines() if ln.startswith("failed (parser_error)")] == [
        f"failed (parser_error): {bad['error']}"]


def test_a_page_that_throws_loses_only_that_page(sample_pdf, monkeypatch):
    from paperreview.parse import provider

    real = provider.extract_page

    def flaky(page, page_no, state):
        if page_no == 1:
            raise RuntimeError("code=2: syntax error in content stream")
        return real(page, page_no, state)

    monkeypatch.setattr(provider, "extract_page", flaky)
    paper = parse_pdf(sample_pdf)
    assert paper.n_pages == 2 and paper.title.startswith("Reviewing the Reviewers")
    assert paper.metadata["page_errors"] == ["page 2: code=2: syntax error in content stream"]
