"""The one door for user data: validate columns, names, units and weights, convert to SI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lawfinder.errors import DataError, UnitsError
from lawfinder.data.columns import (as_float, check_row_counts, check_varies, column_names,
                                    feature_columns, finite, frozen, kind_of, one_column,
                                    select_by_name, to_si)
from lawfinder.data.groups import encode_groups
from lawfinder.data.names import choose_target_name, feature_names
from lawfinder.data.weights import row_weights
from lawfinder.data.quantities import same_units, split_units
from lawfinder.units.dimension import DIMENSIONLESS, Dimension, parse_units


@dataclass(frozen=True, eq=False)
class Problem:
    """Validated data in SI base units, ready for the search."""

    X: np.ndarray                 # (n_samples, n_features) float64 in SI base units, read-only
    y: np.ndarray                 # (n_samples,) float64 in SI base units, read-only
    weights: np.ndarray           # (n_samples,) float64, >= 0, mean 1 (`data.weights`), read-only
    names: tuple[str, ...]        # feature names
    dims: tuple[Dimension, ...]   # per feature
    factors: tuple[float, ...]    # SI factor per feature: the user's value is X[:, i] / factors[i]
    target_name: str
    target_dim: Dimension
    target_factor: float
    units: tuple[str, ...] | None  # unit strings as the user gave them, per feature; None: no units
    target_units: str | None
    unit_error: float | None = None  # with y_err: the SI uncertainty of y at weight 1
    groups: np.ndarray | None = None  # (n_samples,) each row's dataset index; None: one dataset
    datasets: tuple[Any, ...] = ()    # the dataset labels as given, in index order

    @property
    def n_features(self) -> int:
        return len(self.names)

    @property
    def n_datasets(self) -> int:
        """Datasets of the fit (Class SR); 0 when the rows were given without groups."""
        return len(self.datasets)

    @property
    def row_labels(self) -> np.ndarray | None:
        """Each row's dataset label as given (n_samples,); None without groups."""
        return None if self.groups is None else np.array(self.datasets, dtype=object)[self.groups]

    @property
    def has_units(self) -> bool:
        """False when the user gave no units (a dimensionless search)."""
        return self.units is not None


def make_problem(X: Any, y: Any, *, names: Sequence[str] | None = None,
                 units: Sequence[str] | Mapping[str, str] | None = None,
                 target_units: str | None = None, target_name: str | None = None,
                 sample_weight: Any = None, y_err: Any = None, groups: Any = None) -> Problem:
    """Check everything the user gave and return it as a Problem in SI base units.

    ``units`` is one unit string per feature (a list, or a dict keyed by name) and
    must come together with ``target_units``; leave both out for a unitless search.
    X and y may carry their units instead (pint or astropy Quantities, astropy tables);
    units given both ways must agree.

    ``groups`` gives each row's dataset label (numbers or strings) when the rows come from
    several datasets of one law (`lawfinder.data.groups`).

    Names may be any non-blank text, E, beta, lambda, λ or m_1 included. Without a
    ``target_name`` (or a named pandas Series) the target is called "y", or "y_target"
    when an input is called y.
    """
    X, carried = split_units(X, "X")
    columns, column_names = feature_columns(X)
    if not columns:
        raise DataError("X has no feature columns; give at least one input column")
    if y is None:
        raise DataError("fit requires y to be passed, but the target y is None; give the "
                        "target values, one per row of X")
    y, carried_target = split_units(y, "y")
    target, series_name = one_column(y, "y")
    check_row_counts(len(columns[0]), len(target))
    names = feature_names(names, column_names, len(columns))
    target_name = choose_target_name(target_name, series_name, names)
    units = _merged_units(carried, units, names)
    target_units = _agreed(f"column {target_name!r}", carried_target and carried_target[0],
                           target_units)
    dims, factors, target_dim, target_factor = _resolve_units(
        units, target_units, names, target_name)

    features = [to_si(_checked(values, name, "column",
                               "it carries no information; drop it or declare it as a constant"),
                      factor, name) for values, name, factor in zip(columns, names, factors)]
    raw_y = _checked(target, target_name, "target column",
                     "there is no law to find; check that you chose the right target column")
    weights, unit_error = row_weights(sample_weight, y_err, len(raw_y))
    check_varies(raw_y[weights > 0], f"target column {target_name!r}, on the rows of nonzero "
                  "sample_weight,", "every formula's error is undefined; give weight to rows "
                  "of different targets")
    codes, datasets = (None, ()) if groups is None else encode_groups(groups, len(raw_y))
    return Problem(
        X=frozen(np.column_stack(features)), y=frozen(to_si(raw_y, target_factor, target_name)),
        weights=frozen(weights),
        names=names, dims=dims, factors=factors, target_name=target_name,
        target_dim=target_dim, target_factor=target_factor,
        units=None if units is None else tuple(map(str, _unit_texts(units, names))),
        target_units=None if target_units is None else str(target_units),
        unit_error=None if unit_error is None else unit_error * target_factor,
        groups=None if codes is None else frozen(codes), datasets=datasets)


