"""PhySO (Tenachi et al. 2023), the reference method, through its public API under a time limit.

physo is not a lawfinder dependency: it is imported only when a run starts.
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from lawfinder.benchmarks.judge import parse
from lawfinder.units.dimension import parse_units


class OutOfTime(Exception):
    """Raised by the run logger to end a PhySO run at its time limit."""


@dataclass(frozen=True)
class PhysoRun:
    """What a PhySO run found, and what it cost."""

    best: sympy.Expr        # most accurate formula of the Pareto front (what physo.SR returns)
    wall: float             # seconds from the start of the run to its end
    evals: int              # formulas scored, as PhySO's max_n_evaluations counts them
    found: tuple[tuple[float, Any], ...]   # (seconds, program) each time the best improved


def run_physo(X: np.ndarray, y: np.ndarray, *, names: Sequence[str], units: Sequence[str],
              target_name: str, target_units: str, free_constants: Sequence[tuple[str, str]],
              operators: Sequence[str], time_limit: float, max_evals: int | None = None,
              seed: int) -> PhysoRun:
    """PhySO with the run configuration its authors recommend for symbolic regression with
    dimensional analysis (config1), the fixed constant 1 and the given free constants.

    PhySO has no time limit: its run logger ends the run after the first epoch to finish past
    `time_limit`, the rule lawfinder follows. `max_evals` is PhySO's max_n_evaluations.
    Otherwise PhySO stops by its own default rule, 10 epochs after a formula fits to float32
    precision. Raises ImportError when physo is not installed.

    The names become PhySO tokens, so each must be shorter than 10 characters (PhySO's
    MAX_NAME_SIZE) and none an operator's name; the formula comes back over them, parsed with
    `judge.parse`, so that names such as I, E or gamma stay variables.
    """
    import torch

    np.random.seed(seed)  # PhySO draws from the global generators, as its demos seed them
    torch.manual_seed(seed)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.filterwarnings("ignore", "Latex display is not available")
        import physo  # its progress messages go to stdout; it writes no files

        logger = timed_logger(time_limit)
        try:
            physo.SR(X.T, y, X_names=list(names), X_units=[units_vector(u) for u in units],
                     y_name=target_name, y_units=units_vector(target_units),
                     fixed_consts=[1.0], fixed_consts_units=[units_vector("1")],
                     free_consts_names=[name for name, _ in free_constants],
                     free_consts_units=[units_vector(u) for _, u in free_constants],
                     op_names=list(operators), max_n_evaluations=max_evals,
                     run_config=physo.config.config1.config1,
                     get_run_logger=lambda: logger, get_run_visualiser=lambda: None,
                     parallel_mode=False)
        except OutOfTime:
            pass
    wall = time.perf_counter() - logger.start
    best = program_sympy(logger.get_pareto_front()[1][-1])
    return PhysoRun(best, wall, int(sum(logger.n_rewarded)), tuple(logger.found))


def timed_logger(max_time: float) -> Any:
    """A PhySO RunLogger (no log file) that also records in `found` (seconds since it was made,
    program) each time the run's best formula improves, and raises OutOfTime after the first
    epoch to end `max_time` seconds or more after it was made."""
    from physo.learn.monitoring import RunLogger

    class TimedRunLogger(RunLogger):
        def __init__(self) -> None:
            super().__init__(do_save=False)
            self.start = time.perf_counter()
            self.found: list[tuple[float, Any]] = []

        def log(self, **epoch: Any) -> None:
            improvements = len(self.hall_of_fame)
            super().log(**epoch)
            elapsed = time.perf_counter() - self.start
            if len(self.hall_of_fame) > improvements:
                self.found.append((elapsed, self.best_prog))
            if elapsed >= max_time:
                raise OutOfTime

    return TimedRunLogger()


def units_vector(text: str) -> list[float]:
    """Exponents of the 7 SI base units (m, kg, s, A, K, mol, cd): a PhySO units vector."""
    return [float(e) for e in parse_units(text)[0].exponents]


def program_sympy(program: Any) -> sympy.Expr:
    """A PhySO program as a SymPy expression with its fitted constants' values."""
    values = program.get_sympy_local_dicts()[0]
    return parse(program.get_infix_str()).subs({sympy.Symbol(k): v for k, v in values.items()})
