"""Token prices, in US dollars per million tokens, and cost accounting.

The built-in table holds list prices as published by the providers (checked 2025); prices change,
so override or extend it with ``EngineConfig.prices`` (``{"model": [input, output]}``) or a
``prices`` mapping in the ``--engine-config`` file. Batch API calls cost half. A model that is in
neither table costs ``None`` (reported as unknown, never as 0).

>>> cost("gpt-4o-mini", 1_000_000, 0)
0.15
>>> cost("gpt-4o-mini", 1_000_000, 0, batch=True)
0.075
"""

from __future__ import annotations

PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "deepseek-chat": (0.27, 1.10),
    "deepseek-reasoner": (0.55, 2.19),
}


def price_for(model: str, overrides: dict[str, list[float]] | None = None
              ) -> tuple[float, float] | None:
    table = {**PRICES, **{k: tuple(v) for k, v in (overrides or {}).items()}}
    if model in table:
        return table[model]
    # dated snapshots ("gpt-4o-mini-2024-07-18") cost what their family costs
    best = max((k for k in table if model.startswith(k + "-")), key=len, default=None)
    return table[best] if best else None


def cost(model: str, prompt_tokens: int, completion_tokens: int, *, batch: bool = False,
         overrides: dict[str, list[float]] | None = None) -> float | None:
    p = price_for(model, overrides)
    if p is None:
        return None
    usd = (prompt_tokens * p[0] + completion_tokens * p[1]) / 1_000_000
    return round(usd * (0.5 if batch else 1.0), 8)
