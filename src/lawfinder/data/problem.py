"""The one door for user data: validate columns, names, units and weights, convert to SI."""

from __future__ import annotations

import itertools
import numbers
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse

from lawfinder.language.known_constants import KnownConstant
from lawfinder.language.library import OPERATORS
from lawfinder.errors import DataError, LawfinderError, UnitsError
from lawfinder.data.groups import encode_groups
from lawfinder.data.quantities import header_unit, same_units, split_units
from lawfinder.units.dimension import DIMENSIONLESS, Dimension, parse_units

_NUMERIC_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "empty"})
_MIN_ROWS = 3
_ASSIGNMENT_FORMAT = "name=value pairs separated by commas, such as 'm1=kg, r=m, F=N'"


@dataclass(frozen=True, eq=False)
class Problem:
    """Validated data in SI base units, ready for the search."""

    X: np.ndarray                 # (n_samples, n_features) float64 in SI base units, read-only
    y: np.ndarray                 # (n_samples,) float64 in SI base units, read-only
    weights: np.ndarray           # (n_samples,) float64, >= 0, mean 1, read-only
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
    columns, column_names = _feature_columns(X)
    if not columns:
        raise DataError("X has no feature columns; give at least one input column")
    if y is None:
        raise DataError("fit requires y to be passed, but the target y is None; give the "
                        "target values, one per row of X")
    y, carried_target = split_units(y, "y")
    target, series_name = _one_column(y, "y")
    _check_row_counts(len(columns[0]), len(target))
    names = _feature_names(names, column_names, len(columns))
    target_name = _target_name(target_name, series_name, names)
    units = _merged_units(carried, units, names)
    target_units = _agreed(f"column {target_name!r}", carried_target and carried_target[0],
                           target_units)
    dims, factors, target_dim, target_factor = _resolve_units(
        units, target_units, names, target_name)

    features = []
    for values, name, factor in zip(columns, names, factors):
        raw = _finite(_as_float(values, f"column {name!r}"), f"column {name!r}")
        _check_varies(raw, f"column {name!r}",
                      "it carries no information; drop it or declare it as a constant")
        features.append(_to_si(raw, factor, name))
    raw_y = _finite(_as_float(target, f"column {target_name!r}"), f"column {target_name!r}")
    _check_varies(raw_y, f"target column {target_name!r}",
                  "there is no law to find; check that you chose the right target column")

    weights, unit_error = _weights(sample_weight, y_err, len(raw_y))
    codes, datasets = (None, ()) if groups is None else encode_groups(groups, len(raw_y))
    return Problem(
        X=_frozen(np.column_stack(features)), y=_frozen(_to_si(raw_y, target_factor, target_name)),
        weights=_frozen(weights),
        names=names, dims=dims, factors=factors, target_name=target_name,
        target_dim=target_dim, target_factor=target_factor,
        units=None if units is None else tuple(map(str, _unit_texts(units, names))),
        target_units=None if target_units is None else str(target_units),
        unit_error=None if unit_error is None else unit_error * target_factor,
        groups=None if codes is None else _frozen(codes), datasets=datasets)


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
    if isinstance(X, pd.DataFrame) and _column_names(X) is not None:
        X, carried = _select_by_name(X, names, carried)
    columns, _ = _feature_columns(X)
    if len(columns) != len(names):
        raise DataError(f"X has {len(columns)} columns but the law uses the inputs "
                        f"{list(names)}; pass an array of shape (n_samples, {len(names)}) "
                        f"with the columns in that order (a single sample is (1, {len(names)}))")
    expected = units or [(DIMENSIONLESS, 1.0)] * len(names)
    return np.column_stack([
        _to_si(_finite(_as_float(values, f"column {name!r}"), f"column {name!r}"),
               factor * _conversion(f"column {name!r}", own, unit), name)
        for values, name, factor, own, unit in zip(columns, names, factors,
                                                   carried or [None] * len(names), expected)])


