"""The methods a campaign compares, each behind one signature: (law, data, budget, seed) -> Fit.

Each method is given the law's own input and target names and returns its formula over them.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sympy

from lawfinder.benchmarks.suites import Law


@dataclass(frozen=True)
class Fit:
    """The formula a method returned, and what it cost."""

    formula: sympy.Expr   # over the law's own input names, constants as numbers
    wall: float           # seconds of search
    evals: int            # formulas scored, as PhySO counts them (dead ends are not scored)


def fit_lawfinder(law: Law, X: np.ndarray, y: np.ndarray, *, time_limit: float,
                  max_evals: int | None, seed: int, n_jobs: int = 1) -> Fit:
    """lawfinder's best formula (the most accurate of its front, simplest among near-ties),
    with `n_jobs` islands: one by default, a campaign's parallelism being its workers."""
    from lawfinder.estimator import LawRegressor

    model = LawRegressor(operators=law.operators, free_constants=dict(law.free_constants),
                         fixed_constants=("1",), max_time=time_limit, max_evals=max_evals,
                         random_state=seed, n_jobs=n_jobs)
    start = time.perf_counter()
    model.fit(X, y, names=list(law.names), units=list(law.units),
              target_units=law.target_units, target_name=law.target_name)
    wall = time.perf_counter() - start
    return Fit(model.best_.sympy(numeric=True), wall, model.n_scored_)


def fit_physo(law: Law, X: np.ndarray, y: np.ndarray, *, time_limit: float,
              max_evals: int | None, seed: int, n_jobs: int = 1) -> Fit:
    """PhySO's best formula with config1, on the same data, settings and budget (it has
    no islands: `n_jobs` is lawfinder's alone)."""
    from lawfinder.benchmarks.physo_method import run_physo

    run = run_physo(X, y, names=law.names, units=law.units, target_name=law.target_name,
                    target_units=law.target_units, free_constants=law.free_constants,
                    operators=law.operators, time_limit=time_limit, max_evals=max_evals,
                    seed=seed)
    return Fit(run.best, run.wall, run.evals)


Method = Callable[..., Fit]
METHODS: dict[str, Method] = {"lawfinder": fit_lawfinder, "physo": fit_physo}

# Methods whose package lawfinder does not depend on: method -> module it imports.
OPTIONAL_MODULES = {"physo": "physo"}


def unavailable(methods: Iterable[str]) -> list[str]:
    """The given methods whose optional package cannot be found in this environment."""
    return [m for m in methods
            if m in OPTIONAL_MODULES and importlib.util.find_spec(OPTIONAL_MODULES[m]) is None]
