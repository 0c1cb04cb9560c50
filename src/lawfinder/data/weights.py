"""Per-row weights from sample_weight or y_err, kept representable in 64-bit floats."""

from __future__ import annotations

from typing import Any

import numpy as np

from lawfinder.data.columns import as_float, describe_rows, finite, one_column, reject_rows
from lawfinder.errors import DataError, LawfinderError

# Weights are kept in the range of normal 64-bit floats: no weight underflows to 0.
_SMALLEST, _LARGEST = np.finfo(np.float64).tiny, np.finfo(np.float64).max
# Weights of mean 1 below this (y_err spanning 100 decades) are centred in log space instead:
# the heavy rows' squared residuals, (y_err_min/y_err * r)^2, would come near underflow too.
_MEAN_ONE_LOWEST = 1e-200


def row_weights(sample_weight: Any, y_err: Any, n: int) -> tuple[np.ndarray, float | None]:
    """Per-sample weights (from sample_weight, from 1/y_err^2, or all ones; see `_normalised`)
    and, with y_err, the uncertainty a weight of 1 stands for: y_err = unit_error / sqrt(w)."""
    if sample_weight is not None and y_err is not None:
        raise LawfinderError("give sample_weight or y_err, not both: y_err already sets the "
                             "weights to 1/y_err^2")
    if y_err is not None:
        errors = _weight_column(y_err, "y_err", n)
        reject_rows(errors, errors <= 0, "y_err", "must be > 0",
                     "give each sample its uncertainty")
        # Scaled by the smallest error, so that tiny errors cannot overflow.
        weights = _normalised((errors.min() / errors) ** 2, -2 * np.log(errors), errors, "y_err")
        row = int(np.argmin(errors))
        return weights, float(errors[row] * np.sqrt(weights[row]))
    if sample_weight is None:
        return np.ones(n), None
    weights = _weight_column(sample_weight, "sample_weight", n)
    reject_rows(weights, weights < 0, "sample_weight", "must be >= 0",
                 "use 0 to ignore a sample")
    if not weights.any():
        raise DataError("sample_weight is all zeros; at least one sample needs a "
                        "positive weight")
    with np.errstate(divide="ignore"):
        log_weights = np.log(weights)
    return _normalised(weights / weights.max(), log_weights, weights, "sample_weight"), None


def _normalised(weights: np.ndarray, log_weights: np.ndarray, given: np.ndarray,
                label: str) -> np.ndarray:
    """The weights (log_weights their logarithms up to a constant, -inf for 0) scaled to
    mean 1; or, when that makes a positive weight tiny (y_err spanning more than 100 decades,
    as relative errors on a target of many decades do), to geometric mean 1, which represents
    them while y_err spans less than ~300 decades. Beyond, a DataError."""
    used = np.isfinite(log_weights)
    mean_one = weights / weights.mean()
    if mean_one[used].min() >= _MEAN_ONE_LOWEST:
        return mean_one
    with np.errstate(over="ignore", under="ignore"):
        centred = np.where(used, np.exp(log_weights - log_weights[used].mean()), 0.0)
    lost = used & ((centred < _SMALLEST) | (centred > _LARGEST / len(centred)))
    if lost.any():
        low, high = np.argmin(np.where(used, given, np.inf)), np.argmax(given)
        decades = np.log10(given[high]) - np.log10(given[low])
        raise DataError(f"{label} spans {decades:.0f} decades, from "
                        f"{given[low]:g} at row {low} to {given[high]:g} at row {high}: its "
                        f"weights do not fit in 64-bit floats, and {describe_rows(lost)} would be lost; "
                        "fit log(y) instead (for relative errors, with y_err/|y| as its "
                        "uncertainty), or leave out the rows of its extreme values")
    return centred


def _weight_column(values: Any, label: str, n: int) -> np.ndarray:
    """A finite float column of length n, from sample_weight or y_err."""
    column, _ = one_column(values, label)
    if len(column) != n:
        raise DataError(f"{label} has {len(column)} values but X has {n} rows; they must match")
    return finite(as_float(column, label), label)
