"""The REST API in process: upload -> done with checklist comments, every error path, key hygiene."""

from __future__ import annotations

import re

import pymupdf
import pytest

from .conftest import wait_done


def _post(client, data: bytes, name="paper.pdf", **form):
    return client.post("/api/v1/reviews", files={"file": (name, data, "application/pdf")},
                       data=form)


def test_pdf_reaches_done_with_checklist_comments_and_downloads(client, sample_pdf):
    r = _post(client, sample_pdf.read_bytes(), name="../../etc/passwd.pdf")
    assert r.status_code == 202
    body = r.json()
    assert body["status_url"] == f"/api/v1/reviews/{body['id']}"
    job = wait_done(client, body["id"])
    assert job["status"] == "done", job["error"]
    review = job["review"]
    assert review["comments"], "the offline checks produced no comment"
    assert all(c["source"] == "checklist" for c in review["comments"])
    assert any(c["evidence"]["quote"] for c in review["comments"])
    assert any(h["reason"] for h in review["hidden_text"])  # the planted instruction is reported
    assert job["filename"] == "passwd.pdf"  # an uploaded name never becomes a path
    md = client.get(f"/api/v1/reviews/{body['id']}/report.md")
    assert md.status_code == 200 and "# " in md.text
    ann = client.get(f"/api/v1/reviews/{body['id']}/annotated.pdf")
    assert ann.status_code == 200
    with pymupdf.open(stream=ann.content, filetype="pdf") as doc:
        n = sum(1 for page in doc for a in page.annots() if a.type[1] == "Highlight")
    verified = [c for c in review["comments"] if c["verified"] and c["evidence"]["page"]]
    assert n == len(verified) > 0
    assert job["thumbnails"], "no page image for a verified comment"
    png = client.get(next(iter(job["thumbnails"].values())))
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((client.data_dir / "jobs").glob("*/passwd*"))


def test_text_file_named_pdf_is_415(client):
    r = _post(client, b"just some text, not a PDF at all\n" * 10)
    assert r.status_code == 415
    assert "not a PDF" in r.json()["error"]["message"]


def test_upload_over_the_limit_is_413(client):
    r = _post(client, b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))
    assert r.status_code == 413
    assert "size limit" in r.json()["error"]["message"]


def test_too_many_pages_is_422(client):
    doc = pymupdf.open()
    for _ in range(31):
        doc.new_page().insert_text((72, 72), "page")
    r = _post(client, doc.tobytes())
    assert r.status_code == 422 and "31 pages" in r.json()["error"]["message"]


def test_broken_pdf_job_fails_with_parse_message(client):
    r = _post(client, b"%PDF-1.4\n% truncated and broken\n" + b"\x00" * 200)
    assert r.status_code == 202
    job = wait_done(client, r.json()["id"])
    assert job["status"] == "failed" and job["error"]
    assert "paper.pdf" in job["error"]  # the user's name, not the server's path
    assert "jobs/" not in job["error"]


def test_encrypted_pdf_job_fails_with_parse_message(client, sample_pdf):
    doc = pymupdf.open(sample_pdf)
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    job = wait_done(client, _post(client, data).json()["id"])
    assert job["status"] == "failed" and "password-protected" in job["error"]


def test_unknown_id_and_bad_options(client, sample_pdf):
    assert client.get("/api/v1/reviews/" + "0" * 32).status_code == 404
    assert client.get("/api/v1/reviews/../../jobs.sqlite").status_code == 404
    assert client.get("/api/v1/nothing-here").json()["error"]["status"] == 404
    r = client.post("/api/v1/reviews", data={"venue": "generic"})  # no file part
    assert r.status_code == 422 and "file" in r.json()["error"]["message"]
    r = _post(client, sample_pdf.read_bytes(), template="no-such-form")
    assert r.status_code == 422 and "unknown template" in r.json()["error"]["message"]
    r = _post(client, sample_pdf.read_bytes(), model="gpt-x")
    assert r.status_code == 422 and "not offered" in r.json()["error"]["message"]


