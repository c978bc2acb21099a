"""Shared fixtures: isolated user/cache dirs, paths to ../shared data, tiny models built locally."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Offline before anything imports huggingface_hub (session fixtures may, ahead of the autouse
# fixture below): otherwise a hub id is retried over the network for ~40 s before failing.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Point every user/cache dir at a temp dir and keep the tests offline."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PAPERREVIEW_HOME", str(home / "paperreview"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PAPERREVIEW_BASE_URL", "PAPERREVIEW_MODEL",
                "PAPERREVIEW_API_KEY"):
        monkeypatch.delenv(var, raising=False)


def _shared(sub: str) -> Path:
    p = SHARED / sub
    if not p.exists():
        pytest.skip(f"shared research data not found at {p} (tests read ../shared/data when present)")
    return p


@pytest.fixture
def peerread_dir() -> Path:
    return _shared("peerread")


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory) -> Path:
    """A tiny random Llama with a BPE tokenizer trained here and a chat template (no downloads)."""
    from tests.helpers.tiny_models import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))
