"""Fitted models as plain, versioned JSON files: readable, diffable, no pickle.

A file holds everything `predict` needs and what a person wants to read: the settings,
the inputs, target and free constants (units as the user wrote them, plus their SI
dimensions and factors), the token library (known constants with their values, so a
model keeps the value it was fitted with whatever pint's next CODATA release says), the
unit frame and the Pareto front.
Formulas are stored as token names, not token ids, so the file reads on its own.
Loading reuses the stored SI factors instead of parsing the unit strings again, and
float64 values survive JSON exactly (Python writes the shortest repr that reads back
to the same number), so a loaded model predicts bit for bit what the saved one did.
Non-finite numbers, e.g. max_time=inf, are written as Python's json writes them
(Infinity, NaN). The training data are not stored.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from lawfinder.search.atomic import write_atomically
from lawfinder.errors import LawfinderError, ModelFileError
from lawfinder.results.fitted_law import FittedLaw
from lawfinder.results.formula import Formula
from lawfinder.language.known_constants import NUMBERS, KnownConstant
from lawfinder.language.library import Kind, Library, build_library
from lawfinder.language.user_operators import UserOperator
from lawfinder.data.problem import Problem
from lawfinder.units.scaling import Frame
from lawfinder.units.dimension import BASE_SYMBOLS, Dimension
from lawfinder.version import __version__


FORMAT = "lawfinder-model"
# Version 2 adds the datasets of a fit with groups and their per-dataset constants; version
# 3 known constants with values and units (c, G) among the fixed constants, and the user
# operators a model needs (by name and form; `load` is given their code). A model is
# written in the oldest version that holds it, which older lawfinders read.
VERSION = 3
READABLE = (1, 2, 3)

# Hand-edited user-unit constants that disagree with the scaled ones by more than this
# are rejected: the scaled values are the ones predict uses.
_CONSTANTS_RTOL = 1e-9


class _Malformed(Exception):
    """A part of a model document is missing or of the wrong kind (caught by load_model)."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where} {problem}")


# --- writing ---------------------------------------------------------------------------

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


# --- reading ---------------------------------------------------------------------------

def _covariance(item: dict[str, Any], n_free: int, prefix: str) -> np.ndarray | None:
    """The formula's (K, K) covariance of scaled constants; None in files written before
    error bars, or where none was saved."""
    rows = _get(item, "scaled_covariance", list, prefix, optional=True) \
        if "scaled_covariance" in item else None
    if rows is None:
        return None
    if len(rows) != n_free or not all(isinstance(r, list) and len(r) == n_free
                                      and all(_is(v, (float,)) for v in r) for r in rows):
        raise _Malformed(prefix + "scaled_covariance",
                         f"should be {n_free} rows of {n_free} numbers")
    return np.array(rows, dtype=float).reshape(n_free, n_free)  # [] when no constants


def load_model(path: str | os.PathLike[str], defaults: Mapping[str, Any],
               operators: Sequence[UserOperator] = ()) -> FittedLaw:
    """Read a model file written by `save_model` back into its fit's record; `defaults` are
    the estimator's parameters with their defaults (the settings the file may hold). A model
    with user operators needs them in `operators`, as a file holds no code."""
    where = str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelFileError(f"cannot read the model file {where!r}: "
                             f"{exc.strerror or exc}; check the path") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise ModelFileError(f"{where!r} is not a lawfinder model file: it is not JSON text "
                             f"({exc}); give a file written by LawRegressor.save") from exc
    _check_format(document, where)
    try:
        return _law(document, defaults, _user_operators(document, operators, where))
    except _Malformed as exc:
        raise ModelFileError(f"the model file {where!r} is damaged: {exc}; save the model "
                             "again, or restore the file") from None


def _check_format(document: Any, where: str) -> None:
    found = document.get("format") if isinstance(document, dict) else None
    if found != FORMAT:
        raise ModelFileError(f"{where!r} is not a lawfinder model file: its 'format' is "
                             f"{found!r}, expected {FORMAT!r}; give a file written by "
                             "LawRegressor.save")
    version = document.get("version")
    if type(version) is not int or version not in READABLE:
        newer = isinstance(version, int) and version > VERSION
        fix = "upgrade lawfinder to read it" if newer else "save the model again"
        raise ModelFileError(f"{where!r} is a lawfinder model file of format version "
                             f"{version!r}, but this lawfinder reads version {VERSION}; {fix}")


