"""Reward of a fitted formula: squashed normalised RMSE, weighted when weights are given."""

from __future__ import annotations

import numpy as np


def nrmse(values: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted RMSE of each row of `values` (B, N) divided by the weighted std of y; inf if invalid."""
    mean = np.average(y, weights=weights)
    scale = np.sqrt(np.average((y - mean) ** 2, weights=weights))
    with np.errstate(all="ignore"):
        mse = np.average((values - y[None]) ** 2, axis=1, weights=weights)
        out = np.sqrt(mse) / scale
    return np.where(np.isfinite(out), out, np.inf)


def squash(error: np.ndarray) -> np.ndarray:
    """1 / (1 + NRMSE): 1 for a perfect fit, 0 for an invalid one."""
    return 1.0 / (1.0 + error)
