"""``paperreview reviews join``: attach parsed papers (``Paper`` records) to their submissions.

A paper matches a submission by key first (the forum id, or PeerRead's numeric id, found in
``Paper.metadata`` — ``forum``, ``forum_id``, ``openreview_id``, ``peerread_id`` — or as the
file name of the PDF/JSON it was parsed from, e.g. ``pdfs/<forum>.pdf`` written by ``fetch``),
then by normalised title. A key shared by several papers (PeerRead's ICLR and ACL ids overlap)
is settled by venue folder or title, else counted as ambiguous.

Writes ``submissions.jsonl`` (joined submissions, ``paper_id`` set; ``--keep-unmatched`` adds
the rest with ``paper_id: null``), ``papers.jsonl`` (the matched papers, with a missing title
or abstract filled from the submission and listed in ``metadata.filled``), ``join_report.json``.

>>> normalise_title("  Attention Is All You  Need! ")
'attention is all you need'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..config import StageConfig, save_resolved
from ..io import BadLine, JsonlWriter, atomic_write_json
from ..parse.science_parse import iter_papers
from ..records import Paper, Submission
from ..stage import Summary, progress, timed
from .jsonl import iter_submissions

KEY_FIELDS = ("forum", "forum_id", "openreview_id", "peerread_id", "submission_id")


class JoinConfig(StageConfig):
    submissions: str
    papers: str  # a `paperreview parse` output dir (*.json), a Paper JSONL, or science-parse JSONs
    out_dir: str
    by_title: bool = True  # fall back to normalised titles when no key matches
    keep_unmatched: bool = False


def normalise_title(title: str | None) -> str:
    t = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", t)).strip()


def file_key(source: str) -> str:
    """'runs/pdfs/Abc123.pdf' -> 'Abc123'; '304.pdf.json' -> '304'."""
    name = Path(source).name
    for suffix in (".json", ".pdf", ".txt", ".md"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def load_papers(path: str | Path, stats: Counter, errors: list[dict[str, str]]) -> list[Paper]:
    """Papers through the one loader (:func:`paperreview.parse.science_parse.iter_papers`: a dir
    of Paper or science-parse JSON files, searched recursively, or a Paper JSONL); an unreadable
    item is counted in ``stats`` and described in ``errors``, and the rest go on."""
    out = []
    jsonl = Path(path).is_file()
    for where, item in iter_papers(path, recursive=True):
        if isinstance(item, BadLine) or not item.id:
            where = item.where if isinstance(item, BadLine) else f"{path}: {item.title!r}"
            _unreadable(stats, errors, where, item.error if isinstance(item, BadLine)
                        else "not a Paper record (no 'id')")
            continue
        item.metadata.setdefault("file_key", file_key(item.source if jsonl else where))
        out.append(item)
    return out


def _unreadable(stats: Counter, errors: list[dict[str, str]], where: str, error: str) -> None:
    stats["skipped: unreadable paper file"] += 1
    errors.append({"where": where, "error": error.splitlines()[0][:300]})


class _Index:
    def __init__(self, papers: list[Paper]):
        self.by_key: dict[str, list[Paper]] = defaultdict(list)
        self.by_title: dict[str, list[Paper]] = defaultdict(list)
        for paper in papers:
            keys = {str(paper.metadata[k]) for k in (*KEY_FIELDS, "file_key") if paper.metadata.get(k)}
            if paper.source:
                keys.add(file_key(paper.source))
            for k in keys:
                self.by_key[k].append(paper)
            if t := normalise_title(paper.title):
                self.by_title[t].append(paper)

    def match(self, sub: Submission, by_title: bool) -> tuple[Paper | None, str]:
        keys = [sub.forum, sub.id, str(sub.metadata.get("peerread_id") or "")]
        venue = str(sub.metadata.get("peerread_venue") or "")
        for key in [k for k in keys if k]:
            found = [p for p in self.by_key.get(key, []) if _venue_ok(p, venue)]
            if len(found) > 1:
                found = _settle(found, sub)
            if len(found) == 1:
                return found[0], "key"
            if found:
                return None, "ambiguous key"
        if by_title and (t := normalise_title(sub.title)):
            found = self.by_title.get(t, [])
            if len(found) == 1:
                return found[0], "title"
            if found:
                return None, "ambiguous title"
        return None, "no matching paper"


def _venue_ok(paper: Paper, venue: str) -> bool:
    """PeerRead ids repeat across venues: a paper under .../<venue>/<split>/parsed_pdfs/ only
    matches submissions of that venue."""
    parts = Path(paper.source).parts
    if not venue or "parsed_pdfs" not in parts:
        return True
    i = parts.index("parsed_pdfs")
    return i >= 2 and parts[i - 2] == venue


def _settle(found: list[Paper], sub: Submission) -> list[Paper]:
    title = normalise_title(sub.title)
    return [p for p in found if title and normalise_title(p.title) == title] or found


def fill(paper: Paper, sub: Submission) -> Paper:
    """Fill the paper's missing title/abstract from the submission (and the reverse)."""
    filled = [f for f in ("title", "abstract") if not getattr(paper, f) and getattr(sub, f)]
    for f in filled:
        setattr(paper, f, getattr(sub, f))
        paper.metadata["filled"] = sorted({*paper.metadata.get("filled", []), f})
    for f in ("title", "abstract"):
        if not getattr(sub, f) and getattr(paper, f):
            setattr(sub, f, getattr(paper, f))
    return paper


def run_join(cfg: JoinConfig) -> Summary:
    """Join ``cfg.submissions`` to ``cfg.papers`` into ``cfg.out_dir``; returns the summary."""
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_resolved(cfg, out)
    summary, errors = Summary(stage="reviews join"), []
    paper_stats: Counter = Counter()
    used: dict[str, str] = {}
    with timed(summary):
        papers = load_papers(cfg.papers, paper_stats, errors)
        index = _Index(papers)
        with JsonlWriter(out / "submissions.jsonl", mode="w", fsync=False) as subs_w, \
                JsonlWriter(out / "papers.jsonl", mode="w", fsync=False) as papers_w:
            for sub in progress(iter_submissions(cfg.submissions, summary, errors), desc="join"):
                paper, why = index.match(sub, cfg.by_title)
                if paper is not None and paper.id in used:
                    paper, why = None, "paper already joined to another submission"
                if paper is None:
                    summary.count("skipped", why)
                    if cfg.keep_unmatched:
                        subs_w.write(sub)
                    continue
                used[paper.id] = sub.id
                papers_w.write(fill(paper, sub))
                subs_w.write(sub.model_copy(update={"paper_id": paper.id}))
                summary.count("ok", f"matched by {why}")
    report: dict[str, Any] = {"joined": summary.ok, "reasons": summary.reasons,
                              "papers": {"loaded": len(papers), **paper_stats},
                              "errors": errors}
    atomic_write_json(out / "join_report.json", report)
    summary.extra["papers"] = report["papers"]
    summary.outputs = {name: str(out / f"{name}.jsonl") for name in ("submissions", "papers")}
    summary.outputs["report"] = str(out / "join_report.json")
    summary.write(out / "summary.json")
    return summary
