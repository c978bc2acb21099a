"""The aggregate stage: Submission JSONL -> one merged review per paper -> ``aggregated.jsonl``.

Reads ``submissions`` (``Submission`` records from ``paperreview reviews``), asks the model
through the LLM engine to merge each paper's reviews with a template, and appends one
``AggregatedReview`` row per submission to ``OUT_DIR/aggregated.jsonl``: ``ok`` with the review
JSON and its bracket text, ``skipped`` (no reviews; dropped by the long-tail filter) or
``failed`` (an answer that failed the schema after the engine's repair and re-asks, kept in
``raw``; a backend error). Also writes ``summary.json`` (counts by reason) and ``config.json``.

A rerun with the same OUT_DIR continues where it stopped: written rows are kept (failed ones are
redone with ``retry_failed``), the filter is re-applied to them, and answers already paid for
come from the engine's journal (``OUT_DIR/llm/journal.sqlite`` unless ``engine.run_dir`` is set).

>>> from paperreview.llm import EngineConfig
>>> cfg = AggregateConfig(submissions="subs.jsonl", out_dir="out", template="four-aspect",
...                       engine=EngineConfig(base_url="http://127.0.0.1:8000/v1", model="m"))
>>> run(cfg).print()                                                      # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import AliasChoices, Field, ValidationError

from ..config import StageConfig, save_resolved
from ..errors import ConfigError
from ..io import BadLine, JsonlWriter, iter_jsonl, read_jsonl, resolve_input, write_jsonl
from ..llm import Engine, EngineConfig, Request, Result
from ..records import AggregatedReview, Submission
from ..stage import Summary, timed
from .bracket import to_bracket
from .filter import LongTailFilter
from .templates import Template, get_template


class AggregateConfig(StageConfig):
    submissions: str
    out_dir: str
    template: str = "four-aspect"
    # the merged review's shortest bracket text (flag --min-merged-tokens)
    min_tokens: int | None = Field(None, ge=0, validation_alias=AliasChoices(
        "min_tokens", "min_merged_tokens"))
    require_aspects: list[str] = Field(default_factory=list)
    tokenizer: str | None = None  # count --min-tokens with this HF tokenizer (default: offline)
    temperature: float = 0.0
    # cap on the merged review's length (flag --max-new-tokens)
    max_tokens: int = Field(4096, ge=1, validation_alias=AliasChoices("max_tokens",
                                                                       "max_new_tokens"))
    limit: int | None = Field(None, ge=1)  # only the first N submissions (trial runs)
    engine: EngineConfig = Field(default_factory=EngineConfig)


def run(config: AggregateConfig, progress: bool = True) -> Summary:
    """Aggregate every submission of ``config.submissions``; return the run summary."""
    template = get_template(config.template)
    counter = None
    if config.tokenizer:
        from ..dataset.tokens import load_tokenizer

        tok = load_tokenizer(config.tokenizer)

        def counter(text: str) -> int:
            return len(tok(text, add_special_tokens=False)["input_ids"])
    filt = LongTailFilter(template, config.min_tokens, config.require_aspects, counter)
    engine_cfg = config.engine
    if "run_dir" not in engine_cfg.model_fields_set and not os.environ.get("PAPERREVIEW_RUN_DIR"):
        engine_cfg = engine_cfg.model_copy(update={"run_dir": str(Path(config.out_dir) / "llm")})
    if not engine_cfg.is_configured():
        raise ConfigError("no model is configured for aggregation",
                          "pass --base-url (any OpenAI-compatible server) or set OPENAI_API_KEY, "
                          "or use --local-model")
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_resolved(config.model_copy(update={"engine": engine_cfg}), out)
    summary = Summary(stage="aggregate")
    rows_path = out / "aggregated.jsonl"
    with timed(summary):
        done = _prepare_existing(rows_path, template, filt, engine_cfg.retry_failed, summary)
        # rows are flushed but not fsynced: the engine's journal already holds every paid answer
        # durably, and a row lost to a power cut is rebuilt from it on the next run at no cost
        with Engine(engine_cfg) as engine, JsonlWriter(rows_path, fsync=False) as writer:
            stage = _Run(template, filt, config, engine_cfg.model, writer, summary)
            requests = stage.requests(_submissions(config.submissions, config.limit), done)
            for result in engine.run(requests, progress=progress):
                stage.finish(result)
    summary.outputs = {"aggregated": str(rows_path), "summary": str(out / "summary.json")}
    summary.extra |= {"template": template.name, "template_version": template.version,
                      "prompt_version": template.prompt_version, "model": engine_cfg.model}
    summary.write(out / "summary.json")
    return summary


def _submissions(path: str, limit: int | None) -> Iterator[Submission | AggregatedReview]:
    """Submissions in file order, streamed; a line that is not JSON or not a valid Submission
    becomes a failed row naming ``path:line`` (the run goes on). A cut-off last line is skipped."""
    hint = ("give a Submission JSONL, e.g. the submissions.jsonl of `paperreview reviews "
            "import-peerread` or `fetch`")
    path = str(resolve_input(path, ["submissions.jsonl"], "submissions", hint))
    for n, item in enumerate(iter_jsonl(path, Submission, missing_hint=hint), 1):
        if limit is not None and n > limit:
            return
        if isinstance(item, BadLine):
            yield _bad_line((item.obj or {}).get("id") or item.where, item.error, item.where)
        else:
            yield item


def _bad_line(row_id: object, error: str, where: str) -> AggregatedReview:
    return AggregatedReview(id=str(row_id), template="", template_version="", status="failed",
                            error=error, metadata={"reason": "bad input", "where": where})


def _prepare_existing(path: Path, template: Template, filt: LongTailFilter, retry_failed: bool,
                      summary: Summary) -> set[str]:
    """Keep the rows of an earlier run (re-filtered); return the ids not to redo."""
    if not path.exists():
        return set()
    rows = []
    for n, obj in enumerate(read_jsonl(path, skip_bad=True), 1):
        try:
            row = AggregatedReview.model_validate(obj)
        except ValidationError:
            raise ConfigError(f"{path}: line {n} is not an aggregate row",
                              "give an OUT_DIR of its own to `paperreview aggregate`") from None
        made_by = (row.template, row.template_version)
        if row.template and made_by != (template.name, template.version):
            raise ConfigError(f"{path} holds reviews merged with template {'@'.join(made_by)}, "
                              f"not {template.name}@{template.version}",
                              "use another --out-dir for another template or version")
        rows.append(row)
    kept = [filt.apply(r) for r in rows if not (retry_failed and r.status == "failed")]
    lines = sum(1 for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip())
    if kept != rows or lines != len(rows):  # also drops a line cut short by a killed run
        write_jsonl(path, kept)  # atomic: a crash here leaves the old file
    for r in kept:
        summary.count(r.status, _reason(r))
    summary.extra["resumed"] = len(kept)
    return {r.id for r in kept}


def _reason(row: AggregatedReview) -> str | None:
    if row.status == "ok":
        return None
    if "filtered" in row.metadata:
        return str(row.metadata["filtered"])
    return str(row.metadata.get("reason") or "error")


class _Run:
    """Turns submissions into requests and results into rows, writing each row as it comes."""

    def __init__(self, template: Template, filt: LongTailFilter, config: AggregateConfig,
                 model: str, writer: JsonlWriter, summary: Summary):
        self.t, self.filt, self.config, self.model = template, filt, config, model
        self.writer, self.summary = writer, summary
        self.pending: dict[str, tuple[Submission, dict[str, str]]] = {}

    def write(self, row: AggregatedReview) -> None:
        self.writer.write(row)
        self.summary.count(row.status, _reason(row))

    def base_row(self, sub: Submission, **fields) -> AggregatedReview:
        meta = {"forum": sub.forum, "venue": sub.venue, "title": sub.title,
                "prompt_version": self.t.prompt_version, **fields.pop("metadata", {})}
        return AggregatedReview(
            id=sub.id, paper_id=sub.paper_id, template=self.t.name,
            template_version=self.t.version, model=self.model,
            reviewer_ids=[r.id for r in self.t.reviewer_labels(sub).values()],
            metadata=meta, **fields)

    def requests(self, items: Iterator[Submission | AggregatedReview], done: set[str]
                 ) -> Iterator[Request]:
        seen = set(done)
        for sub in items:
            if isinstance(sub, AggregatedReview):  # an invalid input line: a failed row
                if sub.id not in seen:
                    self.writer.write(sub)
                    self.summary.fail_row(sub.metadata["where"], sub.error or "", "bad input")
                seen.add(sub.id)
                continue
            if sub.id in seen:
                if sub.id not in done:  # the same id twice in the input: the first one counts
                    self.summary.extra["duplicate_ids"] = self.summary.extra.get(
                        "duplicate_ids", 0) + 1
                continue
            seen.add(sub.id)
            labels = self.t.reviewer_labels(sub)
            if not labels:
                self.write(self.base_row(sub, status="skipped", error="the submission has no "
                                         "reviews with text", metadata={"reason": "no reviews"}))
                continue
            self.pending[sub.id] = (sub, {k: r.id for k, r in labels.items()})
            yield Request(messages=self.t.messages(sub), schema=self.t.schema,
                          temperature=self.config.temperature, max_tokens=self.config.max_tokens,
                          prompt_version=self.t.prompt_version, custom_id=sub.id)

    def finish(self, result: Result) -> None:
        sub, labels = self.pending.pop(result.custom_id)
        meta = {"usage": result.usage, "attempts": result.attempts, "cached": result.cached}
        if result.reason == "batch_pending":  # no row: the next run collects the batch's answer
            self.summary.extra["batch_pending"] = self.summary.extra.get("batch_pending", 0) + 1
            return
        if result.status != "ok" or result.parsed is None:
            reason = result.reason or "error"
            self.write(self.base_row(sub, status="failed", job_key=result.job_key,
                                     error=result.error or "no valid answer", raw=result.content,
                                     metadata={**meta, "reason": reason}))
            return
        review, unknown = map_reviewers(result.parsed, self.t, labels)
        if unknown:
            meta["unknown_reviewers"] = unknown
        row = self.base_row(sub, status="ok", review=review, job_key=result.job_key,
                            text=to_bracket(review, self.t, raised_by=False), metadata=meta)
        self.write(self.filt.apply(row))


def map_reviewers(review: dict, template: Template, labels: dict[str, str]
                  ) -> tuple[dict, list[str]]:
    """Replace the prompt's reviewer labels ("R1") in ``raised_by`` with the review ids.

    Labels the prompt never used are kept as written and returned, so they can be audited.
    """
    out = json.loads(json.dumps(review))
    unknown: list[str] = []
    for a in template.point_aspects:
        for point in out.get(a.key) or []:
            ids = []
            for label in point.get("raised_by", []):
                rid = labels.get(label.strip()) or labels.get(label.strip().upper())
                if rid is None and label not in unknown:
                    unknown.append(label)
                ids.append(rid or label)
            point["raised_by"] = list(dict.fromkeys(ids))
    return out, unknown
