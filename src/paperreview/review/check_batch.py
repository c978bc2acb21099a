"""The batch for program chairs: ``check_one`` over many PDFs, in worker processes, appended to
one CSV/JSONL per paper (resumable), a Markdown report, and a summary table by rule.

A failed PDF is a row with its error; a rerun skips every source already in the output (delete
its rows to check it again). ``summary.json`` is written beside the output.

>>> from paperreview.review.check import CheckOptions            # doctest: +SKIP
>>> run_batch(["submissions/"], "report.csv", "csv", CheckOptions(venue="acl"), workers=4)  # doctest: +SKIP
0
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ..records import GeneratedReview
from ..stage import Summary, progress, timed
from .check import SEVERITY_ORDER, CheckOptions, check_one

COLUMNS = ["source", "status", "venue", "rule", "severity", "page", "section", "message", "quote",
           "error"]
SEVERITIES = ("info", "minor", "major", "critical")


def csv_rows(rec: GeneratedReview) -> list[dict]:
    """One row per finding; a paper with none (or a failed one) is one row with an empty rule."""
    base = {"source": rec.source, "status": rec.status, "venue": rec.metadata.get("venue", ""),
            "error": rec.error or ""}
    if not rec.findings:
        return [{**base, "rule": "", "severity": "", "page": "", "section": "", "message": "",
                 "quote": ""}]
    return [{**base, "rule": f.rule, "severity": f.severity, "page": f.evidence.page or "",
             "section": f.evidence.section or "", "message": f.message,
             "quote": f.evidence.quote or ""} for f in rec.findings]


def done_sources(output: Path, fmt: str) -> set[str]:
    if not output.is_file():
        return set()
    if fmt == "csv":
        with output.open(newline="", encoding="utf-8") as fh:
            return {row["source"] for row in csv.DictReader(fh) if row.get("source")}
    from ..io import read_jsonl

    return {str(r.get("source")) for r in read_jsonl(output, skip_bad=True)}


def _records(paths: list[Path], options: CheckOptions, workers: int,
             executor: Any = None, shard_dir: str | None = None) -> Iterator[GeneratedReview]:
    if executor is not None:  # Ray tasks over resumable shards (paperreview.executors)
        import tempfile

        from ..executors import run_sharded
        from ..executors.stages import check_row, failed_review

        tasks = [(str(p), options.model_dump(mode="json")) for p in paths]
        crashed = partial(failed_review, reason="worker_crashed", metadata={"mode": "check"})
        with tempfile.TemporaryDirectory() as tmp:
            for row in run_sharded(check_row, tasks, shard_dir or tmp, executor, crashed):
                yield GeneratedReview.model_validate(row)
        return
    fn = partial(check_one, options=options)
    if workers <= 1 or len(paths) == 1:
        yield from map(fn, paths)
        return
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(workers, maxtasksperchild=200) as pool:
        yield from pool.imap_unordered(fn, paths, chunksize=1)


def to_markdown_report(recs: list[GeneratedReview], table: str) -> str:
    out = ["# paperreview check", "", table, ""]
    for r in sorted(recs, key=lambda r: r.source):
        out.append(f"## {r.source}")
        if r.status == "failed":
            out += ["", f"**failed**: {r.error}", ""]
            continue
        if not r.findings:
            out += ["", "No findings.", ""]
            continue
        out.append("")
        for f in r.findings:
            where = ", ".join(x for x in (f"p. {f.evidence.page}" if f.evidence.page else "",
                                          f.evidence.section or "") if x)
            out.append(f"- **{f.severity}** `{f.rule}`: {f.message}"
                       + (f" ({where})" if where else "")
                       + (f"\n  > {f.evidence.quote}" if f.evidence.quote else ""))
        out.append("")
    return "\n".join(out)


def rule_table(recs: Iterable[GeneratedReview]) -> tuple[str, dict]:
    """Markdown table: rule, papers with a finding, findings by severity."""
    return _table([[(f.rule, f.severity) for f in r.findings] for r in recs])


def _table(per_paper: Iterable[list[tuple[str, str]]]) -> tuple[str, dict]:
    """:func:`rule_table` from each paper's (rule, severity) pairs: a batch of a million papers
    keeps these, not its records."""
    papers: Counter = Counter()
    sev: dict[str, Counter] = {}
    for pairs in per_paper:
        for rule in {rule for rule, _ in pairs}:
            papers[rule] += 1
        for rule, severity in pairs:
            sev.setdefault(rule, Counter())[severity] += 1
    order = sorted(papers, key=lambda k: (min(SEVERITY_ORDER[s] for s in sev[k]), -papers[k]))
    lines = ["| rule | papers | critical | major | minor | info |", "|---|---:|---:|---:|---:|---:|"]
    for k in order:
        c = sev[k]
        lines.append(f"| {k} | {papers[k]} | {c['critical']} | {c['major']} | {c['minor']} | "
                     f"{c['info']} |")
    return "\n".join(lines), {k: {"papers": papers[k], **dict(sev[k])} for k in order}


def run_batch(inputs: list[str], output: str | None, fmt: str, options: CheckOptions,
              workers: int = 1, fail_on: str | None = None, executor: Any = None) -> int:
    """Check every PDF under ``inputs``; returns the exit status (0 ok, 1 a PDF failed or a
    finding reached ``fail_on``)."""
    from ..executors.stages import expand_inputs
    from ..parse.batch import collect_inputs

    paths = expand_inputs(inputs, collect_inputs, executor)  # URLs: read by Ray workers
    out = Path(output) if output else None
    resumable = out is not None and fmt in ("csv", "jsonl")
    done = done_sources(out, fmt) if resumable else set()
    todo = [p for p in paths if str(p) not in done]
    summary = Summary(stage="check")
    summary.skipped = len(paths) - len(todo)
    recs: list[GeneratedReview] = []  # kept for the md/json report only
    pairs: list[list[tuple[str, str]]] = []  # one per paper
    fh = None
    if out is not None and fmt in ("csv", "jsonl"):
        out.parent.mkdir(parents=True, exist_ok=True)
        new = not out.exists() or out.stat().st_size == 0
        fh = out.open("a", encoding="utf-8", newline="")
    writer = csv.DictWriter(fh or sys.stdout, COLUMNS) if fmt == "csv" else None
    if writer and (fh is None or new):
        writer.writeheader()
    hit = False
    try:
        with timed(summary):
            shard_dir = str(out) + ".shards" if out is not None else None
            recs_in = _records(todo, options, workers, executor, shard_dir)
            for rec in progress(recs_in, total=len(todo), desc="check"):
                pairs.append([(f.rule, f.severity) for f in rec.findings])
                if fmt in ("md", "json"):
                    recs.append(rec)
                summary.count("ok" if rec.status == "ok" else "failed",
                              rec.metadata.get("reason") if rec.status == "failed" else None)
                if fail_on and any(SEVERITIES.index(f.severity) >= SEVERITIES.index(fail_on)
                                   for f in rec.findings):
                    hit = True
                if writer:
                    writer.writerows(csv_rows(rec))
                elif fmt == "jsonl":
                    (fh or sys.stdout).write(json.dumps(rec.model_dump(mode="json"),
                                                        ensure_ascii=False) + "\n")
                if fh:
                    fh.flush()
    finally:
        if fh:
            fh.close()
    table, by_rule = _table(pairs)
    summary.extra = {"venue": options.venue, "camera_ready": options.camera_ready,
                     "by_rule": by_rule,
                     "pdfs_per_second": round(len(pairs) / summary.seconds, 3)
                     if summary.seconds else None}
    if fmt in ("md", "json"):
        text = to_markdown_report(recs, table) if fmt == "md" else json.dumps(
            [r.model_dump(mode="json") for r in recs], ensure_ascii=False, indent=1)
        if out is not None:
            from ..io import atomic_write_text

            atomic_write_text(out, text)
        else:
            sys.stdout.write(text + "\n")
    if out is not None:
        summary.outputs = {fmt: str(out)}
        summary.write(out.parent / "summary.json")
    _print_table(table, summary)
    return 1 if (summary.failed or hit) else 0


def _print_table(table: str, summary: Summary) -> None:
    buf = io.StringIO()
    buf.write(f"checked {summary.ok} ok, {summary.failed} failed, {summary.skipped} already "
              f"done ({summary.seconds:.1f}s)\n")
    for k, v in sorted(summary.reasons.items(), key=lambda kv: -kv[1]):
        buf.write(f"  {k}: {v}\n")
    if table.count("\n") > 1:
        buf.write(table + "\n")
    sys.stderr.write(buf.getvalue())
