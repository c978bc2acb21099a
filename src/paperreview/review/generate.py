"""``review_paper``: parse -> checklist -> fit to context -> prompt -> LLM -> validated review.

Every review carries the offline checklist findings and the hidden text found in the PDF. With
no backend configured the review *is* the offline analysis (``status="skipped"``, no LLM text);
with one, the model's answer is validated against the template, grounded against the paper and
added. A failed LLM step never loses the offline analysis: the record gets ``status="failed"``
and an ``error`` saying what failed.

>>> from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf   # doctest: +SKIP
>>> rec = review_pdf("paper.pdf", EngineConfig(base_url="http://127.0.0.1:8000/v1"),
...                  ReviewOptions(template="neurips", ensemble=3))   # doctest: +SKIP
>>> rec.review["overall"], [f.rule for f in rec.findings]            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..errors import InputError
from ..records import GeneratedReview, Paper
from .check import check_paper
from .context import context_window, fit_for_prompt, remove_hidden, token_counter
from .ensemble import REFLECT_TOKENS, merge_reviews, reflect
from .grounding import check_grounding
from .pages import drop_found_floats, fill_pages
from .templates import ReviewFormatError, ReviewTemplate, decision_of, get_review_template

HOW_TO_ADD_LLM = ("No LLM backend is configured, so this review is the offline checklist "
                  "analysis only. For a full review set OPENAI_API_KEY (OpenAI), or "
                  "PAPERREVIEW_BASE_URL / --base-url (any OpenAI-compatible server: vLLM, "
                  "llama.cpp, Ollama), or pass --local-model DIR (a local Hugging Face model).")


class ReviewOptions(BaseModel):
    """What to ask for. ``temperature=None``: 0 for one review, 0.7 for an ensemble."""

    template: str = "stanford"
    ensemble: int = Field(1, ge=1, le=16)
    reflections: int = Field(0, ge=0, le=5)
    max_tokens: int = Field(2048, ge=16)
    temperature: float | None = None
    checklist_notes: bool = True  # give the checklist findings to prompted models as hints
    rules: list[str] | None = None
    # progressive: section passes + cross-checks + verification + precision, then the form;
    # zero-shot: one prompt in the chosen form (the 2023 Stanford / AI Scientist way)
    method: Literal["progressive", "zero-shot"] = "progressive"
    calibration: str | None = None  # a file from `evaluate calibrate`: rating on the venue's scale
    # related work for the novelty pass (progressive): searched on the paper's title
    related: Literal["arxiv", "semantic-scholar"] | None = None
    related_limit: int = Field(5, ge=1, le=20)


def parse_paper(path: str | Path) -> Paper:
    """Parse a PDF (or a parsed-paper JSON) with the parse stage; its errors pass through."""
    p = Path(path)
    if p.suffix.lower() == ".json" and p.is_file():
        from ..parse.science_parse import load_paper_json  # a Paper record or science-parse JSON

        return load_paper_json(p)
    from ..parse import parse_pdf

    return parse_pdf(p)


def review_pdf(path: str | Path, config: Any | None, options: ReviewOptions | None = None,
               log: Callable[[str], None] = lambda s: None) -> GeneratedReview:
    return review_paper(parse_paper(path), config, options, log=log)


def offline_review(paper: Paper, options: ReviewOptions) -> GeneratedReview:
    """The checklist analysis of ``paper`` as a review record (``status="skipped"``)."""
    findings = check_paper(paper, options.rules)
    if paper.source.lower().endswith(".pdf"):
        findings = drop_found_floats(paper.source, findings)
        fill_pages(paper.source, findings)
    return GeneratedReview(
        id=paper.id, paper_id=paper.id, source=paper.source, template=options.template,
        status="skipped", findings=findings,
        comments=checklist_comments(paper, findings) + screen_comments(paper),
        hidden_text=paper.hidden_text,
        metadata={"mode": "offline", "note": HOW_TO_ADD_LLM, "title": paper.title})


def _related(paper: Paper, options: ReviewOptions, cfg: Any, rec: GeneratedReview,
             log: Callable[[str], None]) -> list:
    """``--related``: the top works from arXiv / Semantic Scholar, cached in the LLM run dir."""
    if not options.related:
        return []
    from .related import find_related

    log(f"[progressive] searching {options.related} for related work")
    works = find_related(paper, options.related, cfg.run_dir, options.related_limit)
    rec.metadata["related"] = {"source": options.related,
                               "works": [w.model_dump() for w in works]}
    log(f"[progressive] {len(works)} related work(s) for the novelty pass")
    return works


def screen_comments(paper: Paper) -> list:
    """Visible sentences addressed to LLM reviewers (:mod:`.screen`), page located."""
    from .screen import visible_instructions
    from .verify import PaperIndex

    comments = visible_instructions(remove_hidden(paper)[0])  # hidden text is reported apart
    if comments:
        index = PaperIndex.from_paper(paper)
        for c in comments:
            m = index.find(c.evidence.quote)
            c.verified = m.ok
            c.evidence.page = m.page if m.ok else None
    return comments


def checklist_comments(paper: Paper, findings: list) -> list:
    """The checklist findings as comments (``source="checklist"``), each quote verified."""
    from .annotate import comment_of_finding
    from .verify import PaperIndex

    comments = [comment_of_finding(f, i) for i, f in enumerate(findings)]
    if any(c.evidence.quote for c in comments):
        index = PaperIndex.from_paper(paper)
        for c in comments:
            m = index.find(c.evidence.quote)
            c.verified = m.ok
            if m.ok and c.evidence.page is None:
                c.evidence.page = m.page
    return comments


def review_paper(paper: Paper, config: Any | None, options: ReviewOptions | None = None,
                 engine: Any | None = None, log: Callable[[str], None] = lambda s: None
                 ) -> GeneratedReview:
    """Review ``paper`` with the engine ``config`` (``EngineConfig``; None = offline only)."""
    options = options or ReviewOptions()
    template = get_review_template(options.template)  # bad names fail before any work
    calibration = None
    if options.calibration:  # a bad file fails before any work too
        from ..evaluate.calibrate import Calibration

        calibration = Calibration.load(options.calibration)
    rec = offline_review(paper, options)
    if engine is None and (config is None or not config.is_configured()):
        return rec
    from ..llm import Engine

    cfg = config if config is not None else engine.config
    rec.model = cfg.model if not cfg.local_model else f"{cfg.local_model}" + (
        f"+{cfg.adapter}" if cfg.adapter else "")
    rec.metadata = {"mode": "llm", "title": paper.title, "backend": "transformers" if cfg.local_model else cfg.backend,
                    "template_version": template.prompt_version, "errors": []}
    rec.metadata["method"] = options.method
    own = engine is None
    engine = engine or Engine(cfg)
    try:
        extra = ""
        if options.method == "progressive":
            from .context import remove_hidden
            from .progressive import final_notes, run_progressive

            clean, _ = remove_hidden(paper)  # hidden text never reaches the model
            related = _related(clean, options, cfg, rec, log)
            llm_comments = run_progressive(engine, clean, rec, log, options.max_tokens,
                                           related, options.related or "")
            rec.comments += llm_comments
            extra = final_notes(llm_comments)
            log("[progressive] writing the review from the verified comments")
        try:
            messages = _prompt(paper, rec, template, cfg, options, extra)
        except InputError as exc:
            return _failed(rec, f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
        rec = _run_llm(engine, paper, rec, template, messages, options, log)
        if calibration is not None and rec.rating is not None:
            value, low, high = calibration.apply(rec.rating)
            rec.metadata["calibrated_rating"] = {"raw": rec.rating, "value": value, "low": low,
                                                 "high": high, "venue": calibration.venue}
            log(f"rating {rec.rating:g} (raw) -> {value:g} on {calibration.venue}'s human scale "
                f"[{low:g}, {high:g}]")
        return rec
    finally:
        if own:
            engine.close()


def _prompt(paper: Paper, rec: GeneratedReview, template: ReviewTemplate, cfg: Any,
            options: ReviewOptions, extra_notes: str = "") -> list[dict]:
    """The messages of one review, with the paper fitted into the model's context."""
    clean, cut = remove_hidden(paper)
    notes = _notes(rec) if options.checklist_notes and template.kind == "json" else ""
    if template.kind == "json":
        notes += extra_notes
    count = token_counter(cfg.local_model)
    context = context_window(cfg.model, cfg.local_model, cfg.max_context,
                             getattr(cfg, "adapter", None))
    overhead = sum(count(m["content"]) + 4 for m in template.messages("", notes))
    if template.kind == "json":  # backends without response_format get the schema in the prompt
        from ..llm.structured import schema_instruction

        overhead += count(schema_instruction(template.schema))
    if options.reflections:  # a critique round resends the answer plus the critique request
        overhead += options.max_tokens + REFLECT_TOKENS
    fitted = fit_for_prompt(clean, overhead, options.max_tokens, context, count)
    rec.metadata.update({
        "hidden_text_excluded": len(paper.hidden_text), "hidden_text_cut_from_body": cut,
        "context": context, "paper_tokens": fitted.n_tokens, "truncated": fitted.truncated})
    return template.messages(fitted.text, notes)


