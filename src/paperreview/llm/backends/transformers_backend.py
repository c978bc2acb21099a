"""A local transformers model (plus an optional PEFT adapter) behind the backend interface.

torch/transformers/peft are imported on first use only. Answers are shaped like OpenAI chat
completions (with exact token ``usage``) so the journal, schema validation and re-asks work as
for any endpoint; the schema is given in the prompt and the answer validated (no constrained
decoding). Runs one request at a time: generation already uses every core / the whole GPU.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

from ...errors import ConfigError, require
from ...io import file_sha256
from ..scheduler import Endpoint
from .base import Answer, Backend, CallError, Timeouts


class TransformersBackend(Backend):
    supports_response_format = False

    def __init__(self, model_path: str | None, adapter: str | None = None,
                 device: str | None = None):
        if adapter and not Path(adapter).is_dir():
            raise ConfigError(f"{adapter}: adapter directory not found",
                              "pass the directory written by `paperreview train`")
        if adapter and not (Path(adapter) / "adapter_config.json").exists():
            raise ConfigError(f"{adapter}: not a PEFT adapter (no adapter_config.json)",
                              "pass the directory written by `paperreview train`")
        if not model_path and adapter:  # the base the adapter was trained on
            from ...train.artifacts import base_model_of

            model_path = base_model_of(adapter)
        if not model_path:
            raise ConfigError("the transformers backend needs a local model",
                              "pass --local-model DIR (a saved transformers model)")
        from ..gguf import resolve_model

        # a GGUF checkpoint (DIR/NAME.gguf, or a folder holding one) is de-quantized on load
        model_path, self.gguf_file = resolve_model(model_path)
        local = Path(model_path).expanduser()
        if (local.exists() or model_path.startswith((".", "/", "~"))) and not (
                (local / "config.json").is_file() or self.gguf_file):
            raise ConfigError(f"{model_path}: not a transformers model directory (no config.json "
                              "and no .gguf file)",
                              "pass --local-model DIR saved with save_pretrained(), a folder with "
                              "one .gguf file, the .gguf file itself, or a hub id")
        self.model_path, self.adapter, self.device = model_path, adapter, device
        self._model = self._tok = None
        self._lock = threading.Lock()

    def identity(self) -> str:
        """The model name local jobs are keyed, journaled and priced under: ``local:`` + the
        model's absolute path (or hub id), + the adapter's name and a hash of its weights, so
        another base or another (or retrained) adapter never reuses the journal's answers."""
        base = Path(self.model_path).expanduser()
        out = f"local:{base.resolve() if base.exists() else self.model_path}"
        if self.gguf_file:
            out += f"/{self.gguf_file}"
        if self.adapter:
            ad = Path(self.adapter).resolve()
            weights = [ad / f for f in ("adapter_model.safetensors", "adapter_model.bin")
                       if (ad / f).exists()]
            digest = file_sha256(weights[0])[:12] if weights else "noweights"
            out += f"+{ad.name}@{digest}"
        return out

    def _load(self) -> None:
        torch = require("torch", "train", "the local transformers backend")
        transformers = require("transformers", "train", "the local transformers backend")
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        from ..gguf import gguf_kwargs

        gguf = gguf_kwargs(self.gguf_file)
        try:
            config = transformers.AutoConfig.from_pretrained(self.model_path, **gguf)
            # an adapter trained with --rope-scaling changed the base config: apply it the same way
            for key, value in self._overrides().items():
                setattr(config, key, value)
            tok_dir = self._tokenizer_dir()
            tok = transformers.AutoTokenizer.from_pretrained(
                tok_dir, **(gguf if tok_dir == self.model_path else {}))
            model = transformers.AutoModelForCausalLM.from_pretrained(
                self.model_path, config=config, **gguf_kwargs(self.gguf_file, model=True),
                dtype=torch.bfloat16 if device.startswith("cuda") else None)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load local model {self.model_path}: {exc}",
                              "pass a directory holding a transformers model and tokenizer"
                              ) from None
        if self.adapter:
            peft = require("peft", "train", "PEFT adapters")
            model = peft.PeftModel.from_pretrained(model, self.adapter)
        model.to(device).eval()
        if tok.pad_token_id is None:
            tok.pad_token = tok.eos_token
        self._model, self._tok, self._device = model, tok, device

    def _overrides(self) -> dict[str, Any]:
        """Base-config fields the adapter's training changed (``model_overrides.json``)."""
        if not self.adapter:
            return {}
        from ...train.artifacts import read_overrides  # json only: no heavy import

        return read_overrides(self.adapter)

    def _tokenizer_dir(self) -> str:
        """The adapter's saved tokenizer (its chat template is the one used in training) when
        there is one, else the base model's."""
        if self.adapter and (Path(self.adapter) / "tokenizer_config.json").exists():
            return self.adapter
        return self.model_path

    def _prompt(self, messages: list[dict[str, Any]]) -> str:
        msgs = [{"role": m["role"], "content": m.get("content") or ""} for m in messages]
        if getattr(self._tok, "chat_template", None):
            return self._tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        return "".join(f"{m['role']}: {m['content']}\n" for m in msgs) + "assistant: "

    def call(self, ep: Endpoint, body: dict[str, Any], job_key: str, timeouts: Timeouts) -> Answer:
        with self._lock:
            if self._model is None:
                self._load()
            return self._generate(body)

    def _generate(self, body: dict[str, Any]) -> Answer:
        import json

        import torch

        tok, model = self._tok, self._model
        enc = tok(self._prompt(body["messages"]), return_tensors="pt", add_special_tokens=False)
        n_prompt = int(enc["input_ids"].shape[1])
        limit = getattr(model.config, "max_position_embeddings", None)
        if limit and n_prompt >= limit:
            raise CallError("bad_request", f"prompt of {n_prompt} tokens exceeds the model's "
                            f"context of {limit}")
        temp = body.get("temperature") or 0.0
        max_new = int(body.get("max_tokens") or body.get("max_completion_tokens") or 512)
        if limit:
            max_new = max(1, min(max_new, limit - n_prompt))
        if body.get("seed") is not None:
            torch.manual_seed(int(body["seed"]))
        gen: dict[str, Any] = {"max_new_tokens": max_new, "pad_token_id": tok.pad_token_id,
                               "do_sample": temp > 0}
        if temp > 0:
            gen.update(temperature=float(temp), top_p=float(body.get("top_p") or 1.0))
        choices, n_out = [], 0
        try:
            with torch.no_grad():
                for i in range(int(body.get("n") or 1)):
                    out = model.generate(**{k: v.to(self._device) for k, v in enc.items()}, **gen)
                    new = out[0, n_prompt:]
                    text = tok.decode(new, skip_special_tokens=True)
                    n_out += int(new.shape[0])
                    finish = "length" if new.shape[0] >= max_new else "stop"
                    choices.append({"index": i, "message": {"role": "assistant", "content": text},
                                    "finish_reason": finish})
        except RuntimeError as exc:  # CUDA OOM and friends: a retryable per-call failure
            raise CallError("server_error", f"generation failed: {exc}") from None
        comp = {"id": f"local-{uuid.uuid4().hex[:16]}", "object": "chat.completion",
                "created": int(time.time()), "model": body.get("model"), "choices": choices,
                "usage": {"prompt_tokens": n_prompt, "completion_tokens": n_out,
                          "total_tokens": n_prompt + n_out}}
        return Answer(raw=json.dumps(comp, ensure_ascii=False), completion=comp)
