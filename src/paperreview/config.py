"""Typed configuration: defaults < ``--config`` file < environment < flags.

Each stage declares a pydantic model (``class XConfig(StageConfig)``). Unknown keys are rejected;
secrets come only from the environment and are redacted when the resolved config is saved.

>>> class C(StageConfig):
...     model: str = "gpt-4o-mini"
...     rpm: int = 60
>>> resolve_config(C, None, {"rpm": 10}).rpm
10
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ConfigError
from .io import atomic_write_json

C = TypeVar("C", bound="StageConfig")

SECRET_NAMES = ("key", "token", "secret", "password", "authorization", "apikey")


def is_secret_key(name: str) -> bool:
    """True for keys that hold secrets (api_key, hf_token, password), not for names that merely
    contain a marker (max_tokens, tokenizer, api_key_env, keys_file)."""
    n = str(name).lower().replace("-", "_")
    return any(n == m or n.endswith("_" + m) for m in SECRET_NAMES)


class StageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    #: maps field name -> environment variable that overrides the file (flags override both)
    env_vars: dict[str, str] = {}


def check_config_path(path: str | os.PathLike) -> Path:
    """``path`` as a config file; a directory or a missing file is a one-line ConfigError."""
    p = Path(path)
    if p.is_dir():
        raise ConfigError(f"--config {p}: is a directory, not a config file "
                          "(give a YAML, JSON or TOML file)")
    if not p.is_file():
        raise ConfigError(f"--config {p}: no such file (give a YAML, JSON or TOML file)")
    return p


def load_config_file(path: str | os.PathLike) -> dict[str, Any]:
    """Read a YAML, JSON or TOML config file into a dict."""
    p = check_config_path(path)
    text = p.read_text(encoding="utf-8")
    try:
        if p.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        elif p.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except Exception as exc:  # noqa: BLE001 - yaml/toml/json each raise their own types
        raise ConfigError(f"{p}: cannot read config ({exc})", "fix the file's syntax") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: config must be a mapping of keys to values")
    return data


def resolve_config(
    cls: type[C],
    config_file: str | os.PathLike | dict[str, Any] | None = None,
    flags: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> C:
    """Build ``cls`` from defaults < the file < the environment (``env_vars``) < flags (None =
    not given). ``config_file`` may also be the file's contents, already read (a dict)."""
    data: dict[str, Any] = {}
    if isinstance(config_file, dict):
        data.update(config_file)
        config_file = None
    elif config_file:
        data.update(load_config_file(config_file))
    env = os.environ if env is None else env
    env_map = cls.model_fields["env_vars"].default if "env_vars" in cls.model_fields else {}
    for field, var in env_map.items():
        if env.get(var):
            data[field] = env[var]
    data.update({k: v for k, v in (flags or {}).items() if v is not None})
    try:
        return cls(**data)
    except ValidationError as exc:
        msgs = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e["loc"])
            if e["type"] == "extra_forbidden":
                allowed = ", ".join(k for k in cls.model_fields if k != "env_vars")
                msgs.append(f"unknown key '{loc}' (known keys: {allowed})")
            else:
                msgs.append(f"{loc}: {e['msg']}")
        where = f" in {config_file}" if config_file else ""
        raise ConfigError(f"invalid {cls.__name__}{where}: " + "; ".join(msgs)) from None


def redact(obj: Any) -> Any:
    """Replace values of secret-looking keys with '***' (recursively); drop nested configs'
    ``env_vars`` maps (a class attribute in spirit, not a setting)."""
    if isinstance(obj, dict):
        return {k: ("***" if v and is_secret_key(k) else redact(v)) for k, v in obj.items()
                if k != "env_vars"}
    if isinstance(obj, list):
        return [redact(v) for v in obj]
    return obj


def save_resolved(config: BaseModel, out_dir: str | os.PathLike, name: str = "config.json") -> Path:
    """Write the resolved config (secrets redacted) beside a stage's outputs."""
    path = Path(out_dir) / name
    data = config.model_dump(mode="json", exclude={"env_vars"})
    atomic_write_json(path, redact(data))
    return path