def _user_operators(document: dict[str, Any], given: Sequence[UserOperator], where: str
                    ) -> dict[str, UserOperator]:
    """The user operators the model uses, by name, from those given to load; a clear error
    when one is missing or is not what the model was fitted with."""
    if isinstance(given, (str, UserOperator)) or not all(isinstance(op, UserOperator)
                                                         for op in given):
        raise LawfinderError(f"operators must be a list of the UserOperator objects the model "
                             f"was fitted with; got {given!r}")
    library = document.get("library")
    used = (_get(library, "user_operators", list, "library.")
            if isinstance(library, dict) and "user_operators" in library else [])
    by_name = {op.name: op for op in given}
    for i, item in enumerate(used):
        prefix = f"library.user_operators[{i}]."
        item = _object(item, prefix[:-1])
        name, arity, units = (_get(item, key, kind, prefix) for key, kind in
                              (("name", str), ("arity", int), ("units", str)))
        op = by_name.get(name)
        if op is None:
            raise ModelFileError(f"the model {where!r} uses the user operator {name!r} (arity "
                                 f"{arity}, units {units!r}, SymPy form {item.get('sympy')}), "
                                 "whose code a model file does not hold; pass it to load: "
                                 f"LawRegressor.load(path, operators=[{name}]), {name} being "
                                 "the lawfinder.UserOperator the model was fitted with")
        if (op.arity, op.units) != (arity, units):
            raise ModelFileError(f"the model {where!r} was fitted with a user operator {name!r} "
                                 f"of arity {arity} and units {units!r}; the one given to load "
                                 f"has arity {op.arity} and units {op.units!r}")
    return {item["name"]: by_name[item["name"]] for item in used}


def _law(document: dict[str, Any], defaults: Mapping[str, Any],
         user_operators: Mapping[str, UserOperator]) -> FittedLaw:
    inputs = [_read_quantity(item, f"inputs[{i}]")
              for i, item in enumerate(_get(document, "inputs", list))]
    target = _read_quantity(_get(document, "target", dict), "target")
    problem = _read_problem(inputs, target)
    constants, own = (_read_constants(document, key) for key in ("free_constants",
                                                                  "dataset_constants"))
    datasets = _read_datasets(document)
    if own and not datasets:
        raise _Malformed("datasets", "are missing beside the dataset_constants they belong to")
    problem = replace(problem, datasets=datasets)
    library = _read_library(_get(document, "library", dict), inputs, constants, own,
                            len(datasets), user_operators)
    factors = {q["name"]: q["factor"] for q in constants + own}
    frame = Frame(_read_log_scale(_get(document, "frame", dict)), problem.dims,
                  np.array(problem.factors), problem.target_dim, problem.target_factor,
                  library.free_dims, np.array([factors[name] for name in library.free_names]))
    library = library.scaled(frame.scale_of)
    front = [_read_formula(item, f"pareto_front[{i}]", library, frame, datasets)
             for i, item in enumerate(_get(document, "pareto_front", list))]
    best = _get(document, "best", int)
    if not 0 <= best < len(front):
        raise _Malformed("best", f"is {best}, not an index into the {len(front)} formulas of "
                                 "pareto_front")
    search = _get(document, "search", dict)
    lost = _get(search, "islands_lost", list, "search.") if "islands_lost" in search else []
    if not all(isinstance(reason, str) for reason in lost):
        raise _Malformed("search.islands_lost", "should be a list of texts")
    settings = {**defaults, **_read_params(_get(document, "params", dict), defaults,
                                           user_operators)}
    # Per-epoch statistics and the Π bases are not stored.
    return FittedLaw(problem, library, frame, tuple(front), front[best], settings,
                     n_evals=_get(search, "n_evals", int, "search."),
                     n_scored=_get(search, "n_scored", int, "search."),
                     interrupted=_get(search, "interrupted", bool, "search."),
                     islands_lost=tuple(lost))


def _get(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], prefix: str = "",
         optional: bool = False) -> Any:
    """obj[key], checked to be of `kind` (None allowed when `optional`).

    `float` stands for any number; bool, a subclass of int in Python, is no number.
    """
    if key not in obj:
        raise _Malformed(prefix + key, "is missing")
    value = obj[key]
    if value is None and optional:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not _is(value, kinds):
        expected = " or ".join(_KIND_NAMES[k] for k in kinds)
        raise _Malformed(prefix + key, f"should be {expected}, not {json.dumps(value)[:60]}")
    return value


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, (int, *kinds) if float in kinds else kinds)


_KIND_NAMES = {dict: "an object", list: "a list", str: "a string", int: "an integer",
               float: "a number", bool: "true or false"}


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed(where, f"should be an object, not {json.dumps(value)[:60]}")
    return value