def _notes(rec: GeneratedReview) -> str:
    rows = [f"- {f.message}" for f in rec.findings if f.rule != "hidden-text"]
    if not rows:
        return ""
    return ("\nAn automatic checklist (which can be wrong: verify each against the paper before "
            "using it) noted:\n" + "\n".join(rows) + "\n")


def _failed(rec: GeneratedReview, error: str) -> GeneratedReview:
    rec.status, rec.error = "failed", error
    return rec


def _run_llm(engine: Any, paper: Paper, rec: GeneratedReview, template: ReviewTemplate,
             messages: list[dict], options: ReviewOptions, log: Callable[[str], None]
             ) -> GeneratedReview:
    from ..llm import Request

    n = options.ensemble
    temp = options.temperature if options.temperature is not None else (0.7 if n > 1 else 0.0)
    # one request per ensemble member (never n>1: many OpenAI-compatible servers and structured
    # output modes reject or ignore it); the member index in prompt_version gives each its own
    # job key, so members are cached and resumed one by one
    reqs = [Request(messages=messages, schema=template.schema if template.kind == "json" else None,
                    temperature=temp, max_tokens=options.max_tokens,
                    prompt_version=template.prompt_version + (f"#member{i}" if n > 1 else ""),
                    custom_id=f"{paper.id}:member{i}") for i in range(n)]
    log(f"asking {rec.model} for {n} review(s) ({template.name})")
    members: list[dict] = []
    contents: list[str] = []
    for res in engine.run(reqs, progress=False):
        review, err = read_answer(template, res)
        add_usage(rec, res)
        if err:  # "member2: ..." in an ensemble; the paper id (a hash) says nothing to a reader
            who = (res.custom_id or "").rpartition(":")[2]
            rec.metadata["errors"].append(f"{who}: {err}" if n > 1 else err)
            continue
        members.append(review)
        contents.append(res.content)
    if not members:
        errs = rec.metadata["errors"]
        more = f" (and {len(errs) - 1} more failed answer(s))" if len(errs) > 1 else ""
        return _failed(rec, f"the model's answer failed: {errs[0]}{more}")
    if options.reflections:
        log(f"{options.reflections} round(s) of self-critique")
        members = reflect(engine, template, paper, messages, contents, members,
                          options.reflections, rec, options.max_tokens)
    if len(members) > 1:
        log(f"merging {len(members)} reviews into a meta-review")
        review = merge_reviews(engine, template, members, rec, options.max_tokens)
        rec.metadata["members"] = members
    else:
        review = members[0]
    return _finish(rec, template, paper, review)