def test_security_headers_and_offline_docs(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    docs = client.get("/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for a in assets:  # every asset of the API page is served by the server itself
        assert client.get(a).status_code == 200, a
    spec = client.get("/openapi.json").json()
    assert "/api/v1/reviews" in spec["paths"] and "/api/v1/health" in spec["paths"]
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_pasted_key_is_never_written(client, sample_pdf):
    secret = "sk-test-DO-NOT-STORE-7f3a9c"
    r = _post(client, sample_pdf.read_bytes(), api_key=secret, method="offline")
    job = wait_done(client, r.json()["id"])
    assert job["status"] == "done"
    for p in client.data_dir.rglob("*"):
        if p.is_file():
            assert secret.encode() not in p.read_bytes(), p
    assert secret not in client.get(f"/api/v1/reviews/{job['id']}").text


def test_rate_limit_per_client(tmp_path, sample_pdf):
    from fastapi.testclient import TestClient

    from paperreview.web.app import ServerSettings, create_app

    app = create_app(ServerSettings(data_dir=str(tmp_path), rate_per_minute=2),
                     start_workers=False)
    with TestClient(app) as c:
        codes = [_post(c, sample_pdf.read_bytes()).status_code for _ in range(3)]
    assert codes == [202, 202, 429]


def test_auth_token_required_when_set(tmp_path):
    from fastapi.testclient import TestClient

    from paperreview.web.app import ServerSettings, create_app

    app = create_app(ServerSettings(data_dir=str(tmp_path), auth_token="t0k"),
                     start_workers=False)
    with TestClient(app) as c:
        assert c.get("/api/v1/health").status_code == 401
        assert c.get("/api/v1/health", headers={"Authorization": "Bearer t0k"}).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7"])
def test_non_loopback_without_token_is_refused(host, tmp_path):
    from paperreview.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--host", host, "--data-dir", str(tmp_path)])
    assert exc.value.code == 2


def test_running_job_resumes_after_restart_with_model_answers_from_the_journal(tmp_path,
                                                                               sample_pdf):
    """A job a killed server left ``running`` is queued again on start; its model call comes
    back from the journal instead of being sent (and paid) twice."""
    import sqlite3

    from fastapi.testclient import TestClient

    from paperreview.llm.types import EngineConfig
    from paperreview.web.app import ServerSettings, create_app
    from tests.helpers.fake_openai import FakeOpenAIServer

    settings = ServerSettings(data_dir=str(tmp_path / "data"))
    with FakeOpenAIServer() as model:
        engine = EngineConfig(base_url=model.base_url, model="fake-model", max_retries=0)
        with TestClient(create_app(settings, engine)) as c:
            job_id = _post(c, sample_pdf.read_bytes(), template="neurips",
                           method="zero-shot").json()["id"]
            first = wait_done(c, job_id)
        assert first["status"] == "done" and first["review"]["status"] == "ok", first["error"]
        sent = model.stats["requests"]
        assert sent >= 1
        # what kill -9 in the middle of the job leaves: the row still running, no results
        for name in ("review.json", "report.md", "annotated.pdf"):
            (tmp_path / "data" / "jobs" / job_id / name).unlink(missing_ok=True)
        with sqlite3.connect(tmp_path / "data" / "jobs.sqlite") as db:
            db.execute("UPDATE jobs SET status='running' WHERE id=?", (job_id,))
        with TestClient(create_app(settings, engine)) as c:
            again = wait_done(c, job_id)
        assert again["status"] == "done" and again["review"]["review"] == first["review"]["review"]
        assert model.stats["requests"] == sent  # answered from the journal, not asked again


def test_venue_profile_changes_the_checks(client, sample_pdf):
    venues = client.get("/api/v1/options").json()["venues"]
    if "neurips" not in venues:
        pytest.skip("no venue profiles in this build (the check stage's review.venues)")
    rules = {}
    for venue in ("generic", "neurips"):
        job = wait_done(client, _post(client, sample_pdf.read_bytes(), venue=venue).json()["id"])
        assert job["status"] == "done", job["error"]
        rules[venue] = {c["rule"] for c in job["review"]["comments"]}
    assert rules["neurips"] - rules["generic"], rules  # e.g. anonymity for a double-blind venue


def test_a_rejected_pasted_key_fails_the_review_without_being_written(tmp_path, sample_pdf):
    from fastapi.testclient import TestClient

    from paperreview.llm.types import EngineConfig
    from paperreview.web.app import ServerSettings, create_app
    from tests.helpers.fake_openai import FakeOpenAIServer

    secret = "sk-rejected-4b7d-NOT-ON-DISK"
    with FakeOpenAIServer() as model:
        model.fail_key(secret, "401")
        engine = EngineConfig(base_url=model.base_url, model="fake-model", max_retries=0)
        with TestClient(create_app(ServerSettings(data_dir=str(tmp_path / "d")), engine)) as c:
            r = _post(c, sample_pdf.read_bytes(), template="neurips", method="zero-shot",
                      api_key=secret)
            job = wait_done(c, r.json()["id"])
            text = c.get(f"/api/v1/reviews/{job['id']}").text
        assert model.auth_seen[secret] >= 1
    # the job fails saying what to fix; the key is in no answer and no file
    assert job["status"] == "failed" and "401" in job["error"] and "API key" in job["error"]
    assert secret not in text
    for p in (tmp_path / "d").rglob("*"):
        if p.is_file():
            assert secret.encode() not in p.read_bytes(), p


def test_suggest_titles_and_keywords_offline(client):
    pytest.importorskip("yake", reason="the tasks extra is not installed")
    abstract = ("We introduce a graph neural network for molecular property prediction. "
                "Pretraining on unlabeled molecules improves accuracy on eight benchmarks.")
    r = client.post("/api/v1/suggest", json={"abstract": abstract})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "offline" and body["titles"] and body["keywords"]
    assert body["titles"][0].startswith("We introduce a graph neural network")
    bad = client.post("/api/v1/suggest", json={"abstract": "   "})
    assert bad.status_code == 422 and "empty" in bad.json()["error"]["message"]
