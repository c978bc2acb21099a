"""Read what ``evaluate`` compares: generated reviews, human submissions and papers, and join them.

A generated review joins a submission when one of its keys (``id``, ``paper_id``,
``metadata.submission_id``/``forum``, the stem of ``source``) equals one of the submission's
(``id``, ``forum``, ``paper_id``, ``metadata.peerread_id``), or else when their normalised titles
(``metadata.title``) are equal. Unjoined reviews are counted, never silently dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import BadLine, iter_jsonl, resolve_input
from ..parse.science_parse import iter_papers
from ..records import GeneratedReview, HumanReview, Paper, Submission
from ..reviews.join import normalise_title
from .match import ReviewDoc

MIN_REVIEW_CHARS = 40


def _records(path: str | Path, model: type, bad: Counter, names: list[str], what: str):
    """Records of ``model`` from a JSONL (or a stage's output dir holding one of ``names``); a
    malformed line is counted in ``bad`` as a failed row naming ``path:line``, and the rest go on."""
    for item in iter_jsonl(resolve_input(path, names, what)):
        if isinstance(item, BadLine):
            bad[f"failed row: {item.error}"] += 1
            continue
        try:
            yield model.model_validate(item)
        except ValueError as exc:  # pydantic's ValidationError
            bad[f"failed row: {path}: invalid {model.__name__} ({str(exc).splitlines()[0]})"] += 1


def load_generated(path: str | Path) -> tuple[list[GeneratedReview], Counter]:
    """Generated reviews with ``status == "ok"``, and offline checklist reviews (``skipped``
    with ``findings``: their findings are the points); the others are counted by status, and a
    malformed line as a failed row naming ``path:line``."""
    keep, dropped = [], Counter()
    for g in _records(path, GeneratedReview, dropped, ["reviews.jsonl", "generated.jsonl"],
                      "--generated"):
        if "reviews" in (g.model_extra or {}) and "forum" in (g.model_extra or {}):
            raise InputError(f"{path}: holds submissions (human reviews), not generated reviews",
                             "pass it as --human; --generated takes `paperreview review` output")
        if g.status == "ok" or (g.status == "skipped" and g.findings):
            keep.append(g)
        else:
            dropped[f"generated review status {g.status}"] += 1
    if not keep:
        raise InputError(f"{path}: no generated review with status 'ok'",
                         "check that the file was written by `paperreview review`")
    return keep, dropped


def load_submissions(path: str | Path, bad: Counter | None = None) -> list[Submission]:
    """Submissions from a JSONL or a `paperreview reviews` output dir; malformed lines are
    counted in ``bad`` (failed rows naming ``path:line``) and left out."""
    bad = Counter() if bad is None else bad
    subs = list(_records(path, Submission, bad, ["submissions.jsonl"], "--human"))
    if not subs:
        raise InputError(f"{path}: no submissions", "import reviews with `paperreview reviews`")
    return subs


def _keys(*values: Any) -> set[str]:
    return {str(v) for v in values if v not in (None, "")}


def _title_key(title: Any) -> str | None:
    t = normalise_title(str(title or ""))
    return f"title:{t}" if len(t) > 10 else None


def gen_keys(g: GeneratedReview) -> set[str]:
    md = g.metadata or {}
    stem = Path(g.source).name.split(".")[0] if g.source else None
    return _keys(g.id, g.paper_id, md.get("submission_id"), md.get("forum"), stem,
                 _title_key(md.get("title")))


def sub_keys(s: Submission) -> set[str]:
    return _keys(s.id, s.forum, s.paper_id, (s.metadata or {}).get("peerread_id"),
                 _title_key(s.title))


def join(generated: Iterable[GeneratedReview], subs: Iterable[Submission]
         ) -> tuple[list[tuple[GeneratedReview, Submission]], Counter]:
    """(generated, submission) pairs, and counts of generated reviews that found no submission."""
    index: dict[str, Submission] = {}
    for s in subs:
        for k in sub_keys(s):
            index.setdefault(k, s)
    pairs, missing = [], Counter()
    for g in generated:
        hit = next((index[k] for k in sorted(gen_keys(g)) if k in index), None)
        if hit is None:
            missing["no matching submission in --human"] += 1
        else:
            pairs.append((g, hit))
    return pairs, missing


def human_reviews(sub: Submission, min_chars: int = MIN_REVIEW_CHARS) -> list[HumanReview]:
    """The submission's reviews that have text (short notes and empty entries are left out)."""
    return [r for r in sub.reviews if len((r.text or "").strip()) >= min_chars]


def human_doc(sub: Submission, r: HumanReview) -> ReviewDoc:
    return ReviewDoc(key=f"{sub.id}/{r.id}", text=r.text)


def generated_doc(g: GeneratedReview, sub_id: str) -> ReviewDoc:
    """The review's structure or text; an offline review's findings (first sentence each)."""
    structured = g.review
    if not structured and not g.text and g.findings:
        from .points import split_sentences

        structured = {}
        for f in g.findings:
            structured.setdefault(f.aspect, []).append(
                {"title": (split_sentences(f.message) or [f.message])[0]})
    return ReviewDoc(key=f"{sub_id}/generated:{g.id}", text=g.text or "", structured=structured)


# --------------------------------------------------------------------------- papers
def load_papers(path: str | Path) -> tuple[dict[str, Paper], Counter]:
    """Papers keyed by id and file stem: a Paper JSONL, or a dir of ``*.json`` files written by
    `paperreview parse` (PDFs or ``--from-science-parse``) or PeerRead's science-parse output."""
    bad: Counter = Counter()
    papers: list[Paper] = []
    for _, item in iter_papers(path):  # the one paper loader: bad files/lines named, not fatal
        if isinstance(item, BadLine):
            bad[f"unreadable paper ({item.where})"] += 1
        else:
            papers.append(item)
    index: dict[str, Paper] = {}
    for paper in papers:
        stem = Path(paper.source).name.split(".")[0] if paper.source else ""
        for k in _keys(paper.id, stem, (paper.metadata or {}).get("submission_id"),
                       _title_key(paper.title)):
            index.setdefault(k, paper)
    return index, bad


def paper_for(sub: Submission, papers: dict[str, Paper]) -> Paper | None:
    """The submission's paper: by paper_id, id or forum, or the trailing number of its id."""
    extra = [(sub.metadata or {}).get("peerread_id"), re.split(r"[/:-]", sub.id)[-1]]
    for k in sorted(sub_keys(sub)) + [str(e) for e in extra if e]:
        if k in papers:
            return papers[k]
    return None


# --------------------------------------------------------------------------- PeerRead
def peerread_submissions(reviews_dir: str | Path) -> list[Submission]:
    """Submissions from a PeerRead ``reviews/`` dir via ``paperreview.reviews.peerread``."""
    try:
        from ..reviews.peerread import import_peerread
    except ImportError as exc:
        raise InputError("paperreview.reviews.peerread is not available in this build",
                         "import with `paperreview reviews import-peerread` first") from exc
    return list(import_peerread(reviews_dir))
