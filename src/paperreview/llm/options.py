"""Shared click options for every command that calls a model.

>>> import click
>>> @click.command()
... @engine_options
... def cmd(**kw):
...     cfg = engine_config_from_options(kw, run_dir="runs/x")
"""

from __future__ import annotations

from typing import Any

import click

from ..config import resolve_config
from .types import EngineConfig

#: the keyword arguments added by :func:`engine_options` (pop them from a command's kwargs)
ENGINE_OPTION_NAMES = ("model", "base_url", "rpm", "tpm", "concurrency", "keys_file", "batch_api",
                       "local_model", "adapter", "retry_failed", "engine_config")


def engine_options(f):
    """Add --model, --base-url, --rpm, --tpm, --concurrency, --keys-file, --batch-api,
    --local-model, --adapter, --retry-failed and --engine-config to a click command."""
    opts = [
        click.option("--model", default=None,
                     help="Model name.  [default: $PAPERREVIEW_MODEL or gpt-4o-mini]"),
        click.option("--base-url", default=None,
                     help="OpenAI-compatible endpoint (default: $PAPERREVIEW_BASE_URL; "
                          "vLLM, llama.cpp server, Ollama, DeepSeek, ...)."),
        click.option("--rpm", type=int, default=None, help="Requests per minute per key."),
        click.option("--tpm", type=int, default=None, help="Tokens per minute per key."),
        click.option("--concurrency", type=int, default=None,
                     help="Most requests in flight per key (AIMD below it).  [default: 16]"),
        click.option("--keys-file", type=click.Path(dir_okay=False), default=None,
                     help="File with one API key per line (a pool; keys never stored)."),
        click.option("--batch-api/--no-batch-api", default=None,
                     help="Use the OpenAI Batch API (half price, hours of latency)."),
        click.option("--local-model", type=click.Path(), default=None,
                     help="Local transformers model dir (or hub id) instead of an API."),
        click.option("--adapter", type=click.Path(), default=None,
                     help="PEFT adapter dir (from `paperreview train`) applied to "
                          "--local-model (default: the adapter's base model)."),
        click.option("--retry-failed", is_flag=True, flag_value=True, default=None,
                     help="Retry jobs the journal holds as failed (successes are still reused)."),
        click.option("--engine-config", type=click.Path(dir_okay=False), default=None,
                     help="YAML/JSON/TOML file with EngineConfig keys (limits, timeouts, "
                          "endpoints, prices)."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def engine_config_from_options(options: dict[str, Any], file_data: dict[str, Any] | None = None,
                               **overrides: Any) -> EngineConfig:
    """Build an :class:`EngineConfig` from :func:`engine_options` kwargs (others are ignored).

    Precedence: defaults < ``--engine-config`` file < environment (``$PAPERREVIEW_MODEL``,
    ``$PAPERREVIEW_BASE_URL``, ``$PAPERREVIEW_RUN_DIR``) < ``overrides`` (what the calling stage
    sets, e.g. ``run_dir``) < flags.
    """
    flags = {k: options.get(k) for k in ENGINE_OPTION_NAMES if k != "engine_config"}
    if flags.get("local_model") or flags.get("adapter"):
        flags["backend"] = "transformers"
    merged = {**{k: v for k, v in overrides.items() if v is not None},
              **{k: v for k, v in flags.items() if v is not None}}
    # ``file_data``: an ``engine:`` mapping a stage's own --config file holds (the file level)
    source = options.get("engine_config") or (file_data or None)
    if options.get("engine_config") and file_data:
        from ..errors import ConfigError

        raise ConfigError("engine settings given twice: in --engine-config and in the --config "
                          "file's `engine:` mapping; keep one")
    cfg = resolve_config(EngineConfig, source, merged)
    if cfg.adapter and not cfg.local_model:  # --adapter alone: serve it on the base it was trained on
        from ..train.artifacts import base_model_of

        cfg = cfg.model_copy(update={"local_model": base_model_of(cfg.adapter)})
    return cfg
