"""Paths or fsspec URLs (``s3://bucket/x``, ``gs://``, ``file://``), one small API for both.

Local paths go through the standard library; URLs through fsspec (install the filesystem's own
package, e.g. ``s3fs`` or ``gcsfs``). Writes are whole-file and atomic where the store allows.
"""

from __future__ import annotations

import os
from pathlib import Path


def is_url(path: str) -> bool:
    return "://" in str(path)


def _fs(path: str):
    import fsspec

    return fsspec.core.url_to_fs(path)


def join(base: str, *parts: str) -> str:
    base = str(base)
    if is_url(base):
        return "/".join([base.rstrip("/"), *parts])
    return str(Path(base, *parts))


def makedirs(path: str) -> None:
    if is_url(path):
        fs, p = _fs(path)
        fs.makedirs(p, exist_ok=True)
    else:
        Path(path).mkdir(parents=True, exist_ok=True)


def exists(path: str) -> bool:
    if is_url(path):
        fs, p = _fs(path)
        return fs.exists(p)
    return os.path.exists(path)


def read_text(path: str) -> str:
    if is_url(path):
        fs, p = _fs(path)
        with fs.open(p, "r", encoding="utf-8") as fh:
            return fh.read()
    return Path(path).read_text(encoding="utf-8")


def write_text(path: str, text: str) -> None:
    if is_url(path):
        fs, p = _fs(path)
        with fs.open(p, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    from ..io import atomic_write_text

    atomic_write_text(path, text)


def list_files(path: str, suffix: str) -> list[str]:
    """Files ending in ``suffix`` under a directory (recursively), or the file itself; sorted."""
    if is_url(path):
        fs, p = _fs(path)
        proto = path.split("://", 1)[0]
        if fs.isdir(p):
            return sorted(f"{proto}://{f}" for f in fs.find(p) if f.lower().endswith(suffix))
        return [path]
    p = Path(path)
    if p.is_dir():
        return sorted(str(f) for f in p.rglob(f"*{suffix}"))
    return [str(p)]


def local_copy(path: str, tmp_dir: str) -> str:
    """A local file path for ``path`` (downloaded into ``tmp_dir`` when it is a URL)."""
    if not is_url(path):
        return path
    fs, p = _fs(path)
    dest = str(Path(tmp_dir) / Path(p).name)
    fs.get(p, dest)
    return dest
