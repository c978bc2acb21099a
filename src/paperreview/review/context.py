"""Fit a paper into the reviewer model's context: the prompt without hidden text, and a budget.

Uses the dataset stage's section-priority cutting (``dataset.budget.fit_paper``), so a paper is
shortened for review exactly as it was for training. Tokens are counted with the local model's
tokenizer when there is one; for API models (whose tokenizers cannot be downloaded here) with a
conservative 3 characters per token.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..records import Paper

#: characters per token assumed for API models (real tokenizers give ~4 for English prose)
CHARS_PER_TOKEN = 3.0
#: context windows of API model families, used when --max-context is not given
KNOWN_CONTEXTS = {"gpt-4o": 128_000, "gpt-4.1": 1_000_000, "gpt-4-turbo": 128_000,
                  "gpt-3.5": 16_385, "o1": 200_000, "o3": 200_000, "o4": 200_000,
                  "gpt-5": 400_000, "claude": 200_000, "gemini": 1_000_000}
DEFAULT_CONTEXT = 32_768
MIN_CUT_CHARS = 20  # hidden strings shorter than this are never cut out of the visible text
MARGIN = 64  # tokens kept free for chat-template markup around the messages


def remove_hidden(paper: Paper) -> tuple[Paper, int]:
    """A copy of ``paper`` with every hidden-text string cut out of its visible text.

    ``parse`` already reports hidden text separately; cutting it again here makes sure an
    instruction aimed at LLM reviewers never reaches the prompt, whatever the parser kept.
    Returns the copy and how many hidden items were found (and cut) in the text.
    """
    p = paper.model_copy(deep=True)
    cut = 0
    for h in paper.hidden_text:
        t = h.text.strip()
        if len(t) < MIN_CUT_CHARS:  # "5" or "GG": cutting those would shred the real text
            continue
        hit = False
        for obj, attr in [(p, "abstract"), (p, "title")] + [(s, "text") for s in p.sections] + [
                (c, "text") for c in p.captions]:
            value = getattr(obj, attr)
            if t in value:
                setattr(obj, attr, value.replace(t, " "))
                hit = True
        cut += hit
    return p, cut


def char_counter(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def token_counter(local_model: str | None) -> Callable[[str], int]:
    """``count_tokens(text)`` for the target model: its tokenizer, or the character estimate."""
    if not local_model:
        return char_counter
    try:
        from ..dataset.tokens import load_tokenizer
    except ImportError:  # dataset stage not in this build: load it ourselves
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(local_model)
    else:
        tok = load_tokenizer(local_model)
    if hasattr(tok, "count"):
        return tok.count
    return lambda text: len(tok(text, add_special_tokens=False)["input_ids"])


def context_window(model: str, local_model: str | None, max_context: int | None,
                   adapter: str | None = None) -> int:
    """The model's context length: --max-context, the length the adapter was trained at, the
    local model's config, or a known family."""
    if max_context:
        return max_context
    if trained := trained_length(adapter):
        return trained
    if local_model:
        cfg = Path(local_model) / "config.json"
        if cfg.is_file():
            data = json.loads(cfg.read_text(encoding="utf-8"))
            for key in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
                if isinstance(data.get(key), int):
                    return data[key]
        return DEFAULT_CONTEXT
    name = model.lower().split("/")[-1]
    return next((n for k, n in KNOWN_CONTEXTS.items() if name.startswith(k)), DEFAULT_CONTEXT)


def trained_length(adapter: str | None) -> int | None:
    """``max_length`` from the ``train_config.json`` that ``paperreview train`` writes beside an
    adapter: its records (prompt + review) were fitted to it, so the paper is cut the same way
    here instead of filling a longer base context the model never saw in training."""
    cfg = Path(adapter) / "train_config.json" if adapter else None
    if cfg is None or not cfg.is_file():
        return None
    try:
        value = json.loads(cfg.read_text(encoding="utf-8")).get("max_length")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and value > 0 else None


@dataclass
class Fitted:
    text: str
    truncated: list[str]
    n_tokens: int
    budget: int
    context: int


def fit_for_prompt(paper: Paper, prompt_tokens: int, max_tokens: int, context: int,
                   count: Callable[[str], int]) -> Fitted:
    """Fit ``paper``'s tagged text into ``context - prompt - answer - margin`` tokens.

    Raises :class:`InputError` saying so when not even title + abstract + captions fit.
    """
    from ..dataset.budget import fit_paper

    budget = context - prompt_tokens - max_tokens - MARGIN
    too_small = InputError(
        f"the model's context ({context} tokens) is too small for this paper: with the prompt "
        f"({prompt_tokens}) and room for the answer ({max_tokens}) not even the title, abstract "
        "and captions fit",
        "use a model with a longer context, lower --max-tokens, or pass --max-context if the "
        "model's real context is larger")
    if budget <= 0:
        raise too_small
    try:
        r = fit_paper(paper, budget, count)
    except InputError:
        raise too_small from None
    return Fitted(r.text, r.truncated, r.n_tokens, budget, context)
