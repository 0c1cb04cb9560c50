"""Reward of a fitted formula: squashed normalised RMSE, weighted when weights are given.

With several datasets (Class SR) the error is aggregated over them: the root mean square
of the datasets' own NRMSE, each dataset's RMSE divided by the spread of its own target.
A form that fails one dataset of ten then scores at least 1/sqrt(10) = 0.32, whatever the
others, so it loses to any form that fits all ten; no dataset counts more for having more
rows or larger values; and the squared error is a weighted mean of squared residuals, so
it is exactly what Levenberg-Marquardt minimises with `dataset_weights`: the constants
are fitted for the score they are ranked by. (The mean of the NRMSEs, unsquared, is not
a least-squares objective; their max is not smooth and one noisy dataset would rule it.)
"""

from __future__ import annotations

import numpy as np


def nrmse(values: np.ndarray, y: np.ndarray, weights: np.ndarray,
          groups: np.ndarray | None = None) -> np.ndarray:
    """Weighted RMSE of each row of `values` (B, N) divided by the weighted std of y; inf if
    invalid. With `groups` (N,), each row's dataset index, the root mean square over the
    datasets present of that NRMSE within each dataset."""
    if groups is None:
        mean = np.average(y, weights=weights)
        spread = weighted_squares(y - mean, weights)
        with np.errstate(all="ignore"):
            out = np.sqrt(weighted_squares(values - y[None], weights) / spread)
        return np.where(np.isfinite(out), out, np.inf)
    with np.errstate(all="ignore"):
        out = np.sqrt(weighted_squares(values - y[None], _dataset_shares(weights, y, groups)))
    return np.where(np.isfinite(out), out, np.inf)


def weighted_squares(residuals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum(w * r^2) over the last axis, as sum((sqrt(w) * r)^2): with y_err spanning many
    decades, w and r^2 each leave the range of floats (1e-400, 1e+400) where their product,
    the squared residual in units of the error, does not."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sum((residuals * np.sqrt(weights)) ** 2, axis=-1)


def dataset_weights(weights: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Weights (N,) of mean 1 under which the weighted mean squared residual is the squared
    grouped `nrmse` times a constant; applied twice they do not change."""
    shares = _dataset_shares(weights, y, groups)
    return shares / shares.mean()


def _dataset_shares(weights: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per row (N,): w / (G * its dataset's sum of w * (y - its weighted mean)^2), so that
    sum(shares * residual**2) is the mean over the G datasets present of their normalised
    mean squared error."""
    present, index = np.unique(groups, return_inverse=True)
    n = len(present)
    means = np.bincount(index, weights * y, n) / np.bincount(index, weights, n)
    spreads = np.bincount(index, (np.sqrt(weights) * (y - means[index])) ** 2, n)
    return weights / (n * spreads)[index]


def squash(error: np.ndarray) -> np.ndarray:
    """1 / (1 + NRMSE): 1 for a perfect fit, 0 for an invalid one."""
    return 1.0 / (1.0 + error)
