"""Multi-process training: ``train fit --launcher accelerate --num-processes N``.

The command re-runs itself under a distributed launcher, one process per GPU, with the same
arguments (minus the launcher's own):

* with CUDA: ``accelerate launch --num_processes N [--multi_gpu] [--config_file FILE] -m
  paperreview train fit ...``; the strategy (DDP, FSDP, DeepSpeed ZeRO-3) comes from the
  accelerate config, which ``train export-accelerate-config`` writes;
* on CPU (tests, or a machine without GPUs): ``torchrun --standalone --nproc_per_node N -m
  paperreview train fit ...``, DDP over gloo. (``accelerate launch --cpu`` starts one process:
  several CPU processes need MPI there, so torchrun, which accelerate itself uses underneath,
  starts them.)

Inside the launched processes ``PAPERREVIEW_LAUNCHED=1`` stops the recursion; the trainer (trl on
transformers' Trainer, i.e. accelerate) picks up ``RANK``/``WORLD_SIZE`` and shards the batches;
only rank 0 writes the adapter and its records.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..errors import ConfigError, MissingExtraError

ENV = "PAPERREVIEW_LAUNCHED"
OWN_FLAGS = {"--launcher": 1, "--num-processes": 1, "--accelerate-config": 1}


def launched() -> bool:
    return os.environ.get(ENV) == "1"


def is_main_process() -> bool:
    return os.environ.get("RANK", "0") == "0"


def strip_own_flags(argv: list[str]) -> list[str]:
    out, skip = [], 0
    for a in argv:
        if skip:
            skip -= 1
            continue
        name = a.split("=", 1)[0]
        if name in OWN_FLAGS:
            skip = OWN_FLAGS[name] if "=" not in a else 0
            continue
        out.append(a)
    return out


def launch_command(argv: list[str], num_processes: int, config_file: str | None,
                   cuda: bool) -> list[str]:
    """The command line that runs ``paperreview <argv>`` in ``num_processes`` processes."""
    args = ["-m", "paperreview", *strip_own_flags(argv)]
    if cuda:
        exe = shutil.which("accelerate") or str(Path(sys.executable).parent / "accelerate")
        cmd = [exe, "launch", "--num_processes", str(num_processes)]
        if config_file:
            cmd += ["--config_file", config_file]
        elif num_processes > 1:
            cmd += ["--multi_gpu"]
        return cmd + args
    if config_file:
        raise ConfigError("--accelerate-config needs CUDA GPUs (no GPU is visible here)",
                          "drop --accelerate-config to run CPU processes (DDP over gloo)")
    exe = shutil.which("torchrun") or str(Path(sys.executable).parent / "torchrun")
    return [exe, "--standalone", "--nproc_per_node", str(num_processes), *args]


def relaunch(argv: list[str], num_processes: int, config_file: str | None) -> int:
    """Run the launcher and return its exit status."""
    try:
        import torch
    except ImportError:
        raise MissingExtraError("torch", "train", "paperreview train fit") from None
    cmd = launch_command(argv, num_processes, config_file, torch.cuda.is_available())
    env = {**os.environ, ENV: "1"}
    print("launching: " + " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, env=env, check=False).returncode


STRATEGIES = ("ddp", "fsdp", "zero3")


def accelerate_config(strategy: str, num_processes: int, mixed_precision: str = "bf16"
                      ) -> dict[str, Any]:
    """An accelerate config (the YAML ``accelerate config`` writes) for one machine."""
    base: dict[str, Any] = {"compute_environment": "LOCAL_MACHINE", "num_machines": 1,
                            "machine_rank": 0, "num_processes": num_processes,
                            "mixed_precision": mixed_precision, "main_training_function": "main",
                            "rdzv_backend": "static", "same_network": True, "use_cpu": False,
                            "gpu_ids": "all"}
    if strategy == "ddp":
        return {**base, "distributed_type": "MULTI_GPU"}
    if strategy == "fsdp":
        return {**base, "distributed_type": "FSDP", "fsdp_config": {
            "fsdp_version": 2, "fsdp_auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
            "fsdp_reshard_after_forward": True, "fsdp_state_dict_type": "SHARDED_STATE_DICT",
            "fsdp_cpu_ram_efficient_loading": True, "fsdp_offload_params": False,
            "fsdp_activation_checkpointing": False}}
    if strategy == "zero3":
        return {**base, "distributed_type": "DEEPSPEED", "deepspeed_config": {
            "zero_stage": 3, "zero3_init_flag": True, "zero3_save_16bit_model": True,
            "offload_optimizer_device": "none", "offload_param_device": "none",
            "gradient_accumulation_steps": 1, "gradient_clipping": 1.0}}
    raise ConfigError(f"unknown strategy {strategy!r}", f"choose one of {', '.join(STRATEGIES)}")