def _read_params(params: dict[str, Any], defaults: Mapping[str, Any],
                 user_operators: Mapping[str, UserOperator]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise _Malformed("params", f"holds unknown settings {unknown}; the file may come from "
                                   "a newer lawfinder")
    # JSON has no tuples: give tuple-valued settings (operators, ...) their tuples back.
    out = {name: tuple(value) if isinstance(defaults[name], tuple) and isinstance(value, list)
           else value for name, value in params.items()}
    if isinstance(out.get("operators"), (list, tuple)):  # user operators by name: the objects
        out["operators"] = type(out["operators"])(
            user_operators.get(op, op) if isinstance(op, str) else op for op in out["operators"])
    return out


def _read_quantity(item: Any, where: str) -> dict[str, Any]:
    """A named input, target or constant: name, units as given, dimension and SI factor."""
    item, prefix = _object(item, where), where + "."
    factor = _get(item, "si_factor", float, prefix)
    if not (math.isfinite(factor) and factor > 0):
        raise _Malformed(prefix + "si_factor", f"is {factor}; it must be a positive number")
    return {"name": _get(item, "name", str, prefix),
            "units": _get(item, "units", str, prefix, optional=True),
            "dim": _read_dims(_get(item, "dims", dict, prefix), prefix + "dims"),
            "factor": float(factor)}


def _read_dims(dims: dict[str, Any], where: str) -> Dimension:
    unknown = sorted(set(dims) - set(BASE_SYMBOLS))
    if unknown:
        raise _Malformed(where, f"has {unknown}, which are not SI base units {BASE_SYMBOLS}")
    try:
        exponents = {symbol: Fraction(_get(dims, symbol, (int, str), where + "."))
                     for symbol in dims}
    except (ValueError, ZeroDivisionError) as exc:
        raise _Malformed(where, f"has an exponent that is not a fraction ({exc})") from None
    return Dimension.of(**exponents)


def _read_constants(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The quantities of `key` (free_constants, or dataset_constants, which only files of
    fits with groups hold)."""
    if key == "dataset_constants" and key not in document:
        return []
    return [_read_quantity(item, f"{key}[{i}]") for i, item in enumerate(_get(document, key, list))]


def _read_datasets(document: dict[str, Any]) -> tuple[Any, ...]:
    """The dataset labels of a fit with groups, as saved (numbers or strings); () without."""
    labels = _get(document, "datasets", list) if "datasets" in document else []
    if not all(isinstance(label, (str, int, float)) for label in labels) \
            or len(set(labels)) != len(labels):
        raise _Malformed("datasets", "should be distinct numbers or strings, one per dataset")
    return tuple(labels)


def _read_library(section: dict[str, Any], inputs: list[dict[str, Any]],
                  constants: list[dict[str, Any]], own: list[dict[str, Any]],
                  n_datasets: int, user_operators: Mapping[str, UserOperator]) -> Library:
    operators = [user_operators.get(name, name) if isinstance(name, str) else name
                 for name in _get(section, "operators", list, "library.")]
    fixed = [_read_fixed(item, f"library.fixed_constants[{i}]") for i, item
             in enumerate(_get(section, "fixed_constants", list, "library."))]
    try:
        return build_library(operators, [(q["name"], q["dim"]) for q in inputs],
                             {q["name"]: q["dim"] for q in constants}, fixed,
                             {q["name"]: q["dim"] for q in own}, n_datasets)
    except (LawfinderError, TypeError) as exc:
        raise _Malformed("library", f"cannot be rebuilt: {exc}") from None


def _read_fixed(item: Any, where: str) -> str | KnownConstant:
    """A fixed constant: a name ("1", "pi"), or a known constant with value and units."""
    if isinstance(item, str):
        return item
    quantity = _read_quantity(item, where)
    value = _get(item, "value", float, where + ".")
    if quantity["units"] is None or not (math.isfinite(value) and value != 0):
        raise _Malformed(where, "should have units (a string) and a finite, nonzero value")
    return KnownConstant(quantity["name"], float(value), quantity["units"], quantity["dim"],
                         quantity["factor"])


def _read_log_scale(section: dict[str, Any]) -> np.ndarray:
    scales = _get(section, "log_scale", dict, "frame.")
    if set(scales) != set(BASE_SYMBOLS):
        raise _Malformed("frame.log_scale", f"must give one number for each of {BASE_SYMBOLS}")
    return np.array([float(_get(scales, s, float, "frame.log_scale.")) for s in BASE_SYMBOLS])


def _read_formula(item: Any, where: str, library: Library, frame: Frame,
                  datasets: tuple[Any, ...]) -> Formula:
    item, prefix = _object(item, where), where + "."
    names = _get(item, "tokens", list, prefix)
    unknown = [name for name in names if not isinstance(name, str) or name not in library.index]
    if unknown:
        raise _Malformed(prefix + "tokens", f"hold {unknown[0]!r}, which is not in the "
                                            f"library ({', '.join(library.names)})")
    tokens = tuple(library.index[name] for name in names)
    _check_prefix(tokens, library, prefix + "tokens")
    scaled = _get(item, "scaled_constants", list, prefix)
    if not all(_is(c, (float,)) for c in scaled):
        raise _Malformed(prefix + "scaled_constants", "should hold only numbers")
    if len(scaled) != library.n_free:
        raise _Malformed(prefix + "scaled_constants", f"has {len(scaled)} values for the "
                                                      f"{library.n_free} free constants")
    formula = Formula(tokens, library, frame, np.array(scaled, dtype=float),
                      float(_get(item, "nrmse", float, prefix)),
                      float(_get(item, "complexity", float, prefix)),
                      float(_get(item, "found_at", float, prefix)),
                      _get(item, "view", str, prefix) if "view" in item else "raw",
                      _covariance(item, library.n_free, prefix),
                      _get(item, "errors_from", str, prefix) if "errors_from" in item
                      else "residuals",
                      _positive_inputs(item, library, prefix),
                      _bic(item, prefix), datasets)
    _check_constants(formula, _get(item, "constants", dict, prefix), prefix + "constants")
    return formula


def _positive_inputs(item: dict[str, Any], library: Library, prefix: str) -> frozenset[str]:
    """Inputs whose data were all positive (none in files written before this was kept)."""
    names = _get(item, "positive_inputs", list, prefix) if "positive_inputs" in item else []
    inputs = {t.name for t in library.tokens if t.kind is Kind.VARIABLE}
    if not set(names) <= inputs:
        raise _Malformed(prefix + "positive_inputs", f"names {sorted(set(names) - inputs)}, "
                                                     "which are not inputs of the model")
    return frozenset(names)


def _bic(item: dict[str, Any], prefix: str) -> float:
    """The formula's BIC; NaN (unknown) in files written before it was kept."""
    value = _get(item, "bic", float, prefix, optional=True) if "bic" in item else None
    return float("nan") if value is None else float(value)


def _check_prefix(tokens: tuple[int, ...], library: Library, where: str) -> None:
    """The tokens must spell exactly one complete formula in prefix order."""
    open_slots = 1
    for token in tokens:
        if open_slots == 0:
            raise _Malformed(where, "go on after a complete formula")
        open_slots += int(library.arity[token]) - 1
    if open_slots:
        raise _Malformed(where, "end before the formula is complete (each operator needs "
                                "its arguments after it)")


def _check_constants(formula: Formula, stored: dict[str, Any], where: str) -> None:
    """The user-unit constants, a readable copy, must agree with the scaled ones used."""
    expected = formula.constants
    agree = set(stored) == set(expected) and all(
        _is(stored[name], (float,))
        and math.isclose(stored[name], value, rel_tol=_CONSTANTS_RTOL)
        for name, value in expected.items())
    if not agree:
        raise _Malformed(where, f"are {stored}, but scaled_constants give {expected}; the "
                                "scaled values are the ones used, so edit those instead")


def _read_problem(inputs: list[dict[str, Any]], target: dict[str, Any]) -> Problem:
    """The names and units of the fitted problem, without its data rows (not stored)."""
    units = [q["units"] for q in inputs]
    if not inputs:
        raise _Malformed("inputs", "is empty; a model has at least one input")
    if len({u is None for u in [*units, target["units"]]}) > 1:
        raise _Malformed("inputs and target", "must all have units (strings) or all have "
                                              "none (null)")
    return Problem(X=_no_rows(len(inputs)), y=_no_rows(), weights=_no_rows(),
                   names=tuple(q["name"] for q in inputs), dims=tuple(q["dim"] for q in inputs),
                   factors=tuple(q["factor"] for q in inputs), target_name=target["name"],
                   target_dim=target["dim"], target_factor=target["factor"],
                   units=None if target["units"] is None else tuple(units),
                   target_units=target["units"])


def _no_rows(*columns: int) -> np.ndarray:
    """An empty, read-only array standing in for training data that were not stored."""
    array = np.empty((0, *columns))
    array.setflags(write=False)
    return array