def _checked(values: Any, name: str, what: str, if_constant: str) -> np.ndarray:
    """A column as finite float64 numbers that vary; errors say `if_constant` when not."""
    raw = finite(as_float(values, f"column {name!r}"), f"column {name!r}")
    check_varies(raw, f"{what} {name!r}", if_constant)
    return raw


def check_features(X: Any, names: Sequence[str], factors: Sequence[float], *,
                   units: Sequence[tuple[Dimension, float]] | None = None) -> np.ndarray:
    """Validate new inputs for predict(): same number of columns, numeric, finite.

    Returns float64 of shape (n, n_features): each column times its factor. A DataFrame's
    columns are picked by name, so their order and any extra columns do not matter
    (unless its labels are pandas' default 0, 1, ..., which are taken in order).
    ``units`` holds each input's (dimension, SI factor) as the law expects it (default:
    dimensionless); columns that carry their own units (Quantities, astropy tables) are
    converted to those first, plain numbers are taken to be in them.
    """
    X, carried = split_units(X, "X")
    if isinstance(X, pd.DataFrame) and column_names(X) is not None:
        X, carried = select_by_name(X, names, carried)
    columns, _ = feature_columns(X)
    if len(columns) != len(names):
        raise DataError(f"X has {len(columns)} columns but the law uses the inputs "
                        f"{list(names)}; pass an array of shape (n_samples, {len(names)}) "
                        f"with the columns in that order (a single sample is (1, {len(names)}))")
    expected = units or [(DIMENSIONLESS, 1.0)] * len(names)
    return np.column_stack([
        to_si(finite(as_float(values, f"column {name!r}"), f"column {name!r}"),
               factor * _conversion(f"column {name!r}", own, unit), name)
        for values, name, factor, own, unit in zip(columns, names, factors,
                                                   carried or [None] * len(names), expected)])


def check_target(y: Any, problem: Problem, n_rows: int) -> np.ndarray:
    """Validate target values for score(): n_rows numbers, finite, in the target's units.

    A target that carries its units (a Quantity) is converted to the fitted target's.
    """
    y, carried = split_units(y, "y")
    column, _ = one_column(y, "y")
    if len(column) != n_rows:
        raise DataError(f"y has {len(column)} values but X has {n_rows} rows; they must match")
    label = f"column {problem.target_name!r}"
    scale = _conversion(label, carried and carried[0], (problem.target_dim, problem.target_factor))
    return to_si(finite(as_float(column, label), label), scale, problem.target_name)


