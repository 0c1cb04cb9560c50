"""What one fit found, as one record: the problem, the token set and its unit frame, the
Pareto front with the chosen formula, the search's history and counts, and the settings.

`fit` builds it once (`from_search`); the model file, the HTML report and the notebook
view read it, and none of them needs the estimator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.fit.reward import weighted_squares
from lawfinder.fit.uncertainty import covariances
from lawfinder.data.problem import Problem, check_features
from lawfinder.language.library import Library
from lawfinder.results.formula import Formula
from lawfinder.results.selection import bic, choose
from lawfinder.search.front import predictions, strict_front
from lawfinder.search.config import EpochStats
from lawfinder.search.loop import Search
from lawfinder.units.scaling import Frame


@dataclass(frozen=True)
class FittedLaw:
    """A finished fit. `settings` are the estimator's parameters as the fit ran with them
    (`get_params()`); `history` is empty for a model read from a file."""

    problem: Problem
    library: Library
    frame: Frame
    pareto: tuple[Formula, ...]
    best: Formula
    settings: Mapping[str, Any]
    history: tuple[EpochStats, ...] = ()
    bases: tuple[str, ...] = ()           # the Π bases the search used (`View.name`)
    n_evals: int = 0                      # formulas sampled (the max_evals budget)
    n_scored: int = 0                     # of which complete and scored (no dead end)
    interrupted: bool = False             # stopped by Ctrl-C: what was found so far
    islands_lost: tuple[str, ...] = ()    # why each lost island was lost

    def constant_units(self, setting: str = "free_constants") -> dict[str, str]:
        """The unit strings the constants of `setting` (free_constants, dataset_constants)
        were declared with, by name ("1" for those given as a list of names)."""
        given = self.settings[setting]
        if isinstance(given, Mapping):
            return {name: str(text) for name, text in given.items()}
        return {name: "1" for name in given or ()}

    def predict(self, X: Any, return_std: bool = False, groups: Any = None
                ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """The best formula's predictions (`LawRegressor.predict`): X checked against the
        fitted inputs and read in their units, or converted from the units it carries."""
        p = self.problem
        X_user = check_features(X, p.names, np.ones(p.n_features),
                                units=list(zip(p.dims, p.factors)))
        return self.best.predict(X_user, return_std, groups)


def from_search(search: Search, problem: Problem, library: Library, frame: Frame,
                settings: Mapping[str, Any], islands_lost: tuple[str, ...] = ()) -> FittedLaw:
    """The record of a finished search: its front refitted on all rows (`Search.polish`),
    filtered again, with error bars and BIC, and the formula the selection rule chooses."""
    front = search.polish(search.hall.front())
    # The refit on all rows rescores the front: filter it again (and drop twins).
    front = strict_front(front, predictions(front, library, search.X))
    if not front:
        raise LawfinderError(_no_front_message(search.scored, problem))
    positive = frozenset(search.positive.intersection(problem.names))
    pareto = _with_errors([Formula(e.tokens, library, frame, e.constants, e.nrmse,
                                   e.complexity, e.found_at, e.view, positive_inputs=positive,
                                   datasets=problem.datasets) for e in front],
                          problem, search)
    return FittedLaw(problem, library, frame, tuple(pareto),
                     choose(pareto, settings["model_selection"]), dict(settings),
                     tuple(search.history), tuple(view.name for view in search.pi_views),
                     search.sampled, search.scored, search.interrupted, islands_lost)


def _with_errors(front: list[Formula], problem: Problem, search: Search) -> list[Formula]:
    """The formulas with their constants' covariance on all data (`fit.uncertainty`) and
    their BIC; a constant set to a closed form is fixed, with no error."""
    library, frame = search.library, front[0].frame
    fixed = np.array([[isinstance(f.exact_constants.get(name), sympy.Expr)
                       for name in library.free_names] for f in front], dtype=bool)
    fixed = fixed.reshape(len(front), library.n_free)
    unit_error = (None if problem.unit_error is None
                  else float(frame.target_from_si(np.array(problem.unit_error))))
    covariance = covariances([f.tokens for f in front],
                             np.array([f.scaled_constants for f in front]), library,
                             search.X, search.y, problem.weights, fixed, unit_error)
    source = "residuals" if unit_error is None else "y_err"
    chi2: list[float | None] = [None] * len(front)
    if unit_error is not None:  # y_err_i = unit_error / sqrt(w_i)
        values, _ = evaluate(padded([f.tokens for f in front]), library, search.X,
                             np.array([f.scaled_constants for f in front]))
        chi2 = list(weighted_squares((values - search.y) / unit_error, problem.weights))
    return [replace(f, scaled_covariance=c, errors_from=source,
                    bic=bic(f.nrmse, f.complexity, len(problem.y), x2))
            for f, c, x2 in zip(front, covariance, chi2)]


def _no_front_message(scored: int, problem: Problem) -> str:
    """Why a search ended with an empty front: no formula scored, or none of finite error."""
    if not scored:
        return "the search ended before any formula could be scored; raise max_time or max_evals"
    weighted = " with these weights" if np.ptp(problem.weights) else ""
    return (f"all {scored} formulas scored have an infinite or undefined error on these "
            f"data{weighted}: check that y_err or sample_weight are right and that the "
            "target is well represented in 64-bit floats")