def check_target(y: Any, problem: Problem, n_rows: int) -> np.ndarray:
    """Validate target values for score(): n_rows numbers, finite, in the target's units.

    A target that carries its units (a Quantity) is converted to the fitted target's.
    """
    y, carried = split_units(y, "y")
    column, _ = _one_column(y, "y")
    if len(column) != n_rows:
        raise DataError(f"y has {len(column)} values but X has {n_rows} rows; they must match")
    label = f"column {problem.target_name!r}"
    scale = _conversion(label, carried and carried[0], (problem.target_dim, problem.target_factor))
    return _to_si(_finite(_as_float(column, label), label), scale, problem.target_name)


def check_fixed_constants(constants: Sequence[KnownConstant], problem: Problem) -> None:
    """Refuse a fixed constant requested by the name of an input: in formulas the column of
    that name wins (a column called pi is that variable, not 3.14159, and one called c is
    not the speed of light); and one with units when the data have none."""
    for constant in constants:
        name = constant.name
        if name in problem.names:
            raise LawfinderError(f"fixed constant {name!r} is requested in fixed_constants, but "
                                 f"the input column {name!r} has that name too, and in formulas "
                                 f"{name!r} is the column; drop {name!r} from fixed_constants "
                                 "or rename the column")
        if not (problem.has_units or constant.is_number):
            raise UnitsError(f"fixed constant {name!r} has units {constant.units!r} but the data "
                             "have none; give units for the columns (units=..., target_units="
                             "...) or drop it from fixed_constants")


def read_csv(path: str | PathLike[str], target: str, *, not_inputs: Sequence[str] = ()
             ) -> tuple[pd.DataFrame, pd.Series, dict[str, pd.Series]]:
    """Read a CSV into numeric input columns, the target column and the columns named in
    `not_inputs` (y_err, weights, dataset labels), left for their users to check. Columns
    are named as in the header, units included ("m1 [kg]", which `make_problem` reads),
    and found by their bare names ("m1")."""
    frame = read_table(path)
    hint = _delimiter_hint(frame.attrs["header"])
    labels = {header_unit(label)[0]: label for label in frame.columns}
    for name in (target, *not_inputs):
        if name not in labels:
            raise DataError(f"the CSV file {str(path)!r} has no column named {name!r}; "
                            f"available columns: {', '.join(labels)}{hint}")
    taken = [labels[name] for name in (target, *not_inputs)]
    if len(frame.columns) == len(set(taken)):
        raise DataError(f"the CSV file {str(path)!r} has only the columns "
                        f"{', '.join(map(repr, (target, *not_inputs)))}; add the input "
                        f"columns to explain {target!r} with{hint}")
    for name in frame.columns.drop(taken[1:]):
        _as_float(frame[name], f"column {name!r}")
    return (frame.drop(columns=taken), frame[labels[target]],
            {name: frame[labels[name]] for name in not_inputs})


