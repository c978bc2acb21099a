"""Readers for the paper-task sources: each yields :class:`Item` rows or :class:`BadRow` errors.

Formats (``detect_format`` guesses from the name and first bytes; ``--format`` overrides):

* ``arxiv``       the Kaggle ``arxiv-metadata-oai-snapshot.json`` (JSON Lines: id, title,
                  authors, abstract, categories "primary other ...", ...)
* ``csv``         the iFLYTEK/Datawhale challenge CSV (uuid, title, author, abstract and, when
                  present, ``Keywords`` separated by ``;`` and ``label`` 0/1)
* ``chatgentitle`` ChatGenTitle's JSON arrays of ``{instruction, input: abstract, output: title}``
                  (a file, or a directory of them; exact repeats across files are read once)
* ``keyphrase``   a keyphrase set as published by LIAAD (Inspec.zip, kdd.zip, www.zip, or the
                  unpacked ``docsutf8/*.txt`` + ``keys/*.key`` folder)
* ``records``     instruction records written by ``paperreview tasks data`` (id, input, output)

A row that lacks what the task needs (an empty abstract, a CSV without the needed column) is a
:class:`BadRow` naming ``file:line`` and the reason; the caller counts it and goes on.

>>> detect_format("x/arxiv-metadata-oai-snapshot.json", '{"id": "0704.0001", "abstract": "a"}')
'arxiv'
"""

from __future__ import annotations

import csv
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

FORMATS = ("arxiv", "csv", "chatgentitle", "keyphrase", "records")
_WS = re.compile(r"\s+")


@dataclass
class Item:
    """One paper as the tasks see it (fields a source does not have stay empty)."""

    id: str
    abstract: str
    title: str = ""
    authors: str = ""
    categories: list[str] = field(default_factory=list)  # arXiv: primary first
    keywords: list[str] = field(default_factory=list)    # gold keyphrases
    label: str | None = None                              # gold class (CSV `label`)
    where: str = ""                                       # file:line, for messages
    output: str | None = None                             # `records`: the gold output as written
    paper_id: str = ""                                    # splits group by it (default: id)
    instruction: str | None = None                        # `records`: the prompt as trained
    text: str | None = None                               # `records`: the input as trained

    def __post_init__(self) -> None:
        self.paper_id = self.paper_id or self.id

    @property
    def primary_archive(self) -> str:
        """``q-bio`` for ``q-bio.NC``; ``math`` for ``math.CO``; '' without categories."""
        return self.categories[0].split(".")[0] if self.categories else ""


@dataclass
class BadRow:
    where: str
    error: str


def clean(text: str | None) -> str:
    """Whitespace collapsed (arXiv keeps hard line wraps and a leading indent)."""
    return _WS.sub(" ", text or "").strip()


def detect_format(path: str | Path, head: str | None = None) -> str:
    p = Path(path)
    if p.is_dir():
        if any(p.glob("*.json")):
            return "chatgentitle"
        if (p / "docsutf8").is_dir() or any(p.glob("*/docsutf8")):
            return "keyphrase"
        raise InputError(f"{p}: cannot tell the format of this folder",
                         "pass --format arxiv|csv|chatgentitle|keyphrase|records")
    suffix = p.suffix.lower()
    if suffix == ".zip":
        return "keyphrase"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if head is None:
        with p.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    s = head.lstrip()
    if s.startswith("["):
        return "chatgentitle"
    if s.startswith("{"):
        try:
            first = json.loads(s.splitlines()[0])
        except json.JSONDecodeError:
            first = {}
        if isinstance(first, dict) and ({"instruction", "messages", "conversations"} & set(first)):
            return "records"
        return "arxiv"
    raise InputError(f"{p}: cannot tell the format (not JSON, JSON Lines, CSV or a zip)",
                     "pass --format arxiv|csv|chatgentitle|keyphrase|records")


