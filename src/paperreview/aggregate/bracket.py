"""Bracket text <-> review JSON: the training format the fine-tuned reviewer learns to write.

::

    [Significance and novelty]
    <short title> detail
    <short title> detail
    [Potential reasons for acceptance]
    ...

Every aspect gets its ``[Heading]`` line (its display name), in template order, even when empty.
Under it: one ``<title> detail`` line per point (``points``); one line of text (``text``, absent
when empty); an integer (``score``, absent when null); ``accept``/``reject`` then a line of
reasons (``decision``). With ``raised_by=True`` (the default) a point with reviewers is followed
by ``(raised_by: ["R1", "R2"])``, so the round trip is lossless; ``raised_by=False`` gives the
training text, which never names reviewers.

Escaping (one pass, left to right; lines are separated by ``\\n`` only): in every free text
``\\`` -> ``\\\\``, newline -> ``\\n``, carriage return -> ``\\r``; in a title also ``>`` ->
``\\>``; a text or reasons line also escapes every ``[`` (``\\[``), a leading ``<`` or ``(``
(``\\<``, ``\\(``) and a leading or trailing whitespace character (space ``\\s``, tab ``\\t``,
others ``\\uXXXX``), so it never reads as a heading, a point, a reviewer line or a blank line.
Titles and details may contain brackets as they are.
Unknown escapes (``\\x``) read back as written.

>>> from paperreview.aggregate.templates import get_template
>>> t = get_template("four-aspect")
>>> r = {a.key: [] for a in t.aspects}
>>> r["reasons_for_rejection"] = [{"title": "No [baselines]", "detail": "a > b", "raised_by": []}]
>>> print(to_bracket(r, t).splitlines()[3])
<No [baselines]> a > b
>>> from_bracket(to_bracket(r, t), t) == r
True
"""

from __future__ import annotations

import json
import re
from typing import Any

from .templates import Aspect, Template, get_template

_ESC = {"\\": "\\\\", "\n": "\\n", "\r": "\\r"}
_UNESC = {"\\": "\\", "n": "\n", "r": "\r", ">": ">", "[": "[", "<": "<", "(": "(",
          "s": " ", "t": "\t"}
_RAISED = re.compile(r"^\(raised_by: (\[.*\])\)$")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+(?=<)")


class BracketError(ValueError):
    """Bracket text that does not follow the template (strict mode only)."""


def escape(text: str, title: bool = False) -> str:
    out = "".join(_ESC.get(c, c) for c in text)
    return out.replace(">", "\\>") if title else out


def _escape_line(text: str) -> str:
    out = escape(text).replace("[", "\\[")  # no raw '[': never mistaken for a heading
    if out[:1] in ("<", "("):
        out = "\\" + out
    if out[:1].isspace():
        out = _edge(out[0]) + out[1:]
    if out[-1:].isspace():  # escape() never makes whitespace: this one is the text's own
        out = out[:-1] + _edge(out[-1])
    return out


