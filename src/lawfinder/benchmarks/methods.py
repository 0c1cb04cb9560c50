"""The methods a campaign compares, each behind one signature: (law, data, budget, seed) -> Fit.

Each method is given the law's own input and target names and returns its formula over them.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import sympy

from lawfinder.benchmarks.suites import Law
from lawfinder.errors import LawfinderError

if TYPE_CHECKING:
    from lawfinder.estimator import LawRegressor


@dataclass(frozen=True)
class Fit:
    """The formula a method returned, and what it cost."""

    formula: sympy.Expr   # over the law's own input names, constants as numbers
    wall: float           # seconds of search
    evals: int            # formulas scored, as PhySO counts them (dead ends are not scored)
    # With datasets: each one's fitted per-dataset constants, a row per dataset label.
    dataset_constants: pd.DataFrame | None = None


def fit_lawfinder(law: Law, X: np.ndarray, y: np.ndarray, *, time_limit: float,
                  max_evals: int | None, seed: int, n_jobs: int = 1,
                  groups: np.ndarray | None = None) -> Fit:
    """lawfinder's best formula (the most accurate of its front, simplest among near-ties),
    with `n_jobs` islands: one by default, a campaign's parallelism being its workers.
    With `groups` (each row's dataset), one form over all datasets, with the law's
    per-dataset constants fitted in each."""
    model = lawfinder_model(law, max_time=time_limit, max_evals=max_evals,
                            random_state=seed, n_jobs=n_jobs)
    start = time.perf_counter()
    model.fit(X, y, groups=groups, **fit_options(law))
    wall = time.perf_counter() - start
    table = None if groups is None else model.best_.dataset_constants
    return Fit(model.best_.sympy(numeric=True), wall, model.n_scored_, table)


def lawfinder_model(law: Law, **settings: object) -> LawRegressor:
    """A LawRegressor with the law's operators and constants, and the given settings."""
    from lawfinder.estimator import LawRegressor

    return LawRegressor(operators=law.operators, free_constants=dict(law.free_constants),
                        dataset_constants=dict(law.dataset_constants) or None,
                        fixed_constants=("1",), **settings)


def fit_options(law: Law) -> dict[str, object]:
    """What `LawRegressor.fit` is told of the law: its names and, if it gives them, units."""
    options: dict[str, object] = {"names": list(law.names), "target_name": law.target_name}
    if law.with_units:
        options.update(units=list(law.units), target_units=law.target_units)
    return options


def fit_physo(law: Law, X: np.ndarray, y: np.ndarray, *, time_limit: float,
              max_evals: int | None, seed: int, n_jobs: int = 1,
              groups: np.ndarray | None = None) -> Fit:
    """PhySO's best formula with config1, on the same data, settings and budget (it has
    no islands: `n_jobs` is lawfinder's alone). One dataset only: PhySO's Class SR mode
    is not wired here, so `groups` is refused."""
    if groups is not None:
        raise PhysoClassError()
    from lawfinder.benchmarks.physo_method import run_physo

    run = run_physo(X, y, names=law.names, units=law.units, target_name=law.target_name,
                    target_units=law.target_units, free_constants=law.free_constants,
                    operators=law.operators, time_limit=time_limit, max_evals=max_evals,
                    seed=seed)
    return Fit(run.best, run.wall, run.evals)


class PhysoClassError(LawfinderError):
    """PhySO is run here on one dataset at a time, so not on the class suite."""

    def __init__(self) -> None:
        super().__init__("the physo method does not run the class suite (one law over several "
                         "datasets: PhySO's Class SR mode is not wired into lawfinder bench); "
                         "use --methods lawfinder, and compare with PhySO's published rates "
                         "(lawfinder bench report prints them)")


Method = Callable[..., Fit]
METHODS: dict[str, Method] = {"lawfinder": fit_lawfinder, "physo": fit_physo}

# Methods whose package lawfinder does not depend on: method -> module it imports.
OPTIONAL_MODULES = {"physo": "physo"}


def unavailable(methods: Iterable[str]) -> list[str]:
    """The given methods whose optional package cannot be found in this environment."""
    return [m for m in methods
            if m in OPTIONAL_MODULES and importlib.util.find_spec(OPTIONAL_MODULES[m]) is None]
