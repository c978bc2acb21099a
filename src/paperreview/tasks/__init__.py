"""Paper tasks beside reviewing: title generation, keyword extraction, classification.

``tasks data`` builds instruction data, ``tasks baseline`` runs offline baselines, ``tasks run``
asks any model through :mod:`paperreview.llm`, ``tasks evaluate`` scores predictions.
Heavy libraries (scikit-learn models, yake, rouge-score, torch) are imported only when used.
"""

from typing import Any


def suggest(abstract: str, backend_options: Any = None, n_titles: int = 3) -> dict[str, list]:
    """Titles and keywords for one abstract: ``{"titles": [...], "keywords": [...], "source"}``.

    See :func:`paperreview.tasks.suggestions.suggest` (imported lazily)."""
    from .suggestions import suggest as _suggest

    return _suggest(abstract, backend_options, n_titles)


__all__ = ["suggest"]
