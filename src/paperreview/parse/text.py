"""Joining lines into text: hyphenation at line ends, paragraph breaks, whitespace.

>>> join_lines(["We ran experi-", "ments on two", "data sets."])
'We ran experiments on two data sets.'
>>> join_lines(["a state-of-the-", "art model"])
'a state-of-the-art model'
>>> join_lines(["ROBUST DE-", "NOISING AND SELF-", "SUPERVISION"])
'ROBUST DENOISING AND SELF-SUPERVISION'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WS = re.compile(r"\s+")
_HYPHENS = ("-", "\u2010", "\u2011", "\u00ad")


# control and format characters (NUL, form feeds, zero-width marks, bidi marks, BOM);
# a regex is ~20x faster than testing unicodedata.category per character
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                      "\u2060-\u2064\ufeff\ufff9-\ufffb]")


# LaTeX sets accents as a separate spacing mark before the letter ("Fern´andez"); join them
_ACCENTS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "ˆ": "\u0302", "˜": "\u0303",
            "ˇ": "\u030c", "¸": "\u0327", "˙": "\u0307", "˚": "\u030a", "˝": "\u030b"}
_ACCENTED = re.compile("([´¨ˆ˜ˇ¸˙˚˝])([A-Za-zı])|(?<=[A-Za-z])`([aeiouAEIOU])(?=[a-z])")


def _compose(m: re.Match) -> str:
    mark, letter = (m.group(1), m.group(2)) if m.group(1) else ("`", m.group(3))
    letter = "i" if letter == "ı" else letter
    return unicodedata.normalize("NFC", letter + _ACCENTS[mark])


def clean(text: str) -> str:
    """Collapse whitespace, drop control characters (NUL, form feeds, zero-width marks) and
    join LaTeX's detached accents ("Fern´andez" -> "Fernández")."""
    if text.isascii():  # most lines; their checks are cheap (runs for every line)
        if not text.isprintable():  # tabs, newlines or ASCII control characters
            text = _CONTROL.sub("", text)
        text = " ".join(text.split())  # = the whitespace regex below, for ASCII
        if "`" in text and _ACCENTED.search(text):
            text = _ACCENTED.sub(_compose, text)
        return text
    text = _WS.sub(" ", _CONTROL.sub("", text)).strip()
    if _ACCENTED.search(text):
        text = _ACCENTED.sub(_compose, text)
    if "\u00ad" in text[:-1]:  # soft hyphens inside a line are invisible; at its end they
        text = text[:-1].replace("\u00ad", "") + text[-1:]  # mark a break (see join_two)
    return text


def join_two(left: str, right: str) -> str:
    """Append line ``right`` to ``left``, undoing end-of-line hyphenation."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith("\u00ad"):  # soft hyphen: always a line-break artefact
        return left[:-1] + right
    if left.endswith(_HYPHENS) and len(left) > 1 and left[-2].isalpha() and right[0].islower():
        word = left.rsplit(" ", 1)[-1]
        if "-" in word[:-1]:  # "state-of-the-" + "art": a compound, keep its hyphen
            return left + right
        return left[:-1] + right
    if left.endswith(_HYPHENS) and len(left) > 1 and left[-2].isupper() and right[0].isupper():
        # "DE-" + "NOISING" in an all-caps title: a break inside a word when one piece is a
        # short syllable, else a compound ("SELF-" + "SUPERVISED"): keep its hyphen, no space
        word, nxt = left.rsplit(" ", 1)[-1][:-1], right.split(" ", 1)[0]
        if word.isupper() and nxt.isupper() and word.isalpha():
            return left[:-1] + right if min(len(word), len(nxt.rstrip(".,:;"))) <= 3 else left + right
    return f"{left} {right}"


def join_lines(lines: Iterable[str]) -> str:
    out = ""
    for line in lines:
        out = join_two(out, clean(line))
    return out
