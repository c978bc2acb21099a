"""``paperreview serve`` as a subprocess: done with checklist comments, 415, 413, a pasted key
reaches the model and no file, and ``kill -9`` + restart still serves the finished job."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.fake_openai import FakeOpenAIServer

from .serving import Served, wait_job

SECRET = "sk-pasted-7c1e-NEVER-ON-DISK-93ab"


def _post(url: str, data: bytes, name: str = "paper.pdf", **form) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/reviews", files={"file": (name, data, "application/pdf")},
                      data=form, timeout=120)


@pytest.mark.slow
def test_serve_end_to_end_kill9_and_key_hygiene(tmp_path, sample_pdf):
    data = tmp_path / "data"
    with FakeOpenAIServer() as model:
        srv = Served(data, tmp_path / "serve.log", "--workers", "2", "--base-url",
                     model.base_url, "--model", "fake-model").start()
        try:
            r = _post(srv.url, sample_pdf.read_bytes(), method="offline")
            assert r.status_code == 202, r.text
            offline = r.json()["id"]
            r = _post(srv.url, sample_pdf.read_bytes(), template="neurips", method="zero-shot",
                  api_key=SECRET)
            assert r.status_code == 202, r.text
            keyed = r.json()["id"]

            bad = _post(srv.url, b"Dear editor, this is plain text.\n" * 50, name="letter.pdf")
            assert bad.status_code == 415 and "not a PDF" in bad.json()["error"]["message"]
            big = _post(srv.url, b"%PDF-1.7\n" + b"\0" * (60 * 1024 * 1024))
            assert big.status_code == 413 and "50 MB" in big.json()["error"]["message"]

            job = wait_job(srv.url, offline)
            assert job["status"] == "done", job["error"]
            assert [c for c in job["review"]["comments"] if c["source"] == "checklist"]
            job = wait_job(srv.url, keyed)
            assert job["status"] == "done", job["error"]
            assert job["review"]["status"] == "ok" and job["review"]["model"] == "fake-model"
            assert model.auth_seen[SECRET] >= 1  # the pasted key reached the model server

            srv.kill9()
            srv.start()  # same port, same data dir
            again = httpx.get(f"{srv.url}/api/v1/reviews/{offline}").json()
            assert again["status"] == "done" and again["review"]["comments"]
            md = httpx.get(f"{srv.url}/api/v1/reviews/{offline}/report.md")
            assert md.status_code == 200 and "Checklist" in md.text
        finally:
            srv.stop()
    files = [p for p in [*data.rglob("*"), srv.log] if p.is_file()]
    assert len(files) > 5
    for p in files:  # SQLite, its WAL, the journal, uploads, results, the server log
        assert SECRET.encode() not in p.read_bytes(), f"the pasted key is in {p}"
