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
        scale = np.sqrt(np.average((y - mean) ** 2, weights=weights))
        with np.errstate(all="ignore"):
            mse = np.average((values - y[None]) ** 2, axis=1, weights=weights)
            out = np.sqrt(mse) / scale
        return np.where(np.isfinite(out), out, np.inf)
    with np.errstate(all="ignore"):
        out = np.sqrt(((values - y[None]) ** 2) @ _dataset_shares(weights, y, groups))  # (B,)
    return np.where(np.isfinite(out), out, np.inf)


def dataset_weights(weights: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Weights (N,) of mean 1 under which the weighted mean squared residual is the squared
    grouped `nrmse` times a constant; applied twice they do not change."""
    shares = _dataset_shares(weights, y, groups)
    return shares / shares.mean()


def _dataset_shares(weights: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per row (N,): w / (G * its dataset's total weight * its dataset's target variance),
    so that sum(shares * residual**2) is the mean over the G datasets present of their
    normalised mean squared error."""
    present, index = np.unique(groups, return_inverse=True)
    n = len(present)
    totals = np.bincount(index, weights, n)
    means = np.bincount(index, weights * y, n) / totals
    variances = np.bincount(index, weights * (y - means[index]) ** 2, n) / totals
    return weights / (n * totals * variances)[index]


def squash(error: np.ndarray) -> np.ndarray:
    """1 / (1 + NRMSE): 1 for a perfect fit, 0 for an invalid one."""
    return 1.0 / (1.0 + error)
