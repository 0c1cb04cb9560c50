"""Reading model files (`lawfinder.results.model_file`) back into the record of their fit,
every part checked: a damaged or hand-edited file is refused with the part named."""


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

from lawfinder.errors import LawfinderError, ModelFileError
from lawfinder.results.fitted_law import FittedLaw
from lawfinder.results.formula import Formula
from lawfinder.results.model_file import FORMAT, READABLE, VERSION
from lawfinder.language.known_constants import KnownConstant
from lawfinder.language.library import Kind, Library, build_library
from lawfinder.language.prefix_tree import open_slots
from lawfinder.language.user_operators import UserOperator
from lawfinder.data.problem import Problem
from lawfinder.units.scaling import Frame
from lawfinder.units.dimension import BASE_SYMBOLS, Dimension

# Hand-edited user-unit constants that disagree with the scaled ones by more than this
# are rejected: the scaled values are the ones predict uses.
_CONSTANTS_RTOL = 1e-9


class _Malformed(Exception):
    """A part of a model document is missing or of the wrong kind (caught by load_model)."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where} {problem}")


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
    slots = open_slots(tokens, library.arity)
    if (slots[:-1] == 0).any():
        raise _Malformed(where, "go on after a complete formula")
    if not len(slots) or slots[-1]:
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
