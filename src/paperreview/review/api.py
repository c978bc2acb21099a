"""The review as one Python call, for the web app and notebooks.

>>> from paperreview.review import ReviewOptions, run_review, annotate_pdf   # doctest: +SKIP
>>> from paperreview.llm import EngineConfig                                 # doctest: +SKIP
>>> rec = run_review("paper.pdf", ReviewOptions(template="neurips"),         # doctest: +SKIP
...                  engine=EngineConfig(base_url="http://127.0.0.1:8000/v1", model="m"),
...                  progress=print)
>>> annotate_pdf("paper.pdf", rec, "paper.reviewed.pdf")                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..records import GeneratedReview, Paper
from .generate import ReviewOptions, parse_paper, review_paper


def run_review(paper: str | Path | Paper | dict, options: ReviewOptions | dict | None = None,
               progress: Callable[[str], None] | None = None, engine: Any | None = None
               ) -> GeneratedReview:
    """Review one paper; the same record ``paperreview review -o r.json`` writes.

    ``paper``: a PDF path, a parsed-paper JSON path (``paperreview parse`` output), or a
    :class:`~paperreview.records.Paper` (or its dict) -- a parsed paper is never parsed again.
    ``options``: :class:`ReviewOptions` (or its dict): template, method, calibration, related...
    ``engine``: an :class:`~paperreview.llm.EngineConfig` or a running ``Engine`` (shared across
    papers); None = the environment's backend (``OPENAI_API_KEY`` / ``PAPERREVIEW_BASE_URL``), and
    with none configured the offline checklist analysis only (``status="skipped"``).
    ``progress``: called with one line per pass ("[progressive] reading part 2/7: Method").

    Raises :class:`~paperreview.errors.InputError` for an unreadable paper or a bad option, and
    :class:`~paperreview.errors.BackendError` when ``--related``'s service is unreachable; a failed
    model step is data (``status="failed"`` with ``error``), the offline analysis kept.
    """
    log = progress or (lambda s: None)
    opts = options if isinstance(options, ReviewOptions) else ReviewOptions.model_validate(
        options or {})
    if isinstance(paper, Paper):
        parsed = paper
    elif isinstance(paper, dict):
        parsed = Paper.model_validate(paper)
    else:
        parsed = parse_paper(paper)
    cfg, running = engine, None
    if engine is not None and hasattr(engine, "run"):  # an Engine: use it, do not close it
        cfg, running = engine.config, engine
    if cfg is None:
        from ..llm import EngineConfig

        cfg = EngineConfig()
    return review_paper(parsed, cfg, opts, engine=running, log=log)


def annotate_pdf(pdf_path: str | Path, review: GeneratedReview, out_path: str | Path) -> int:
    """Write ``pdf_path`` to ``out_path`` with a highlight per kept comment whose quote is found
    (severity by colour, the comment as the note); returns how many were highlighted."""
    from .annotate import annotate_pdf as _annotate

    return _annotate(pdf_path, review, out_path)
