"""Split reviews into points (bullets or sentences) and tag each point with an aspect.

A *point* is one claim a reviewer makes: a bullet, a numbered item, or a sentence of a prose
paragraph. The embedding matcher compares points; the LLM matcher extracts its own.

>>> [p.text for p in split_points("Pros:\\n- Clear writing and good figures.\\n- Strong results on ImageNet.")]
['Clear writing and good figures.', 'Strong results on ImageNet.']
>>> tag_aspect("The baselines are weak and the ablation is missing.")
'soundness'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: aspect key -> keywords (lower case, matched on word starts). Order breaks ties.
ASPECT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "novelty": ("novel", "novelty", "original", "incremental", "new idea", "not new", "prior work has",
                "already been", "contribution"),
    "soundness": ("experiment", "baseline", "ablation", "evaluat", "empirical", "result", "dataset",
                  "benchmark", "proof", "theorem", "assumption", "hyperparameter", "statistic",
                  "variance", "significan", "compare", "comparison", "metric", "sota",
                  "state-of-the-art", "convergence", "sound", "correct", "justif"),
    "clarity": ("clear", "clarity", "unclear", "writing", "written", "typo", "notation", "confus",
                "readab", "explain", "explanation", "figure", "table", "presentation", "grammar",
                "hard to follow", "organiz", "describ"),
    "related_work": ("related work", "prior work", "previous work", "literature", "cite", "citation",
                     "reference"),
    "reproducibility": ("code", "reproduc", "implementation detail", "release", "open source",
                        "details"),
    "significance": ("impact", "importan", "significance", "useful", "practical", "interest",
                     "application", "relevan", "scalab", "limitation"),
}
ASPECTS = (*ASPECT_KEYWORDS, "summary", "other")

_SUMMARY_START = re.compile(
    r"^(this|the) (paper|work|submission|manuscript|article)\s+(propose|present|introduce|describe|"
    r"stud|investigat|consider|address|tackle|explore|show|develop|is about|aim)|"
    r"^(in this (paper|work)|the authors (propose|present|introduce|describe|develop|study))",
    re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013>]+|\(?\d{1,2}[.)]|\(?[a-z][.)]|\[\d+\])\s+")
_HEADER = re.compile(r"^\s*[#*_ ]*([A-Za-z][A-Za-z /&-]{0,40})[*_ ]*:?\s*$")
# a sentence ends at . ! ? followed by space and an upper-case letter / digit / quote,
# except after common abbreviations (e.g., i.e., et al., Fig., Eq., vs.)
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|et al|etc|fig|figs|eq|eqs|sec|vs|cf|resp|approx|no|"
                     r"ref|refs|tab|dr|mr|ms|prof|st|al|viz|v)\.|\b[A-Z]\.)$", re.IGNORECASE)
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass
class Point:
    """One claim of a review. ``aspect`` is one of :data:`ASPECTS` or a template aspect key."""

    text: str
    aspect: str = "other"
    source: str = ""  # the review it came from
    meta: dict[str, Any] = field(default_factory=dict)


def tag_aspect(text: str) -> str:
    """The first aspect whose keyword occurs in ``text``; ``summary`` for paper-summary sentences."""
    if _SUMMARY_START.search(text.strip()):
        return "summary"
    low = text.lower()
    best, best_hits = "other", 0
    for aspect, words in ASPECT_KEYWORDS.items():
        hits = sum(1 for w in words if re.search(r"\b" + re.escape(w), low))
        if hits > best_hits:
            best, best_hits = aspect, hits
    return best


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations such as "e.g." and "et al." inside."""
    parts = _SENT_END.split(text.strip())
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _blocks(text: str) -> list[tuple[str, bool]]:
    """Group lines into (text, is_bullet) blocks: a bullet runs until the next bullet/blank line."""
    blocks: list[tuple[str, bool]] = []
    cur: list[str] = []
    cur_bullet = False

    def flush() -> None:
        if cur:
            blocks.append((" ".join(cur), cur_bullet))
            cur.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            cur_bullet = False
            continue
        m = _BULLET.match(line)
        if m:
            flush()
            cur_bullet = True
            cur.append(line[m.end():].strip())
        elif _HEADER.match(line) and len(line.split()) <= 5 and (line.endswith(":") or
                                                                  line.startswith(("#", "*"))):
            flush()
            cur_bullet = False
        else:
            cur.append(line)
    flush()
    return blocks


def split_points(text: str, *, min_words: int = 4, max_chars: int = 600, source: str = "",
                 include_summary: bool = True) -> list[Point]:
    """Split review ``text`` into points: each bullet is one point, prose is split into sentences.

    Points shorter than ``min_words`` words (headers, "Thanks.") are dropped; a long bullet is
    split into sentences when it exceeds ``max_chars``. ``include_summary=False`` drops sentences
    that only summarise the paper ("This paper proposes ..."), which every reviewer writes and
    which would inflate agreement between reviews.
    """
    points: list[Point] = []
    for block, is_bullet in _blocks(text or ""):
        pieces = [block] if is_bullet and len(block) <= max_chars else split_sentences(block)
        for piece in pieces:
            piece = re.sub(r"\s+", " ", piece).strip()
            if len(piece.split()) < min_words:
                continue
            aspect = tag_aspect(piece)
            if aspect == "summary" and not include_summary:
                continue
            points.append(Point(piece, aspect, source))
    return points


def points_from_structured(review: dict[str, Any], source: str = "") -> list[Point]:
    """Points of a structured review ``{aspect_key: [{"title", "detail"}, ...], ...}``.

    Each list item is one point. Its aspect is the template key when that is one of
    :data:`ASPECTS` (so both sides of a comparison use the same names), else the keyword tag;
    the key is kept in ``meta["section"]``. String values of list-less keys (e.g. a
    ``summary``) are ignored, since they summarise rather than criticise.
    """
    points: list[Point] = []
    for key, items in review.items():
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, dict):
                title = str(item.get("title") or "").strip()
                detail = str(item.get("detail") or "").strip()
                text = f"{title}. {detail}" if title and detail else title or detail
            else:
                text = str(item).strip()
            if text:
                aspect = key if key in ASPECTS else tag_aspect(text)
                points.append(Point(text, aspect, source, {"section": key}))
    return points
