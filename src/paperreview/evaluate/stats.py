"""Bootstrap confidence intervals over papers (the unit that is sampled), and small helpers.

>>> ci = bootstrap_mean([0.2, 0.4, 0.6, 0.8])
>>> ci["ci_low"] <= ci["value"] <= ci["ci_high"]
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

N_BOOT = 2000


def _interval(boot: np.ndarray, alpha: float) -> tuple[float | None, float | None]:
    boot = boot[np.isfinite(boot)]
    if boot.size == 0:
        return None, None
    return float(np.quantile(boot, alpha / 2)), float(np.quantile(boot, 1 - alpha / 2))


def bootstrap_mean(values: Sequence[float], n_boot: int = N_BOOT, alpha: float = 0.05,
                   seed: int = 0) -> dict[str, Any]:
    """Mean of ``values`` with a percentile bootstrap interval: ``{value, ci_low, ci_high, n}``."""
    x = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if x.size == 0:
        return {"value": None, "ci_low": None, "ci_high": None, "n": 0}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    lo, hi = _interval(x[idx].mean(axis=1), alpha)
    return {"value": float(x.mean()), "ci_low": lo, "ci_high": hi, "n": int(x.size)}


def bootstrap_ratio(num: Sequence[float], den: Sequence[float], n_boot: int = N_BOOT,
                    alpha: float = 0.05, seed: int = 0) -> dict[str, Any]:
    """Pooled ratio ``sum(num)/sum(den)`` (e.g. hits/points) resampling the paired units."""
    a, b = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    if a.size == 0 or b.sum() == 0:
        return {"value": None, "ci_low": None, "ci_high": None, "n": int(a.size)}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, a.size, size=(n_boot, a.size))
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = a[idx].sum(axis=1) / b[idx].sum(axis=1)
    lo, hi = _interval(boot, alpha)
    return {"value": float(a.sum() / b.sum()), "ci_low": lo, "ci_high": hi, "n": int(a.size)}


def bootstrap_stat(n: int, stat: Callable[[np.ndarray], float], n_boot: int = N_BOOT,
                   alpha: float = 0.05, seed: int = 0) -> dict[str, Any]:
    """Any statistic of a sample of ``n`` units: ``stat(indices) -> float`` (NaN = undefined)."""
    if n == 0:
        return {"value": None, "ci_low": None, "ci_high": None, "n": 0}
    value = stat(np.arange(n))
    rng = np.random.default_rng(seed)
    boot = np.array([stat(rng.integers(0, n, size=n)) for _ in range(n_boot)], dtype=float)
    lo, hi = _interval(boot, alpha)
    return {"value": None if not np.isfinite(value) else float(value), "ci_low": lo,
            "ci_high": hi, "n": int(n)}


def fmt(ci: dict[str, Any] | float | None, pct: bool = False, digits: int = 3) -> str:
    """``0.412 [0.380, 0.447]`` (or percentages) for tables; ``-`` when undefined."""
    if ci is None:
        return "-"
    if not isinstance(ci, dict):
        return f"{ci * 100:.1f}%" if pct else f"{ci:.{digits}f}"
    if ci.get("value") is None:
        return "-"

    def one(v: float) -> str:
        return f"{v * 100:.1f}%" if pct else f"{v:.{digits}f}"

    if ci.get("ci_low") is None:
        return one(ci["value"])
    return f"{one(ci['value'])} [{one(ci['ci_low'])}, {one(ci['ci_high'])}]"
