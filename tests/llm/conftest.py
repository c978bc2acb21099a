"""Fixtures for the llm tests: a fake OpenAI server and fast-failing engine configs."""

from __future__ import annotations

import pytest

from paperreview.llm import EngineConfig
from tests.helpers.fake_openai import FakeOpenAIServer


@pytest.fixture
def server():
    with FakeOpenAIServer(hang_seconds=5.0) as srv:
        yield srv


def fast_config(srv, tmp_path, **kw) -> EngineConfig:
    """Short timeouts and backoffs so fault tests finish in well under a second each."""
    base = {"base_url": srv.base_url, "model": "fake-model", "run_dir": str(tmp_path / "run"),
                "backoff_base": 0.01, "backoff_max": 0.05, "connect_timeout": 1.0, "deadline_base": 1.0,
                "min_tokens_per_s": 1e6, "stream_timeout": 0.4, "cooldown": 0.2, "concurrency": 4}
    base.update(kw)
    return EngineConfig(**base)


@pytest.fixture
def make_config(server, tmp_path):
    return lambda **kw: fast_config(server, tmp_path, **kw)
