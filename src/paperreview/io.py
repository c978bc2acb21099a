"""JSONL read/append (flushed per line), done-id scanning, atomic writes, stable hashes."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Self, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_jsonl(path: str | os.PathLike, *, skip_bad: bool = False) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSONL file, streamed line by line.

    A malformed line raises :class:`InputError` naming ``path:line`` unless ``skip_bad``; a
    truncated *last* line (a run killed mid-write) is always skipped, since appends are resumable.
    """
    for item in iter_jsonl(path):
        if isinstance(item, BadLine):
            if skip_bad:
                continue
            raise InputError(item.error, "fix or delete that line and run again")
        yield item


class BadLine(NamedTuple):
    """A line of a JSONL file that is not a usable record: where (``path:line``) and why."""

    where: str
    error: str
    obj: dict[str, Any] | None = None  # the JSON object, when the line was JSON at all


def iter_jsonl(path: str | os.PathLike, model: type[M] | None = None,
               missing_hint: str = "check the path") -> Iterator[Any]:
    """Stream a JSONL file: each line as a dict (or a ``model`` record), or a :class:`BadLine`
    naming ``path:line`` for a line that is not JSON, not an object or not a valid ``model``.

    Blank lines and a truncated last line (a writer killed mid-line) are skipped; only a missing
    file raises (:class:`InputError`). Stages turn BadLines into failed rows and go on.
    """
    for _, item in iter_jsonl_where(path, model, missing_hint):
        yield item


