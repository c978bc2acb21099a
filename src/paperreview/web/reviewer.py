"""The one place the web app calls the review stage: parse in a worker process, review, render.

``run_job`` turns a stored upload into ``review.json`` (the ``GeneratedReview`` the CLI writes),
``report.md`` and, when any quote is found on its page, ``annotated.pdf``. Parsing runs in a
separate process with the parse stage's time limit, so a PDF that hangs or crashes MuPDF fails
its job and nothing else. A per-job API key lives in :data:`paperreview.llm.types.MEMORY_KEYS`
for the duration of the job only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import PaperReviewError
from ..io import atomic_write_text
from ..records import GeneratedReview, Paper


def available_options(engine_cfg: Any) -> dict[str, Any]:
    """What the page and ``GET /api/v1/options`` offer, from the server's own configuration."""
    from ..review.templates import NAMES

    venues = ["generic"]
    try:  # venue profiles arrive with the offline-check work; fall back to generic alone
        from ..review.venues import list_venues  # type: ignore[attr-defined]

        venues = [v if isinstance(v, str) else v.name for v in list_venues()]
    except Exception:  # noqa: BLE001 - optional module: any import problem means "generic only"
        pass
    configured = bool(engine_cfg is not None and engine_cfg.is_configured())
    return {"templates": list(NAMES), "venues": venues,
            "methods": ["offline", "zero-shot"] if configured else ["offline"],
            "models": [engine_cfg.model] if configured else [],
            "model_configured": configured,
            "api_key_field": True}


def run_job(job: dict[str, Any], job_dir: Path, engine_cfg: Any, api_key: str | None,
            progress: Callable[..., None], parse_timeout: float = 300.0,
            max_pages: int = 0) -> GeneratedReview:
    """Review the job's ``paper.pdf``; raises PaperReviewError with parse's message on bad PDFs."""
    from ..parse.batch import parse_to_file, run_pool
    from ..review.annotate import annotate_pdf, comments_of
    from ..review.generate import ReviewOptions, review_paper
    from ..review.render import to_markdown

    opts = job["options"]
    pdf = job_dir / "paper.pdf"
    progress(stage="parse", message="reading the PDF")
    paper_json = job_dir / "paper.json"
    if not paper_json.exists():
        row = next(run_pool([(str(pdf), str(paper_json), "json", max_pages)], 1, parse_timeout,
                            parse_to_file))
        if row["status"] != "ok":
            msg = (row.get("error") or "the PDF could not be parsed").replace(str(pdf),
                                                                             job["filename"])
            hint = row.get("hint")
            raise PaperReviewError(msg + (f" ({hint})" if hint else ""))
    paper = Paper.model_validate(json.loads(paper_json.read_text(encoding="utf-8")))
    paper.source = str(pdf)

    cfg = _engine_for(engine_cfg, opts, api_key)
    method = opts.get("method") or "auto"
    progress(stage="checks", message="running the offline checks")
    options = ReviewOptions(template=opts.get("template") or "stanford")
    key_name = None
    try:
        if cfg is not None and method != "offline":
            key_name = _hold_key(cfg, api_key)
            progress(stage="model", message=f"asking {cfg.model} for a review")
        rec = review_paper(paper, cfg if method != "offline" else None, options,
                           log=lambda s: progress(stage="model", message=s))
    finally:
        _drop_key(key_name)
    rec.source = job["filename"]
    rec.metadata["venue"] = opts.get("venue") or "generic"
    progress(stage="render", message="writing the report")
    if not rec.comments:
        rec.comments = comments_of(rec, pdf)
    atomic_write_text(job_dir / "review.json", rec.model_dump_json(indent=2))
    atomic_write_text(job_dir / "report.md", to_markdown(rec, title=paper.title))
    if annotate_pdf(pdf, rec, job_dir / "annotated.pdf.tmp"):
        (job_dir / "annotated.pdf.tmp").replace(job_dir / "annotated.pdf")
    else:
        (job_dir / "annotated.pdf.tmp").unlink(missing_ok=True)
    return rec


def _engine_for(engine_cfg: Any, opts: dict[str, Any], api_key: str | None) -> Any:
    """The server's engine config for this job (model chosen from what it offers)."""
    if engine_cfg is None:
        return None
    update: dict[str, Any] = {}
    if opts.get("model"):
        update["model"] = opts["model"]
    if api_key:
        update["api_key_env"] = f"PAPERREVIEW_JOB_KEY_{uuid.uuid4().hex}"
    cfg = engine_cfg.model_copy(update=update) if update else engine_cfg
    return cfg if (api_key or cfg.is_configured()) else None


def _hold_key(cfg: Any, api_key: str | None) -> str | None:
    if not api_key:
        return None
    from ..llm.types import MEMORY_KEYS

    MEMORY_KEYS[cfg.api_key_env] = api_key
    return cfg.api_key_env


def _drop_key(name: str | None) -> None:
    if name:
        from ..llm.types import MEMORY_KEYS

        MEMORY_KEYS.pop(name, None)
