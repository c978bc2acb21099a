"""Review papers: ``run_review`` (one call, the web app's entry), ``annotate_pdf``, ``ReviewOptions``.

Attributes are imported lazily so ``import paperreview.review.<module>`` stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReviewOptions", "annotate_pdf", "run_review"]


def __getattr__(name: str) -> Any:
    if name in ("run_review", "annotate_pdf"):
        from . import api

        return getattr(api, name)
    if name == "ReviewOptions":
        from .generate import ReviewOptions

        return ReviewOptions
    raise AttributeError(name)
