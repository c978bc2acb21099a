"""The CLI grammar every stage command shares, as reusable click pieces.

* ``-o/--output``: :func:`output_option` (old spellings kept for one release by
  :func:`deprecated_aliases`);
* ``--config FILE``: :func:`config_option` (YAML, JSON or TOML; a directory or a missing file is a
  one-line usage error, exit 2);
* ``--max-new-tokens`` for generation length (:data:`MAX_NEW_TOKENS_HELP`);
* old flag names: :func:`deprecated_aliases` rewrites them to the new ones with a warning;
* exit status 0 all ok, 1 some items failed (:func:`paperreview.stage.finish`), 2 usage or
  config error.

>>> import click
>>> @deprecated_aliases({"--out": "--output"})
... @click.command()
... @output_option()
... @config_option()
... def cmd(output, config_file):
...     click.echo(output)
>>> from click.testing import CliRunner
>>> CliRunner().invoke(cmd, ["--out", "x"]).output
'warning: --out is deprecated and will be removed in the next release; use --output\\nx\\n'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from .errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

MAX_NEW_TOKENS_HELP = "Longest generated answer, in new tokens."


def output_option(dest: str = "output", *, required: bool = True, help: str | None = None,
                  path_type: type | None = None, **kw: Any) -> Callable[[F], F]:
    """``-o/--output PATH`` (a file or a directory, as the stage's help says), passed as ``dest``."""
    return click.option("-o", "--output", dest, required=required,
                        type=click.Path(path_type=path_type), help=help or "Output path.", **kw)


def _check_config(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    from .config import check_config_path

    check_config_path(value)
    return value


def config_option(dest: str = "config_file", help: str | None = None) -> Callable[[F], F]:
    """``--config FILE``: a YAML/JSON/TOML file with the command's keys. A directory or a missing
    file is a :class:`~paperreview.errors.ConfigError` (one line, exit 2) before anything runs."""
    return click.option("--config", dest, type=click.Path(), default=None, is_eager=True,
                        callback=_check_config,
                        help=help or "YAML/JSON/TOML file with the same keys as the flags "
                                     "(defaults < file < environment < flags).")


def _defaults_from_file(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    value = _check_config(ctx, param, value)
    if value is None:
        return None
    from .config import load_config_file

    data = load_config_file(value)
    known = {p.name for p in ctx.command.params if p.name and p.name != param.name}
    keys = {k.replace("-", "_"): v for k, v in data.items()}
    unknown = sorted(set(keys) - known)
    if unknown:
        raise ConfigError(f"--config {value}: unknown key(s) {', '.join(unknown)} "
                          f"(known keys: {', '.join(sorted(known))})")
    ctx.default_map = {**(ctx.default_map or {}), **keys}
    return value


def config_defaults_option(dest: str = "config_file", help: str | None = None
                           ) -> Callable[[F], F]:
    """``--config FILE`` for a command without a typed stage config: the file's keys are the
    command's own option names (``max_new_tokens: 512``) and become its defaults, so flags still
    win. Unknown keys, a directory or a missing file are a one-line ConfigError (exit 2)."""
    return click.option("--config", dest, type=click.Path(), default=None, is_eager=True,
                        expose_value=True, callback=_defaults_from_file,
                        help=help or "YAML/JSON/TOML file whose keys are this command's option "
                                     "names (file < environment < flags).")


def _rewrite(args: list[str], mapping: Mapping[str, str]) -> list[str]:
    out = []
    for i, arg in enumerate(args):
        if arg == "--":
            return out + args[i:]
        name, eq, value = arg.partition("=")
        if name in mapping:
            new = mapping[name]
            click.echo(f"warning: {name} is deprecated and will be removed in the next release; "
                       f"use {new}", err=True)
            arg = f"{new}{eq}{value}"
        out.append(arg)
    return out


def deprecated_aliases(mapping: Mapping[str, str]) -> Callable[[click.Command], click.Command]:
    """Keep old flag names working for one release: ``{"--out": "--output"}`` rewrites ``--out``
    (and ``--out=X``) to ``--output`` with a warning on stderr. Put it above ``@click.command``."""

    def deco(cmd: click.Command) -> click.Command:
        parse_args = cmd.parse_args

        def parse(ctx: click.Context, args: list[str]) -> list[str]:
            return parse_args(ctx, _rewrite(list(args), mapping))

        cmd.parse_args = parse  # type: ignore[method-assign]
        old = ", ".join(f"{o} (now {n})" for o, n in mapping.items())
        note = f"Deprecated spellings still accepted for one release: {old}."
        cmd.epilog = f"{cmd.epilog}\n\n{note}" if cmd.epilog else note
        return cmd

    return deco


def float_list(value: str | None, flag: str) -> list[float] | None:
    """``"0.9,0.05,0.05"`` -> ``[0.9, 0.05, 0.05]`` for a comma-separated ``flag`` (None stays
    None); anything else is a usage error naming the flag."""
    if value is None:
        return None
    from .errors import ConfigError

    try:
        return [float(x) for x in value.split(",")]
    except ValueError:
        raise ConfigError(f"{flag} '{value}': expected comma-separated numbers") from None
