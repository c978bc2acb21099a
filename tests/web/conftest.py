"""Fixtures for the web app: a sample PDF with a hidden instruction, an app on a temp data dir."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'paperreview[web]'")


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory):
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    p = tmp_path_factory.mktemp("web") / "sample-paper.pdf"
    write_paper_pdf(str(p), SAMPLE_SPEC)
    return p


def wait_done(client, job_id: str, timeout: float = 90.0) -> dict:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        job = client.get(f"/api/v1/reviews/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not finished after {timeout}s: {job}")


@pytest.fixture
def client(tmp_path):
    from fastapi.testclient import TestClient

    from paperreview.web.app import ServerSettings, create_app

    app = create_app(ServerSettings(data_dir=str(tmp_path / "data"), max_upload_mb=2,
                                    max_pages=30, rate_per_minute=100))
    with TestClient(app) as c:
        c.data_dir = tmp_path / "data"
        yield c