def _edge(c: str) -> str:
    return {" ": "\\s", "\t": "\\t"}.get(c) or f"\\u{ord(c):04x}"


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1:i + 2] == "u" and _HEX4.fullmatch(text[i + 2:i + 6]):
            out.append(chr(int(text[i + 2:i + 6], 16)))
            i += 6
        elif c == "\\" and i + 1 < len(text) and text[i + 1] in _UNESC:
            out.append(_UNESC[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def to_bracket(review: dict[str, Any], template: Template | str, *, raised_by: bool = True) -> str:
    """Render a review dict (see :mod:`paperreview.aggregate.schema`) as bracket text."""
    template = get_template(template)
    lines: list[str] = []
    for a in template.aspects:
        lines.append(f"[{a.name}]")
        value = review.get(a.key)
        if a.kind == "points":
            for p in value or []:
                detail = escape(p.get("detail") or "")
                lines.append(f"<{escape(p.get('title') or '', title=True)}>"
                             + (f" {detail}" if detail else ""))
                if raised_by and p.get("raised_by"):
                    lines.append(f"(raised_by: {json.dumps(list(p['raised_by']))})")
        elif a.kind == "text" and value:
            lines.append(_escape_line(value))
        elif a.kind == "score" and value is not None:
            lines.append(str(int(value)))
        elif a.kind == "decision" and value:
            lines.append(value["decision"])
            if value.get("reasons"):
                lines.append(_escape_line(value["reasons"]))
    return "\n".join(lines)


def from_bracket(text: str, template: Template | str, *, strict: bool = False) -> dict[str, Any]:
    """Parse bracket text back into a review dict with every aspect of ``template``.

    ``strict=False`` (default) also reads model output: headings match case-insensitively
    (and may have their content on the same line),
    bullets before ``<`` and blank lines are ignored, a line without ``<title>`` continues the
    previous point's detail, a missing aspect is empty, an unusable score or decision is null.
    ``strict=True`` raises :class:`BracketError` (with the line number) on any deviation.
    """
    template = get_template(template)
    by_heading = {_norm(a.name): a for a in template.aspects}
    by_heading.update({_norm(a.key): a for a in template.aspects if _norm(a.key) not in by_heading})
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for no, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r") if not strict else line
        head = line if strict else line.strip().strip("*#: ")  # "## [Heading]:" in lenient
        if head.startswith("[") and head.endswith("]"):
            aspect = by_heading.get(_norm(head[1:-1]))
            if aspect is None or (strict and line != f"[{aspect.name}]"):
                _fail(strict, no, f"unknown heading {line!r}")
                current = None
                continue
            if strict and aspect.key in sections:
                _fail(strict, no, f"heading {line!r} appears twice")
            current = aspect.key
            sections.setdefault(current, [])
        elif (inline := None if strict else _inline_heading(head, by_heading)) is not None:
            current, rest = inline  # "[Summary] The paper ..." (lenient only)
            sections.setdefault(current, []).append((no, rest))
        elif current is not None:
            sections[current].append((no, line))
        elif line.strip():
            _fail(strict, no, "text before the first [heading]")
    review: dict[str, Any] = {}
    for a in template.aspects:
        if strict and a.key not in sections:
            _fail(strict, 0, f"missing heading [{a.name}]")
        review[a.key] = _PARSERS[a.kind](a, sections.get(a.key, []), strict)
    return review


def _inline_heading(head: str, by_heading: dict[str, Aspect]) -> tuple[str, str] | None:
    """A known heading with content on the same line. Safe in lenient mode: to_bracket never
    starts a content line with '['."""
    if not head.startswith("[") or "]" not in head:
        return None
    name, rest = head[1:].split("]", 1)
    aspect = by_heading.get(_norm(name))
    return (aspect.key, rest.strip()) if aspect is not None else None


def _norm(heading: str) -> str:
    return " ".join(heading.casefold().replace("_", " ").split()).rstrip(":")


def _fail(strict: bool, line_no: int, msg: str) -> None:
    if strict:
        raise BracketError(f"line {line_no}: {msg}" if line_no else msg)


def _points(aspect: Aspect, lines: list[tuple[int, str]], strict: bool) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    for no, line in lines:
        if not strict:
            if not line.strip():
                continue
            line = _BULLET.sub("", line, count=1)
        ids = _raised_by(line) if points and not points[-1]["raised_by"] else None
        if ids is not None:
            points[-1]["raised_by"] = ids
            continue
        if line.startswith("<"):
            end = _title_end(line)
            if end is not None:
                detail = line[end + 1:]
                detail = detail.removeprefix(" ")
                points.append({"title": unescape(line[1:end]), "detail": unescape(detail),
                               "raised_by": []})
                continue
        _fail(strict, no, f"[{aspect.name}]: expected '<title> detail', got {line!r}")
        if points:  # a wrapped line continues the previous point
            points[-1]["detail"] += "\n" + unescape(line.strip())
        else:
            points.append({"title": "", "detail": unescape(line.strip()), "raised_by": []})
    return points


def _raised_by(line: str) -> list[str] | None:
    m = _RAISED.match(line.strip())
    try:
        ids = json.loads(m.group(1)) if m else None
    except json.JSONDecodeError:
        return None
    return ids if isinstance(ids, list) and all(isinstance(x, str) for x in ids) else None


def _title_end(line: str) -> int | None:
    """Index of the first unescaped '>' in a point line."""
    i = 1
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == ">":
            return i
        i += 1
    return None


def _content(aspect: Aspect, lines: list[tuple[int, str]], strict: bool) -> list[str]:
    kept = [(no, ln) for no, ln in lines if strict or ln.strip()]
    limit = 2 if aspect.kind == "decision" else 1
    if strict and len(kept) > limit:
        _fail(strict, kept[limit][0], f"[{aspect.name}]: expected at most {limit} line(s)")
    return [ln for _, ln in kept]


def _text(aspect: Aspect, lines: list[tuple[int, str]], strict: bool) -> str:
    return "\n".join(unescape(ln) for ln in _content(aspect, lines, strict))


def _score(aspect: Aspect, lines: list[tuple[int, str]], strict: bool) -> int | None:
    content = _content(aspect, lines, strict)
    if not content:
        return None
    m = re.match(r"^\s*(-?\d+)\b" if not strict else r"^(-?\d+)$", content[0])
    value = int(m.group(1)) if m else None
    if value is None or not aspect.min <= value <= aspect.max:
        _fail(strict, lines[0][0], f"[{aspect.name}]: expected an integer "
                                   f"{aspect.min}-{aspect.max}, got {content[0]!r}")
        return None
    return value


def _decision(aspect: Aspect, lines: list[tuple[int, str]], strict: bool) -> dict | None:
    content = _content(aspect, lines, strict)
    if not content:
        return None
    word = content[0] if strict else (content[0].strip().split() or [""])[0].strip(".:,").lower()
    if word not in ("accept", "reject"):
        _fail(strict, lines[0][0], f"[{aspect.name}]: expected accept or reject, got {content[0]!r}")
        return None
    return {"decision": word, "reasons": "\n".join(unescape(ln) for ln in content[1:])}


_PARSERS = {"points": _points, "text": _text, "score": _score, "decision": _decision}
