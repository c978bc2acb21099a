"""Import PeerRead's ICLR 2017 and ACL 2017 review files as ``Submission`` records.

PeerRead (Kang et al., NAACL 2018) keeps one ``reviews/<id>.json`` per paper under
``data/<venue>/<split>/``. Its crawl has artefacts this importer undoes:

* ICLR: every note of the forum sits in ``reviews``. Official reviews are the notes signed
  "... AnonReviewerN" that carry a ``RECOMMENDATION``; the note titled "ICLR committee final
  decision" is the decision (a ``MetaReview`` of kind "decision"); ``IS_META_REVIEW`` entries are
  verbatim copies of a review (dropped and counted); reviewer notes without a score are pre-review
  questions (before their review) or comments (after); named signatures are author responses
  when the name is an author, else public comments, like "(anonymous)" ones.
* ACL: scores are strings ("4"), ``id`` is an int in some files and a string in others, and
  there is no acceptance field (``decision`` stays null).

>>> subs = list(import_peerread("../shared/data/peerread"))  # doctest: +SKIP
>>> subs[0].reviews[0].rating  # doctest: +SKIP
8.0
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import StageConfig, save_resolved
from ..errors import InputError
from ..io import JsonlWriter, write_jsonl
from ..records import Comment, HumanReview, MetaReview, Submission
from ..stage import Summary, timed
from .classify import parse_score
from .stringify import stringify

SKIPPED_FILE = "skipped: bad PeerRead file"
ICLR_DECISION_TITLE = "ICLR committee final decision"
VENUE_IDS = {"iclr_2017": "ICLR.cc/2017/conference", "acl_2017": "ACL 2017"}
ACL_SCORE_KEYS = ("RECOMMENDATION", "REVIEWER_CONFIDENCE", "ORIGINALITY", "CLARITY",
                  "SOUNDNESS_CORRECTNESS", "MEANINGFUL_COMPARISON", "SUBSTANCE", "IMPACT",
                  "APPROPRIATENESS", "PRESENTATION_FORMAT")


class ImportConfig(StageConfig):
    input: str  # the PeerRead folder (or data/, a venue, a split, a reviews/ folder, one file)
    out_dir: str


def run_import(cfg: ImportConfig) -> Summary:
    """Write ``<out_dir>/submissions.jsonl`` (atomically), ``failures.jsonl``, ``summary.json``."""
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_resolved(cfg, out)
    summary, stats, errors = Summary(stage="reviews import-peerread"), Counter(), []
    with timed(summary):
        write_jsonl(out / "submissions.jsonl", import_peerread(cfg.input, stats, errors))
    with JsonlWriter(out / "failures.jsonl", mode="w") as w:
        for e in errors:
            w.write(e)
    for reason, n in stats.items():
        if reason == "ok: submissions":
            summary.count("ok", None, n)
        elif reason == SKIPPED_FILE:
            summary.count("skipped", reason.split(": ", 1)[1], n)
        else:  # note-level counts: shown in the table, not counted as submissions
            summary.merge_reasons(Counter({reason: n}))
    summary.outputs = {"submissions": str(out / "submissions.jsonl"),
                       "failures": str(out / "failures.jsonl")}
    summary.write(out / "summary.json")
    return summary


def review_files(root: str | os.PathLike) -> list[Path]:
    """Every ``reviews/*.json`` under ``root`` (the PeerRead folder, ``data/``, a venue or split)."""
    p = Path(root)
    if not p.exists():
        raise InputError(f"{p}: no such directory", "give the PeerRead folder (with data/<venue>/)")
    if p.is_file():
        return [p]
    files = sorted(f for f in p.rglob("*.json") if f.parent.name == "reviews")
    if not files:
        raise InputError(f"{p}: no PeerRead review files (reviews/*.json) found under it",
                         "point at PeerRead's folder, e.g. PeerRead/ or PeerRead/data/iclr_2017")
    return files


def import_peerread(root: str | os.PathLike, stats: Counter | None = None,
                    errors: list[dict[str, str]] | None = None) -> Iterator[Submission]:
    """Yield one ``Submission`` per PeerRead review file under ``root``.

    A file that cannot be read or lacks ``reviews``/``title`` is skipped: counted in ``stats``
    (reason -> n) and described in ``errors`` ({"path", "error"}); the import goes on."""
    stats = stats if stats is not None else Counter()
    for path in review_files(root):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("reviews"), list):
                raise ValueError("no 'reviews' list")  # noqa: TRY004 (bad content, not a bad call)
            if not str(data.get("title") or "").strip():
                raise ValueError("no 'title'")
            sub = convert_file(path, data, stats)
        except (ValueError, OSError) as exc:  # JSONDecodeError is a ValueError
            stats[SKIPPED_FILE] += 1
            if errors is not None:
                errors.append({"path": str(path), "error": str(exc)})
            continue
        stats["ok: submissions"] += 1
        yield sub


def _where(path: Path) -> tuple[str, str]:
    """(venue folder, split) from .../<venue>/<split>/reviews/<id>.json, else ('peerread', '')."""
    parts = path.parts
    if len(parts) >= 4 and parts[-2] == "reviews":
        return parts[-4], parts[-3]
    return "peerread", ""


def convert_file(path: Path, data: dict[str, Any], stats: Counter) -> Submission:
    venue_dir, split = _where(path)
    pid = path.stem
    forum = f"{venue_dir}-{pid}"
    is_iclr = "conference" in data or "accepted" in data or venue_dir.startswith("iclr")
    sub = Submission(
        id=forum, forum=forum, venue=VENUE_IDS.get(venue_dir, venue_dir),
        title=str(data.get("title") or "").strip(), abstract=str(data.get("abstract") or "").strip(),
        authors=_authors(data.get("authors")),
        decision=None if data.get("accepted") is None else ("accept" if data["accepted"] else "reject"),
        metadata={"source": "peerread", "peerread_venue": venue_dir, "split": split,
                  "peerread_id": pid, "file": str(path), "json_id": data.get("id")},
    )
    for key, meta_key in (("SCORE", "peerread_score"), ("KEYWORDS", "tldr")):
        if key in data:
            sub.metadata[meta_key] = data[key]
    if is_iclr:
        _iclr_notes(sub, data["reviews"], stats)
    else:
        _acl_reviews(sub, data["reviews"], stats)
    return sub


def _authors(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(a).strip() for a in value if str(a).strip()]
    if isinstance(value, str):  # PeerRead ICLR: one comma-joined string
        return [a.strip() for a in value.split(",") if a.strip()]
    return []


def _date(raw: str | None) -> str | None:
    """'16 Dec 2016 (modified: 11 Jan 2017)' -> '2016-12-16'."""
    if not raw:
        return None
    try:
        return datetime.strptime(raw.split("(")[0].strip(), "%d %b %Y").date().isoformat()
    except ValueError:
        return None


def _iclr_notes(sub: Submission, notes: list[dict[str, Any]], stats: Counter) -> None:
    bodies = {(n.get("comments") or "").strip() for n in notes if not n.get("IS_META_REVIEW")}
    review_dates: dict[str, str] = {}
    for n in notes:
        if "RECOMMENDATION" in n and "AnonReviewer" in str(n.get("OTHER_KEYS", "")):
            review_dates.setdefault(n["OTHER_KEYS"], _date(n.get("DATE")) or "9999")
    authors = {a.lower() for a in sub.authors}
    for i, n in enumerate(notes):
        nid, text, sig = f"{sub.forum}-{i}", (n.get("comments") or "").strip(), n.get("OTHER_KEYS", "")
        date, meta = _date(n.get("DATE")), {"title": n.get("TITLE"), "raw_date": n.get("DATE")}
        if n.get("IS_META_REVIEW"):
            if text in bodies:  # crawl artefact: a verbatim copy of another note
                stats["dropped: PeerRead IS_META_REVIEW copy of a review"] += 1
                continue
            sub.meta_reviews.append(MetaReview(id=nid, forum=sub.forum, text=text,
                                               metadata={"peerread_is_meta_review": True}))
        elif n.get("TITLE") == ICLR_DECISION_TITLE:
            sub.meta_reviews.append(MetaReview(
                id=nid, forum=sub.forum, signature=sig, text=text, kind="decision", date=date,
                decision={"accept": "Accept", "reject": "Reject"}.get(sub.decision or ""),
                metadata=meta))
        elif "RECOMMENDATION" in n and "AnonReviewer" in sig:
            fields = {"title": n.get("TITLE") or "", "review": n.get("comments") or "",
                      "rating": n["RECOMMENDATION"], "confidence": n.get("REVIEWER_CONFIDENCE")}
            sub.reviews.append(HumanReview(
                id=nid, forum=sub.forum, signature=sig, fields=fields, text=stringify(fields),
                rating=parse_score(n["RECOMMENDATION"]),
                confidence=parse_score(n.get("REVIEWER_CONFIDENCE")), date=date, metadata=meta))
        else:
            kind = _iclr_comment_kind(sig, text, date, review_dates, authors)
            if "RECOMMENDATION" in n:  # a scored public review (not an official one)
                meta.update(rating=parse_score(n["RECOMMENDATION"]),
                            confidence=parse_score(n.get("REVIEWER_CONFIDENCE")))
            sub.comments.append(Comment(id=nid, forum=sub.forum, kind=kind, signature=sig,
                                        text=text, date=date, metadata=meta))


def _iclr_comment_kind(sig: str, text: str, date: str | None, review_dates: dict[str, str],
                       authors: set[str]) -> str:
    if "AnonReviewer" in sig:
        reviewed = review_dates.get(sig)
        if reviewed is None:
            return "official_comment" if text else "pre_review_question"
        return "pre_review_question" if (date or "") < reviewed else "official_comment"
    if sig.strip().lower() in authors:
        return "author_response"
    if sig.startswith("ICLR 2017"):  # program chairs / area chairs
        return "official_comment"
    return "public_comment"


def _acl_reviews(sub: Submission, reviews: list[dict[str, Any]], stats: Counter) -> None:
    for i, r in enumerate(reviews):
        text = (r.get("comments") or "").strip()
        if not text and "RECOMMENDATION" not in r:
            stats["skipped: PeerRead review without text or score"] += 1
            continue
        fields: dict[str, Any] = {"comments": r.get("comments") or ""}
        for key in ACL_SCORE_KEYS:
            if key in r:
                fields[key.lower()] = r[key]
        sub.reviews.append(HumanReview(
            id=f"{sub.forum}-{i}", forum=sub.forum, fields=fields, text=stringify(fields),
            rating=parse_score(r.get("RECOMMENDATION")),
            confidence=parse_score(r.get("REVIEWER_CONFIDENCE"))))
