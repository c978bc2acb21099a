"""Title and authors from LaTeX front matter, for the common classes: article (``\\author{A
\\\\ Affil \\and B ...}``), REVTeX/acmart (``\\author{}`` then ``\\affiliation{}``/``\\email{}``),
IEEEtran (``\\IEEEauthorblockN``/``\\IEEEauthorblockA``), llncs (``\\inst{}``/``\\institute``),
ICML (``\\icmlauthor{Name}{key}`` + ``\\icmlaffiliation{key}{text}``).
"""

from __future__ import annotations

import re
from typing import Any

from .convert import all_args, drop_commands, first_arg, to_text
from .macros import braced

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
AUTHOR_CMD = re.compile(r"\\(author|affiliation|affil|address|institution|email)\*?\s*"
                        r"(?:\[[^\]]*\])?\s*(?=\{)")


TITLE_COMMANDS = ("icmltitle", "sysmltitle", "mlsystitle", "title")  # venue ones first


def title(text: str, conv: Any) -> str:
    raw = next((got for cmd in TITLE_COMMANDS if (got := first_arg(text, cmd))), "")
    raw = drop_commands(raw)  # \\thanks{...} with its nested and escaped braces
    sub = first_arg(text, "subtitle")
    out = to_text(raw.replace("\\\\", " "), conv)
    return " ".join(f"{out} {to_text(sub, conv) if sub else ''}".split())


def _names(raw: str, conv: Any) -> list[str]:
    raw = re.sub(r"\\(?:thanks|footnote|inst|IEEEauthorrefmark|textsuperscript|orcidID|orcid)\s*(?=\{)",
                 r"\\dropme", raw)
    while "\\dropme{" in raw:
        i = raw.index("\\dropme{")
        got = braced(raw, i + 7)
        raw = raw[:i] + (raw[got[1]:] if got else raw[i + 8:])
    text = re.sub(r"\$[^$]*\$|[*†‡§¶]", "", to_text(raw, conv))
    out = []
    for part in re.split(r",|\band\b|&|;|\n", text):
        part = " ".join(part.split()).strip(" .")
        if part and not EMAIL.search(part) and len(part.split()) <= 6:
            out.append(part)
    return out


def _emails(raw: str) -> list[str]:
    raw = re.sub(r"\\[A-Za-z]+\s*\{", " ", raw.replace("\\_", "_"))
    return EMAIL.findall(raw.replace("{", " ").replace("}", " "))


def authors(text: str, conv: Any) -> list[dict]:
    """[{name, affiliations, emails}] in the paper's order."""
    icml = all_args(text, re.compile(r"\\icmlauthor\s*(?=\{)"))
    if icml:
        affs = {}
        for m in re.finditer(r"\\icmlaffiliation\s*\{([^}]*)\}\s*\{", text):
            got = braced(text, m.end() - 1)
            affs[m.group(1).strip()] = to_text(got[0], conv) if got else ""
        out = []
        for _, name, end in icml:
            keys = braced(text, end)
            aff = [affs.get(k.strip(), "") for k in (keys[0] if keys else "").split(",")]
            out.append({"name": to_text(name, conv), "affiliations": [a for a in aff if a],
                        "emails": []})
        return out
    ieee = all_args(text, re.compile(r"\\IEEEauthorblock([NA])\s*(?=\{)"))
    if ieee:
        out, names = [], []
        for m, arg, _ in ieee:
            if m.group(1) == "N":
                names = _names(arg, conv)
                out += [{"name": n, "affiliations": [], "emails": []} for n in names]
            else:
                lines = [to_text(x, conv) for x in arg.split("\\\\")]
                affs = [x for x in lines if x and not EMAIL.search(x)]
                for a in out[len(out) - len(names):]:
                    a["affiliations"] += affs
                    a["emails"] += _emails(arg)
        return out
    return _author_blocks(text, conv)


def _author_blocks(text: str, conv: Any) -> list[dict]:
    out: list[dict] = []
    group: list[dict] = []  # authors the next \affiliation / \email applies to
    for m, arg, _ in all_args(text, AUTHOR_CMD):
        cmd = m.group(1)
        if cmd == "author":
            group = []
            for block in re.split(r"\\and\b|\\AND\b|\\And\b", arg):
                lines = block.split("\\\\")
                names = _names(lines[0], conv)
                affs = [to_text(x, conv) for x in lines[1:]]
                affs = [a for a in affs if a and not EMAIL.search(a)]
                mails = _emails(block)
                people = [{"name": n, "affiliations": list(affs), "emails": []} for n in names]
                for person, mail in zip(people, mails if len(mails) == len(people) else []):
                    person["emails"].append(mail)
                if len(people) == 1 and mails and not people[0]["emails"]:
                    people[0]["emails"] = mails
                group += people
            out += group
        elif cmd == "email":
            for person, mail in zip(group[-1:], _emails(arg)):
                person["emails"].append(mail)
        else:
            for person in group:
                person["affiliations"].append(to_text(arg.replace("\\\\", ", "), conv))
    institutes = first_arg(text, "institute")
    if institutes and out:
        insts = [to_text(x.split("\\email")[0].replace("\\\\", ", "), conv)
                 for x in re.split(r"\\and\b", institutes)]
        marks = [re.findall(r"\\inst\{([^}]*)\}", a) for a in re.findall(
            r"\\author\s*\{(.*?)\}\s*(?:%|\n|\\)", text, re.DOTALL)]
        for person in out:
            if not person["affiliations"]:
                person["affiliations"] = [i for i in insts if i]
        if marks:
            pass  # \inst numbers are already stripped from the names; all institutes kept
        mails = _emails(institutes)
        if len(mails) == len(out):
            for person, mail in zip(out, mails):
                person["emails"].append(mail)
    return out
