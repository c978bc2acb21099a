"""Review one or many papers and write the results (Markdown, JSON or resumable JSONL).

A batch (``-o reviews.jsonl``) goes on past a bad PDF: it becomes a ``failed`` row with the
parse error, papers already written are skipped on a rerun, and counts by reason are printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import JsonlWriter, atomic_write_text, done_ids
from ..records import GeneratedReview
from ..stage import Summary, timed
from .generate import ReviewOptions, parse_paper, review_paper
from .render import to_json, to_markdown


def review_many(papers: list[str], cfg: Any, opts: ReviewOptions, output: str | None, fmt: str,
                log: Callable[[str], None], annotate: str | None = None,
                executor: Any = None) -> int:
    """Review ``papers``; returns how many failed. ``executor``
    (:class:`paperreview.executors.ExecutorOptions`, offline review only): the papers as Ray
    tasks over resumable shards in ``OUTPUT.shards/``, the same records in the same order."""
    if fmt != "jsonl":
        paper = parse_paper(papers[0])  # a bad PDF raises parse's own error, before anything
        _say_offline(cfg, log)
        rec = review_paper(paper, cfg, opts, log=log)
        _write_one(rec, output, fmt, log)
        if annotate:
            write_annotated(paper, rec, annotate, log)
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
            todo = []
            for path in papers:
                if str(path) in done:
                    summary.count("skipped", "already in the output")
                else:
                    todo.append(path)
            if executor is not None:
                recs = _sharded(todo, opts, str(output) + ".shards", executor)
            else:
                recs = (_one(path, cfg, opts, engine, log) for path in todo)
            for rec in recs:
                w.write(rec.to_json())
                summary.count(rec.status, _reason(rec))
    finally:
        if engine is not None:
            engine.close()
    summary.outputs["reviews"] = str(output)
    summary.print()
    return summary.failed


def offline_row(path: str, options: dict) -> dict:
    """The offline review of one paper as a row (a plain function for executors; never raises
    for a bad PDF: that is a failed record, as in the local batch)."""
    rec = _one(path, None, ReviewOptions(**options), None, lambda s: None)
    return rec.to_json()


def _sharded(paths: list[str], opts: ReviewOptions, shard_dir: str, executor: Any
             ) -> Iterator[GeneratedReview]:
    from ..executors import run_sharded
    from ..executors.stages import failed_review, offline_review_row

    def crashed(path: str, error: str) -> dict:  # its worker died on it every time
        return failed_review(path, error, "worker_crashed", template=opts.template,
                             metadata={"stage": "review"})

    tasks = [(str(p), opts.model_dump(mode="json")) for p in paths]
    for row in run_sharded(offline_review_row, tasks, shard_dir, executor, crashed):
        yield GeneratedReview.model_validate(row)


def expand_inputs(papers: list[str] | tuple[str, ...]) -> list[str]:
    """PDFs and paper JSON files as given; a directory (``paperreview parse -o DIR``) becomes its
    paper JSON files, without parse's bookkeeping files, or, holding none, its PDFs."""
    from ..io import record_files

    out: list[str] = []
    for p in papers:
        if Path(p).is_dir():
            files = record_files(p) or sorted(Path(p).glob("*.pdf"))
            if not files:
                raise InputError(f"{p}: no paper *.json files (nor PDFs) in this directory",
                                 "give PDFs, or run `paperreview parse PDF_DIR -o DIR` first "
                                 "and review DIR")
            out += [str(f) for f in files]
        else:
            out.append(str(p))
    return out


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


def write_annotated(paper: Any, rec: GeneratedReview, out: str, log: Callable[[str], None]
                    ) -> None:
    """The PDF with a highlight per verified comment (needs the paper's PDF)."""
    from .annotate import annotate_pdf

    src = Path(paper.source or "")
    if src.suffix.lower() != ".pdf" or not src.is_file():
        raise InputError(f"--annotate needs the paper's PDF; {paper.source or 'this record'} "
                         "is not one", "review the PDF itself to annotate it")
    n = annotate_pdf(src, rec, out)
    log(f"wrote {out} ({n} highlighted comment(s))")


def dry_run(papers: list[str], cfg: Any, opts: ReviewOptions, log: Callable[[str], None]) -> None:
    """Print, per paper, the calls, tokens and estimated cost of ``opts.method``; call nothing."""
    from ..llm.pricing import cost
    from .context import context_window, remove_hidden, token_counter
    from .generate import _prompt
    from .progressive import estimate
    from .templates import get_review_template

    count = token_counter(cfg.local_model)
    template = get_review_template(opts.template)
    total = {"calls": 0, "prompt_tokens": 0, "max_new_tokens": 0}
    for path in papers:
        paper = parse_paper(path)
        rec = GeneratedReview(id=paper.id, findings=[])
        final = sum(count(m["content"]) for m in _prompt(paper, rec, template, cfg, opts))
        n_final = opts.ensemble + (opts.ensemble > 1)
        if opts.method == "progressive":
            clean, _ = remove_hidden(paper)
            rows = estimate(clean, count, opts.max_tokens, final, opts.ensemble,
                            opts.related_limit if opts.related else 0)
        else:
            rows = [{"pass": "zero-shot review", "calls": n_final,
                     "prompt_tokens": final * n_final, "max_new_tokens": opts.max_tokens * n_final}]
        log(f"{path}: {opts.method}, model {cfg.local_model or cfg.model}, context "
            f"{context_window(cfg.model, cfg.local_model, cfg.max_context)} tokens")
        for r in rows:
            log(f"  {r['pass']:42} {r['calls']:4} call(s) {r['prompt_tokens']:9,} prompt tokens"
                f"  <= {r['max_new_tokens']:8,} new")
            for k in total:
                total[k] += r[k]
    usd = cost(cfg.model, total["prompt_tokens"], total["max_new_tokens"], overrides=cfg.prices)
    price = f"at most ${usd:.4f}" if usd is not None else "no price known for this model"
    log(f"total: {total['calls']} call(s), {total['prompt_tokens']:,} prompt tokens, at most "
        f"{total['max_new_tokens']:,} new tokens; {price} "
        "(nothing was sent; answers are usually far shorter than the maximum)")