def _resolve_units(units: Sequence[str] | Mapping[str, str] | None, target_units: str | None,
                   names: tuple[str, ...], target_name: str
                   ) -> tuple[tuple[Dimension, ...], tuple[float, ...], Dimension, float]:
    """Dimensions and SI factors of the features and the target (all 1 when no units)."""
    if units is None and target_units is None:
        return (DIMENSIONLESS,) * len(names), (1.0,) * len(names), DIMENSIONLESS, 1.0
    if units is None or target_units is None:
        missing = "units (one per feature)" if units is None else "target_units"
        raise UnitsError(f"units and target_units must be given together, but {missing} is "
                         "missing; give both, as arguments or as Quantities (use '1' for "
                         "dimensionless columns), or neither to search without units")
    parsed = [parse_units(text, what=f"column {name!r}")
              for name, text in zip(names, _unit_texts(units, names))]
    target_dim, target_factor = parse_units(target_units, what=f"column {target_name!r}")
    return (tuple(dim for dim, _ in parsed), tuple(factor for _, factor in parsed),
            target_dim, target_factor)


def _unit_texts(units: Sequence[str] | Mapping[str, str], names: tuple[str, ...]) -> list[str]:
    """One unit string per feature, in feature order."""
    if isinstance(units, Mapping):
        missing = [name for name in names if name not in units]
        unknown = [str(key) for key in units if key not in names]
        if missing or unknown:
            raise UnitsError(f"units must give exactly one unit per feature {list(names)}: "
                             f"missing {missing}, unknown names {unknown}")
        texts = [units[name] for name in names]
    elif isinstance(units, str) or not isinstance(units, Iterable):
        raise UnitsError(f"units must be a list with one unit string per feature or a dict "
                         f"name -> unit, got {kind_of(units)} {units!r}")
    else:
        texts = list(units)
        if len(texts) != len(names):
            raise UnitsError(f"got {len(texts)} units for {len(names)} features {list(names)}; "
                             "give one unit string per feature")
    for name, text in zip(names, texts):
        if text is None:
            raise UnitsError(f"column {name!r} has no units (None); write '1' if it is "
                             "dimensionless")
    return texts


def _merged_units(carried: list[str | None] | None,
                  given: Sequence[str] | Mapping[str, str] | None,
                  names: tuple[str, ...]) -> Sequence[str] | Mapping[str, str] | None:
    """Feature units from the data, from ``units=``, or both when they agree.

    A column of an astropy table, or a column whose name carries no unit beside others
    that do ("m1 [kg]"), is dimensionless unless ``units=`` says; a dict ``units=`` then
    needs to name only the columns it sets.
    """
    if carried is None:
        return given
    if isinstance(given, Mapping):
        unknown = [str(key) for key in given if key not in names]
        if unknown:
            raise UnitsError(f"units names {unknown}, which are not features {list(names)}")
        texts = [given.get(name) for name in names]
    else:
        texts = [None] * len(names) if given is None else _unit_texts(given, names)
    return [_agreed(f"column {name!r}", own, text) or "1"
            for name, own, text in zip(names, carried, texts)]


def _agreed(label: str, carried: str | None, given: str | None) -> str | None:
    """The units of one column: as given, else as carried by the data; both must agree."""
    if carried is not None and given is not None and not same_units(
            parse_units(carried, what=label), parse_units(given, what=label)):
        raise UnitsError(f"{label} carries the units {carried!r} in the data, but the units "
                         f"given for it are {given!r}; leave the argument out to use the "
                         "data's units, or make the two agree")
    return given if given is not None else carried


def _conversion(label: str, carried: str | None, expected: tuple[Dimension, float]) -> float:
    """The factor from a column's own units to the expected ones (1 for plain numbers)."""
    if carried is None:
        return 1.0
    dimension, factor = parse_units(carried, what=label)
    if dimension != expected[0]:
        raise UnitsError(f"{label} is in {carried!r} ({dimension}), but the law expects "
                         f"{expected[0]}; convert it to units of that dimension")
    return factor / expected[1]


