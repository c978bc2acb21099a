"""evaluate calibrate: the monotone map to a venue's human ratings (PeerRead ICLR 2017 when the
shared data is there), save/load, clear errors. The model ratings here are a synthetic bunched
sample (what LLMs are reported to give), used only to exercise the map."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from paperreview.errors import InputError
from paperreview.evaluate.calibrate import Calibration, fit_calibration

BUNCHED = [6] * 30 + [7] * 50 + [8] * 20  # an LLM's positive, bunched ratings (synthetic)


@pytest.fixture(scope="module")
def iclr17_ratings():
    from paperreview.reviews.peerread import import_peerread
    from tests.conftest import SHARED

    root = SHARED / "peerread"
    if not root.exists():
        pytest.skip(f"shared research data not found at {root}")
    subs = [s for s in import_peerread(root, Counter()) if s.venue.startswith("ICLR")]
    return [r.rating for s in subs for r in s.reviews if r.rating is not None]


def test_peerread_iclr17_map(iclr17_ratings, tmp_path):
    human = np.asarray(iclr17_ratings)
    assert len(human) > 500
    cal = fit_calibration(BUNCHED, iclr17_ratings, "ICLR 2017", n_boot=100)
    vals = [cal.apply(r) for r in (5, 6, 7, 8, 9)]
    assert [v for v, _, _ in vals] == sorted(v for v, _, _ in vals)  # monotone
    assert all(lo <= v <= hi for v, lo, hi in vals)
    assert all(human.min() <= v <= human.max() for v, _, _ in vals)
    # the model's middle rating lands near the humans' median, not at the model's own 7
    assert abs(cal.apply(7)[0] - float(np.median(human))) <= 1.0
    path = tmp_path / "iclr17.cal.json"
    cal.save(path)
    assert Calibration.load(path).apply(7) == cal.apply(7)


def test_errors(tmp_path):
    with pytest.raises(InputError, match="too few ratings"):
        fit_calibration([6, 7], [3, 4, 5, 6, 7], "v")
    with pytest.raises(InputError, match="calibration file not found"):
        Calibration.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"venue": 3}')
    with pytest.raises(InputError, match="not a calibration file"):
        Calibration.load(bad)
