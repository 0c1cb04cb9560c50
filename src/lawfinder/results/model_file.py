"""Fitted models as plain, versioned JSON files: readable, diffable, no pickle.

A file holds everything `predict` needs and what a person wants to read: the settings,
the inputs, target and free constants (units as the user wrote them, plus their SI
dimensions and factors), the token library (known constants with their values, so a
model keeps the value it was fitted with whatever pint's next CODATA release says), the
unit frame and the Pareto front.
Formulas are stored as token names, not token ids, so the file reads on its own.
Loading reuses the stored SI factors instead of parsing the unit strings again, and
float64 values survive JSON exactly (Python writes the shortest repr that reads back
to the same number), so a loaded model predicts bit for bit what the saved one did
(`lawfinder.results.model_loading` reads them).
Non-finite numbers, e.g. max_time=inf, are written as Python's json writes them
(Infinity, NaN). The training data are not stored.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy

from lawfinder.search.atomic import write_atomically
from lawfinder.errors import LawfinderError, ModelFileError
from lawfinder.results.fitted_law import FittedLaw
from lawfinder.results.formula import Formula
from lawfinder.language.known_constants import NUMBERS, KnownConstant
from lawfinder.language.user_operators import UserOperator
from lawfinder.units.dimension import BASE_SYMBOLS, Dimension
from lawfinder.version import __version__

FORMAT = "lawfinder-model"
# Version 2 adds the datasets of a fit with groups and their per-dataset constants; version
# 3 known constants with values and units (c, G) among the fixed constants, and the user
# operators a model needs (by name and form; `load` is given their code). A model is
# written in the oldest version that holds it, which older lawfinders read.
VERSION = 3
READABLE = (1, 2, 3)

def save_model(law: FittedLaw, path: str | os.PathLike[str]) -> None:
    """Write a fit's record to `path` as JSON, atomically (temporary file + rename)."""
    text = json.dumps(_document(law), indent=2, ensure_ascii=False) + "\n"  # λ, not \u03bb
    try:
        write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))
    except OSError as exc:
        raise ModelFileError(f"cannot write the model file {str(path)!r}: {exc.strerror or exc}; "
                             "check that its folder exists and is writable") from exc


def _document(law: FittedLaw) -> dict[str, Any]:
    problem, library, frame, settings = law.problem, law.library, law.frame, law.settings
    units = problem.units or (None,) * problem.n_features
    fixed = [_fixed(t.known) for t in library.tokens if t.known]
    return {
        "format": FORMAT,
        "version": (3 if library.user_operators or any(isinstance(f, dict) for f in fixed)
                    else 2 if problem.datasets else 1),
        "saved_by": f"lawfinder {__version__}",
        "params": {name: _plain(value, name) for name, value in settings.items()},
        "inputs": [_quantity(*q) for q in zip(problem.names, units, problem.dims,
                                               problem.factors)],
        "target": _quantity(problem.target_name, problem.target_units, problem.target_dim,
                            problem.target_factor),
        "free_constants": _constants(law, "free_constants"),
        **(_datasets(law) if problem.datasets else {}),
        "library": {
            "operators": [t.name for t in library.tokens if t.arity],
            "fixed_constants": fixed,
            **({"user_operators": [_user_operator(op) for op in library.user_operators]}
               if library.user_operators else {}),
        },
        "frame": {"log_scale": dict(zip(BASE_SYMBOLS, map(float, frame.log_scale)))},
        "pareto_front": [_formula(f) for f in law.pareto],
        "best": law.pareto.index(law.best),
        "search": {"n_evals": law.n_evals, "n_scored": law.n_scored,
                   "interrupted": law.interrupted, "islands_lost": list(law.islands_lost)},
    }


def _datasets(law: FittedLaw) -> dict[str, Any]:
    """The dataset labels of a fit with groups, and its per-dataset constants."""
    labels = list(law.problem.datasets)
    bad = [label for label in labels if not isinstance(label, (str, int, float))]
    if bad:
        raise LawfinderError(f"cannot save the dataset label {bad[0]!r} "
                             f"({type(bad[0]).__name__}): a model file keeps numbers and "
                             "strings; refit with labels of those kinds")
    return {"datasets": labels,
            "dataset_constants": _constants(law, "dataset_constants")}


def _constants(law: FittedLaw, setting: str) -> list[dict[str, Any]]:
    """The fitted constants of `setting` (free_constants, dataset_constants) as quantities,
    in the units they were declared in."""
    library, units = law.library, law.constant_units(setting)
    tokens = [library.tokens[library.terminal[name]] for name in units]
    return [_quantity(name, text, token.dim, law.frame.constant_factors[token.index])
            for (name, text), token in zip(units.items(), tokens)]


def _fixed(constant: KnownConstant) -> str | dict[str, Any]:
    """A fixed constant: a number by its name ("pi"), a known constant with its value."""
    if constant.name in NUMBERS:
        return constant.name
    return {**_quantity(constant.name, constant.units, constant.dim, constant.factor),
            "value": constant.value}


def _user_operator(op: UserOperator) -> dict[str, Any]:
    """What a file says of a user operator: what it is, not its code (`load` is given that)."""
    return {"name": op.name, "arity": op.arity, "units": op.units, "power": str(op.power),
            "sympy": str(op.sympy(*sympy.symbols(f"a:{op.arity}")))}


def _plain(value: Any, name: str) -> Any:
    """A setting as JSON data (tuples become lists, NumPy scalars Python numbers, user
    operators their names)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, UserOperator):
        return value.name
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(item, name) for item in value]
    if isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return {key: _plain(item, name) for key, item in value.items()}
    raise LawfinderError(f"cannot save the setting {name}={value!r}: only numbers, strings, "
                         "lists and dicts can be written to a model file; use one of those")


def _quantity(name: str, units: str | None, dim: Dimension, factor: float) -> dict[str, Any]:
    return {"name": name, "units": units, "dims": _dims_to_json(dim), "si_factor": float(factor)}


def _dims_to_json(dim: Dimension) -> dict[str, int | str]:
    """Non-zero exponents by base symbol: {"m": 3, "kg": -1, "s": -2}; halves as "1/2"."""
    return {symbol: int(e) if e.denominator == 1 else str(e)
            for symbol, e in zip(BASE_SYMBOLS, dim.exponents) if e}


def _formula(formula: Formula) -> dict[str, Any]:
    return {
        "tokens": [formula.library.names[t] for t in formula.tokens],
        "sympy": str(formula.sympy()),  # for people; loading reads the tokens
        "scaled_constants": [float(c) for c in formula.scaled_constants],
        "constants": formula.constants,
        "nrmse": formula.nrmse,
        "complexity": formula.complexity,
        "found_at": formula.found_at,
        "view": formula.view,
        "scaled_covariance": (None if formula.scaled_covariance is None
                              else formula.scaled_covariance.tolist()),
        "errors_from": formula.errors_from,
        "positive_inputs": sorted(formula.positive_inputs),
        "bic": None if math.isnan(formula.bic) else formula.bic,
    }