def read_table(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a CSV with a header row, with errors that say what to fix."""
    try:
        header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
        with warnings.catch_warnings():
            # With index_col=False pandas only warns, and drops values, when rows are
            # longer than the header; without it the first column silently becomes the index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, index_col=False)
    except OSError as exc:
        raise DataError(f"cannot read the CSV file {str(path)!r}: {exc.strerror or exc}; "
                        "check the path") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"the CSV file {str(path)!r} is empty; it needs a header row of "
                        "column names followed by rows of numbers") from exc
    except pd.errors.ParserWarning as exc:
        raise DataError(f"some rows of {str(path)!r} have more values than the header has "
                        "column names; give every row one value per header name"
                        f"{_delimiter_hint(header.iloc[0].tolist())}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse {str(path)!r} as CSV ({str(exc).strip()}); every row "
                        "needs one value per header name, separated by commas") from exc

    frame.columns = _csv_column_names(header.iloc[0].tolist(), path)
    if frame.empty:
        raise DataError(f"the CSV file {str(path)!r} has a header but no data rows")
    frame.attrs["header"] = header.iloc[0].tolist()  # as written, for delimiter hints
    return frame


def parse_assignments(text: str, *, what: str) -> dict[str, str]:
    """Parse "m1=kg, m2=kg, r=m, F=N" (as typed on the command line) into {"m1": "kg", ...}."""
    if not isinstance(text, str):
        raise LawfinderError(f"{what}: expected text, got {type(text).__name__} {text!r}; "
                             f"give {_ASSIGNMENT_FORMAT}")
    parts = [part.strip() for part in re.split(r"[,;]", text)]
    if not any(parts):
        raise LawfinderError(f"{what}: nothing given; expected {_ASSIGNMENT_FORMAT}")
    result: dict[str, str] = {}
    for part in filter(None, parts):  # tolerate a trailing or doubled separator
        name, sep, value = (piece.strip() for piece in part.partition("="))
        if not sep or not name or not value or "=" in value:
            raise LawfinderError(f"{what}: cannot read {part!r}; expected {_ASSIGNMENT_FORMAT}")
        if name in result:
            raise LawfinderError(f"{what}: {name!r} is given twice ({result[name]!r} and "
                                 f"{value!r}); give each name once")
        result[name] = value
    return result


def _feature_columns(X: Any) -> tuple[list[Any], list[str] | None]:
    """Split X into 1-D columns, plus the DataFrame's column names when it has them."""
    if isinstance(X, pd.DataFrame):
        return [X.iloc[:, j] for j in range(X.shape[1])], _column_names(X)
    if scipy.sparse.issparse(X):
        raise DataError("X is a sparse matrix, which lawfinder does not support; pass a dense "
                        "array such as X.toarray()")
    array = _as_array(X, "X")
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise DataError(f"X must be a 2-D table of shape (n_samples, n_features), "
                        f"got shape {array.shape}")
    return [array[:, j] for j in range(array.shape[1])], None


def _column_names(frame: pd.DataFrame) -> list[str] | None:
    """The column labels when all are strings; pandas' default 0, 1, ... are no names."""
    labels = list(frame.columns)
    return labels if all(isinstance(label, str) for label in labels) else None


def _one_column(values: Any, label: str) -> tuple[Any, str | None]:
    """A 1-D column (an (n, 1) table is raveled), plus its pandas name when it has one."""
    if isinstance(values, pd.DataFrame) and values.shape[1] == 1:
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values, None if values.name is None else str(values.name)
    array = _as_array(values, label)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.ravel()
    if array.ndim != 1:
        raise DataError(f"{label} must be 1-D (one value per sample), got shape {array.shape}")
    return array, None


def _as_array(values: Any, what: str) -> np.ndarray:
    """An ndarray; Python lists keep their original cells, so bad cells can be reported as given.

    Masked cells (of a NumPy masked array) become NaN, so they are reported as missing.
    """
    if np.ma.isMaskedArray(values):
        array = values.astype(object).filled(np.nan) if np.ma.is_masked(values) else values.data
    elif not isinstance(values, (list, tuple)):
        array = np.asarray(values)
    else:
        array = np.array(values, dtype=object)
        if array.ndim == 1 and any(isinstance(cell, (list, tuple, np.ndarray)) for cell in array):
            raise DataError(f"{what} has rows of different lengths; every row needs one value "
                            "per feature")
    if array.dtype.names:
        raise DataError(f"{what} is a structured (record) array with fields "
                        f"{list(array.dtype.names)}; pass pandas.DataFrame({what}) instead, "
                        "which keeps the field names as column names")
    return array


def _check_row_counts(n_x: int, n_y: int) -> None:
    """Matching lengths and enough rows to fit anything."""
    if n_x != n_y:
        raise DataError(f"X has {n_x} rows but y has {n_y} values; they must match")
    if n_x == 0:
        raise DataError("the data is empty (0 rows); lawfinder needs samples to fit")
    if n_x < _MIN_ROWS:
        raise DataError(f"only {n_x} rows of data; lawfinder needs at least {_MIN_ROWS}")


def _feature_names(names: Sequence[str] | None, column_names: list[str] | None,
                   n_features: int) -> tuple[str, ...]:
    """The given names, else the DataFrame's columns, else x0, x1, ...; all checked."""
    if names is None:
        names = column_names or [f"x{i}" for i in range(n_features)]
    elif isinstance(names, str) or not isinstance(names, Iterable):
        raise DataError(f"names must be a list with one name per column, got "
                        f"{_kind(names)} {names!r}")
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


def _target_name(given: str | None, series_name: str | None, names: tuple[str, ...]) -> str:
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

    Any text works (E, beta, lambda, λ, m_1, pi: formulas hold them as SymPy symbols of
    that name, never parsed), except blanks and the operators' names, which share the
    token namespace with the inputs.
    """
    if not isinstance(name, str):
        return f"is not a string (it is {type(name).__name__})"
    if not name.strip():
        return "is blank"
    if name in OPERATORS:
        return "is the name of a lawfinder operator"
    return None


def _suggest_name(name: Any) -> str:
    """A nearby name that passes the checks, for error messages."""
    text = str(name).strip() or "x"
    return text if _name_problem(text) is None else text + "_"


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
                         f"name -> unit, got {_kind(units)} {units!r}")
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


def _kind(value: Any) -> str:
    """How to name a value's type in a message: "the string", "int", ..."""
    return "the string" if isinstance(value, str) else type(value).__name__


def _as_float(values: Any, label: str) -> np.ndarray:
    """One column as float64 (missing cells become NaN); else a DataError naming a bad cell."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.infer_dtype(series, skipna=True) in _NUMERIC_KINDS:
        try:
            return series.to_numpy(dtype=np.float64, na_value=np.nan)
        except OverflowError:  # Python integers beyond float64's range
            row = next(i for i, cell in enumerate(series.tolist()) if _overflows(cell))
            raise DataError(f"{label} holds a number too large for a 64-bit float at row "
                            f"{row} (an integer of {len(str(abs(series.iloc[row])))} digits); "
                            "rescale the column") from None
    fix = "clean or drop that column (text, booleans and dates must be turned into numbers first)"
    cells = series.tolist()
    bad = [i for i, cell in enumerate(cells) if not _is_number(cell) and not _is_missing(cell)]
    if not bad:
        raise DataError(f"{label} has dtype {series.dtype}, which is not numeric; {fix}")
    # In a CSV column like "1.5", "2", "oops" every cell is text; "oops" is the one to show.
    row = next((i for i in bad if not _looks_numeric(cells[i])), bad[0])
    raise DataError(f"{label} is not numeric: row {row} holds {cells[row]!r}; {fix}")


def _overflows(cell: Any) -> bool:
    try:
        float(cell)
    except OverflowError:
        return True
    return False


def _is_number(cell: Any) -> bool:
    return isinstance(cell, numbers.Real) and not isinstance(cell, bool)


def _is_missing(cell: Any) -> bool:
    return pd.api.types.is_scalar(cell) and bool(pd.isna(cell))


def _looks_numeric(cell: Any) -> bool:
    """True for text such as "1.5" that is a number written as a string."""
    try:
        float(cell)
    except (TypeError, ValueError):
        return False
    return isinstance(cell, (str, bytes))


def _finite(values: np.ndarray, label: str) -> np.ndarray:
    """The values, or a DataError counting NaN/inf cells and giving the first row."""
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(f"{label} has missing (NaN) or infinite values in {_rows(bad)} (first at "
                        f"row {int(np.argmax(bad))}); drop or impute those rows")
    return values


def _check_varies(values: np.ndarray, label: str, fix: str) -> None:
    """A column whose values are all equal cannot inform a fit."""
    if np.all(values == values[0]):
        raise DataError(f"{label} is constant (every value is {values[0]:g}): {fix}")


def _to_si(values: np.ndarray, factor: float, name: str) -> np.ndarray:
    """Values times the SI factor, which must not overflow."""
    with np.errstate(over="ignore"):
        converted = values * factor
    bad = ~np.isfinite(converted)
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(f"column {name!r} overflows when converted to SI base units: row {row} "
                        f"holds {values[row]:g}, times {factor:g} is not a finite number; "
                        "rescale the column or use units closer to SI")
    return converted


def _weights(sample_weight: Any, y_err: Any, n: int) -> tuple[np.ndarray, float | None]:
    """Per-sample weights with mean 1 (from sample_weight, from 1/y_err^2, or all ones) and,
    with y_err, the uncertainty a weight of 1 stands for: y_err = unit_error / sqrt(w)."""
    if sample_weight is not None and y_err is not None:
        raise LawfinderError("give sample_weight or y_err, not both: y_err already sets the "
                             "weights to 1/y_err^2")
    if y_err is not None:
        errors = _weight_column(y_err, "y_err", n)
        _reject_rows(errors, errors <= 0, "y_err", "must be > 0",
                     "give each sample its uncertainty")
        weights = (errors.min() / errors) ** 2  # scaled so that tiny errors cannot overflow
        return weights / weights.mean(), float(errors.min() / np.sqrt(weights.mean()))
    elif sample_weight is not None:
        weights = _weight_column(sample_weight, "sample_weight", n)
        _reject_rows(weights, weights < 0, "sample_weight", "must be >= 0",
                     "use 0 to ignore a sample")
        if not weights.any():
            raise DataError("sample_weight is all zeros; at least one sample needs a "
                            "positive weight")
        weights = weights / weights.max()
    else:
        return np.ones(n), None
    return weights / weights.mean(), None


def _weight_column(values: Any, label: str, n: int) -> np.ndarray:
    """A finite float column of length n, from sample_weight or y_err."""
    column, _ = _one_column(values, label)
    if len(column) != n:
        raise DataError(f"{label} has {len(column)} values but X has {n} rows; they must match")
    return _finite(_as_float(column, label), label)


def _reject_rows(values: np.ndarray, bad: np.ndarray, label: str, rule: str, fix: str) -> None:
    """A DataError for the rows where ``values`` break ``rule``."""
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(f"{label} {rule}, but row {row} holds {values[row]:g} ({_rows(bad)} "
                        f"like that); {fix}")


def _rows(bad: np.ndarray) -> str:
    count = int(bad.sum())
    return f"{count} row" if count == 1 else f"{count} rows"


def _select_by_name(frame: pd.DataFrame, names: Sequence[str], carried: list[str | None] | None
                    ) -> tuple[pd.DataFrame, list[str | None] | None]:
    """The DataFrame's columns named like the features, in feature order, with their units."""
    labels = [str(column) for column in frame.columns]
    missing = [name for name in names if name not in labels]
    if missing:
        raise DataError(f"X lacks the columns {missing} that the law uses; it has {labels}")
    repeated = [name for name in names if labels.count(name) > 1]
    if repeated:
        raise DataError(f"X has more than one column named {repeated[0]!r}; keep one")
    positions = [labels.index(name) for name in names]
    return frame.iloc[:, positions], carried and [carried[i] for i in positions]


def _csv_column_names(header: list[str], path: str | PathLike[str]) -> list[str]:
    """Header names stripped of whitespace; none empty, none repeated."""
    names = [name.strip() for name in header]
    if "" in names:
        raise DataError(f"column {names.index('') + 1} of {str(path)!r} has no name in the "
                        "header; name it or delete it (a trailing comma on every line makes "
                        "such a column)")
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise DataError(f"the CSV file {str(path)!r} has more than one column named "
                        f"{repeated[0]!r}; rename them so that each name is unique")
    return names


def _delimiter_hint(header: list[str]) -> str:
    """A hint for files separated by semicolons or tabs, which read as a single column."""
    for separator, name in ((";", "semicolon"), ("\t", "tab")):
        if any(separator in cell for cell in header):
            return (f". The header has {name}s in it: the file looks {name}-separated, but "
                    "lawfinder reads comma-separated files; save it with commas")
    return ""


def _frozen(array: np.ndarray) -> np.ndarray:
    """The array made read-only, so a frozen Problem cannot be changed through it."""
    array.setflags(write=False)
    return array
