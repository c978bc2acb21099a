"""Integrity rule: hidden text (white on white, tiny fonts, off-page) found by ``parse``.

Hidden text is never sent to an LLM by ``paperreview review``; this rule reports it.
"""

from __future__ import annotations

import re

from ...records import Evidence, Finding, Paper
from ..text import quote
from . import finding, rule

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
                f"Hidden text on page {h.page} ({how}) reads like an instruction to LLM reviewers "
                "(a prompt injection); it was left out of any LLM prompt. Report it to the "
                "program chairs.", Evidence(page=h.page, quote=quote(h.text))))
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
