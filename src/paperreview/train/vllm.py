"""``train export-vllm``: serve the base model with the trained LoRA adapter under vLLM.

vLLM's OpenAI-compatible server loads the base model once and applies adapters per request
(multi-LoRA): a request for model ``NAME`` uses the adapter registered as ``NAME``. The export
writes ``vllm_config.yaml`` (vLLM reads its flags from ``vllm serve --config FILE``) and
``serve_vllm.sh``, with the context length the adapter was trained at and its RoPE override, so
the served model sees papers cut as in training. ``paperreview review --base-url
http://HOST:PORT/v1 --model NAME`` then reviews with it.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import atomic_write_text
from .artifacts import OVERRIDES, base_model_of


def vllm_settings(adapter: str | Path, name: str, port: int, max_loras: int,
                  base_model: str | None = None) -> dict[str, Any]:
    ad = Path(adapter).resolve()
    cfg_path = ad / "adapter_config.json"
    if not cfg_path.exists():
        raise InputError(f"{ad}: no adapter_config.json (not a LoRA adapter directory)",
                         "give the -o directory of `paperreview train fit` (LoRA/QLoRA)")
    acfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    settings: dict[str, Any] = {
        "model": base_model or base_model_of(ad), "port": port, "enable-lora": True,
        "lora-modules": [f"{name}={ad}"], "max-lora-rank": int(acfg.get("r", 16)),
        "max-loras": max_loras, "served-model-name": None,
    }
    train_cfg = ad / "train_config.json"
    if train_cfg.exists():
        settings["max-model-len"] = int(json.loads(train_cfg.read_text())["max_length"])
    overrides = ad / OVERRIDES
    if overrides.exists():
        o = json.loads(overrides.read_text())
        rope = o.get("rope_parameters")
        settings["hf-overrides"] = json.dumps({"rope_scaling": rope,
                                               "max_position_embeddings":
                                                   o.get("max_position_embeddings")})
    return {k: v for k, v in settings.items() if v is not None}


def command_line(settings: dict[str, Any]) -> list[str]:
    cmd = ["vllm", "serve", str(settings["model"])]
    for k, v in settings.items():
        if k == "model":
            continue
        if v is True:
            cmd.append(f"--{k}")
        elif isinstance(v, list):
            cmd += [f"--{k}", *map(str, v)]
        else:
            cmd += [f"--{k}", str(v)]
    return cmd


def export_vllm(adapter: str | Path, out: str | Path, name: str = "reviewer", port: int = 8000,
                max_loras: int = 4, base_model: str | None = None) -> dict[str, str]:
    import yaml

    s = vllm_settings(adapter, name, port, max_loras, base_model)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cfg = {k: v for k, v in s.items() if k != "model"}
    atomic_write_text(out / "vllm_config.yaml", yaml.safe_dump(cfg, sort_keys=False))
    cmd = " ".join(shlex.quote(x) for x in command_line(s))
    review = (f"paperreview review paper.pdf --base-url http://127.0.0.1:{port}/v1 "
              f"--model {name} -t four-aspect -o review.json")
    script = ("#!/usr/bin/env bash\n# Written by `paperreview train export-vllm`: serve the base "
              "model with the LoRA adapter (pip install vllm on the GPU machine).\nset -euo "
              f"pipefail\nexec {cmd}\n# then: {review}\n")
    atomic_write_text(out / "serve_vllm.sh", script)
    (out / "serve_vllm.sh").chmod(0o755)
    return {"config": str(out / "vllm_config.yaml"), "script": str(out / "serve_vllm.sh"),
            "command": cmd, "review": review}
