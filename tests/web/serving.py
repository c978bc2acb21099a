"""Start ``paperreview serve`` as a real subprocess on a free port (for CLI and browser tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``paperreview serve --port P --data-dir D ARGS`` with its stderr in ``log``."""

    def __init__(self, data_dir: Path, log: Path, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir, self.log, self.args = data_dir, log, args
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> Served:
        env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep
                   + os.environ.get("PYTHONPATH", ""))
        env.pop("OPENAI_API_KEY", None)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "paperreview", "serve", "--port", str(self.port),
                 "--data-dir", str(self.data_dir), *self.args],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.log.parent)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}: "
                                     f"{self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"serve not up after {timeout}s: {self.log.read_text()[-2000:]}")

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # SIGKILL: no shutdown code runs
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()


def wait_job(url: str, job_id: str, timeout: float = 120.0) -> dict:
    t0 = time.monotonic()
    job: dict = {}
    while time.monotonic() - t0 < timeout:
        job = httpx.get(f"{url}/api/v1/reviews/{job_id}", timeout=10).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not finished after {timeout}s: {job}")
