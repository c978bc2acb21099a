"""Name what a reply is (review, meta-review, decision, comment...) and read scores.

OpenReview has no "type" on a note: the invitation it answers says what it is. Invitation ids
differ by venue and API version, so we match on the invitation's last segment(s):

>>> reply_kind("ICLR.cc/2024/Conference/Submission12/-/Official_Review", ["~Ann_Lee1"])
'review'
>>> reply_kind("ICLR.cc/2017/conference/-/paper12/pre-review/question", [])
'pre_review_question'
>>> reply_kind("ICLR.cc/2019/Conference/-/Paper12/Official_Comment",
...            ["ICLR.cc/2019/Conference/Paper12/Authors"])
'author_response'
>>> parse_score("6: marginally above the acceptance threshold"), parse_score(" 3 good"), parse_score(8)
(6.0, 3.0, 8.0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: reply kinds; "review" / "meta_review" / "decision" become records of their own, the rest
#: become ``Comment`` records with this kind (``withdrawal`` and ``other`` as kind "other").
KINDS = ("review", "meta_review", "decision", "author_response", "official_comment",
         "public_comment", "pre_review_question", "withdrawal", "other")

# (pattern on the normalised invitation tail, kind); first match wins, so order matters
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"ethics|revision|supplementary|camera_ready"), "other"),
    (re.compile(r"meta_?review"), "meta_review"),
    (re.compile(r"decision|acceptance"), "decision"),
    (re.compile(r"pre_review|question"), "pre_review_question"),
    (re.compile(r"withdraw|desk_reject"), "withdrawal"),
    (re.compile(r"rebuttal_(comment|ack)"), "official_comment"),  # reviewers answering a rebuttal
    (re.compile(r"rebuttal|author_response|author_comment"), "author_response"),
    (re.compile(r"public_comment|public_review"), "public_comment"),
    (re.compile(r"comment|response|reply"), "official_comment"),
    (re.compile(r"official_review|(^|_)review$"), "review"),
]


def _tail(invitation: str) -> str:
    """'A/B/-/Paper1/Official_Review' -> 'official_review'; v1 2017 ids keep two segments."""
    inv = invitation.split("/-/", 1)[-1]
    parts = [p for p in inv.split("/") if p and not re.fullmatch(r"(?i)(paper|submission)\d+", p)]
    return re.sub(r"[^a-z0-9]+", "_", "_".join(parts).lower()).strip("_")


def is_author_signature(signatures: Iterable[str]) -> bool:
    return any(s.rstrip("/").endswith(("/Authors", "Authors")) for s in signatures or [])


def reply_kind(invitation: str | None, signatures: Iterable[str] | None = None) -> str:
    """Classify one reply by its invitation id (and signatures for comments)."""
    tail = _tail(invitation or "")
    kind = "other"
    for pattern, k in _RULES:
        if pattern.search(tail):
            kind = k
            break
    sigs = list(signatures or [])
    if kind in ("official_comment", "public_comment") and is_author_signature(sigs):
        kind = "author_response"  # authors answer reviewers through comment invitations
    return kind


def classify_invitations(invitations: Iterable[str], signatures: Iterable[str] | None = None
                         ) -> tuple[str, str]:
    """v2 notes carry a list of invitations (the per-paper one plus generic '/-/Edit' ones):
    return (kind, invitation) for the first that says what the note is."""
    invs = [i for i in invitations if i]
    for inv in invs:
        kind = reply_kind(inv, signatures)
        if kind != "other":
            return kind, inv
    return "other", (invs[0] if invs else "")


_NUM = re.compile(r"^\s*[\[(]?\s*(-?\d+(?:\.\d+)?)")


def parse_score(value: Any) -> float | None:
    """A rating/confidence as a number: ints, floats, "8", "6: marginally above...", "3 good".

    Returns None for anything without a leading number (e.g. "N/A", [], None)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = _NUM.match(value)
        return float(m.group(1)) if m else None
    return None


def decision_label(raw: str | None) -> str | None:
    """Map a venue's decision string to "accept" | "reject" | None.

    >>> [decision_label(x) for x in ["Accept (Oral)", "Reject", "Invite to Workshop Track", None]]
    ['accept', 'reject', 'reject', None]
    """
    if not raw:
        return None
    s = raw.lower()
    if "reject" in s or "workshop" in s:  # ICLR's workshop invitation was a main-track reject
        return "reject"
    if "accept" in s:
        return "accept"
    return None


# v2 ``content.venueid`` after decisions: "<venue>" for accepted papers, "<venue>/Rejected_Submission"...
def venueid_status(venueid: str | None, venue: str) -> str | None:
    """The status a v2 ``venueid`` implies: accept | reject | withdrawn | desk_rejected | None.

    >>> venueid_status("ICLR.cc/2024/Conference/Withdrawn_Submission", "ICLR.cc/2024/Conference")
    'withdrawn'
    """
    if not venueid:
        return None
    if venueid == venue:
        return "accept"
    low = venueid.lower()
    for key, status in (("withdrawn", "withdrawn"), ("desk_rejected", "desk_rejected"),
                        ("rejected", "reject")):
        if key in low:
            return status
    return None
