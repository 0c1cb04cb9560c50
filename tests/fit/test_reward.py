import numpy as np
import pytest

from lawfinder.data.problem import make_problem
from lawfinder.fit.reward import dataset_weights, nrmse


def _datasets(seed=0):
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(10), np.arange(10, 30, 2))     # ten datasets, unequal sizes
    y = rng.normal(size=len(groups)) * 10.0 ** (groups % 3)      # of very different spreads
    return groups, y, rng.uniform(0.5, 1.0, len(y))


def test_grouped_error_is_the_rms_of_each_datasets_own_nrmse():
    groups, y, w = _datasets()
    values = y + np.random.default_rng(1).normal(size=(3, len(y)))
    own = np.array([nrmse(values[:, groups == g], y[groups == g], w[groups == g])
                    for g in range(10)])                         # (10, 3)
    np.testing.assert_allclose(nrmse(values, y, w, groups), np.sqrt((own**2).mean(axis=0)))


def test_a_form_that_fails_one_dataset_of_ten_loses_to_one_that_fits_all():
    groups, y, w = _datasets()
    rng = np.random.default_rng(2)
    nine = y + 1e-9 * rng.normal(size=len(y))
    nine[groups == 9] = y[groups == 9].mean()                    # no better than the mean there
    spread = np.array([y[groups == g].std() for g in range(10)])[groups]
    every = y + 0.2 * spread * rng.normal(size=len(y))           # 20% off in every dataset
    scores = nrmse(np.array([nine, every]), y, w, groups)
    assert scores[0] > 0.99 / np.sqrt(10) and scores[1] < 0.25


def test_dataset_weights_make_the_fit_objective_the_squared_grouped_error():
    groups, y, w = _datasets()
    values = y + np.random.default_rng(3).normal(size=(4, len(y)))
    balanced = dataset_weights(w, y, groups)
    mse = np.mean(balanced * (values - y) ** 2, axis=1)
    ratio = mse / nrmse(values, y, w, groups) ** 2
    np.testing.assert_allclose(ratio, ratio[0])                  # one constant factor
    np.testing.assert_allclose(dataset_weights(balanced, y, groups), balanced)
    np.testing.assert_allclose(nrmse(values, y, balanced, groups), nrmse(values, y, w, groups))


def test_relative_errors_over_two_hundred_decades_score_the_law_zero_and_a_wrong_form_finitely():
    """y = 3 exp(-x) for x in 0..500 (y from 3 down to 1e-217) with y_err = 0.1 y: weights
    of mean 1 underflow to 0 there; the scoring still tells the law from a near miss."""
    x = np.linspace(0, 500, 300)
    y = 3 * np.exp(-x)
    weights = make_problem(x[:, None], y, y_err=0.1 * y).weights
    assert (weights > 0).all()
    law, near = 3 * np.exp(-x), 3 * np.exp(-1.01 * x)
    scores = nrmse(np.array([law, near, np.zeros_like(x)]), y, weights)
    assert scores[0] < 1e-14
    assert np.isfinite(scores[1]) and scores[1] > 0.5
    # No better than the weighted mean, which sits at the heaviest (smallest) values: ~1.
    assert scores[2] == pytest.approx(1.0, abs=0.1)
    twice = np.r_[weights, weights]
    grouped = nrmse(np.c_[[law, near], [law, near]], np.r_[y, y], twice, np.repeat([0, 1], 300))
    np.testing.assert_allclose(grouped, scores[:2], rtol=1e-9, atol=1e-15)
