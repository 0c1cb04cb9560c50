"""Standard errors of fitted constants: the covariance of a weighted least-squares fit at its
optimum, from the Jacobian (the Gauss-Newton approximation scipy's curve_fit also uses)."""

from __future__ import annotations

import numpy as np

from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.fit.reward import weighted_squares
from lawfinder.language.library import Library

# Beyond this condition number the normal matrix says some combination of constants is
# not determined by the data (G1*G2 in one formula): those constants get an infinite error.
_MAX_CONDITION = 1e14


def covariances(formulas: list[tuple[int, ...]], constants: np.ndarray, library: Library,
                X: np.ndarray, y: np.ndarray, weights: np.ndarray, fixed: np.ndarray,
                unit_error: float | None = None) -> np.ndarray:
    """Covariance (B, K, K) of the constants (B, K) fitted to formulas by weighted least squares.

    With `unit_error`, the absolute uncertainty of y at weight 1 (weights are then
    unit_error**2 / y_err**2), errors propagate as given: cov = unit_error**2 (J W J^T)^-1.
    Without, they are scaled by the residual variance, sum(w r^2) / (n - p), as when
    nothing is known of the noise. Constants a formula does not use, and those marked in
    `fixed` (B, K) (set to a closed form), have zero rows and columns.
    """
    values, jac = evaluate(padded(formulas), library, X, constants, jacobian=True)
    out = np.zeros((len(formulas), library.n_free, library.n_free))
    n = int((weights > 0).sum())
    for row, (tokens, value, J) in enumerate(zip(formulas, values, jac)):
        used = np.isin(library.free, tokens) & ~fixed[row]
        p = int(used.sum())
        if not p:
            continue
        with np.errstate(all="ignore"):
            Ju = J[used] * np.sqrt(weights)                       # (p, N)
            normal = Ju @ Ju.T
        residual = float(weighted_squares(value - y, weights))
        scale = unit_error**2 if unit_error is not None else residual / max(n - p, 1)
        out[row][np.ix_(used, used)] = scale * _inverse(normal)
    return out


def _inverse(normal: np.ndarray) -> np.ndarray:
    """Inverse of a normal matrix; infinite on the diagonal where it is singular."""
    if not np.isfinite(normal).all() or np.linalg.cond(normal) > _MAX_CONDITION:
        return np.diag(np.full(len(normal), np.inf))
    return np.linalg.inv(normal)


def prediction_std(tokens: tuple[int, ...], constants: np.ndarray, covariance: np.ndarray,
                   library: Library, X: np.ndarray) -> np.ndarray:
    """Standard error (N,) of a formula's predictions at X from its constants' covariance
    (K, K): sqrt(j^T C j) with j the prediction's gradient by the constants (the delta method)."""
    if not np.isfinite(covariance).all():
        return np.full(len(X), np.inf)
    _, jac = evaluate(padded([tokens]), library, X, constants[None], jacobian=True)
    with np.errstate(all="ignore"):
        variance = np.einsum("kn,kj,jn->n", jac[0], covariance, jac[0])
    return np.sqrt(np.maximum(variance, 0.0))
