"""The estimator's number settings checked and read into the search's configuration, and
`n_jobs` read as the number of islands."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from lawfinder.errors import LawfinderError
from lawfinder.language.user_operators import UserOperator
from lawfinder.search import islands
from lawfinder.search.config import SearchConfig


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real)


# What each number setting may be: (test, what the error says it must be). The others are
# checked where they are read (operators by the library, n_jobs by `n_islands`, the
# constants with their units).
CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    # Upper bounds keep a search's arrays (formulas x tokens x rows) within memory: a
    # formula of 200 tokens is far past any law, and the policy's batch grows as the batch.
    "max_length": (lambda v: _is_int(v) and 1 <= v <= 200, "an integer from 1 to 200"),
    "max_time": (lambda v: _is_real(v) and v > 0, "> 0 seconds"),
    "max_evals": (lambda v: v is None or (_is_real(v) and v >= 1), ">= 1 or None"),
    "target_nrmse": (lambda v: _is_real(v) and v >= 0, "a number >= 0"),
    "patience": (lambda v: _is_real(v) and v >= 0, "a number of epochs >= 0"),
    "stall_patience": (lambda v: v is None or (_is_int(v) and v >= 1),
                       "a number of epochs >= 1 or None"),
    "batch_size": (lambda v: _is_int(v) and 20 <= v <= 100_000,
                   "an integer from 20 to 100,000"),
}


def search_config(settings: Mapping[str, Any]) -> SearchConfig:
    """The search's configuration from the estimator's settings (its `get_params()`),
    each number setting and the random state checked first."""
    for name, (allowed, expected) in CHECKS.items():
        if not allowed(settings[name]):
            raise LawfinderError(f"{name} must be {expected}, got {settings[name]!r}")
    try:
        np.random.default_rng(settings["random_state"])
    except (TypeError, ValueError) as exc:
        raise LawfinderError(f"random_state must be None, an integer >= 0 or a NumPy "
                             f"Generator, got {settings['random_state']!r}") from exc
    base, length = SearchConfig(), settings["max_length"]
    return replace(base, batch_size=settings["batch_size"],
                   max_time=float(settings["max_time"]), max_evals=settings["max_evals"],
                   target_nrmse=float(settings["target_nrmse"]),
                   patience=int(settings["patience"]),
                   stall_patience=settings["stall_patience"],
                   priors=replace(base.priors, max_length=length,
                                  soft_length=min(base.priors.soft_length, length / 2)))


def n_islands(n_jobs: Any, user_operators: Sequence[UserOperator] = (),
              cores: int | None = None) -> int:
    """Islands to run, from n_jobs as scikit-learn reads it: None is 1, -1 every core,
    -2 all but one, ...; one when a user operator cannot reach other processes (a lambda,
    or a function of the script). `cores` are this machine's unless given (on a cluster,
    its workers and this process)."""
    n = 1 if n_jobs is None else n_jobs
    if not _is_int(n) or n == 0:
        raise LawfinderError(f"n_jobs must be a nonzero integer or None (-1: every core), "
                             f"got {n_jobs!r}")
    cores = islands.available_cores() if cores is None else cores
    n = max(int(n) if n > 0 else cores + 1 + int(n), 1)
    stay = [op.name for op in user_operators if not op.portable]
    if n > 1 and stay:
        warnings.warn(f"the user operators {stay} hold lambdas or functions of the script, "
                      "which the islands' processes cannot import: the search runs in "
                      "this process alone; define their functions in a module to run "
                      f"{n} islands", stacklevel=4)
        return 1
    return n