def iter_jsonl_where(path: str | os.PathLike, model: type[M] | None = None,
                     missing_hint: str = "check the path") -> Iterator[tuple[str, Any]]:
    """:func:`iter_jsonl` with each item's ``path:line``: ``(where, item)``."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file", missing_hint)
    with p.open("r", encoding="utf-8", newline="\n") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{p}:{i}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if not line.endswith("\n"):  # only the last line can lack its newline
                    continue
                yield where, BadLine(where, f"{where}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                yield where, BadLine(where, f"{where}: expected a JSON object, got "
                                            f"{type(obj).__name__}")
                continue
            if model is None:
                yield where, obj
                continue
            try:
                yield where, model.model_validate(obj)
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(x) for x in first["loc"])
                yield where, BadLine(where, f"{where}: not a valid {model.__name__}: {loc}: "
                                            f"{first['msg']}", obj)


def resolve_input(path: str | os.PathLike, names: Sequence[str], what: str = "input",
                  hint: str | None = None) -> Path:
    """A stage input given as the previous stage's output directory or as the file itself.

    A directory resolves to the first of ``names`` (its canonical file, e.g.
    ``submissions.jsonl``) found in it; the error names the file(s) it looked for.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "aggregated.jsonl").write_text("")
    >>> resolve_input(d, ["aggregated.jsonl"]).name
    'aggregated.jsonl'
    """
    p = Path(path)
    if p.is_dir():
        for name in names:
            if (p / name).is_file():
                return p / name
        looked = " or ".join(str(p / n) for n in names)
        raise InputError(f"{what} {p} is a directory without {looked}",
                         hint or "pass the file itself, or the output directory of the stage "
                                 "that writes it")
    if not p.is_file():
        raise InputError(f"{what} {p}: no such file or directory", hint or "check the path")
    return p


def read_records(path: str | os.PathLike, model: type[M]) -> Iterator[M]:
    """Read a JSONL file into pydantic records; a line that fails validation names path:line."""
    for i, obj in enumerate(read_jsonl(path), 1):
        try:
            yield model.model_validate(obj)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise InputError(
                f"{path}: record {i} is not a valid {model.__name__}: {where}: {first['msg']}",
                "check that the file was written by the matching paperreview stage",
            ) from None


#: characters that JSON allows raw inside strings but line-splitting readers (Python's
#: ``str.splitlines``, JavaScript) treat as line breaks: always written escaped
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def dumps_line(obj: BaseModel | dict[str, Any]) -> str:
    """One JSONL line (without its newline): UTF-8 JSON with U+2028/U+2029/U+0085 escaped, so
    every reader, however it splits lines, sees exactly one record per line."""
    data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
    text = json.dumps(data, ensure_ascii=False)
    for raw, esc in _LINE_BREAKS.items():
        if raw in text:  # only possible inside strings, where the escape means the same
            text = text.replace(raw, esc)
    return text


def truncate_partial_line(path: str | os.PathLike) -> int:
    """Cut a half-written last line (a writer killed mid-line) off ``path``; return the bytes cut.

    Appending after such a fragment would turn it into a broken *middle* line that strict readers
    reject, so every appending writer calls this first.
    """
    p = Path(path)
    if not p.is_file():
        return 0
    with p.open("rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return 0
        # scan back in blocks for the last newline
        pos, block = size, 1 << 16
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            pos = start
        else:
            keep = 0
        fh.truncate(keep)
        return size - keep


class JsonlWriter:
    """Append-only JSONL writer: a killed run's half line is cut off first, then every line is
    flushed (and fsynced) as it is written, with U+2028/U+2029/U+0085 escaped.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.jsonl")
    >>> with JsonlWriter(p) as w: w.write({"id": 1})
    >>> list(read_jsonl(p))
    [{'id': 1}]
    """

    def __init__(self, path: str | os.PathLike, *, fsync: bool = True, mode: str = "a"):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fsync = fsync
        self.truncated = truncate_partial_line(self.path) if mode == "a" else 0
        self._fh = self.path.open(mode, encoding="utf-8", newline="\n")

    def write(self, obj: BaseModel | dict[str, Any]) -> None:
        self._fh.write(dumps_line(obj) + "\n")
        self._fh.flush()
        if self._fsync:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_jsonl(path: str | os.PathLike, rows: Iterable[BaseModel | dict[str, Any]]) -> int:
    """Write rows to ``path`` atomically (replace). Returns the number of rows."""
    lines = [dumps_line(r) for r in rows]
    atomic_write_text(path, "\n".join(lines) + ("\n" if lines else ""))
    return len(lines)


def done_ids(
    path: str | os.PathLike, key: str = "id", statuses: Iterable[str] | None = ("ok",)
) -> set[str]:
    """Ids already written to ``path`` (with a status in ``statuses``; None = any status)."""
    p = Path(path)
    if not p.exists():
        return set()
    wanted = set(statuses) if statuses is not None else None
    out = set()
    for obj in read_jsonl(p, skip_bad=True):
        if key in obj and (wanted is None or obj.get("status", "ok") in wanted):
            out.add(str(obj[key]))
    return out


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file + rename, so readers never see half a file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a plain open() would honour umask
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read it is to set it and put it back
    os.umask(mask)
    return mask


def atomic_write_json(path: str | os.PathLike, obj: Any, indent: int = 2) -> None:
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=indent) + "\n")


def file_sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def stable_hash(obj: Any, n: int = 64) -> str:
    """sha256 of the canonical JSON of ``obj`` (sorted keys, no spaces); first ``n`` hex chars."""
    data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:n]


#: JSON files that stages write beside their records (configs, summaries, reports)
STAGE_FILES = frozenset({
    "config.json", "summary.json", "parse_config.json", "parse_summary.json", "engine_config.json",
    "build_report.json", "dataset_info.json", "filter_report.json",
})


def record_files(directory: str | os.PathLike, recursive: bool = False) -> list[Path]:
    """The ``*.json`` record files of a stage's output dir (e.g. the papers `parse` wrote), sorted,
    without the stage's own bookkeeping files (``parse_config.json``, ``summary.json``, ...).

    A bookkeeping name still counts when the file holds a record (has an ``id``): a paper parsed
    from ``config.pdf`` is written as ``config.json``.
    """
    d = Path(directory)
    files = sorted(d.rglob("*.json") if recursive else d.glob("*.json"))
    return [f for f in files if f.name not in STAGE_FILES or _holds_record(f)]


def _holds_record(path: Path) -> bool:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(obj, dict) and "id" in obj
