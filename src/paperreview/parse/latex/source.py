"""Find and read a LaTeX paper: a .tex file, a source directory or an arXiv source tarball.

The main file is the one with ``\\documentclass`` and ``\\begin{document}`` (the largest such
file when there are several). ``\\input``/``\\include``/``\\subfile`` are resolved relative to
the main file's folder, comments are dropped, and ``\\iffalse ... \\fi`` and ``comment``
blocks are removed. A tarball is unpacked into a temporary folder (members that would land
outside it are refused).
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import tempfile
from pathlib import Path

from ...errors import InputError

INPUT = re.compile(r"\\(?:input|include|subfile|import\{[^}]*\}|subimport\{[^}]*\})\s*\{([^}]+)\}"
                   r"|\\input\s+([\w./-]+)")
COMMENT = re.compile(r"(?<!\\)%.*")
IFFALSE = re.compile(r"\\iffalse\b.*?\\fi\b", re.DOTALL)
COMMENT_ENV = re.compile(r"\\begin\{comment\}.*?\\end\{comment\}", re.DOTALL)
MAX_DEPTH = 12


def strip_comments(text: str) -> str:
    text = "\n".join(COMMENT.sub("", line) for line in text.splitlines())
    return COMMENT_ENV.sub("", IFFALSE.sub("", text))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def resolve_inputs(text: str, folder: Path, depth: int = 0, seen: set | None = None) -> str:
    """Replace ``\\input{x}`` and friends by the (comment-stripped) text of ``x.tex``."""
    seen = set() if seen is None else seen

    def repl(m: re.Match) -> str:
        name = (m.group(1) or m.group(2) or "").strip()
        for cand in (folder / name, folder / f"{name}.tex"):
            if cand.is_file() and cand.suffix in (".tex", ".ltx", "") and depth < MAX_DEPTH:
                key = cand.resolve()
                if key in seen:
                    return ""
                seen.add(key)
                return resolve_inputs(strip_comments(_read(cand)), folder, depth + 1, seen)
        return ""  # a missing file (figures, generated tables): nothing to add

    return INPUT.sub(repl, text)


USEPACKAGE = re.compile(r"\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}")


def local_packages(text: str, folder: Path) -> str:
    """The (comment-stripped) text of the packages ``text`` loads that sit beside the paper
    (``\\usepackage{macros}`` with a ``macros.sty`` in its folder): where papers keep their
    macros."""
    out = []
    for m in USEPACKAGE.finditer(text):
        for name in m.group(1).split(","):
            sty = folder / f"{name.strip()}.sty"
            if name.strip() and sty.is_file():
                out.append(strip_comments(_read(sty)))
    return "\n".join(out)


def _is_main(text: str) -> bool:
    return "\\documentclass" in text and "\\begin{document}" in text


def find_main(folder: Path) -> Path:
    cands = [p for p in folder.rglob("*.tex") if p.is_file() and _is_main(_read(p))]
    if not cands:
        raise InputError(f"{folder}: no .tex file with \\documentclass and \\begin{{document}}",
                         "pass the main .tex file of the paper")
    return max(cands, key=lambda p: (len(p.relative_to(folder).parts) == 1, p.stat().st_size))


def unpack_tarball(path: Path) -> Path:
    """Unpack an arXiv source archive (.tar.gz / .tgz / .tar, or a single gzipped .tex)."""
    out = Path(tempfile.mkdtemp(prefix="paperreview-tex-"))
    data = path.read_bytes()
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(out, filter="data")  # "data": no absolute paths, no escaping links
        return out
    except tarfile.TarError:
        pass
    try:  # arXiv serves a lone .tex file gzipped
        (out / "main.tex").write_bytes(gzip.decompress(data))
        return out
    except OSError:
        raise InputError(f"{path}: not a LaTeX source archive (tar or gzip)",
                         "pass a .tex file, a source folder or an arXiv source tarball") from None


def read_source(path: str | Path) -> tuple[str, Path]:
    """Full LaTeX text of the paper at ``path`` (inputs resolved) and its main file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder", "check the path")
    if p.is_dir():
        main = find_main(p)
    elif p.name.endswith((".tar.gz", ".tgz", ".tar", ".gz")):
        main = find_main(unpack_tarball(p))
    else:
        main = p
    text = strip_comments(_read(main))
    return resolve_inputs(text, main.parent, seen={main.resolve()}), main
