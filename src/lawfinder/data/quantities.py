"""Data that carry their units (pint and astropy quantities, astropy tables, column names
such as "m1 [kg]"), split at the door into plain values and one unit string per column, so
the rest of lawfinder sees numbers.

Neither library is imported here: objects are recognised by the modules their classes
come from, so astropy stays optional and costs nothing when it is not used.
"""

from __future__ import annotations

import math
import re
import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from lawfinder.errors import DataError, UnitsError
from lawfinder.units.dimension import BASE_SYMBOLS, DIMENSIONLESS, Dimension, from_pint, parse_units

# SI counts angles as dimensionless, and pint counts bits and counts so; astropy gives
# them bases of their own, which play no part in a law's dimensions.
_ASTROPY_DIMENSIONLESS_BASES = frozenset({"rad", "bit", "ct", "ph", "electron"})
# Relative: SI factors this close are one unit (pint's and astropy's parsec differ by 8e-12).
_SAME_SCALE = 1e-9
# A unit at the end of a column name, as physicists head their tables: "m1 [kg]", "r (m)".
_HEADER_UNIT = re.compile(r"(?P<name>.*?\S)\s*(?:\[(?P<bracket>[^\[\]]+)\]|\((?P<paren>[^()]+)\))\s*")
# astropy's formats tried, in order, for a unit string pint reads the same: where the
# generic format writes "km2", OGIP writes "km**2".
_ASTROPY_FORMATS = ("generic", "ogip")


def split_units(values: Any, label: str) -> tuple[Any, list[str | None] | None]:
    """Plain values, and the unit string each column carries (None for a plain column).

    The unit list is None when ``values`` carry no units at all. A 1-D or 2-D Quantity
    gives its one unit to every column; a list or tuple of 1-D Quantities is one column
    each; an astropy Table (or one of its columns) gives a DataFrame with the column
    names and each column's unit. ``label`` ("X", "y") names the values in errors.
    """
    if _is_quantity(values):
        magnitudes = _magnitude(values)
        width = magnitudes.shape[1] if magnitudes.ndim == 2 else 1
        return magnitudes, [unit_text(_unit(values), what=f"{label}'s units")] * width
    if _from_module(values, "astropy.table"):
        return _split_table(values) if hasattr(values, "colnames") else _split_column(values)
    if isinstance(values, (list, tuple)) and any(map(_is_quantity, values)):
        return _split_columns(values)
    if isinstance(values, (pd.DataFrame, pd.Series)):
        return _split_headers(values)
    return values, None


def header_unit(label: Any) -> tuple[Any, str | None]:
    """A column name and the unit written at its end ("m1 [kg]" -> ("m1", "kg")); the name
    as it is and None when it ends in no bracket, or in one pint does not read as a unit
    ("rate (corrected)")."""
    match = _HEADER_UNIT.fullmatch(label) if isinstance(label, str) else None
    if match is None:
        return label, None
    unit = (match["bracket"] or match["paren"]).strip()
    try:
        parse_units(unit)
    except UnitsError:
        return label, None
    return match["name"], unit


def _split_headers(values: pd.DataFrame | pd.Series) -> tuple[Any, list[str | None] | None]:
    """A DataFrame or Series whose names carry units, renamed to the bare names, and each
    column's unit (None for one without); unchanged, with None, when no name has a unit."""
    labels = list(values.columns) if isinstance(values, pd.DataFrame) else [values.name]
    names, units = zip(*map(header_unit, labels))
    if all(unit is None for unit in units):
        return values, None
    if isinstance(values, pd.Series):
        return values.rename(names[0]), list(units)
    return values.set_axis(list(names), axis=1), list(units)


def unit_text(unit: Any, *, what: str = "units") -> str:
    """A unit string that lawfinder parses to this pint or astropy unit.

    The library's own short form ("km/s", "erg / s") when it means the same to pint,
    else the unit as a multiple of SI base units ("1.988409870698051e+30*kg" for
    astropy's "solMass", which pint does not know).
    """
    if _from_module(unit, "astropy"):
        dimension, factor = _astropy_si(unit, what)
        candidates = [_astropy_string(unit, form) for form in _ASTROPY_FORMATS]
    else:
        dimension, factor = from_pint(unit, what=what)
        candidates = [format(unit, "~C")]
    for text in filter(None, candidates):
        if _means(text.strip() or "1", (dimension, factor)):
            return text.strip() or "1"
    return _si_text(dimension, factor)


def same_units(a: tuple[Dimension, float], b: tuple[Dimension, float]) -> bool:
    """True when two (dimension, SI factor) pairs are the same unit, up to rounding."""
    return a[0] == b[0] and math.isclose(a[1], b[1], rel_tol=_SAME_SCALE)


def _means(text: str, unit: tuple[Dimension, float]) -> bool:
    """True when pint reads ``text`` as this unit (astropy's "k", wavenumber, is Boltzmann's
    constant to pint, and its "cm(1/2)" is cm/2)."""
    try:
        return same_units(parse_units(text), unit)
    except UnitsError:
        return False


def _astropy_string(unit: Any, form: str) -> str | None:
    """The unit written in one of astropy's formats, or None where that format cannot."""
    try:
        with warnings.catch_warnings():  # OGIP warns of scales that are not powers of 10
            warnings.simplefilter("ignore")
            return unit.to_string(form)
    except Exception:  # astropy refuses units a format lacks, with errors of its own
        return None


