"""Calibrated ratings: a monotone map from a model's ratings to a venue's human ones.

LLM ratings are positively biased and bunched (a model gives most papers 6-7 of 10 while the
venue's reviewers spread them over 1-10). Quantile mapping fixes both: a raw rating at the
model's q-th percentile becomes the human rating at the q-th percentile of the venue. The map is
monotone by construction, so it never changes which of two papers a model prefers (Spearman with
humans is unchanged); it makes the number readable on the venue's scale. The interval is the
10th-90th percentile of the mapped value over bootstrap resamples of both distributions.

>>> cal = fit_calibration([6, 6, 7, 7, 7, 8], [3, 4, 5, 6, 7, 8], venue="demo", n_boot=50)
>>> round(cal.apply(6)[0], 1) < round(cal.apply(7)[0], 1) < round(cal.apply(8)[0], 1)
True
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from ..errors import InputError

GRID = np.linspace(0.0, 1.0, 101)  # quantile levels stored


class Calibration(BaseModel):
    """The fitted map (quantiles of both distributions, plus bootstrap copies for intervals)."""

    venue: str
    n_model: int
    n_human: int
    model_q: list[float]
    human_q: list[float]
    boot_model_q: list[list[float]] = Field(default_factory=list)
    boot_human_q: list[list[float]] = Field(default_factory=list)
    human_range: tuple[float, float] = (0.0, 10.0)
    version: int = 1

    def apply(self, raw: float) -> tuple[float, float, float]:
        """(calibrated rating, interval low, interval high) for a raw model rating."""
        value = _map(raw, self.model_q, self.human_q)
        if self.boot_model_q:
            boots = [_map(raw, m, h) for m, h in zip(self.boot_model_q, self.boot_human_q)]
            low, high = (float(x) for x in np.percentile(boots, [10, 90]))
        else:
            low = high = value
        return round(value, 2), round(min(low, value), 2), round(max(high, value), 2)

    def save(self, path: str | Path) -> None:
        from ..io import atomic_write_json

        atomic_write_json(path, self.model_dump(mode="json"))

    @classmethod
    def load(cls, path: str | Path) -> Calibration:
        p = Path(path)
        try:
            return cls.model_validate(json.loads(p.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise InputError(f"{p}: calibration file not found",
                             "write one with `paperreview evaluate calibrate`") from None
        except ValueError as exc:
            raise InputError(f"{p}: not a calibration file ({exc.__class__.__name__})",
                             "write one with `paperreview evaluate calibrate`") from None


def _map(raw: float, model_q: list[float], human_q: list[float]) -> float:
    m = np.asarray(model_q)
    # the quantile level of `raw` among the model's ratings (ties: the middle of the tied run)
    lo, hi = np.searchsorted(m, raw, "left"), np.searchsorted(m, raw, "right")
    if hi > lo:
        level = GRID[min(lo, len(GRID) - 1)] / 2 + GRID[min(hi - 1, len(GRID) - 1)] / 2
    else:
        level = float(np.interp(raw, m, GRID))
    return float(np.interp(level, GRID, np.asarray(human_q)))


def fit_calibration(model_ratings: list[float], human_ratings: list[float], venue: str,
                    n_boot: int = 200, seed: int = 0) -> Calibration:
    """Fit the map from ``model_ratings`` (a model's raw ratings of the venue's papers) to the
    distribution of ``human_ratings`` (the venue's reviewers' ratings)."""
    m = np.asarray([x for x in model_ratings if x is not None], dtype=float)
    h = np.asarray([x for x in human_ratings if x is not None], dtype=float)
    if len(m) < 5 or len(h) < 5:
        raise InputError(f"too few ratings to calibrate ({len(m)} model, {len(h)} human)",
                         "give at least 5 of each (more than 50 for a stable map)")
    rng = np.random.default_rng(seed)
    bm = [np.quantile(rng.choice(m, len(m)), GRID).tolist() for _ in range(n_boot)]
    bh = [np.quantile(rng.choice(h, len(h)), GRID).tolist() for _ in range(n_boot)]
    return Calibration(venue=venue, n_model=len(m), n_human=len(h),
                       model_q=np.quantile(m, GRID).tolist(), human_q=np.quantile(h, GRID).tolist(),
                       boot_model_q=bm, boot_human_q=bh,
                       human_range=(float(h.min()), float(h.max())))
