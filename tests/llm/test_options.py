from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from paperreview.llm.options import engine_config_from_options, engine_options


def _cmd(captured):
    @click.command()
    @click.option("--other", default="x")
    @engine_options
    def cmd(other, **kw):
        captured.append(engine_config_from_options(kw, run_dir="runs/stage"))
    return cmd


def test_flags_file_and_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERREVIEW_MODEL", "env-model")
    cfg_file = tmp_path / "engine.yaml"
    cfg_file.write_text("rpm: 50\ntpm: 9000\nmax_reasks: 1\nprices: {env-model: [1.0, 2.0]}\n")
    got = []
    r = CliRunner().invoke(_cmd(got), ["--rpm", "70", "--engine-config", str(cfg_file),
                                       "--retry-failed"])
    assert r.exit_code == 0, r.output
    cfg = got[0]
    assert (cfg.model, cfg.rpm, cfg.tpm, cfg.max_reasks) == ("env-model", 70, 9000, 1)
    assert cfg.retry_failed is True and cfg.batch_api is False and cfg.run_dir == "runs/stage"
    got.clear()
    r = CliRunner().invoke(_cmd(got), ["--local-model", "some/dir", "--model", "m"])
    assert got[0].backend == "transformers" and got[0].model == "m"


def test_unknown_config_key_is_rejected(tmp_path):
    f = tmp_path / "engine.json"
    f.write_text('{"rpmm": 5}')
    r = CliRunner().invoke(_cmd([]), ["--engine-config", str(f)])
    assert r.exit_code != 0 and "rpmm" in str(r.exception)


def test_import_is_light():
    code = ("import sys, paperreview.llm, paperreview.llm.commands, paperreview.llm.options; "
            "bad = [m for m in ('torch', 'transformers', 'peft') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_adapter_alone_serves_on_its_recorded_base(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"base_model_name_or_path": "/models/base"}')
    got = []
    r = CliRunner().invoke(_cmd(got), ["--adapter", str(adapter)])
    assert r.exit_code == 0, r.output
    assert (got[0].backend, got[0].local_model) == ("transformers", "/models/base")


def test_adapter_that_is_not_an_adapter_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(_cmd([]), ["--adapter", str(tmp_path)])
    assert r.exit_code != 0 and "not a PEFT adapter" in str(r.exception)
