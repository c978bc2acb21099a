"""``evaluate perturb make``: perturbed copies of real PDFs plus ``manifest.jsonl``.

Reads PDFs (files, directories) or a Paper JSONL whose ``source`` is the PDF. Per paper it
collects candidate edits from the selected generators, then writes ``--per-paper`` copies, each
with ``errors_per_copy`` planted errors of rotating kinds (``copies/<paper>-pK.pdf``). Every edit
is checked in the copy's text layer; one that did not take is dropped and counted. Deterministic
for a ``seed``: candidates are shuffled by a generator seeded with (seed, paper file name).

Writes ``DIR/manifest.jsonl`` (one row per planted error), ``DIR/copies.jsonl`` (each copy and
each clean original, for running a reviewer), ``config.json`` and ``summary.json``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...io import JsonlWriter, atomic_write_json, iter_jsonl
from ...stage import Summary, timed
from .generators import GENERATORS, Candidate, resolve_kinds, widen
from .pdfedit import Edit, apply_edits, edit_for, page_spans

MANIFEST_FIELDS = ("id", "copy_id", "file", "source", "paper_id", "category", "kind", "original",
                   "perturbed", "page", "section", "why_wrong", "contradicts_quote", "generator")


def find_pdfs(inputs: list[Path]) -> list[Path]:
    """PDF paths from files, directories (``*.pdf``, sorted) and Paper JSONL (``source``)."""
    out: list[Path] = []
    for p in inputs:
        p = Path(p)
        if p.is_dir():
            out += sorted(p.glob("*.pdf"))
        elif p.suffix.lower() == ".pdf":
            out.append(p)
        elif p.suffix.lower() in (".jsonl", ".json"):
            for row in iter_jsonl(p):
                src = row.get("source") if isinstance(row, dict) else None
                if src and Path(src).suffix.lower() == ".pdf":
                    out.append(Path(src))
        else:
            raise InputError(f"{p}: not a PDF, a directory of PDFs or a Paper JSONL",
                             "pass PDFs or the output of `paperreview parse`")
    if not out:
        raise InputError("no PDF found in the inputs", "pass PDF files or a directory of PDFs")
    return out


def _squash(s: str) -> str:
    return " ".join(s.split())


def _section_of(paper: Any, text: str) -> str | None:
    if paper is None:
        return None
    key = _squash(text)
    for s in paper.sections:
        if key in _squash(s.text):
            return s.heading
    return "Abstract" if key in _squash(paper.abstract) else None


def candidates(pdf: Path, kinds: list[str], rng: random.Random,
               model_gen: Callable[..., list[Candidate]] | None = None) -> tuple[list, list]:
    """Candidate edits of ``pdf`` (shuffled) and the page texts."""
    import pymupdf

    with pymupdf.open(str(pdf)) as doc:
        spans = [page_spans(p) for p in doc]
        pages = [_squash(p.get_text()) for p in doc]
    doc_text = " ".join(pages)
    found: list[Candidate] = []
    for kind in kinds:
        if kind in GENERATORS:
            found += list(GENERATORS[kind](spans, rng, doc_text))
    if model_gen is not None:
        found += model_gen(spans, [k for k in kinds if k not in GENERATORS], rng)
    rng.shuffle(found)
    return found, pages


def plan_copies(found: list[Candidate], pages: list[str], per_paper: int, per_copy: int
                ) -> list[list[tuple[Candidate, Edit]]]:
    """Pick non-overlapping edits, rotating over kinds so each copy gets a different one first."""
    by_kind: dict[str, list[Candidate]] = {}
    for c in found:
        by_kind.setdefault(c.kind, []).append(c)
    kinds = list(dict.fromkeys(c.kind for c in found))  # shuffled order: no kind always first
    copies: list[list[tuple[Candidate, Edit]]] = []
    used: set[str] = set()
    turn = 0
    for _ in range(per_paper):
        chosen: list[tuple[Candidate, Edit]] = []
        tries = 0
        while len(chosen) < per_copy and tries < len(kinds):
            kind = kinds[turn % len(kinds)] if kinds else None
            turn += 1
            tries += 1
            pool = by_kind.get(kind, [])
            while pool:
                c = pool.pop()
                win = widen(c, pages[c.page])
                if win is None:
                    continue
                a, b = win
                text = c.span["text"]
                original = text[a:b]
                if _squash(original) in used:
                    continue
                perturbed = text[a:c.start] + c.new + text[c.end:b]
                used.add(_squash(original))
                chosen.append((c, edit_for(c.page, c.span, a, b, perturbed)))
                tries = 0
                break
        if not chosen:
            break
        copies.append(chosen)
    return copies


DROPPED = "dropped: edit not in the copy's text layer"


def make_one(pdf: str, out: str, kinds: list[str], per_paper: int, per_copy: int, seed: int,
             engine: Any = None) -> dict[str, Any]:
    """One paper's copies (written under ``out/copies/``) and its rows, never raising.

    A plain function, so executors run it in workers (``--executor ray``): the rows come back as
    ``{"input", "status", "copies", "manifest", "events"}`` and the driver writes them in input
    order (``events`` are the summary counts, in order). The seed depends on the paper's file
    name only, so the copies do not depend on which worker or shard made them.
    """
    from ...parse import parse_pdf
    from .llm_gen import model_generator

    pdf_path, out_dir = Path(pdf), Path(out)
    paper_id = pdf_path.name.removesuffix(".pdf")
    digest = int(hashlib.sha256(f"{seed}:{pdf_path.name}".encode()).hexdigest()[:16], 16)
    rng = random.Random(digest)
    row: dict[str, Any] = {"input": str(pdf), "status": "ok", "copies": [], "manifest": [],
                           "events": []}
    try:
        paper = parse_pdf(pdf_path)
        gen = model_generator(engine, paper) if engine is not None else None
        found, pages = candidates(pdf_path, kinds, rng, gen)
    except Exception as exc:  # noqa: BLE001 - one unreadable PDF must not stop the batch
        row["status"] = "failed"
        row["events"].append(("failed", f"unreadable PDF: {type(exc).__name__}"))
        row["copies"].append({"copy_id": paper_id, "file": str(pdf), "status": "failed",
                              "error": f"{pdf}: {exc}"})
        return row
    row["copies"].append({"copy_id": paper_id, "paper_id": paper_id, "file": str(pdf),
                          "clean": True, "n_errors": 0})
    plan = plan_copies(found, pages, per_paper, per_copy)
    if not plan:
        row["events"].append(("skipped", "no candidate edit in the selected kinds"))
    for k, chosen in enumerate(plan, 1):
        copy_id = f"{paper_id}-p{k}"
        rel = f"copies/{copy_id}.pdf"
        failed = apply_edits(pdf_path, out_dir / rel, [e for _, e in chosen])
        kept = [(c, e) for c, e in chosen if e not in failed]
        row["events"] += [(None, DROPPED)] * len(failed)
        if not kept:
            (out_dir / rel).unlink(missing_ok=True)
            row["events"].append(("skipped", "no edit took in the copy"))
            continue
        row["copies"].append({"copy_id": copy_id, "paper_id": paper_id, "file": rel,
                              "source": str(pdf), "clean": False, "n_errors": len(kept)})
        for j, (c, e) in enumerate(kept, 1):
            row["manifest"].append({
                "id": f"{copy_id}-e{j}", "copy_id": copy_id, "file": rel, "source": str(pdf),
                "paper_id": paper_id, "category": c.category, "kind": c.kind,
                "original": _squash(e.original), "perturbed": _squash(e.perturbed),
                "page": e.page + 1, "section": _section_of(paper, e.original),
                "why_wrong": c.why_wrong, "contradicts_quote": c.contradicts_quote,
                "generator": c.meta.get("generator", "rule")})
        row["events"].append(("ok", None))
    return row


def _record(row: dict[str, Any], summary: Summary, man: JsonlWriter, cop: JsonlWriter) -> None:
    for c in row["copies"]:
        cop.write(c)
    for m in row["manifest"]:
        man.write(m)
    for status, reason in row["events"]:
        if status is None:
            summary.reasons[reason] = summary.reasons.get(reason, 0) + 1
        else:
            summary.count(status, reason)


def make_perturbations(inputs: list[Path], out: Path, kinds: list[str] | None = None,
                       per_paper: int = 2, per_copy: int = 1, seed: int = 0,
                       engine: Any = None, executor: Any = None) -> Summary:
    """Write the perturbed copies and the manifest; see the module docstring.

    ``executor`` (:class:`paperreview.executors.ExecutorOptions`): run :func:`make_one` in
    resumable shards (``out/shards/``), e.g. as Ray tasks; the files written are the same.
    """
    from ...executors.stages import expand_inputs

    # URLs (s3://, gs://...) are read by the Ray workers; the copies are written to ``out``
    pdfs = expand_inputs(list(inputs), find_pdfs, executor)
    kinds = resolve_kinds(kinds, with_model=engine is not None)
    out = Path(out)
    (out / "copies").mkdir(parents=True, exist_ok=True)
    summary = Summary(stage="evaluate.perturb.make")
    atomic_write_json(out / "config.json", {"inputs": [str(p) for p in inputs], "kinds": kinds,
                                             "per_paper": per_paper, "errors_per_copy": per_copy,
                                             "seed": seed, "model": bool(engine)})
    for name in ("manifest.jsonl", "copies.jsonl"):
        (out / name).unlink(missing_ok=True)  # deterministic output: rewrite, never append
    with timed(summary), JsonlWriter(out / "manifest.jsonl", fsync=False) as man, \
            JsonlWriter(out / "copies.jsonl", fsync=False) as cop:
        if executor is not None:
            from ...executors import run_sharded
            from ...executors.stages import failed_copy, perturb_row

            tasks = [(str(p), str(out), kinds, per_paper, per_copy, seed) for p in pdfs]
            crashed = partial(failed_copy, reason="worker_crashed")  # died on it every time
            rows = run_sharded(perturb_row, tasks, str(out), executor, crashed)
        else:
            rows = (make_one(str(p), str(out), kinds, per_paper, per_copy, seed, engine)
                    for p in pdfs)
        for row in rows:
            _record(row, summary, man, cop)
    summary.outputs = {"manifest": str(out / "manifest.jsonl"), "copies": str(out / "copies.jsonl")}
    summary.write(out / "summary.json")
    return summary
