"""Standard errors of fitted constants, against a Monte-Carlo spread and SciPy's curve_fit."""

import numpy as np
import pytest
from scipy.optimize import curve_fit

from lawfinder.data.problem import make_problem
from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.fit.uncertainty import covariances, prediction_std
from lawfinder.language.library import build_library
from lawfinder.units.dimension import DIMENSIONLESS

# y = A * exp(-k * t): two constants, one of them nonlinear.
LIBRARY = build_library(["mul", "exp", "neg"], [("t", DIMENSIONLESS)],
                        {"A": DIMENSIONLESS, "k": DIMENSIONLESS}, ["1"])
LAW = tuple(LIBRARY.index[n] for n in ("mul", "A", "exp", "neg", "mul", "k", "t"))
TRUE = np.array([2.0, 0.7])
T = np.linspace(0.1, 5, 60)[:, None]
SIGMA = 0.05 * (1 + T[:, 0])                         # noise grows along t


def _fit(y, weights):
    c, _ = fit_constants(np.array([LAW]), LIBRARY, T, y, weights, TRUE[None], np.ones(2),
                         FitConfig(max_iter=100, prune_every=0), np.random.default_rng(0))
    return c[0]


def _draws(n=400, sigma=SIGMA):
    rng = np.random.default_rng(1)
    clean = TRUE[0] * np.exp(-TRUE[1] * T[:, 0])
    return [clean + sigma * rng.normal(size=len(T)) for _ in range(n)]


@pytest.mark.parametrize("given_errors", [True, False])
def test_reported_errors_match_the_spread_of_refits_on_fresh_noise(given_errors):
    """Within 25%, with y_err given (absolute, noise growing along t) and without (scaled
    by the residuals, noise of one size everywhere)."""
    weights = (SIGMA.min() / SIGMA) ** 2
    weights /= weights.mean()
    unit_error = SIGMA.min() / np.sqrt(((SIGMA.min() / SIGMA) ** 2).mean())
    sigma = SIGMA
    if not given_errors:
        weights, unit_error, sigma = np.ones(len(T)), None, 0.08
    fits, reported = [], []
    for y in _draws(sigma=sigma):
        c = _fit(y, weights)
        cov = covariances([LAW], c[None], LIBRARY, T, y, weights, np.zeros((1, 2), bool),
                          unit_error)[0]
        fits.append(c)
        reported.append(np.sqrt(np.diag(cov)))
    spread = np.std(fits, axis=0)
    np.testing.assert_allclose(np.median(reported, axis=0), spread, rtol=0.25)


def test_the_covariance_is_scipys_curve_fit_covariance():
    y = _draws(1)[0]
    c = _fit(y, np.ones(len(T)))
    expected = curve_fit(lambda t, A, k: A * np.exp(-k * t), T[:, 0], y, p0=TRUE)[1]
    cov = covariances([LAW], c[None], LIBRARY, T, y, np.ones(len(T)), np.zeros((1, 2), bool))
    np.testing.assert_allclose(cov[0], expected, rtol=1e-4)


def test_fixed_and_unused_constants_have_no_error_and_a_lost_one_an_infinite_one():
    y = _draws(1)[0]
    only_a = tuple(LIBRARY.index[n] for n in ("mul", "A", "exp", "neg", "t"))
    twice = tuple(LIBRARY.index[n] for n in ("mul", "mul", "A", "k", "exp", "neg", "t"))
    constants = np.array([[2.0, 0.7], [2.0, 0.7], [2.0, 1.0]])
    fixed = np.array([[False, True], [False, False], [False, False]])
    cov = covariances([LAW, only_a, twice], constants, LIBRARY, T, y, np.ones(len(T)), fixed)
    assert cov[0][1].tolist() == [0.0, 0.0] and cov[0][0, 0] > 0
    assert cov[1][1, 1] == 0 and cov[1][0, 0] > 0
    assert np.isinf(np.diag(cov[2])).all()              # only A*k is determined


def test_prediction_errors_follow_the_constants():
    y = _draws(1)[0]
    c = _fit(y, np.ones(len(T)))
    cov = covariances([LAW], c[None], LIBRARY, T, y, np.ones(len(T)), np.zeros((1, 2), bool))[0]
    std = prediction_std(LAW, c, cov, LIBRARY, T)
    # At t -> 0 only A matters: the prediction's error is A's.
    near_zero = prediction_std(LAW, c, cov, LIBRARY, np.array([[0.0]]))
    np.testing.assert_allclose(near_zero, np.sqrt(cov[0, 0]), rtol=1e-12)
    assert (std > 0).all() and np.isfinite(std).all()


def test_errors_over_two_hundred_decades_match_curve_fit():
    """y = 2 exp(-0.7 t) down to 1e-152 with 10% errors: the weights span 300 decades, yet
    the fit and its covariance are scipy's, which works with residuals over errors."""
    t = np.linspace(0, 500, 200)
    errors = 0.1 * TRUE[0] * np.exp(-TRUE[1] * t)
    y = TRUE[0] * np.exp(-TRUE[1] * t) + errors * np.random.default_rng(2).normal(size=len(t))
    problem = make_problem(t[:, None], y, y_err=errors)
    c, _ = fit_constants(np.array([LAW]), LIBRARY, t[:, None], y, problem.weights,
                         np.array([[10.0, 0.8]]), np.ones(2),
                         FitConfig(max_iter=100, prune_every=0, n_random_starts=0),
                         np.random.default_rng(0))
    cov = covariances([LAW], c, LIBRARY, t[:, None], y, problem.weights, np.zeros((1, 2), bool),
                      problem.unit_error)[0]
    expected, expected_cov = curve_fit(lambda t, A, k: A * np.exp(-k * t), t, y, p0=TRUE,
                                       sigma=errors, absolute_sigma=True)
    np.testing.assert_allclose(c[0], expected, rtol=1e-6)
    np.testing.assert_allclose(cov, expected_cov, rtol=1e-4)


def test_a_grouped_fits_covariance_is_curve_fits_over_all_slots():
    """y = A_d * exp(-k t), k shared and A per dataset (3 datasets, rows interleaved): the
    block-structured fit and the covariance over every slot, against curve_fit with one
    parameter per slot."""
    library = build_library(["mul", "exp", "neg"], [("t", DIMENSIONLESS)], {"k": DIMENSIONLESS},
                            ["1"], {"A": DIMENSIONLESS}, n_datasets=3)
    law = tuple(library.index[n] for n in ("mul", "A", "exp", "neg", "mul", "k", "t"))
    rng = np.random.default_rng(3)
    d, t = rng.integers(0, 3, 90), rng.uniform(0.1, 5, 90)
    X = np.column_stack([t, d])

    def model(x, k, *A):
        return np.array(A)[x[1].astype(int)] * np.exp(-k * x[0])

    y = model(X.T, 0.7, 2.0, 1.0, 3.0) + 0.05 * rng.normal(size=90)
    c, _ = fit_constants(np.array([law]), library, X, y, np.ones(90), np.ones((1, 4)),
                         np.ones(4), FitConfig(max_iter=100, prune_every=0),
                         np.random.default_rng(0))
    expected_c, expected_cov = curve_fit(model, X.T, y, p0=[0.7, 2.0, 1.0, 3.0])
    np.testing.assert_allclose(c[0], expected_c, rtol=1e-4)   # LM stops at a 1e-6 gain
    cov = covariances([law], c, library, X, y, np.ones(90), np.zeros((1, 4), bool))
    np.testing.assert_allclose(cov[0], expected_cov, rtol=1e-4)
