"""LaTeX source -> the fields of a Paper: title, authors, abstract, sections, captions.

Text is converted with pylatexenc with math kept verbatim (``$x^2$``, ``\\begin{equation}``),
citations become ``[n]`` (the entry's number in ``references``) and ``\\ref`` the number of
the figure, table or section it points to.
"""

from __future__ import annotations

import re
from typing import Any

from .macros import braced

HEADING = re.compile(r"\\(part|chapter|section|subsection|subsubsection)(\*?)\s*(?:\[[^\]]*\])?\s*(?=\{)")
LEVELS = {"part": -1, "chapter": 0, "section": 1, "subsection": 2, "subsubsection": 3}
FLOAT = re.compile(r"\\begin\{(figure|table|algorithm|wrapfigure|wraptable|SCfigure|sidewaystable"
                   r"|sidewaysfigure|listing)(\*?)\}(.*?)\\end\{\1\2\}", re.DOTALL)
CAPTION = re.compile(r"\\(caption|subcaption|captionof\{(\w+)\})\s*(?:\[[^\]]*\])?\s*(?=\{)")
SUBFLOAT_ARG = re.compile(r"\\subfloat\s*\[((?:[^\[\]]|\[[^\]]*\])+)\]")
SUBFLOAT = re.compile(r"\\begin\{(subfigure|subtable)\}.*?\\end\{\1\}", re.DOTALL)
FOOTNOTE = re.compile(r"\\footnote\s*(?:\[[^\]]*\])?\s*(?=\{)")
LABEL = re.compile(r"\\label\s*\{([^}]*)\}")
CITE = re.compile(r"\\(?:no)?cite[a-zA-Z]*\*?\s*(?:\[[^\]]*\]\s*){0,2}\{([^}]*)\}")
REF = re.compile(r"\\(?:auto|c|C|eq|page|name|v|sub)?ref\*?\s*\{([^}]*)\}")
DROP_ARG = re.compile(r"\\(?:thanks|thanksref|tnoteref|footnote|footnotetext|affil|affiliation|email|address|"
                      r"institute|inst|icmlaffiliation|icmlcorrespondingauthor|icmlkeywords|"
                      r"keywords|includegraphics|vspace|hspace|bibliographystyle|bibliography|"
                      r"orcid|orcidID|raisebox|author|title|icmltitle|icmltitlerunning|titlerunning|authorrunning|"
                      r"date|pacs|IEEEauthorblockA|IEEEauthorblockN|setlength|addtolength)\*?"
                      r"\s*(?:\[[^\]]*\])?\s*(?=\{)")
THEBIB_RE = re.compile(r"\\begin\{thebibliography\}.*?\\end\{thebibliography\}", re.DOTALL)
XSPACE = re.compile(r"\\xspace\b\s*(?:\{\})?(?=(\s*[\w(\[{\\]))?")
KIND = {"figure": "figure", "wrapfigure": "figure", "SCfigure": "figure", "sidewaysfigure":
        "figure", "subfigure": "figure", "table": "table", "wraptable": "table", "sidewaystable":
        "table", "subtable": "table", "algorithm": "algorithm", "listing": "other"}


#: text macros whose argument pylatexenc 2.11 drops (it parses their argument but has no rule
#: to print it): "\\texttt{Hexa}-SSD" came out as "-SSD"
KEEP_ARGUMENT = ("texttt", "textsf", "textup", "textnormal", "textmd", "mbox")


def _converter(math_mode: str = "verbatim"):
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db().filter_context()
    db.add_context_category("paperreview", prepend=True, macros=[
        MacroTextSpec(name, simplify_repl="%(1)s") for name in KEEP_ARGUMENT])
    return LatexNodes2Text(latex_context=db, math_mode=math_mode, strict_latex_spaces=False)


def to_text(latex: str, conv: Any = None) -> str:
    """Plain text of a LaTeX fragment, math kept as LaTeX, whitespace collapsed per paragraph."""
    conv = conv or _converter()
    # \\xspace: a space before a word, none before punctuation (TeX would eat the one after it)
    latex = XSPACE.sub(lambda m: " " if m.group(1) else "", latex)
    try:
        text = conv.latex_to_text(latex)
    except Exception:  # noqa: BLE001 - pylatexenc on broken input: keep the raw fragment
        text = latex
    paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n".join(p for p in paras if p)


def drop_commands(text: str, pattern: re.Pattern = DROP_ARG) -> str:
    """Remove ``\\cmd[opt]{arg}`` for the commands in ``pattern``, argument included."""
    out, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() < pos:
            continue
        got = braced(text, m.end())
        if got is None:
            continue
        out.append(text[pos:m.start()])
        pos = got[1]
    out.append(text[pos:])
    return "".join(out)


def first_arg(text: str, command: str) -> str | None:
    m = re.search(r"\\" + command + r"\*?\s*(?:\[[^\]]*\])?\s*(?=\{)", text)
    got = braced(text, m.end()) if m else None
    return got[0] if got else None


def all_args(text: str, pattern: re.Pattern) -> list[tuple[re.Match, str, int]]:
    out = []
    for m in pattern.finditer(text):
        got = braced(text, m.end())
        if got is not None:
            out.append((m, got[0], got[1]))
    return out


def find_captions(body: str, labels: dict[str, str]) -> tuple[list[dict], str]:
    """Captions of every float in source order; the body with the floats removed."""
    captions: list[dict] = []
    counters: dict[str, int] = {}
    for m in FLOAT.finditer(body):
        env, inner = m.group(1), m.group(3)
        kind = KIND.get(env, "other")
        subs = [(s.start(), s.end()) for s in SUBFLOAT.finditer(inner)]
        n_sub = 0
        found = [(cm.start(), cm, text, end) for cm, text, end in all_args(inner, CAPTION)]
        found += [(sm.start(), sm, sm.group(1), sm.end()) for sm in SUBFLOAT_ARG.finditer(inner)]
        for _, cm, text, end in sorted(found, key=lambda f: f[0]):
            sub = cm.re is SUBFLOAT_ARG or cm.group(1) == "subcaption" or any(a <= cm.start() < b for a, b in subs)
            if sub:
                n_sub += 1
                label = f"({chr(96 + n_sub)})"
            else:
                counters[kind] = counters.get(kind, 0) + 1
                label = str(counters[kind])
            near = LABEL.search(inner, end, end + 200) or LABEL.search(inner[:cm.start()][-200:])
            if near and not sub:
                labels[near.group(1)] = label
            captions.append({"kind": kind, "label": label, "latex": text})
    return captions, FLOAT.sub("\n\n", body)


def split_sections(body: str, labels: dict[str, str]) -> tuple[str, list[dict]]:
    """(text before the first heading, [{heading, level, latex, appendix}])."""
    heads = all_args(body, HEADING)
    appendix_at = body.find("\\appendix")
    numbers = [0, 0, 0, 0, 0]
    out: list[dict] = []
    for k, (m, title, end) in enumerate(heads):
        level = LEVELS[m.group(1)]
        nxt = heads[k + 1][0].start() if k + 1 < len(heads) else len(body)
        appendix = 0 <= appendix_at < m.start()
        if not m.group(2) and level >= 0:
            numbers[level] += 1
            numbers[level + 1:] = [0] * (len(numbers) - level - 1)
            lab = LABEL.match(body[end:end + 100].lstrip())
            if lab:
                labels[lab.group(1)] = ".".join(str(n) for n in numbers[1:level + 1] if n)
        out.append({"heading": title, "level": level, "latex": body[end:nxt],
                    "appendix": appendix})
    return body[:heads[0][0].start()] if heads else body, out
