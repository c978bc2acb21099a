"""`train fit --launcher accelerate --num-processes N`: the command line it builds, and a real
two-process run on CPU (DDP over gloo) whose loss matches the single-process run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from paperreview.train.launch import accelerate_config, launch_command, strip_own_flags
from tests.train.conftest import write_dataset


def test_own_flags_are_stripped_and_commands_built():
    argv = ["train", "fit", "--data", "d", "--launcher", "accelerate", "--num-processes=2",
            "-o", "out", "--accelerate-config", "c.yaml"]
    assert strip_own_flags(argv) == ["train", "fit", "--data", "d", "-o", "out"]
    gpu = launch_command(argv, 4, None, cuda=True)
    assert gpu[1:5] == ["launch", "--num_processes", "4", "--multi_gpu"]
    assert gpu[-6:] == ["train", "fit", "--data", "d", "-o", "out"] and "-m" in gpu
    cpu = launch_command(argv, 2, None, cuda=False)
    assert cpu[1:4] == ["--standalone", "--nproc_per_node", "2"]


@pytest.mark.parametrize("strategy,kind", [("ddp", "MULTI_GPU"), ("fsdp", "FSDP"),
                                           ("zero3", "DEEPSPEED")])
def test_accelerate_configs(strategy, kind, tmp_path):
    from paperreview.cli import main

    out = tmp_path / f"{strategy}.yaml"
    main(["train", "export-accelerate-config", "--strategy", strategy, "--num-processes", "8",
          "-o", str(out)])
    cfg = yaml.safe_load(out.read_text())
    assert cfg["distributed_type"] == kind and cfg["num_processes"] == 8
    assert cfg == {**accelerate_config(strategy, 8), }


def _fit(data, base, out, *extra):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "paperreview", "train", "fit", "--data", str(data),
           "--base-model", str(base), "-o", str(out), "--max-seq-tokens", "128",
           "--max-steps", "3", "--lr", "5e-3", "--grad-accum", "1", "--lora-dropout", "0",
           "--logging-steps", "1", "--save-steps", "100", "--no-eval", "--seed", "1",
           "--no-gradient-checkpointing", *extra]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "training_info.json").read_text()), proc.stderr


@pytest.mark.slow
def test_two_cpu_processes_match_one(tiny_llama_dir, tmp_path):
    data = write_dataset(tmp_path / "sft", n_train=8, n_val=2)
    one, _ = _fit(data, tiny_llama_dir, tmp_path / "one", "--batch-size", "2")
    two, err = _fit(data, tiny_llama_dir, tmp_path / "two", "--batch-size", "1",
                    "--launcher", "accelerate", "--num-processes", "2")
    assert "torchrun" in err and "--nproc_per_node 2" in err
    assert (tmp_path / "two" / "adapter_config.json").exists()
    l1, l2 = one["metrics"]["train_loss"], two["metrics"]["train_loss"]
    assert two["global_step"] == one["global_step"] == 3
    assert abs(l1 - l2) / l1 < 0.05, (l1, l2)  # same global batch of 2 per step


def test_export_vllm_serves_the_adapter_at_its_trained_length(tmp_path, capsys):
    from paperreview.cli import main

    ad = tmp_path / "adapter"
    ad.mkdir()
    (ad / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "/m/base",
                                                        "r": 32, "peft_type": "LORA"}))
    (ad / "train_config.json").write_text(json.dumps({"max_length": 12288}))
    (ad / "model_overrides.json").write_text(json.dumps({
        "rope_parameters": {"rope_type": "yarn", "factor": 2.0},
        "max_position_embeddings": 16384}))
    main(["train", "export-vllm", str(ad), "-o", str(tmp_path / "serve"), "--name", "rev"])
    out = capsys.readouterr().out
    assert out.startswith("vllm serve /m/base --port 8000 --enable-lora --lora-modules rev=")
    assert "--max-lora-rank 32" in out and "--max-model-len 12288" in out and "yarn" in out
    cfg = yaml.safe_load((tmp_path / "serve" / "vllm_config.yaml").read_text())
    assert cfg["lora-modules"] == [f"rev={ad.resolve()}"] and cfg["enable-lora"] is True
    script = (tmp_path / "serve" / "serve_vllm.sh").read_text()
    assert "exec vllm serve" in script and "--base-url http://127.0.0.1:8000/v1 --model rev" in script