def read_items(path: str | Path, fmt: str | None = None) -> Iterator[Item | BadRow]:
    """Stream the items of ``path`` in format ``fmt`` (detected when None)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder", "check the --source/--input path")
    fmt = fmt or detect_format(p)
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'", f"use one of {', '.join(FORMATS)}")
    reader = {"arxiv": _arxiv, "csv": _csv, "chatgentitle": _chatgentitle,
              "keyphrase": _keyphrase, "records": _records}[fmt]
    yield from reader(p)


def _need_abstract(item: Item) -> Item | BadRow:
    if not item.abstract:
        return BadRow(item.where, f"{item.where}: empty abstract (id {item.id})")
    return item


def _jsonl(p: Path) -> Iterator[tuple[str, dict | BadRow]]:
    from ..io import BadLine, iter_jsonl

    for obj in iter_jsonl(p):
        if isinstance(obj, BadLine):
            yield obj.where, BadRow(obj.where, obj.error)
        else:
            yield "", obj


def _arxiv(p: Path) -> Iterator[Item | BadRow]:
    for i, (bad, obj) in enumerate(_jsonl(p), 1):
        if isinstance(obj, BadRow):
            yield obj
            continue
        where = f"{p}:{i}"
        if "abstract" not in obj:
            yield BadRow(where, f"{where}: no 'abstract' field (is this the Kaggle arXiv "
                                "snapshot format?)")
            continue
        cats = str(obj.get("categories") or "").split()
        yield _need_abstract(Item(id=str(obj.get("id") or f"line{i}"), title=clean(obj.get("title")),
                                  abstract=clean(obj.get("abstract")),
                                  authors=clean(obj.get("authors")), categories=cats, where=where))


def split_keywords(text: str | None) -> list[str]:
    """``"A; B; C."`` (PubMed style) or ``"A, B"`` -> ``["A", "B", "C"]``."""
    if not text:
        return []
    sep = ";" if ";" in text else ","
    out = [k.strip().rstrip(".").strip() for k in text.split(sep)]
    return [k for k in out if k]


def _csv(p: Path) -> Iterator[Item | BadRow]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t" if p.suffix.lower() == ".tsv" else ",")
        cols = {c.strip().lower(): c for c in reader.fieldnames or []}
        if "abstract" not in cols:
            raise InputError(f"{p}: the CSV has no 'abstract' column (columns: "
                             f"{', '.join(reader.fieldnames or []) or 'none'})",
                             "give the challenge CSV (uuid,title,author,abstract[,Keywords][,label])")
        get = lambda row, name: (row.get(cols[name]) or "") if name in cols else ""
        for row in reader:
            where = f"{p}:{reader.line_num}"
            label = get(row, "label").strip() if "label" in cols else None
            yield _need_abstract(Item(
                id=str(get(row, "uuid") or get(row, "id") or reader.line_num),
                title=clean(get(row, "title")), abstract=clean(get(row, "abstract")),
                authors=clean(get(row, "author") or get(row, "authors")),
                keywords=split_keywords(get(row, "keywords")), label=label or None,
                where=where))


def _chatgentitle(p: Path) -> Iterator[Item | BadRow]:
    from ..io import stable_hash

    files = sorted(p.glob("*.json")) if p.is_dir() else [p]
    seen: set[tuple[str, str]] = set()
    ids: dict[str, int] = {}
    for f in files:
        try:
            rows = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield BadRow(str(f), f"{f}: not a JSON array ({exc})")
            continue
        if not isinstance(rows, list):
            yield BadRow(str(f), f"{f}: expected a JSON array of {{instruction, input, output}}")
            continue
        for i, row in enumerate(rows):
            where = f"{f}[{i}]"
            if not isinstance(row, dict):
                yield BadRow(where, f"{where}: not an object")
                continue
            abstract, title = clean(row.get("input")), clean(row.get("output"))
            if (abstract, title) in seen:
                continue
            seen.add((abstract, title))
            # no ids in this format: a paper is its abstract (weekly crawls repeat papers, and a
            # repeat must land in the same split); a second title for one abstract gets "-2"
            paper = stable_hash(abstract.lower(), 12)
            ids[paper] = ids.get(paper, 0) + 1
            rid = paper if ids[paper] == 1 else f"{paper}-{ids[paper]}"
            yield _need_abstract(Item(id=rid, abstract=abstract, title=title, where=where,
                                      paper_id=paper))


def _keyphrase(p: Path) -> Iterator[Item | BadRow]:
    """Inspec/KDD/WWW: ``docsutf8/<id>.txt`` (first line the title) + ``keys/<id>.key``."""
    if p.is_file():
        with zipfile.ZipFile(p) as z:
            files = {n: n for n in z.namelist() if not n.endswith("/")}
            read = lambda n: z.read(n).decode("utf-8", errors="replace")
            yield from _keyphrase_docs(p, files, read)
    else:
        files = {str(f.relative_to(p)): f for f in p.rglob("*") if f.is_file()}
        yield from _keyphrase_docs(p, files, lambda n: files[n].read_text(encoding="utf-8",
                                                                           errors="replace"))


def _keyphrase_docs(p: Path, files: dict, read) -> Iterator[Item | BadRow]:
    docs = sorted((n for n in files if "/docsutf8/" in f"/{n}" and n.endswith(".txt")),
                  key=lambda n: (len(Path(n).stem), Path(n).stem))
    if not docs:
        raise InputError(f"{p}: no docsutf8/*.txt inside", "give Inspec.zip, kdd.zip or www.zip")
    for name in docs:
        doc_id = Path(name).stem
        key = name.replace("docsutf8/", "keys/")[:-4] + ".key"
        where = f"{p}:{name}"
        if key not in files:
            yield BadRow(where, f"{where}: no matching keys/{doc_id}.key")
            continue
        lines = [ln.strip() for ln in read(name).splitlines()]
        lines = [ln for ln in lines if ln]
        title = lines[0] if lines else ""
        abstract = clean(" ".join(lines[1:]))
        keys = [clean(k) for k in read(key).splitlines() if k.strip()]
        yield _need_abstract(Item(id=doc_id, title=title, abstract=abstract, keywords=keys,
                                  where=where))


def _records(p: Path) -> Iterator[Item | BadRow]:
    """Records of ``tasks data`` (Alpaca: ``input`` is the text, ``output`` the gold); the
    ``item`` field they carry restores title/abstract/keywords/label exactly."""
    for i, (_, obj) in enumerate(_jsonl(p), 1):
        if isinstance(obj, BadRow):
            yield obj
            continue
        where = f"{p}:{i}"
        meta = obj.get("item") or {}
        text = obj.get("input") if "input" in obj else None
        if text is None and ("messages" in obj or "conversations" in obj):
            from ..dataset.formats import record_turns

            try:
                _, _, text, out = record_turns(obj)
            except InputError as exc:
                yield BadRow(where, f"{where}: {exc.message}")
                continue
            obj = obj | {"instruction": "", "output": out}
        abstract = clean(meta.get("abstract") or text)
        yield _need_abstract(Item(
            id=str(obj.get("id") or f"line{i}"), abstract=abstract, title=clean(meta.get("title")),
            authors=clean(meta.get("authors")), categories=list(meta.get("categories") or []),
            keywords=list(meta.get("keywords") or []), label=meta.get("label"), where=where,
            output=obj.get("output"), paper_id=str(obj.get("paper_id") or ""),
            instruction=obj.get("instruction"), text=text))
