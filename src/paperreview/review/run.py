"""Review one or many papers and write the results (Markdown, JSON or resumable JSONL).

A batch (``-o reviews.jsonl``) goes on past a bad PDF: it becomes a ``failed`` row with the
parse error, papers already written are skipped on a rerun, and counts by reason are printed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import JsonlWriter, atomic_write_text, done_ids
from ..records import GeneratedReview
from ..stage import Summary, timed
from .generate import ReviewOptions, parse_paper, review_paper
from .render import to_json, to_markdown


def review_many(papers: list[str], cfg: Any, opts: ReviewOptions, output: str | None, fmt: str,
                log: Callable[[str], None]) -> int:
    """Review ``papers``; returns how many failed."""
    if fmt != "jsonl":
        paper = parse_paper(papers[0])  # a bad PDF raises parse's own error, before anything
        _say_offline(cfg, log)
        rec = review_paper(paper, cfg, opts, log=log)
        _write_one(rec, output, fmt, log)
        return int(rec.status == "failed")
    _say_offline(cfg, log)
    if not output:
        raise InputError("--format jsonl needs -o FILE.jsonl")
    summary = Summary(stage="review")
    done = done_ids(output, key="source", statuses=("ok", "skipped"))
    engine = None
    if cfg.is_configured():
        from ..llm import Engine

        engine = Engine(cfg)
    try:
        with timed(summary), JsonlWriter(output) as w:
            for path in papers:
                if str(path) in done:
                    summary.count("skipped", "already in the output")
                    continue
                rec = _one(path, cfg, opts, engine, log)
                w.write(rec.to_json())
                summary.count(rec.status, _reason(rec))
    finally:
        if engine is not None:
            engine.close()
    summary.outputs["reviews"] = str(output)
    summary.print()
    return summary.failed


def _say_offline(cfg: Any, log: Callable[[str], None]) -> None:
    if not cfg.is_configured():
        log("no LLM backend configured: writing the offline checklist analysis "
            "(set OPENAI_API_KEY or PAPERREVIEW_BASE_URL, or pass --local-model, for a full "
            "review)")


def _one(path: str, cfg: Any, opts: ReviewOptions, engine: Any, log: Callable[[str], None]
         ) -> GeneratedReview:
    try:
        paper = parse_paper(path)
    except InputError as exc:
        return GeneratedReview(id=str(path), source=str(path), template=opts.template,
                               status="failed", error=exc.message,
                               metadata={"stage": "parse", "hint": exc.hint})
    log(f"reviewing {path}")
    return review_paper(paper, cfg, opts, engine=engine, log=log)


def _reason(rec: GeneratedReview) -> str | None:
    if rec.status == "failed":
        return (rec.error or "failed").split(":")[0][:60]
    return "offline analysis only" if rec.status == "skipped" else None


def _write_one(rec: GeneratedReview, output: str | None, fmt: str, log: Callable[[str], None]
               ) -> None:
    import click

    text = to_json(rec) if fmt == "json" else to_markdown(rec)
    if output:
        atomic_write_text(Path(output), text)
        if fmt == "json":  # the Markdown beside it, for reading
            atomic_write_text(Path(output).with_suffix(".md"), to_markdown(rec))
        log(f"wrote {output}")
    else:
        click.echo(text, nl=False)
    if rec.status == "failed":
        log(f"LLM review failed: {rec.error}")
    n_bad = sum(not g.found for g in rec.grounding)
    if rec.grounding:
        log(f"grounding: {len(rec.grounding)} reference(s) checked, {n_bad} not found in the paper")
