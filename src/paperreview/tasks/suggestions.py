"""Titles and keywords for one pasted abstract (``paperreview title``, the web tab).

With a configured model (API or local, through :mod:`paperreview.llm`) the model writes the
titles and keywords; without one the offline baselines answer (first sentence, YAKE).

>>> suggest("We propose a pruning method for convolutional neural networks. It is fast.",
...         {})["titles"]                                                 # doctest: +SKIP
['We propose a pruning method for convolutional neural networks']
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .readers import Item, clean
from .run import make_request, prompt_for
from .spec import parse_answer


def _engine_config(backend_options: Any):
    from ..llm import EngineConfig
    from ..llm.options import engine_config_from_options

    if isinstance(backend_options, EngineConfig):
        return backend_options
    return engine_config_from_options(dict(backend_options or {}))


def _ask(task: str, abstract: str, cfg, n: int, max_new_tokens: int | None) -> list:
    from ..llm import Engine

    item = Item(id="suggest", abstract=abstract)
    req = make_request(task, item, prompt_for(task, item), max_new_tokens,
                       0.0 if n == 1 else 0.8)
    req = req.model_copy(update={"n": n})
    with Engine(cfg) as engine:
        res = engine.complete(req)
    if not res.ok:
        raise InputError(f"the model gave no answer: {res.error}", "check the backend options")
    choices = (res.response or {}).get("choices") or [{"message": {"content": res.content}}]
    out = [parse_answer(task, (c.get("message") or {}).get("content") or "") for c in choices]
    return [o for o in out if o]


def suggest_titles(abstract: str, engine_config, n: int = 1, max_new_tokens: int | None = None
                   ) -> list[str]:
    """``n`` titles for ``abstract`` from the configured model."""
    text = clean(abstract)
    if not text:
        raise InputError("the abstract is empty", "paste the abstract's text")
    return list(dict.fromkeys(_ask("title", text, engine_config, n, max_new_tokens)))


def suggest(abstract: str, backend_options: Any = None, n_titles: int = 3) -> dict[str, list]:
    """``{"titles": [...], "keywords": [...], "source": "model" | "offline"}`` for an abstract.

    ``backend_options``: an :class:`~paperreview.llm.EngineConfig` or the keyword arguments of
    :func:`~paperreview.llm.options.engine_options` (``model``, ``base_url``, ``local_model``,
    ``adapter``, ...). Nothing configured: the offline baselines answer.
    """
    text = clean(abstract)
    if not text:
        raise InputError("the abstract is empty", "paste the abstract's text")
    cfg = _engine_config(backend_options)
    if not cfg.is_configured():
        from .baseline import first_sentence_title, yake_keywords

        return {"titles": [first_sentence_title(text)], "keywords": yake_keywords([text])[0],
                "source": "offline"}
    titles = list(dict.fromkeys(_ask("title", text, cfg, n_titles, None)))
    keywords = next(iter(_ask("keywords", text, cfg, 1, None)), [])
    return {"titles": titles, "keywords": keywords, "source": "model"}
