"""Unit bookkeeping between the user's numbers and the well-scaled numbers the search uses.

Data arrive in the user's units, are converted to SI, then divided by a scale per SI
base dimension chosen so that every column is of order one. Because every formula is
dimensionally consistent, the same formula holds on the scaled data with each constant
divided by the scale of its own units: constants come back exactly in the user's units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lawfinder.units.dimension import Dimension


def _exponents(dims: Sequence[Dimension]) -> np.ndarray:
    return np.array([[float(e) for e in d.exponents] for d in dims]).reshape(-1, 7)


@dataclass(frozen=True)
class Frame:
    """Conversions for one problem: user units <-> SI <-> scaled units."""

    log_scale: np.ndarray          # (7,) natural log of the scale of each SI base dimension
    input_dims: tuple[Dimension, ...]
    input_factors: np.ndarray      # (F,) user value * factor = SI value
    target_dim: Dimension
    target_factor: float
    constant_dims: tuple[Dimension, ...]
    constant_factors: np.ndarray   # (K,) SI value of 1 in each constant's declared units

    @classmethod
    def fit(cls, X_si: np.ndarray, y_si: np.ndarray, input_dims: Sequence[Dimension],
            input_factors: Sequence[float], target_dim: Dimension, target_factor: float,
            constant_dims: Sequence[Dimension], constant_factors: Sequence[float]) -> Frame:
        """Choose base-dimension scales that make the columns' RMS as close to 1 as possible."""
        D = _exponents([*input_dims, target_dim])                         # (F+1, 7)
        columns = np.column_stack([X_si, y_si])
        log_rms = np.log(np.sqrt(np.mean(columns**2, axis=0)))
        log_scale = np.linalg.lstsq(D, log_rms, rcond=None)[0] if D.any() else np.zeros(7)
        return cls(log_scale, tuple(input_dims), np.asarray(input_factors, float), target_dim,
                   float(target_factor), tuple(constant_dims), np.asarray(constant_factors, float))

    def scale_of(self, dims: Sequence[Dimension]) -> np.ndarray:
        return np.exp(_exponents(dims) @ self.log_scale) if len(dims) else np.ones(0)

    def inputs(self, X_user: np.ndarray) -> np.ndarray:
        """User-unit inputs (N, F) -> scaled inputs."""
        return X_user * self.input_factors / self.scale_of(self.input_dims)

    def inputs_from_si(self, X_si: np.ndarray) -> np.ndarray:
        return X_si / self.scale_of(self.input_dims)

    def target_from_si(self, y_si: np.ndarray) -> np.ndarray:
        return y_si / self.scale_of([self.target_dim])[0]

    def output(self, y_scaled: np.ndarray) -> np.ndarray:
        """Scaled predictions -> the user's target units."""
        return y_scaled * self.scale_of([self.target_dim])[0] / self.target_factor

    def constants_to_user(self, c_scaled: np.ndarray) -> np.ndarray:
        """Scaled constants (..., K) -> values in the units the user declared them in."""
        return c_scaled * self.scale_of(self.constant_dims) / self.constant_factors

    def constants_from_user(self, c_user: np.ndarray) -> np.ndarray:
        return c_user * self.constant_factors / self.scale_of(self.constant_dims)