def read_answer(template: ReviewTemplate, res: Any) -> tuple[dict | None, str | None]:
    if not res.ok:
        raw = f" (raw answer: {res.content[:200]!r})" if res.content else ""
        reason = res.reason or "failed"
        error = str(res.error or "").removeprefix(f"{reason}: ")
        return None, f"{reason}: {error}{raw}"
    try:
        return template.parse(res.parsed, res.content), None
    except ReviewFormatError as exc:
        return None, f"{exc} (raw answer: {res.content[:200]!r})"


def add_usage(rec: GeneratedReview, res: Any) -> None:
    u = rec.metadata.setdefault("usage", {})
    for k, v in (res.usage or {}).items():
        if isinstance(v, int | float):
            u[k] = u.get(k, 0) + v


def review_points(template: ReviewTemplate, review: dict) -> list[str]:
    """Every point of a review as one line of text ("title: detail (where)")."""
    out = []
    for key in template.point_keys():
        for p in review.get(key) or []:
            where = f" ({p['where']})" if p.get("where") else ""
            out.append(f"{p.get('title', '')}: {p.get('detail', '')}{where}".strip(": "))
    for key in ("summary", "limitations"):
        if isinstance(review.get(key), str) and review[key]:
            out.append(review[key])
    return out


def _finish(rec: GeneratedReview, template: ReviewTemplate, paper: Paper, review: dict
            ) -> GeneratedReview:
    from .render import review_text

    rec.review = review
    rec.status = "ok"
    rec.grounding = check_grounding(review_points(template, review), paper)
    rec.metadata["not_found"] = sum(not g.found for g in rec.grounding)
    scores = template.scores(review)
    rating = scores.get("overall", scores.get("rating"))  # neurips / sea
    if rating is not None:
        rec.rating = rating
    rec.decision = decision_of(review.get("decision")) or rec.decision
    rec.text = review_text(template, review)
    return rec
