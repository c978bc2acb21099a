"""The one place the web app calls the review stage (switch the call here, nowhere else).

Both functions run inside a worker process (:mod:`paperreview.web.worker`), never in the server:
``probe`` opens an upload to count its pages, ``run_job`` turns ``JOB/paper.pdf`` into
``review.json`` (the ``GeneratedReview`` the CLI writes), ``report.md``, ``annotated.pdf`` (when a
quote is found on its page) and ``thumbs/<i>.png`` (comment ``i``'s page, passage highlighted).
A per-job API key is put in :data:`paperreview.llm.types.MEMORY_KEYS` of the worker process for
the job and removed after it: never an environment variable, a file or a journal row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import PaperReviewError
from ..io import atomic_write_text
from ..records import GeneratedReview, Paper

log = logging.getLogger("paperreview.web")
JOB_KEY_ENV = "PAPERREVIEW_JOB_KEY"  # a name in MEMORY_KEYS, never set in os.environ
MAX_THUMBS = 80


def available_options(engine: Any) -> dict[str, Any]:
    """What the page and ``GET /api/v1/options`` offer, from the server's own configuration."""
    from ..review.templates import NAMES

    venues = ["generic"]
    try:  # venue profiles arrive with the offline-check work (issue 15): generic until then
        from ..review.venues import list_venues  # type: ignore[import-not-found]

        names = {v if isinstance(v, str) else v.name for v in list_venues()}
        venues = ["generic", *sorted(names - {"generic"})]  # the first is the page's default
    except Exception as exc:  # noqa: BLE001 - optional module: any problem means "generic only"
        log.debug("no venue profiles (%s): offering 'generic' only", exc)
    configured = bool(engine is not None and engine.is_configured())
    methods = ["offline", *model_methods()]
    models = []
    if engine is not None:
        models = list(dict.fromkeys([engine.model] + [e.model for e in engine.endpoints
                                                      if e.model]))
    return {"templates": list(NAMES), "venues": venues,
            "methods": methods if configured else ["offline"],
            "models": models if configured else [], "model_configured": configured,
            "api_key_field": True}


def model_methods() -> list[str]:
    """The review stage's model methods (``ReviewOptions.method``), the default first."""
    from typing import get_args

    from ..review.generate import ReviewOptions

    field = ReviewOptions.model_fields.get("method")
    if field is None:
        return ["zero-shot"]
    names = list(get_args(field.annotation)) or [field.default]
    return [field.default] + [n for n in names if n != field.default]


def probe(pdf: str, max_pages: int) -> dict[str, Any]:
    """``{"pages": n}`` for a usable PDF, else ``{"error", "hint", "reason"}`` (parse's words)."""
    from ..parse.provider import ParseInputError, open_pdf

    try:
        doc, _ = open_pdf(pdf, max_pages=0)
    except ParseInputError as exc:
        return {"error": exc.message, "hint": exc.hint, "reason": exc.status}
    except Exception as exc:  # noqa: BLE001 - MuPDF raises many kinds; the job fails with it
        return {"error": f"{pdf}: {type(exc).__name__}: {exc}", "hint": None,
                "reason": "parser_error"}
    with doc:
        return {"pages": doc.page_count}


def engine_for(engine: dict[str, Any] | None, options: dict[str, Any], api_key: str | None,
               run_dir: str):
    """The engine config of one job (journal in ``run_dir``), or None for the offline analysis."""
    method = options.get("method") or "auto"
    if method == "offline" or (engine is None and not api_key):
        return None
    from ..llm.types import EngineConfig

    cfg = EngineConfig.model_validate({**(engine or {}), "run_dir": run_dir})
    update: dict[str, Any] = {}
    if options.get("model"):
        update["model"] = options["model"]
    if api_key:  # this job's own key, found by name in MEMORY_KEYS only
        update |= {"api_key_env": JOB_KEY_ENV, "endpoints": [], "keys_file": None}
    cfg = cfg.model_copy(update=update) if update else cfg
    if api_key or cfg.is_configured():
        return cfg
    if method != "auto":
        raise PaperReviewError("this server has no model backend configured",
                               "choose the offline method, or paste an API key for this job")
    return None


