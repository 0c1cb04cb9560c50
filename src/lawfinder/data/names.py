"""The names of the inputs and of the target: any text but a blank, none used twice."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from lawfinder.data.columns import kind_of
from lawfinder.errors import DataError


def feature_names(names: Sequence[str] | None, column_names: list[str] | None,
                   n_features: int) -> tuple[str, ...]:
    """The given names, else the DataFrame's columns, else x0, x1, ...; all checked."""
    if names is None:
        names = column_names or [f"x{i}" for i in range(n_features)]
    elif isinstance(names, str) or not isinstance(names, Iterable):
        raise DataError(f"names must be a list with one name per column, got "
                        f"{kind_of(names)} {names!r}")
    names = list(names)
    if len(names) != n_features:
        source = "the DataFrame has" if column_names is not None else "X has"
        raise DataError(f"names has {len(names)} entries but {source} {n_features} columns; "
                        "give one name per column")
    for name in names:
        problem = _name_problem(name)
        if problem:
            raise DataError(f"feature name {name!r} {problem}; rename it, e.g. to "
                            f"{_suggest_name(name)!r}")
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise DataError(f"feature name {repeated[0]!r} is used for more than one column; "
                        f"names must be unique, rename one, e.g. to {repeated[0] + '_2'!r}")
    return tuple(names)


def choose_target_name(given: str | None, series_name: str | None, names: tuple[str, ...]) -> str:
    """The target's name: given, else the Series name, else a default no input has (see
    `default_target_name`); a name given or carried by the data must not be a feature's."""
    if given is None and series_name is None:
        return default_target_name(names)
    name = given if given is not None else series_name
    if not isinstance(name, str) or not name.strip():
        raise DataError(f"target_name must be a non-empty string, got {name!r}")
    if name in names:
        raise DataError(f"target name {name!r} is also a feature name; drop that column from "
                        "the inputs or rename the target")
    return name


def default_target_name(names: Sequence[str]) -> str:
    """"y", or "y_target" when an input is called y ("y_target_2", ... if that is taken too),
    so that a user who names no target is never told that it clashes with an input."""
    candidates = itertools.chain(("y", "y_target"), (f"y_target_{i}" for i in itertools.count(2)))
    return next(name for name in candidates if name not in names)


def _name_problem(name: Any) -> str | None:
    """Why ``name`` cannot be a feature name, or None when it can.

    Any text but a blank works (E, beta, lambda, λ, m_1, pi, exp: formulas hold them as
    SymPy symbols of that name, never parsed).
    """
    if not isinstance(name, str):
        return f"is not a string (it is {type(name).__name__})"
    if not name.strip():
        return "is blank"
    return None


def _suggest_name(name: Any) -> str:
    """A nearby name that passes the checks, for error messages."""
    text = str(name).strip() or "x"
    return text if _name_problem(text) is None else text + "_"
