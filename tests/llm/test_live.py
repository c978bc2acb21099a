"""Real OpenAI calls: skipped unless PAPERREVIEW_LIVE=1 and PAPERREVIEW_LIVE_KEY hold a key.

(The autouse fixture clears OPENAI_API_KEY, so the key travels in PAPERREVIEW_LIVE_KEY.)
"""

from __future__ import annotations

import os

import pytest
from pydantic import BaseModel

from paperreview.llm import Engine, EngineConfig, Request

pytestmark = pytest.mark.live


class Verdict(BaseModel):
    decision: str
    confidence: int


@pytest.fixture
def live_key(monkeypatch):
    key = os.environ.get("PAPERREVIEW_LIVE_KEY")
    if os.environ.get("PAPERREVIEW_LIVE") != "1" or not key:
        pytest.skip("live test: set PAPERREVIEW_LIVE=1 and PAPERREVIEW_LIVE_KEY")
    monkeypatch.setenv("OPENAI_API_KEY", key)


def test_openai_structured_answer_and_headers(live_key, tmp_path):
    cfg = EngineConfig(model=os.environ.get("PAPERREVIEW_LIVE_MODEL", "gpt-4o-mini"),
                       run_dir=str(tmp_path / "run"))
    req = Request(messages=[{"role": "user", "content": "Accept or reject a paper with no "
                             "experiments? Answer decision and confidence 1-5."}],
                  schema=Verdict, max_tokens=60, prompt_version="live@1")
    with Engine(cfg) as engine:
        res = engine.complete(req)
        learnt = set(engine.endpoints[0].buckets)
    assert res.status == "ok", res.error
    assert set(res.parsed) == {"decision", "confidence"} and res.usage["cost_usd"] > 0
    assert {"rpm", "tpm"} <= learnt   # taught by the x-ratelimit-* headers
