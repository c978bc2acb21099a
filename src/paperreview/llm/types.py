"""The engine's public records: :class:`EngineConfig`, :class:`Request`, :class:`Result`.

>>> r = Request(messages=[{"role": "user", "content": "hi"}], prompt_version="demo@1")
>>> len(r.key_for("gpt-4o-mini"))
32
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..config import StageConfig
from ..io import stable_hash


def _env_default(var: str, fallback: str | None = None):
    return lambda: os.environ.get(var) or fallback


class EndpointConfig(BaseModel):
    """One endpoint (base URL + key) with its own limits; several of them form a pool.

    The key itself is never stored here: ``api_key_env`` names the environment variable that
    holds it (keys read from a keys file live only in memory).
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    model: str | None = None           # overrides EngineConfig.model for this endpoint
    rpm: int | None = None
    tpm: int | None = None
    rpd: int | None = None
    tpd: int | None = None
    json_schema: bool | None = None    # None = inherit EngineConfig.json_schema
    max_context: int | None = None
    concurrency: int | None = None
    connect_timeout: float | None = None  # timeouts: None = inherit EngineConfig's
    stream_timeout: float | None = None
    deadline_base: float | None = None


class EngineConfig(StageConfig):
    """How to reach a model and how hard to push it. Secrets never live here.

    ``model``, ``base_url`` and ``run_dir`` come from ``$PAPERREVIEW_MODEL``,
    ``$PAPERREVIEW_BASE_URL`` and ``$PAPERREVIEW_RUN_DIR`` when set: built directly they are the
    defaults; through :func:`paperreview.config.resolve_config` the precedence is the same as every
    stage's, defaults < config file < environment < flags. The key comes from ``$<api_key_env>``
    (default ``OPENAI_API_KEY``) or ``keys_file``.
    """

    env_vars: dict[str, str] = {"model": "PAPERREVIEW_MODEL",  # noqa: RUF012 - a pydantic field
                                "base_url": "PAPERREVIEW_BASE_URL", "run_dir": "PAPERREVIEW_RUN_DIR",
                                "num_nodes": "PAPERREVIEW_NUM_NODES",
                                "node_rank": "PAPERREVIEW_NODE_RANK"}

    backend: Literal["openai", "transformers"] = "openai"
    model: str = Field(default_factory=_env_default("PAPERREVIEW_MODEL", "gpt-4o-mini"))
    base_url: str | None = Field(default_factory=_env_default("PAPERREVIEW_BASE_URL"))
    api_key_env: str = "OPENAI_API_KEY"
    keys_file: str | None = None
    endpoints: list[EndpointConfig] = Field(default_factory=list)
    # several engines (one per node) sharing one account: this engine is node_rank of num_nodes
    # and takes its share of the keys, or of each key's limits (see llm.pool.node_share)
    num_nodes: int = Field(1, ge=1)
    node_rank: int = Field(0, ge=0)
    # limits per endpoint/key (None = unknown: learnt from x-ratelimit-* headers)
    rpm: int | None = None
    tpm: int | None = None
    rpd: int | None = None
    tpd: int | None = None
    # bucket depth in seconds of the per-minute limit; OpenAI enforces limits over short
    # windows (600 RPM may mean 10 per second), so bursts stay small
    burst_seconds: float = 1.0
    concurrency: int = Field(16, ge=1)  # cap on requests in flight per endpoint (AIMD below it)
    # timeouts (seconds)
    connect_timeout: float = 10.0
    stream_timeout: float = 60.0       # silence allowed between streamed chunks
    deadline_base: float = 60.0        # overall deadline = base + max_tokens / min_tokens_per_s
    min_tokens_per_s: float = 10.0
    stream: bool = False
    # retries
    max_retries: int = Field(6, ge=0)  # for 5xx, resets, timeouts, malformed responses
    max_rate_limit_retries: int = Field(30, ge=0)
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    cooldown: float = 30.0             # a key/endpoint in trouble rests this long (doubling)
    max_queue_wait: float = 900.0      # longer waits for capacity (daily limits) stop the run
    # structured output
    json_schema: bool | None = None    # endpoint supports response_format json_schema; None = try
    json_mode: bool = True             # endpoint supports response_format json_object
    max_reasks: int = Field(2, ge=0)
    max_context: int | None = None
    default_max_tokens: int = 1024     # charged up front when a request sets no max_tokens
    # journal, local models, batch
    run_dir: str = Field(default_factory=_env_default("PAPERREVIEW_RUN_DIR", "runs/llm"))
    local_model: str | None = None
    adapter: str | None = None
    device: str | None = None          # transformers backend: "cpu", "cuda", ... (None = auto)
    batch_api: bool = False
    batch_poll_interval: float = 30.0
    batch_timeout: float = 26 * 3600.0
    retry_failed: bool = False
    prices: dict[str, list[float]] = Field(default_factory=dict)  # model -> [$/1M in, $/1M out]

    @field_validator("run_dir", mode="before")
    @classmethod
    def _str_path(cls, v: Any) -> Any:
        return str(v) if isinstance(v, os.PathLike) else v

    def is_configured(self) -> bool:
        """True when some backend can be used: a key, a base URL, a keys file or a local model."""
        if self.backend == "transformers" or self.local_model:
            return bool(self.local_model or self.adapter)
        return bool(
            env_key(self.api_key_env) or self.base_url or self.keys_file
            or any(e.base_url or (e.api_key_env and env_key(e.api_key_env))
                   for e in self.endpoints)
        )


