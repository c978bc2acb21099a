"""References of a LaTeX paper: from the ``.bbl`` (what BibTeX printed), an inline
``thebibliography``, or else the cited entries of the ``.bib`` files, in citation order.
"""

from __future__ import annotations

import re
from pathlib import Path

from .macros import braced

BIBITEM = re.compile(r"\\bibitem\s*(?:\[(?:[^\[\]]|\[[^\]]*\])*\])?\s*\{([^}]*)\}")
THEBIB = re.compile(r"\\begin\{thebibliography\}.*?\\end\{thebibliography\}", re.DOTALL)
CITE_KEYS = re.compile(r"\\(no)?cite[a-zA-Z]*\*?\s*(?:\[[^\]]*\]\s*){0,2}\{([^}]*)\}")
BIB_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", re.IGNORECASE)
BBL_NOISE = re.compile(r"\\(?:newblock|BibitemOpen|BibitemShut\{[^}]*\}|bibinfo\{[^}]*\}|"
                       r"bibfield\{[^}]*\}|providecommand|natexlab|Eprint|urlprefix|"
                       r"href@noop\s*\{\}|href\s*\{[^}]*\}|showarticletitle|showISSN|showDOI)")


def bibitems(text: str) -> list[tuple[str, str]]:
    """(key, LaTeX of the entry) for every ``\\bibitem`` in ``text``."""
    items = list(BIBITEM.finditer(text))
    out = []
    for k, m in enumerate(items):
        end = items[k + 1].start() if k + 1 < len(items) else len(text)
        entry = text[m.end():end].split("\\end{thebibliography}")[0]
        out.append((m.group(1).strip(), BBL_NOISE.sub(" ", entry)))
    return out


def cited_keys(text: str) -> list[str]:
    keys: list[str] = []
    for m in CITE_KEYS.finditer(text):
        for key in m.group(2).split(","):
            key = key.strip()
            if key and key not in keys:
                keys.append(key)
    return keys


def _field(body: str, name: str) -> str:
    m = re.search(r"\b" + name + r"\s*=\s*", body, re.IGNORECASE)
    if not m:
        return ""
    i = m.end()
    if i < len(body) and body[i] == "{":
        got = braced(body, i)
        return got[0] if got else ""
    if i < len(body) and body[i] == '"':
        end = body.find('"', i + 1)
        return body[i + 1:end]
    return re.match(r"[\w.-]*", body[i:]).group(0)


def bib_entries(files: list[Path]) -> dict[str, str]:
    """key -> "Authors. Title. Venue, Year." (LaTeX) for every entry of the .bib files."""
    out: dict[str, str] = {}
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        for m in BIB_ENTRY.finditer(text):
            got = braced("{" + text[m.end():], 0)
            body = got[0] if got else text[m.end():m.end() + 2000]
            authors = " and ".join(a.strip() for a in _field(body, "author").split(" and "))
            venue = _field(body, "journal") or _field(body, "booktitle") or _field(body, "publisher")
            parts = [authors, _field(body, "title"), venue, _field(body, "year")]
            out.setdefault(m.group(2), ". ".join(p.strip() for p in parts if p.strip()) + ".")
    return out


def references(full: str, main: Path) -> list[tuple[str, str]]:
    """(key, LaTeX of the entry) in the printed order."""
    inline = THEBIB.search(full)
    if inline:
        return bibitems(inline.group(0))
    folder = main.parent
    bbls = sorted(folder.glob("*.bbl"), key=lambda p: (p.stem != main.stem, p.name))
    if bbls:
        items = bibitems(bbls[0].read_text(encoding="utf-8", errors="replace"))
        if items:
            return items
    names = []
    for m in re.finditer(r"\\(?:bibliography|addbibresource)\s*(?:\[[^\]]*\])?\{([^}]*)\}", full):
        names += [n.strip() for n in m.group(1).split(",")]
    files = [f for n in names for f in (folder / n, folder / f"{n}.bib") if f.is_file()]
    # is_file: a .bib that is a dangling link (a repository's symlink) is no bibliography
    entries = bib_entries(files or sorted(f for f in folder.glob("*.bib") if f.is_file()))
    keys = cited_keys(full)
    if re.search(r"\\nocite\s*\{\s*\*\s*\}", full):
        keys += [k for k in entries if k not in keys]
    return [(k, entries[k]) for k in keys if k in entries]
