"""Venue profiles: what a venue asks of a submission, as versioned YAML files.

A profile says the main-text page limit (pages before the references, appendix and checklist),
the paper size, whether reviewing is double-blind (then the anonymity rules run), the sections
and statements a submission must have, whether a review copy has line numbers, and whether a
checklist must be in the PDF. The shipped profiles live in ``profiles/*.yaml``; a user profile is
any YAML file with the same keys (``--venue my-venue.yaml``), or a file in the directory named by
``PAPERREVIEW_VENUES``.

>>> v = load_venue("neurips")
>>> v.page_limit, v.paper_size, v.double_blind
(9, 'letter', True)
>>> load_venue("emnlp").name          # aliases
'acl'
>>> load_venue("neurips", camera_ready=True).anonymity
False
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import ConfigError

PROFILES = Path(__file__).parent / "profiles"
ENDINGS = ("references", "appendix", "checklist", "limitations", "ethics", "reproducibility",
           "impact", "acknowledgments")


class RequiredSection(BaseModel):
    """A section the venue requires: ``pattern`` (a regex) must match a section heading."""

    model_config = ConfigDict(extra="forbid")
    name: str
    pattern: str
    severity: Literal["critical", "major", "minor"] = "major"
    why: str = ""


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    pattern: str = "checklist"


class Venue(BaseModel):
    """One venue's rules (see the module docstring); ``camera_ready`` turns anonymity off."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: str = "1"
    title: str = ""
    aliases: list[str] = Field(default_factory=list)
    double_blind: bool = False
    page_limit: int | None = Field(None, ge=1)
    camera_ready_page_limit: int | None = Field(None, ge=1)
    paper_size: Literal["letter", "a4"] | None = None
    line_numbers: bool = False
    main_text_ends_at: list[Literal[ENDINGS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["references", "appendix", "checklist"])
    required_sections: list[RequiredSection] = Field(default_factory=list)
    checklist: Checklist | None = None
    camera_ready: bool = False
    source: str = ""

    @property
    def anonymity(self) -> bool:
        """Whether the anonymity rules apply (a double-blind submission copy)."""
        return self.double_blind and not self.camera_ready

    @property
    def limit(self) -> int | None:
        return self.camera_ready_page_limit if self.camera_ready else self.page_limit

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}" + (" (camera-ready)" if self.camera_ready else "")


def _user_dirs() -> list[Path]:
    env = os.environ.get("PAPERREVIEW_VENUES")
    return [Path(p) for p in env.split(os.pathsep) if p] if env else []


def _files() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for d in [PROFILES, *_user_dirs()]:  # user profiles override shipped ones of the same name
        if d.is_dir():
            for f in sorted(d.glob("*.y*ml")):
                out[f.stem] = f
    return out


@lru_cache(maxsize=64)
def _read(path: str) -> Venue:
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"venue profile {p}: cannot read it ({exc})",
                          "give a YAML file with the keys of docs/check.md") from None
    if not isinstance(data, dict):
        raise ConfigError(f"venue profile {p}: not a YAML mapping",
                          "see src/paperreview/review/venues/profiles/neurips.yaml")
    try:
        for r in data.get("required_sections") or []:
            re.compile(r.get("pattern", ""))
        return Venue(**data, source=str(p))
    except (ValidationError, TypeError, re.error) as exc:
        raise ConfigError(f"venue profile {p}: {exc}",
                          "see src/paperreview/review/venues/profiles/neurips.yaml") from None


def list_venues() -> list[Venue]:
    """Every known profile (shipped and from ``PAPERREVIEW_VENUES``), by name."""
    return [_read(str(p)) for _, p in sorted(_files().items())]


def load_venue(name: str | Path | None = None, camera_ready: bool = False) -> Venue:
    """The profile ``name`` (a shipped name, an alias, or a path to a YAML file)."""
    name = str(name or "generic")
    p = Path(name)
    if p.suffix.lower() in (".yaml", ".yml") or p.is_file():
        if not p.is_file():
            raise ConfigError(f"venue profile {p}: no such file",
                              "give a YAML file or a name from `paperreview check --list-venues`")
        venue = _read(str(p.resolve()))
    else:
        files = _files()
        key = name.lower()
        if key not in files:
            key = next((v.name for v in list_venues() if name.lower() in v.aliases), "")
        if key not in files:
            raise ConfigError(f"unknown venue {name!r}",
                              "known: " + ", ".join(v.name for v in list_venues())
                              + " (or give a YAML file)")
        venue = _read(str(files[key]))
    return venue.model_copy(update={"camera_ready": camera_ready})
