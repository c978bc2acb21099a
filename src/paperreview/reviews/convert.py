"""OpenReview notes (API v1 or v2, as plain dicts) -> ``Submission`` records.

API v1 notes carry ``invitation`` (one id) and plain ``content`` values; API v2 notes carry
``invitations`` (a list) and wrap every value as ``{"value": ...}``. Both bring their replies in
``details["replies"]`` (or ``details["directReplies"]``) when fetched with ``details=``.

>>> note = {"id": "F1", "forum": "F1", "invitations": ["V/-/Submission"],
...         "content": {"title": {"value": "T"}, "abstract": {"value": "A"}},
...         "details": {"replies": [{"id": "R1", "forum": "F1", "replyto": "F1",
...             "invitations": ["V/Submission1/-/Official_Review"], "signatures": ["V/Reviewer_x"],
...             "content": {"review": {"value": "Fine."}, "rating": {"value": 6}}}]}}
>>> sub = convert_note(note, "V")
>>> sub.reviews[0].rating, sub.reviews[0].text
(6.0, '## Review\\nFine.\\n\\n## Rating\\n6')
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from ..records import Comment, HumanReview, MetaReview, Submission
from .classify import classify_invitations, decision_label, parse_score, venueid_status
from .stringify import ordered_keys, stringify

SITE = "https://openreview.net"
RATING_KEYS = ("rating", "recommendation", "overall_rating", "overall_assessment", "final_rating",
               "overall_recommendation", "score")
DECISION_KEYS = ("decision", "recommendation")
Orders = dict[str, dict[str, float]]  # invitation family -> {field: order}


def note_dict(note: Any) -> dict[str, Any]:
    """An openreview-py ``Note`` (v1 or v2) or a raw dict -> a plain dict with ``details``."""
    if isinstance(note, dict):
        return note
    keys = ("id", "forum", "replyto", "number", "cdate", "tcdate", "mdate", "tmdate", "pdate",
            "odate", "ddate", "content", "signatures", "readers", "invitation", "invitations",
            "original", "domain", "details")
    return {k: getattr(note, k) for k in keys if getattr(note, k, None) is not None}


def unwrap(content: dict[str, Any] | None) -> dict[str, Any]:
    """v2 ``{"f": {"value": x}}`` -> ``{"f": x}`` (fields hidden from us have no value: dropped);
    v1 content is returned as is."""
    out: dict[str, Any] = {}
    for k, v in (content or {}).items():
        if isinstance(v, dict) and ("value" in v or not v or set(v) <= {"readers", "value"}):
            if "value" in v:
                out[k] = v["value"]
        else:
            out[k] = v
    return out


def invitations_of(note: dict[str, Any]) -> list[str]:
    invs = note.get("invitations") or []
    return list(invs) if invs else [note["invitation"]] if note.get("invitation") else []


def family(invitation: str) -> str:
    """Per-paper invitations share one form: 'V/Submission12/-/Official_Review' -> '.../SubmissionN/...'."""
    return re.sub(r"(?i)(paper|submission)\d+", lambda m: m.group(1) + "N", invitation)


def iso_date(ms: Any) -> str | None:
    if not isinstance(ms, int | float) or ms <= 0:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _authors(content: dict[str, Any]) -> list[str]:
    authors = content.get("authors") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(",")]
    return [a.get("fullname", "") if isinstance(a, dict) else str(a) for a in authors if a]


def _keywords(content: dict[str, Any]) -> list[str]:
    kw = content.get("keywords") or []
    if isinstance(kw, str):
        kw = re.split(r"[,;]", kw)
    return [str(k).strip() for k in kw if str(k).strip()]


def pdf_url(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value if value.startswith("http") else SITE + ("" if value.startswith("/") else "/") + value


def convert_note(note: Any, venue: str, orders: Orders | None = None) -> Submission:
    """One submission note with its replies -> a ``Submission`` (reviews, meta-reviews, comments)."""
    n = note_dict(note)
    content = unwrap(n.get("content"))
    forum = n.get("forum") or n["id"]
    sub = Submission(
        id=n["id"], forum=forum, venue=venue, title=str(content.get("title") or "").strip(),
        abstract=str(content.get("abstract") or "").strip(), authors=_authors(content),
        keywords=_keywords(content),
    )
    meta = {"source": "openreview", "api": 2 if n.get("invitations") else 1,
            "number": n.get("number"), "invitation": (invitations_of(n) or [""])[0],
            "venueid": content.get("venueid"), "venue_label": content.get("venue"),
            "tldr": content.get("TL;DR") or content.get("TLDR"), "original": n.get("original"),
            "cdate": iso_date(n.get("cdate") or n.get("tcdate"))}
    sub.metadata = {k: v for k, v in meta.items() if v is not None}
    if url := pdf_url(content.get("pdf")):
        sub.pdf_urls.append(url)
    details = n.get("details") or {}
    replies = details.get("replies") or details.get("directReplies") or []
    for reply in sorted(replies, key=lambda r: r.get("cdate") or r.get("tcdate") or 0):
        add_reply(sub, reply, orders or {})
    sub.decision = _decision(sub, venue)
    return sub


def add_reply(sub: Submission, reply: dict[str, Any], orders: Orders) -> None:
    sigs = reply.get("signatures") or []
    kind, inv = classify_invitations(invitations_of(reply), sigs)
    fields = unwrap(reply.get("content"))
    order = orders.get(family(inv))
    common = {"id": reply["id"], "forum": sub.forum, "signature": sigs[0] if sigs else "",
              "date": iso_date(reply.get("cdate") or reply.get("tcdate"))}
    meta = {"invitation": inv, "replyto": reply.get("replyto")}
    if kind == "review":
        rating = next((fields[k] for k in RATING_KEYS if k in fields), None)
        sub.reviews.append(HumanReview(
            **common, fields=_ordered(fields, order), text=stringify(fields, order),
            rating=parse_score(rating), confidence=parse_score(fields.get("confidence")),
            metadata=meta))
    elif kind in ("meta_review", "decision"):
        raw = next((fields[k] for k in DECISION_KEYS if isinstance(fields.get(k), str)), None)
        sub.meta_reviews.append(MetaReview(**common, kind=kind, decision=raw,
                                           text=stringify(fields, order), metadata=meta))
    else:
        if kind in ("withdrawal", "other"):
            meta["kind"] = kind
        sub.comments.append(Comment(**common, kind="other" if kind == "withdrawal" else kind,
                                    text=stringify(fields, order), metadata=meta))


def _ordered(fields: dict[str, Any], order: dict[str, float] | None) -> dict[str, Any]:
    return {k: fields[k] for k in ordered_keys(fields, order)}


def _decision(sub: Submission, venue: str) -> str | None:
    """Decision note first, then the meta-review's recommendation, then v2's ``venueid``."""
    for kind in ("decision", "meta_review"):
        for m in sub.meta_reviews:
            if m.kind == kind and (label := decision_label(m.decision)):
                return label
    status = venueid_status(sub.metadata.get("venueid"), venue)
    if status:
        sub.metadata["status"] = status
    return {"accept": "accept", "reject": "reject", "desk_rejected": "reject"}.get(status or "")
