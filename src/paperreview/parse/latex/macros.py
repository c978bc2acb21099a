"""User macros: ``\\newcommand``/``\\renewcommand``/``\\providecommand``/``\\def`` with up to 9
arguments (an optional first argument's default included), expanded where they are used.

>>> defs, body = collect(r"\\newcommand{\\ours}{Our Method} We use \\ours.")
>>> expand(body, defs)
' We use Our Method.'
"""

from __future__ import annotations

import re

NEWCOMMAND = re.compile(r"\\(?:re)?(?:new|provide)command\*?\s*\{?\s*\\([A-Za-z@]+)\s*\}?"
                        r"\s*(?:\[(\d)\])?\s*(?:\[([^\]]*)\])?\s*\{")
DEF = re.compile(r"\\(?:g|e|x)?def\s*\\([A-Za-z@]+)\s*((?:#\d)*)\s*\{")
MATHOP = re.compile(r"\\DeclareMathOperator\*?\s*\{\s*\\([A-Za-z@]+)\s*\}\s*\{")
MAX_ROUNDS = 8


def braced(text: str, start: int) -> tuple[str, int] | None:
    """The content of the brace group opening at ``text[start]`` and the index after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
        i += 1
    return None


def collect(text: str, defs_only: bool = False) -> tuple[dict[str, tuple[int, str | None, str]],
                                                        str]:
    """Macro definitions in ``text`` -> {name: (n_args, default of #1 or None, body)}, and the
    text with the definitions removed. ``defs_only``: ``\\newcommand`` and
    ``\\DeclareMathOperator`` only, no ``\\def`` (a package's internals)."""
    defs: dict[str, tuple[int, str | None, str]] = {}
    out, pos = [], 0
    found = [*NEWCOMMAND.finditer(text), *MATHOP.finditer(text)]
    if not defs_only:
        found += DEF.finditer(text)
    for m in sorted(found, key=lambda m: m.start()):
        if m.start() < pos:
            continue
        got = braced(text, m.end() - 1)
        if got is None:
            continue
        body, end = got
        if m.re is NEWCOMMAND:
            n, default = int(m.group(2) or 0), m.group(3)
        elif m.re is DEF:
            n, default = len(m.group(2)) // 2, None
        else:
            n, default, body = 0, None, f"\\operatorname{{{body}}}"
        defs[m.group(1)] = (n, default, body)
        out.append(text[pos:m.start()])
        pos = end
    out.append(text[pos:])
    return defs, "".join(out)


def _args(text: str, i: int, n: int, default: str | None) -> tuple[list[str], int] | None:
    args: list[str] = []
    if default is not None:
        j = i
        while j < len(text) and text[j] in " \t":
            j += 1
        if j < len(text) and text[j] == "[":
            close = text.find("]", j)
            if close < 0:
                return None
            args.append(text[j + 1:close])
            i = close + 1
        else:
            args.append(default)
    while len(args) < n:
        while i < len(text) and text[i] in " \t\n":
            i += 1
        got = braced(text, i)
        if got is None:  # an unbraced single-token argument: \cmd x
            if i >= len(text):
                return None
            if text[i] == "\\":
                m = re.match(r"\\[A-Za-z]+|\\.", text[i:])
                args.append(m.group(0))
                i += len(m.group(0))
            else:
                args.append(text[i])
                i += 1
        else:
            args.append(got[0])
            i = got[1]
    return args, i


def expand(text: str, defs: dict[str, tuple[int, str | None, str]]) -> str:
    """Expand every use of a macro in ``defs`` (nested uses too, a bounded number of rounds)."""
    if not defs:
        return text
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, defs), key=len, reverse=True))
                         + r")(?![A-Za-z@])")
    for _ in range(MAX_ROUNDS):
        out, pos, changed = [], 0, False
        for m in pattern.finditer(text):
            if m.start() < pos:
                continue
            n, default, body = defs[m.group(1)]
            got = _args(text, m.end(), n, default) if n else ([], m.end())
            if got is None:
                continue
            args, end = got
            for k, arg in enumerate(args, 1):
                body = body.replace(f"#{k}", arg)
            # a macro ending in a letter glues to the next word: \ours{} or "\ours x"
            out.append(text[pos:m.start()])
            out.append(body)
            pos = end
            changed = True
        out.append(text[pos:])
        text = "".join(out)
        if not changed:
            break
    return text
