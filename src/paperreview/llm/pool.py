"""Pools of keys and endpoints, each with its own limits.

Sources, in order: ``EngineConfig.endpoints`` (each names the env var holding its key), else a
keys file (one key per line, optionally ``name=KEY``; ``#`` starts a comment), else the single key
in ``$<api_key_env>``. A key in trouble cools down in the scheduler and work fails over to the
others; keys are held in memory only and scrubbed from every error text we store.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError
from .scheduler import Endpoint
from .types import EngineConfig, env_key

LOCAL_KEY = "not-needed"  # local servers (vLLM, llama.cpp, Ollama) ignore the key but the SDK wants one


def read_keys_file(path: str | os.PathLike) -> list[tuple[str, str]]:
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"{p}: keys file not found", "pass --keys-file with one API key per line")
    out = []
    for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, key = line.rpartition("=") if "=" in line else ("", "", line)
        if not key.strip() or " " in key.strip():
            raise ConfigError(f"{p}:{i}: expected 'KEY' or 'name=KEY'")
        out.append((name.strip() or f"key-{len(out) + 1}", key.strip()))
    if not out:
        raise ConfigError(f"{p}: keys file holds no keys", "write one API key per line")
    return out


SHARE_HEADROOM = 0.95  # nodes sharing limits use 95% of them together


def node_share(eps: list[Endpoint], num_nodes: int, node_rank: int) -> list[Endpoint]:
    """This node's part of a pool shared by ``num_nodes`` engines, so that together they never
    exceed any limit: with at least as many endpoints (keys) as nodes, each node takes every
    ``num_nodes``-th one whole (node r: keys r, r+n, ...); with fewer, every node keeps them all
    at 95% of 1/``num_nodes`` of each limit (the 5% absorbs the nodes' clocks and bursts not
    lining up) and 1/``num_nodes`` of the concurrency cap.

    >>> e = Endpoint(name="k", base_url=None, key="x", model="m", json_schema=None,
    ...              max_context=None, limits={"rpm": 100, "tpm": 9000}, cap=8, burst=1.0)
    >>> [x.limits["tpm"] for x in node_share([e], 3, 1)], node_share([e, e, e], 3, 1) == [e]
    ([2850], True)
    """
    if num_nodes <= 1:
        return eps
    if node_rank >= num_nodes:
        raise ConfigError(f"node rank {node_rank} is not below the number of nodes {num_nodes}",
                          "ranks run from 0 to num_nodes - 1")
    if len(eps) >= num_nodes:
        return eps[node_rank::num_nodes]
    out = []
    for e in eps:
        lim = {k: (max(1, int(v * SHARE_HEADROOM) // num_nodes) if v else v)
               for k, v in e.limits.items()}
        out.append(Endpoint(name=e.name, base_url=e.base_url, key=e.key, model=e.model,
                            json_schema=e.json_schema, max_context=e.max_context, limits=lim,
                            cap=max(1, e.cap // num_nodes), burst=e.burst, timeouts=e.timeouts))
    return out


def build_endpoints(cfg: EngineConfig) -> list[Endpoint]:
    """The endpoints of ``cfg`` with their limits (this node's share when several nodes share
    them); raises ConfigError when none is usable."""
    return node_share(_all_endpoints(cfg), cfg.num_nodes, cfg.node_rank)


def _all_endpoints(cfg: EngineConfig) -> list[Endpoint]:
    base_limits = {"rpm": cfg.rpm, "tpm": cfg.tpm, "rpd": cfg.rpd, "tpd": cfg.tpd}

    def make(name, base_url, key, model=None, limits=None, json_schema=None, max_context=None,
             concurrency=None, timeouts=None):
        lim = {k: (limits or {}).get(k) or v for k, v in base_limits.items()}
        return Endpoint(name=name, base_url=base_url, key=key or LOCAL_KEY, model=model or cfg.model,
                        json_schema=cfg.json_schema if json_schema is None else json_schema,
                        max_context=max_context or cfg.max_context, limits=lim,
                        cap=concurrency or cfg.concurrency, burst=cfg.burst_seconds,
                        timeouts={k: v for k, v in (timeouts or {}).items() if v is not None})

    eps: list[Endpoint] = []
    if cfg.endpoints:
        for i, ec in enumerate(cfg.endpoints, 1):
            env = ec.api_key_env or cfg.api_key_env
            key = env_key(env)
            base = ec.base_url or cfg.base_url
            if not key and not base:
                raise ConfigError(f"endpoint {ec.name or i}: no key in ${env} and no base_url",
                                  f"export {env}=... or give the endpoint a base_url")
            eps.append(make(ec.name or f"endpoint-{i}", base, key, ec.model,
                            ec.model_dump(include={"rpm", "tpm", "rpd", "tpd"}),
                            ec.json_schema, ec.max_context, ec.concurrency,
                            ec.model_dump(include={"connect_timeout", "stream_timeout",
                                                   "deadline_base"})))
    elif cfg.keys_file:
        for name, key in read_keys_file(cfg.keys_file):
            eps.append(make(name, cfg.base_url, key))
    else:
        key = env_key(cfg.api_key_env)
        if not key and not cfg.base_url:
            raise ConfigError(
                f"no model endpoint configured: ${cfg.api_key_env} is not set and no base URL given",
                f"export {cfg.api_key_env}=..., or pass --base-url for a local OpenAI-compatible "
                "server, --keys-file for a pool, or --local-model for a local transformers model")
        eps.append(make("default", cfg.base_url, key))
    return eps


def scrub(text: str | None, endpoints: list[Endpoint]) -> str | None:
    """Remove every key we hold from ``text`` (error messages may echo a key)."""
    if not text:
        return text
    for e in endpoints:
        if e.key and e.key != LOCAL_KEY and len(e.key) >= 4:
            text = text.replace(e.key, "***")
    return text
