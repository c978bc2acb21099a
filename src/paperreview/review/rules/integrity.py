"""Integrity rules: hidden text (white on white, tiny fonts, off-page) found by ``parse``, and
invisible characters in the text layer (zero-width characters, Unicode tag characters, bidi
overrides).

Hidden text is never sent to an LLM by ``paperreview review``; these rules report it. A hidden
instruction to LLM reviewers is reported neutrally: it may be an author's prompt injection or a
venue's own canary (ICML 2026 planted hidden instructions in submission PDFs to detect reviews
written by LLMs), so it is a thing for the chairs to look at, never proof of misconduct.
"""

from __future__ import annotations

import re

from ...records import Evidence, Finding, Paper
from ..text import quote
from . import finding, rule
from .context import CheckContext

# phrases that address an LLM reviewer rather than a human reader
INJECTION = re.compile(
    r"\bignore (?:all |any |the )?(?:previous|prior|above|earlier)\b|\binstructions?\b"
    r"|\brecommend(?:ing|s)? (?:the )?accept|\baccept this (?:paper|submission)\b"
    r"|\bpositive review\b|\bas an? (?:ai|llm|language model)\b|\bllms?\b|\breviewers?\b"
    r"|\bgive (?:this paper |it )?an? (?:high|positive|good|strong)\b|\brate this\b"
    r"|\bscore (?:of )?(?:\d|10)\b|\bdo not (?:mention|highlight) (?:any )?weakness"
    r"|\bshould be accepted\b|\bstrong accept\b|\bonly (?:positive|strengths)\b",
    re.IGNORECASE)

_REASONS = {"background_color": "drawn in the background colour", "tiny_font": "in a tiny font",
            "invisible_render": "rendered invisibly", "outside_page": "placed outside the page",
            "covered": "covered by another object"}


def is_injection(text: str) -> bool:
    return bool(INJECTION.search(text))


def is_prose(text: str) -> bool:
    """Six or more words, mostly letters: a sentence, not a figure label or a row of digits."""
    words = [w for w in text.split() if sum(c.isalpha() for c in w) >= 3]
    letters = sum(c.isalpha() for c in text)
    return len(words) >= 6 and letters >= 0.6 * len(text.replace(" ", ""))


@rule("hidden-text", aspect="integrity")
def hidden_text(paper: Paper) -> list[Finding]:
    """Invisible text: instructions to LLM reviewers are critical, other hidden prose minor.

    Short invisible fragments (figure labels drawn in white, covered axis ticks) are common in
    honest PDFs and are not reported; they stay in the record's ``hidden_text``.
    """
    out = []
    prose = []
    for h in paper.hidden_text:
        how = _REASONS.get(h.reason, h.reason)
        if is_injection(h.text):
            out.append(finding(
                "hidden-text", "integrity", "critical",
                f"Hidden text on page {h.page} ({how}) reads like an instruction to LLM reviewers. "
                "It may be an author's prompt injection or a venue's canary; it is not proof of "
                "misconduct. It was left out of any LLM prompt; let the program chairs look at "
                "it.", Evidence(page=h.page, quote=quote(h.text))))
        elif is_prose(h.text):
            prose.append(h)
    if prose:
        h = prose[0]
        pages = ", ".join(sorted({str(x.page) for x in prose}, key=int))
        out.append(finding(
            "hidden-text", "integrity", "minor",
            f"{len(prose)} passage(s) of prose are invisible to readers (page {pages}); they do "
            "not read as instructions, but were left out of any LLM prompt.",
            Evidence(page=h.page, quote=quote(h.text))))
    return out


ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff]")
TAGS = re.compile("[\U000e0000-\U000e007f]+")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _texts(paper: Paper, ctx: CheckContext) -> list[tuple[int | None, str]]:
    """(page, raw text): the PDF's text layer when there is one (``Paper`` text has lost these
    characters), else the paper's own text."""
    if ctx.facts and ctx.facts.pages:
        return list(enumerate(ctx.facts.pages, 1))
    return [(None, "\n".join([paper.title, paper.abstract] + [s.text for s in paper.sections]))]


def _around(text: str, pos: int) -> str:
    clean = ZERO_WIDTH.sub("", BIDI.sub("", TAGS.sub("", text[max(0, pos - 60): pos + 60])))
    return " ".join(clean.split())


@rule("hidden-characters", aspect="integrity", context=True)
def hidden_characters(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """Invisible characters in the text layer: Unicode tag characters (which can spell hidden
    ASCII), bidi overrides (which reorder what is read), runs of zero-width characters."""
    out = []
    for page, text in _texts(paper, ctx):
        if text.isascii():
            continue
        m = TAGS.search(text)
        if m:
            decoded = "".join(chr(ord(c) - 0xE0000) for c in m.group(0) if 0x20 <= ord(c) - 0xE0000 < 0x7F)
            inj = is_injection(decoded)
            out.append(finding(
                "hidden-characters", "integrity", "critical" if inj else "major",
                f"Unicode tag characters (invisible) on page {page or '?'} spell {decoded[:120]!r}"
                + ("; it reads like an instruction to LLM reviewers (an author's injection or a "
                   "venue's canary, not by itself proof of misconduct)" if inj else "")
                + ".", Evidence(page=page, quote=quote(decoded or _around(text, m.start())))))
        m = BIDI.search(text)
        if m:
            out.append(finding(
                "hidden-characters", "integrity", "major",
                f"A bidirectional override character (U+{ord(m.group(0)):04X}) on page "
                f"{page or '?'} makes the text read differently from how it is stored.",
                Evidence(page=page, quote=quote(_around(text, m.start())))))
        zw = ZERO_WIDTH.findall(text)
        if len(zw) >= 5:
            m = ZERO_WIDTH.search(text)
            out.append(finding(
                "hidden-characters", "integrity", "minor",
                f"{len(zw)} zero-width characters on page {page or '?'}: they can hide a "
                "message or split words so that search and plagiarism checks miss them.",
                Evidence(page=page, quote=quote(_around(text, m.start())))))
        if len(out) >= 3:
            break
    return out
