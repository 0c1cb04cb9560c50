"""Helpers shared by the tests (imported by name: conftest modules shadow each other)."""

from __future__ import annotations

import numpy as np
import scipy.special
import sympy

from lawfinder import LawRegressor, UserOperator
from lawfinder.language.library import DEFAULT_OPERATORS, build_library
from lawfinder.search.config import SearchConfig
from lawfinder.search.loop import Search
from lawfinder.units.dimension import Dimension, parse_units

ALL_OPERATORS = ["add", "sub", "mul", "div", "neg", "inv", "n2", "n3", "sqrt", "exp", "log",
                 "sin", "cos", "tan", "tanh", "abs", "asin", "acos", "atan", "log10"]


def dim(text: str) -> Dimension:
    return parse_units(text)[0]


def newton_data(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Newton's law with G = 6.123 on masses and distances uniform in [1, 5]."""
    X = np.random.default_rng(seed).uniform(1, 5, (n, 3))
    return X, 6.123 * X[:, 0] * X[:, 1] / X[:, 2] ** 2


def newton_search(seed: int) -> Search:
    """A small search on raw Newton data (y = 6.123 m1 m2 / r^2); formulas within 20% count
    as exact, so that the bookkeeping of exact formulas is exercised too."""
    kg, m, N = dim("kg"), dim("m"), dim("N")
    library = build_library(DEFAULT_OPERATORS, [("m1", kg), ("m2", kg), ("r", m)],
                            {"G": dim("m^3/(kg*s^2)")}, ["1"])
    X, y = newton_data()
    return Search(library, np.array(N.doubled()), X, y, np.ones(len(y)), np.ones((1, 1)),
                  np.ones(1), SearchConfig(batch_size=50, target_nrmse=0.2), seed)


NEWTON = dict(names=["m1", "m2", "r"], units=["kg", "kg", "m"], target_units="N")


def newton_islands_fit(n_jobs, callback=None, max_evals=9000, **kwargs):
    """Newton's law with an exactness no formula reaches (1e-30) and no stall rule, so
    that every island works until the budget ends, over several rounds."""
    X, y = newton_data(300)
    y = y + np.random.default_rng(0).normal(0, 1e-3, len(y))
    model = LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=max_evals,
                         batch_size=100, target_nrmse=1e-30, stall_patience=None,
                         random_state=0, n_jobs=n_jobs, **kwargs)
    return model.fit(X, y, **NEWTON, callback=callback)


def relativity_data(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """E = m c^2 / sqrt(1 - v^2/c^2) with c = 19.8 m/s, m in [1, 5] g and v in [5, 60] km/h
    (non-SI units, so that every conversion of the known c shows), E in J."""
    m, v = np.random.default_rng(seed).uniform([1, 5], [5, 60], (n, 2)).T
    c = 19.8 * 3.6                                               # km/h
    return np.column_stack([m, v]), m / 1000 * 19.8**2 / np.sqrt(1 - v**2 / c**2)


def erf_slope(a: np.ndarray) -> np.ndarray:
    return 2 / np.sqrt(np.pi) * np.exp(-a**2)


# The docs' example of a user operator; functions of modules, so islands could import it.
ERF = UserOperator("erf", 1, scipy.special.erf, erf_slope, sympy.erf)


def erf_data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = erf(x / 0.7) on x uniform in [-2, 2]."""
    X = np.random.default_rng(seed).uniform(-2, 2, (n, 1))
    return X, scipy.special.erf(X[:, 0] / 0.7)


def free_fall(labels: tuple, sizes: tuple[int, ...], seed: int = 0
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z = z0 + v0 t - g t^2 / 2 with g shared and v0, z0 one value per dataset, in units
    that are not SI (t in ms, z in cm), with 0.1% noise so that the errors are finite."""
    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(len(labels)), sizes)
    v0, z0 = rng.uniform(-5, 5, len(labels)), rng.uniform(5, 20, len(labels))   # m/s, m
    t = rng.uniform(100, 2000, len(codes))
    z = 100 * (z0[codes] + v0[codes] * t / 1000 - 9.81 / 2 * (t / 1000) ** 2)
    return t[:, None], z * (1 + 1e-3 * rng.standard_normal(len(z))), np.array(labels)[codes]
