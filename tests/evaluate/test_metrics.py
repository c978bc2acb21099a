import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreview.evaluate.decisions import best_threshold, classification_metrics, decide
from paperreview.evaluate.scores import as_number, score_agreement
from paperreview.evaluate.stats import bootstrap_mean, bootstrap_ratio, bootstrap_stat


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=30))
def test_bootstrap_interval_covers_point_estimate(xs):
    ci = bootstrap_mean(xs, n_boot=200)
    assert ci["ci_low"] - 1e-9 <= ci["value"] <= ci["ci_high"] + 1e-9
    assert ci["value"] == pytest.approx(np.mean(xs))


def test_bootstrap_ratio_and_stat():
    r = bootstrap_ratio([1, 2, 0], [2, 2, 4])
    assert r["value"] == pytest.approx(3 / 8)
    assert r["ci_low"] <= r["value"] <= r["ci_high"]
    s = bootstrap_stat(10, lambda i: float(np.mean(i)), n_boot=100)
    assert s["value"] == 4.5 and s["ci_low"] <= 4.5 <= s["ci_high"]
    assert bootstrap_mean([])["value"] is None


def test_score_metrics_on_known_inputs():
    r = score_agreement([(6.0, [6, 8]), (3.0, [3, 4]), (8.0, [5, 6]), (7.0, [7, 7])])
    assert r["mae"]["value"] == pytest.approx((1 + 0.5 + 2.5 + 0) / 4)
    assert r["rmse"] == pytest.approx(np.sqrt((1 + 0.25 + 6.25 + 0) / 4))
    assert r["exact_match_any"]["value"] == 0.75
    assert r["bias"] == pytest.approx((-1 - 0.5 + 2.5 + 0) / 4)
    assert r["spearman"]["value"] == pytest.approx(1.5 / np.sqrt(22.5))  # ranks by hand
    assert r["human_baseline"]["mae"]["value"] == pytest.approx((2 + 2 + 1 + 1 + 1 + 1 + 0 + 0) / 8)


def test_everything_is_an_eight_shows_in_the_spread():
    r = score_agreement([(8.0, [h]) for h in (3, 5, 6, 8, 8)])
    sp = r["predicted_spread"]
    assert sp["std"] == 0 and sp["most_common"] == 8 and sp["most_common_share"] == 1.0
    assert np.isnan(r["spearman"]["value"] or np.nan)


def test_as_number():
    assert as_number("3: good") == 3.0 and as_number(4) == 4.0 and as_number("n/a") is None
    assert as_number(True) is None


def test_classification_metrics_known():
    m = classification_metrics([1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 1], [0.9, 0.8, 0.3, 0.2, 0.1, 0.7])
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["balanced_accuracy"] == pytest.approx(4 / 6)
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["fpr"] == pytest.approx(1 / 3) and m["fnr"] == pytest.approx(1 / 3)
    assert m["roc_auc"] == pytest.approx(8 / 9)
    assert m["confusion"] == {"tp": 2, "fp": 1, "tn": 2, "fn": 1}


def test_threshold_chosen_on_dev_and_majority_baseline():
    # the cut lies midway between the classes, never on a dev paper's own score
    assert best_threshold([1, 2, 3, 6, 7, 8], [0, 0, 0, 1, 1, 1]) == 4.5
    rng = np.random.default_rng(0)
    y = np.array([0] * 60 + [1] * 40)
    scores = y * 3 + rng.normal(0, 1, size=100)  # informative scores
    res = decide(scores, y, dev_fraction=0.3, seed=1)
    assert res["n_dev"] == 30 and res["n_test"] == 70
    assert res["majority"]["predicts"] == "reject"
    assert res["majority"]["accuracy"] == pytest.approx(42 / 70)
    assert res["test"]["balanced_accuracy"] > 0.85 and res["test"]["roc_auc"] > 0.9
    t = res["test"]
    assert t["accuracy_ci"]["ci_low"] <= t["accuracy"] <= t["accuracy_ci"]["ci_high"]