def run_job(job_dir: Path, filename: str, options: dict[str, Any], engine: dict | None,
            api_key: str | None, max_pages: int, progress: Callable[..., None],
            run_dir: str = "runs/llm") -> dict:
    """Review ``job_dir/paper.pdf``; raises PaperReviewError with parse's message on bad PDFs."""
    from ..llm.types import MEMORY_KEYS
    from ..review.annotate import annotate_pdf, comments_of
    from ..review.generate import review_paper
    from ..review.render import to_markdown

    pdf = job_dir / "paper.pdf"
    paper = _parse(pdf, job_dir / "paper.json", filename, max_pages, progress)
    cfg = engine_for(engine, options, api_key, run_dir)
    progress(stage="checks", message="running the offline checks")
    if cfg is not None:
        progress(stage="model", message=f"asking {cfg.model} for a review")
        if api_key:
            MEMORY_KEYS[JOB_KEY_ENV] = api_key
    try:
        rec = review_paper(paper, cfg, _review_options(options),
                           log=lambda s: progress(stage="model", message=s))
    finally:
        MEMORY_KEYS.pop(JOB_KEY_ENV, None)
    rec.source = filename
    venue = options.get("venue") or "generic"
    rec.metadata["venue"] = venue
    if venue != "generic":  # the venue profile's checks replace the generic checklist
        progress(stage="checks", message=f"checking against the {venue} profile")
        rec.findings = venue_findings(pdf, venue)
        rec.comments = [c for c in rec.comments if c.source != "checklist"]
        rec.comments = _checklist_comments(paper, rec) + rec.comments
    progress(stage="render", message="writing the report and page images")
    rec.comments = comments_of(rec, pdf)
    (job_dir / "thumbs").mkdir(exist_ok=True)
    for i, c in enumerate(rec.comments[:MAX_THUMBS]):
        if c.verified and c.evidence.page:
            (job_dir / "thumbs" / f"{i}.png").write_bytes(
                page_image(pdf, c.evidence.page, c.evidence.quote or ""))
    atomic_write_text(job_dir / "review.json", rec.model_dump_json(indent=2))
    atomic_write_text(job_dir / "report.md", to_markdown(rec))
    if annotate_pdf(pdf, rec, job_dir / "annotated.tmp.pdf"):
        (job_dir / "annotated.tmp.pdf").replace(job_dir / "annotated.pdf")
    else:
        (job_dir / "annotated.tmp.pdf").unlink(missing_ok=True)
    return {"status": rec.status, "comments": len(rec.comments)}


def page_image(pdf: Path, page: int, quote: str, width: int = 700) -> bytes:
    """PNG of 1-based ``page`` with ``quote`` boxed and filled, bold enough to find at a
    thumbnail's size."""
    import pymupdf

    from ..review.annotate import quote_rects

    with pymupdf.open(pdf) as doc:
        pg = doc[page - 1]
        for r in quote_rects(doc, page, quote):
            pg.draw_rect(r + (-3, -2, 3, 2), color=(0.9, 0.3, 0.0), width=3, fill=(1.0, 0.8, 0.0),
                         fill_opacity=0.45, overlay=True)
        zoom = width / pg.rect.width
        return pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom)).tobytes("png")


def _review_options(options: dict[str, Any]) -> Any:
    from ..review.generate import ReviewOptions

    kw = {"template": options.get("template") or "stanford"}
    if "method" in ReviewOptions.model_fields and options.get("method") in model_methods():
        kw["method"] = options["method"]
    return ReviewOptions(**kw)


def _checklist_comments(paper: Paper, rec: GeneratedReview) -> list:
    try:
        from ..review.generate import checklist_comments
    except ImportError:  # before the review stage made comments itself
        from ..review.annotate import comment_of_finding

        return [comment_of_finding(f, i) for i, f in enumerate(rec.findings)]
    return checklist_comments(paper, rec.findings)


def venue_findings(pdf: Path, venue: str) -> list:
    """The checklist findings of ``pdf`` under a venue profile (offered only where the check
    stage has venue profiles, so this import exists whenever a venue other than generic is
    accepted)."""
    from ..review.check import CheckOptions, check_one

    got = check_one(pdf, CheckOptions(venue=venue))
    if got.status == "failed":
        raise PaperReviewError(got.error or "the venue checks failed")
    return got.findings


def _parse(pdf: Path, out: Path, filename: str, max_pages: int,
           progress: Callable[..., None]) -> Paper:
    """Parse once per job (a resumed job reuses ``paper.json``); errors name the upload."""
    if out.exists():
        return Paper.model_validate(json.loads(out.read_text(encoding="utf-8")))
    from ..parse import parse_pdf

    progress(stage="parse", message="reading the PDF")
    try:
        paper = parse_pdf(pdf, max_pages)
    except PaperReviewError as exc:
        raise PaperReviewError(exc.message.replace(str(pdf), filename), exc.hint) from None
    atomic_write_text(out, paper.model_dump_json())
    return paper


def load_review(job_dir: Path) -> GeneratedReview | None:
    p = job_dir / "review.json"
    if not p.exists():
        return None
    return GeneratedReview.model_validate(json.loads(p.read_text(encoding="utf-8")))
