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
    index = (np.zeros(len(y), dtype=np.int64) if groups is None
             else np.unique(groups, return_inverse=True)[1])
    n = int(index.max()) + 1
    with np.errstate(all="ignore"):
        r = (values - y[None]) * np.sqrt(weights)                          # (B, N)
        squares = ((r * r) @ np.eye(n)[index] if n > 1
                   else np.sum(r * r, axis=1, keepdims=True))              # (B, G)
        out = np.sqrt(np.mean(squares / _spreads(weights, y, index, n), axis=1))
    return np.where(np.isfinite(out), out, np.inf)


def weighted_squares(residuals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum(w * r^2) over the last axis, as sum((sqrt(w) * r)^2): with y_err spanning many
    decades, w and r^2 each leave the range of floats (1e-400, 1e+400) where their product,
    the squared residual in units of the error, does not."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sum((residuals * np.sqrt(weights)) ** 2, axis=-1)


def dataset_weights(weights: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The weights (N,), each dataset's scaled so that the weighted sum of squared residuals
    is the squared grouped `nrmse` times a constant; applied twice they do not change.

    The datasets' scales are relative to their geometric mean, so that weights keep the
    size `lawfinder.data` gave them (mean 1, or geometric mean 1 over many decades)."""
    present, index = np.unique(groups, return_inverse=True)
    spreads = _spreads(weights, y, index, len(present))
    return weights * np.exp(np.log(spreads).mean() - np.log(spreads))[index]


def _spreads(weights: np.ndarray, y: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """Per dataset (n,): sum of w * (y - its weighted mean)^2 over its rows, where `index`
    (N,) is each row's dataset in 0..n-1 (`weighted_squares`, for y_err of many decades)."""
    means = np.bincount(index, weights * y, n) / np.bincount(index, weights, n)
    return np.bincount(index, (np.sqrt(weights) * (y - means[index])) ** 2, n)


def squash(error: np.ndarray) -> np.ndarray:
    """1 / (1 + NRMSE): 1 for a perfect fit, 0 for an invalid one."""
    return 1.0 / (1.0 + error)
