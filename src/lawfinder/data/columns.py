"""One column of user data made into floats: its shape, its cells, finiteness and SI units.

Every check names the column and the first bad row, and says how to fix it.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse

from lawfinder.errors import DataError

_NUMERIC_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "empty"})
_MIN_ROWS = 3


def feature_columns(X: Any) -> tuple[list[Any], list[str] | None]:
    """Split X into 1-D columns, plus the DataFrame's column names when it has them."""
    if isinstance(X, pd.DataFrame):
        return [X.iloc[:, j] for j in range(X.shape[1])], column_names(X)
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


def column_names(frame: pd.DataFrame) -> list[str] | None:
    """The column labels when all are strings; pandas' default 0, 1, ... are no names."""
    labels = list(frame.columns)
    return labels if all(isinstance(label, str) for label in labels) else None


def one_column(values: Any, label: str) -> tuple[Any, str | None]:
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


def check_row_counts(n_x: int, n_y: int) -> None:
    """Matching lengths and enough rows to fit anything."""
    if n_x != n_y:
        raise DataError(f"X has {n_x} rows but y has {n_y} values; they must match")
    if n_x == 0:
        raise DataError("the data is empty (0 rows); lawfinder needs samples to fit")
    if n_x < _MIN_ROWS:
        raise DataError(f"only {n_x} rows of data; lawfinder needs at least {_MIN_ROWS}")


def kind_of(value: Any) -> str:
    """How to name a value's type in a message: "the string", "int", ..."""
    return "the string" if isinstance(value, str) else type(value).__name__


def as_float(values: Any, label: str) -> np.ndarray:
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


def finite(values: np.ndarray, label: str) -> np.ndarray:
    """The values, or a DataError counting NaN/inf cells and giving the first row."""
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(f"{label} has missing (NaN) or infinite values in {describe_rows(bad)} (first at "
                        f"row {int(np.argmax(bad))}); drop or impute those rows")
    return values


def check_varies(values: np.ndarray, label: str, fix: str) -> None:
    """A column whose values are all equal cannot inform a fit."""
    if np.all(values == values[0]):
        raise DataError(f"{label} is constant (every value is {values[0]:g}): {fix}")


def to_si(values: np.ndarray, factor: float, name: str) -> np.ndarray:
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


def reject_rows(values: np.ndarray, bad: np.ndarray, label: str, rule: str, fix: str) -> None:
    """A DataError for the rows where ``values`` break ``rule``."""
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(f"{label} {rule}, but row {row} holds {values[row]:g} ({describe_rows(bad)} "
                        f"like that); {fix}")


def describe_rows(bad: np.ndarray) -> str:
    count = int(bad.sum())
    return f"{count} row" if count == 1 else f"{count} rows"


def select_by_name(frame: pd.DataFrame, names: Sequence[str], carried: list[str | None] | None
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


def frozen(array: np.ndarray) -> np.ndarray:
    """The array made read-only, so a frozen Problem cannot be changed through it."""
    array.setflags(write=False)
    return array
