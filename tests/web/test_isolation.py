"""Worker processes isolate a job past its deadline; retention deletes old jobs."""

from __future__ import annotations

import time

from .conftest import wait_done


def _client(tmp_path, **settings):
    from fastapi.testclient import TestClient

    from paperreview.web.app import ServerSettings, create_app

    return TestClient(create_app(ServerSettings(data_dir=str(tmp_path / "data"), **settings)))


def _post(c, data: bytes):
    return c.post("/api/v1/reviews", files={"file": ("paper.pdf", data, "application/pdf")})


def test_a_job_past_its_deadline_fails_alone_and_the_server_goes_on(tmp_path, sample_pdf):
    with _client(tmp_path, parse_timeout=0.05, workers=1) as c:
        r = _post(c, sample_pdf.read_bytes())
        assert r.status_code == 202
        job = wait_done(c, r.json()["id"])
        assert job["status"] == "failed" and "no result in time" in job["error"]
        assert c.get("/api/v1/health").json()["jobs"]["failed"] == 1


def test_retention_deletes_old_finished_jobs_and_their_files(tmp_path, sample_pdf):
    import sqlite3

    from paperreview.web.jobs import JobStore

    store = JobStore(tmp_path / "data")
    up = store.upload_path()
    up.write_bytes(sample_pdf.read_bytes())
    old = store.create(up, "old.pdf", {})
    store.finish(old)
    up = store.upload_path()
    up.write_bytes(sample_pdf.read_bytes())
    fresh = store.create(up, "new.pdf", {})
    store.finish(fresh)
    with sqlite3.connect(tmp_path / "data" / "jobs.sqlite") as db:
        db.execute("UPDATE jobs SET updated=? WHERE id=?", (time.time() - 31 * 86400, old))
    assert store.purge(keep_days=30) == 1
    assert store.get(old) is None and not store.dir(old).exists()
    assert store.get(fresh)["status"] == "done" and (store.dir(fresh) / "paper.pdf").exists()
    store.close()


def _allocate_under_limit(mb: int, alloc_mb: int) -> None:
    from paperreview.web.worker import _limit_memory

    _limit_memory(mb)
    try:
        bytearray(alloc_mb << 20)
    except MemoryError:
        raise SystemExit(3) from None
    raise SystemExit(0)


def test_worker_memory_limit_stops_a_runaway_allocation():
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    p = ctx.Process(target=_allocate_under_limit, args=(1024, 2048))
    p.start()
    p.join(60)
    assert p.exitcode == 3  # MemoryError inside the limit, not the machine's memory taken