#: keys held in memory only (a web job's own key): name -> key, looked up before the environment
MEMORY_KEYS: dict[str, str] = {}


def env_key(name: str | None) -> str | None:
    """The API key called ``name``: from :data:`MEMORY_KEYS`, else the environment."""
    if not name:
        return None
    return MEMORY_KEYS.get(name) or os.environ.get(name)


class Request(BaseModel):
    """One chat-completion job. ``schema`` is a pydantic model class, a JSON-schema dict or None.

    ``extra`` carries any other chat-completion parameters (top_p, stop, seed, ...); they are
    part of the job key. ``custom_id`` and ``metadata`` are not: they only travel with the result.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, protected_namespaces=())

    messages: list[dict[str, Any]]
    schema_: Any = Field(None, alias="schema")
    temperature: float | None = 0.0
    max_tokens: int | None = None
    n: int = 1
    prompt_version: str = ""
    custom_id: str | None = None
    model: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)

    def __init__(self, **data: Any):
        super().__init__(**data)
        if not self.messages or not all(isinstance(m, dict) and "role" in m for m in self.messages):
            raise ValueError("Request.messages must be a non-empty list of {'role', 'content'}")

    @property
    def schema(self) -> Any:
        return self.schema_

    def schema_dict(self) -> dict[str, Any] | None:
        from .structured import schema_to_dict

        return schema_to_dict(self.schema_)

    def key_for(self, model: str | None) -> str:
        """Job key: hash of model, messages, generation parameters, schema and prompt version."""
        return stable_hash({
            "model": model, "messages": self.messages, "temperature": self.temperature,
            "max_tokens": self.max_tokens, "n": self.n, "extra": self.extra,
            "schema": self.schema_dict(), "prompt_version": self.prompt_version,
        }, 32)

    @property
    def job_key(self) -> str:
        """Key with ``self.model``; the engine fills a missing model from its config, so use
        ``Engine.job_key(request)`` (or ``Result.job_key``) to match results."""
        return self.key_for(self.model)


class Result(BaseModel):
    """What a job produced. ``response`` is the raw chat completion, kept even when parsing fails."""

    custom_id: str | None = None
    job_key: str
    status: Literal["ok", "failed"]
    content: str = ""
    parsed: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    error: str | None = None
    reason: str | None = None          # short failure class: rate_limit, timeout, invalid_json, ...
    usage: dict[str, Any] = Field(default_factory=dict)
    attempts: int = 0
    cached: bool = False               # True when served from the journal without a new call
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"