def _split_table(table: Any) -> tuple[pd.DataFrame, list[str | None]]:
    """An astropy Table as a DataFrame (masked cells become NaN) and its columns' units."""
    units = [getattr(table[name], "unit", None) for name in table.colnames]
    try:
        frame = table.to_pandas(index=False)
    except (ValueError, TypeError) as exc:
        raise DataError(f"cannot read the astropy table as columns of numbers ({exc}); keep "
                        "only numeric columns, one value per row") from exc
    if list(frame.columns) != list(table.colnames):  # a SkyCoord column becomes c.ra, c.dec
        split = next(name for name in table.colnames if name not in frame.columns)
        raise DataError(f"column {split!r} of the astropy table is not one number per row; "
                        "replace it with plain Quantity columns (e.g. c.ra and c.dec of a "
                        "SkyCoord)")
    return frame, _texts(units, table.colnames)


def _split_column(column: Any) -> tuple[pd.Series | pd.DataFrame, list[str | None] | None]:
    """One astropy table column as a Series, or a one-column DataFrame when it has a name
    (masked cells become NaN), and its unit."""
    name = column.name
    try:
        series = pd.Series(column, name=name)
    except (ValueError, TypeError) as exc:
        raise DataError(f"cannot read the astropy column {name!r} as one number per row "
                        f"({exc}); give a 1-D column of numbers") from exc
    return (series if name is None else series.to_frame(),
            _texts([getattr(column, "unit", None)], [name]))


def _texts(units: list[Any], names: list[Any]) -> list[str | None] | None:
    """Unit strings of table columns (None for a column without a unit); None if none has."""
    if all(unit is None for unit in units):
        return None
    return [None if unit is None else unit_text(unit, what=f"column {name!r}")
            for name, unit in zip(names, units)]


def _split_columns(columns: list[Any] | tuple[Any, ...]) -> tuple[np.ndarray, list[str]]:
    """A list of 1-D Quantities, one per column, as a 2-D array and their units."""
    for i, column in enumerate(columns):
        if not _is_quantity(column):
            raise DataError(f"X mixes Quantities with plain values: item {i} is a "
                            f"{type(column).__name__}; give every column as a Quantity "
                            "(dimensionless ones too), or none")
        if np.ndim(_magnitude(column)) != 1:
            raise DataError(f"X is a list of Quantities, taken as one column each, but item "
                            f"{i} has shape {np.shape(_magnitude(column))}; give 1-D "
                            "Quantities of equal length")
    lengths = {len(_magnitude(column)) for column in columns}
    if len(lengths) > 1:
        raise DataError(f"the Quantities given as columns of X have different lengths "
                        f"{sorted(lengths)}; give one value per row in each")
    return (np.ma.column_stack([_magnitude(c) for c in columns]),
            [unit_text(_unit(c), what=f"item {i} of X") for i, c in enumerate(columns)])


def _astropy_si(unit: Any, what: str) -> tuple[Dimension, float]:
    """Dimension and SI factor of an astropy unit, from its decomposition into SI bases."""
    try:
        decomposed = unit.decompose()
        bases, powers, scale = decomposed.bases, decomposed.powers, float(decomposed.scale)
    except Exception as exc:  # astropy raises its own types, for function units and others
        raise UnitsError(f"{what}: the astropy unit {str(unit)!r} is not a multiple of SI "
                         f"units ({exc}); convert the values to a linear, absolute unit first"
                         ) from exc
    dimension = DIMENSIONLESS
    for base, power in zip(bases, powers):
        if base.name in BASE_SYMBOLS:
            dimension = dimension * Dimension.of(**{base.name: Fraction(power)})
        elif base.name not in _ASTROPY_DIMENSIONLESS_BASES:
            raise UnitsError(f"{what}: the astropy unit {str(unit)!r} reduces to {base.name!r}, "
                             "which is not an SI base unit; convert the values to SI units "
                             "first (e.g. deg_C to K with equivalencies=u.temperature())")
    return dimension, scale


def _si_text(dimension: Dimension, factor: float) -> str:
    """A multiple of SI base units as a unit string: "1000.0*m", "0.01", "m/s"."""
    if factor == 1:
        return str(dimension)
    if dimension.is_dimensionless:
        return repr(factor)
    text = str(dimension)
    return f"{factor!r}{text[1:]}" if text.startswith("1/") else f"{factor!r}*{text}"


def _is_quantity(values: Any) -> bool:
    """A pint Quantity or an astropy Quantity (not a table column, which has no .value)."""
    return ((_from_module(values, "pint") and hasattr(values, "magnitude"))
            or (_from_module(values, "astropy.units") and hasattr(values, "value")))


def _magnitude(quantity: Any) -> np.ndarray:
    """The numbers of a Quantity; masked cells of an astropy MaskedQuantity stay masked."""
    if _from_module(quantity, "pint"):
        return np.asarray(quantity.magnitude)
    if hasattr(quantity, "unmasked"):
        return np.ma.masked_array(quantity.unmasked.value, mask=quantity.mask)
    return np.asarray(quantity.value)


def _unit(quantity: Any) -> Any:
    return quantity.units if _from_module(quantity, "pint") else quantity.unit


def _from_module(value: Any, package: str) -> bool:
    """True when the value's class, or a class it derives from, is defined in ``package``."""
    return any(cls.__module__ == package or cls.__module__.startswith(package + ".")
               for cls in type(value).__mro__)
