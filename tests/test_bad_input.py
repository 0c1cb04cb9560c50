"""Malformed input thrown at every public entry point.

Each case must end in a clear LawfinderError (never an error from inside NumPy, pandas or
pint) whose message names the culprit, or in a correct result. docs/robustness.md
counts the cases: keep it in step with the max_examples and parametrize lists here.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pint
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lawfinder import LawRegressor
from lawfinder.cli import main
from lawfinder.errors import DataError, LawfinderError, UnitsError
from lawfinder.data.problem import Problem, make_problem
from lawfinder.data.tables import parse_assignments, read_csv
from lawfinder.units.dimension import BASE_SYMBOLS, parse_units

try:
    import astropy.units as AU
except ImportError:  # astropy is an optional extra
    AU = None
needs_astropy = pytest.mark.skipif(AU is None, reason="astropy is not installed")

UREG = pint.UnitRegistry()
TINY = {"max_evals": 200, "batch_size": 50, "random_state": 0}


def outcome(call, *args, **kwargs):
    """The call's result, or the LawfinderError it raised, which must be one plain line.

    Any other exception propagates and fails the test: that is a crash at the door.
    """
    try:
        return call(*args, **kwargs)
    except LawfinderError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message, message
        return error


def names_one_of(error: LawfinderError, culprits: list[str]) -> bool:
    return any(culprit in str(error) for culprit in culprits)


# --- make_problem / fit: cells, shapes, lengths -------------------------------------------

CELLS = st.one_of(st.floats(), st.integers(), st.text(max_size=3), st.none(), st.booleans())


def is_number(cell) -> bool:
    """A finite real number, as make_problem must accept it (not a bool, not text)."""
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return False
    try:
        return math.isfinite(float(cell))
    except OverflowError:
        return False


def column_ok(cells) -> bool:
    return all(map(is_number, cells)) and len({float(c) for c in cells}) > 1


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_make_problem_on_random_cells(data):
    n, k = data.draw(st.integers(0, 6)), data.draw(st.integers(1, 3))
    rows = data.draw(st.lists(st.lists(CELLS, min_size=k, max_size=k), min_size=n, max_size=n))
    y = data.draw(st.lists(CELLS, min_size=n, max_size=n + data.draw(st.integers(0, 1))))
    result = outcome(make_problem, rows, y)
    valid = (n >= 3 and len(y) == n and column_ok(y)
             and all(column_ok([row[j] for row in rows]) for j in range(k)))
    if valid:
        assert isinstance(result, Problem)
        np.testing.assert_array_equal(result.X, np.array(rows, dtype=float))
        np.testing.assert_array_equal(result.y, np.array(y, dtype=float))
    else:
        assert isinstance(result, DataError)
        assert names_one_of(result, [f"column 'x{j}'" for j in range(k)]
                            + ["column 'y'", "rows", "X ", "y "])
        assert str(outcome(LawRegressor(**TINY).fit, rows, y)) == str(result)


DTYPES = st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.uint8, np.bool_,
                          np.complex128, "U3", "datetime64[s]", object])


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_make_problem_on_random_arrays(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    dtype = data.draw(DTYPES)
    elements = CELLS if dtype is object else None
    X = data.draw(hnp.arrays(dtype, shape, elements=elements))
    y = data.draw(hnp.arrays(np.float64, data.draw(st.integers(0, 6))))
    result = outcome(make_problem, X, y)
    if isinstance(result, Problem):
        assert np.isfinite(result.X).all() and np.isfinite(result.y).all()
        assert result.X.shape == (len(y), result.n_features)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_bad_cell_is_named_by_column_and_row(data):
    n, k = data.draw(st.integers(3, 6)), data.draw(st.integers(1, 3))
    values = data.draw(hnp.arrays(np.float64, (n, k + 1), unique=True,
                                  elements=st.floats(-1e6, 1e6, allow_subnormal=False)))
    table = values.astype(object)
    row, column = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, k))
    bad = data.draw(st.sampled_from([np.nan, np.inf, -np.inf, None, "n/a", "1,5", True]))
    table[row, column] = bad
    names = [f"c{j}" for j in range(k)]
    result = outcome(make_problem, table[:, :k], table[:, k], names=names, target_name="F")
    label = names[column] if column < k else "F"
    assert isinstance(result, DataError)
    assert f"column {label!r}" in str(result) and f"row {row}" in str(result)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_extreme_magnitudes_survive_the_door(data):
    n, k = data.draw(st.integers(3, 6)), data.draw(st.integers(1, 3))
    exponents = data.draw(st.lists(st.integers(-30, 30), min_size=k + 1, max_size=k + 1))
    base = data.draw(hnp.arrays(np.float64, (n, k + 1), unique=True,
                                elements=st.floats(1, 10, allow_subnormal=False)))
    values = base * 10.0 ** np.array(exponents)
    units = data.draw(st.lists(st.sampled_from(["km", "mg", "1", "N", "eV", "ns"]),
                               min_size=k + 1, max_size=k + 1))
    p = make_problem(values[:, :k], values[:, k], units=units[:k], target_units=units[k])
    np.testing.assert_allclose(p.X / np.array(p.factors), values[:, :k], rtol=1e-12)
    np.testing.assert_allclose(p.y / p.target_factor, values[:, k], rtol=1e-12)


@settings(max_examples=8, deadline=None)
@given(x_exp=st.integers(-30, 30), y_exp=st.integers(-30, 30), with_units=st.booleans())
@example(x_exp=-30, y_exp=-30, with_units=False)  # corners: constant fits on tiny data
@example(x_exp=-30, y_exp=0, with_units=False)    # used to stall in Levenberg-Marquardt
@example(x_exp=-30, y_exp=30, with_units=True)
@example(x_exp=30, y_exp=-30, with_units=True)
def test_extreme_magnitudes_fit_and_predict_to_scale(x_exp, y_exp, with_units):
    """y = c*x is found whatever the scale, and predicts new points at that scale."""
    x = np.linspace(1, 5, 30)[:, None] * 10.0**x_exp
    c = 2.5 * 10.0 ** (y_exp - x_exp)
    if with_units:
        model = LawRegressor(free_constants={"k": "N/m"}, **TINY)
        model.fit(x, c * x[:, 0], units=["m"], target_units="N")
    else:
        model = LawRegressor(free_constants=["k"], operators=["mul", "div"], **TINY)
        model.fit(x, c * x[:, 0])
    new = np.array([[1.7], [3.3], [4.9]]) * 10.0**x_exp
    predicted = model.predict(new)
    assert np.isfinite(predicted).all()
    np.testing.assert_allclose(predicted, c * new[:, 0], rtol=1e-6)


# --- every argument replaced by junk -------------------------------------------------------

JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
              st.binary(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(argument=st.sampled_from(["X", "y", "names", "units", "target_units", "target_name",
                                 "sample_weight", "y_err"]), junk=JUNK)
def test_any_argument_replaced_by_junk(argument, junk):
    good = {"X": [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0]], "y": [1.0, 2.0, 4.0, 3.0],
            "names": ["a", "b"], "units": ["m", "s"], "target_units": "m/s", "target_name": "v"}
    if argument in ("units", "target_units") and junk is None:
        good.pop("units"), good.pop("target_units")  # a unitless search is fine
    result = outcome(make_problem, **{**good, argument: junk})
    assert isinstance(result, (Problem, LawfinderError))


@settings(max_examples=30, deadline=None)
@given(setting=st.sampled_from(["free_constants", "operators", "fixed_constants", "max_length",
                                "max_time", "max_evals", "target_nrmse", "patience",
                                "batch_size", "random_state"]), junk=JUNK)
def test_estimator_settings_replaced_by_junk(setting, junk):
    X, y = np.linspace(1, 2, 20)[:, None], 3.0 * np.linspace(1, 2, 20)
    model = LawRegressor(**{**TINY, "max_evals": 50, setting: junk})
    result = outcome(model.fit, X, y)
    assert isinstance(result, (LawRegressor, LawfinderError))


# --- weights -------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.data())
def test_random_weights(data):
    n = 5
    which = data.draw(st.sampled_from(["sample_weight", "y_err"]))
    length = data.draw(st.sampled_from([n, n, n - 1, n + 1]))
    weights = data.draw(st.lists(st.one_of(st.floats(), st.integers(-3, 3), st.just(0.0)),
                                 min_size=length, max_size=length))
    X, y = np.arange(1.0, n + 1)[:, None], np.array([2.0, 1.0, 5.0, 3.0, 4.0])
    result = outcome(make_problem, X, y, **{which: weights})
    if isinstance(result, Problem):
        w = result.weights
        assert np.isfinite(w).all() and (w >= 0).all()
        # Mean 1; geometric mean 1 when they span too many decades for that (`_normalised`).
        geometric_mean = np.exp(np.log(w[w > 0]).mean())
        assert w.mean() == pytest.approx(1.0) or geometric_mean == pytest.approx(1.0)
    else:
        assert which in str(result)


# --- unit strings --------------------------------------------------------------------------

SYMBOLS = ["m", "kg", "s", "A", "K", "mol", "cd", "N", "J", "eV", "km", "deg", "percent",
           "degC", "dB", "furlongz", "1", "0", "-1", "nan", "inf", "1e400", "2", "", "%", "("]
EXPONENTS = st.one_of(st.integers(-4, 4), st.sampled_from(["0.5", "1/2", "nan", "inf", "1e10",
                                                           "(1/3)", "-", ""]))


@st.composite
def unit_expressions(draw) -> str:
    """Products and quotients of unit symbols, good and bad, with good and bad powers."""
    terms = draw(st.lists(st.tuples(st.sampled_from(SYMBOLS), EXPONENTS), min_size=1,
                          max_size=4))
    joints = draw(st.lists(st.sampled_from(["*", "/", " ", "**", ""]), min_size=len(terms),
                           max_size=len(terms)))
    return "".join(f"{joint if i else ''}{sym}^{power}" if power != 1
                   else f"{joint if i else ''}{sym}" for i, ((sym, power), joint)
                   in enumerate(zip(terms, joints)))


def check_parsed(text: str, result) -> None:
    """A parsed unit agrees with pint's own reading; a refusal names the column."""
    if isinstance(result, LawfinderError):
        assert isinstance(result, UnitsError) and "column 'a'" in str(result)
        return
    dimension, factor = result
    assert math.isfinite(factor) and factor > 0
    if text.strip() in ("", "1", "dimensionless", "-"):
        return
    base = UREG.parse_expression(text.replace("^", "**"))
    try:
        base = base.to_base_units() if hasattr(base, "to_base_units") else base
    except OverflowError:  # pint's own conversion of kg^1e10 passes through g^1e10
        return
    assert factor == pytest.approx(float(getattr(base, "magnitude", base)), rel=1e-9)
    pint_dims = getattr(base, "dimensionality", {})
    names = ("[length]", "[mass]", "[time]", "[current]", "[temperature]", "[substance]",
             "[luminosity]")
    for exponent, name in zip(dimension.exponents, names):
        assert float(exponent) == pytest.approx(float(pint_dims.get(name, 0)), abs=1 / 64)


@settings(max_examples=200, deadline=None)
@given(unit_expressions())
def test_composed_unit_strings(text):
    check_parsed(text, outcome(parse_units, text, what="column 'a'"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_garbage_unit_strings(text):
    result = outcome(parse_units, text, what="column 'a'")
    if isinstance(result, LawfinderError):
        assert isinstance(result, UnitsError) and "column 'a'" in str(result)
    else:
        assert math.isfinite(result[1]) and result[1] > 0


@settings(max_examples=100, deadline=None)
@given(units=st.lists(st.one_of(unit_expressions(), st.text(max_size=4), st.none(),
                                st.integers()), min_size=2, max_size=2),
       target=st.one_of(unit_expressions(), st.none()))
def test_random_units_through_make_problem(units, target):
    X, y = [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]], [1.0, 2.0, 4.0]
    result = outcome(make_problem, X, y, names=["a", "b"], units=units, target_units=target,
                     target_name="F")
    if isinstance(result, LawfinderError):
        assert names_one_of(result, ["column 'a'", "column 'b'", "column 'F'", "target_units",
                                     "units"])


QUANTITY_UNITS = ["m", "km", "1000*m", "mm", "s", "N", "kg*m/s^2", "J", "eV", "deg", "1",
                  "percent", "m/s"]
PINT_UNITS = ["m", "km", "mm", "s", "N", "kg*m/s**2", "J", "eV", "deg", "dimensionless",
              "percent", "m/s"]


@settings(max_examples=60, deadline=None)
@given(carried=st.sampled_from(PINT_UNITS), given_=st.sampled_from(QUANTITY_UNITS))
def test_units_given_twice_must_agree(carried, given_):
    X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]]) * UREG.Unit(carried)
    result = outcome(make_problem, X, [1.0, 2.0, 4.0] * UREG.s, names=["a", "b"],
                     units=["m", given_])
    a = UREG.Quantity(1.0, carried).to_base_units()
    b = UREG(given_.replace("^", "**")).to_base_units()
    if a.dimensionality == b.dimensionality and math.isclose(a.magnitude, b.magnitude):
        assert isinstance(result, (Problem, UnitsError))  # column 'a' may disagree instead
        if isinstance(result, UnitsError):
            assert "column 'a'" in str(result)
    else:
        assert isinstance(result, UnitsError)
        assert "column 'a'" in str(result) or (
            "column 'b'" in str(result) and repr(given_) in str(result))


@pytest.mark.parametrize("units, target_units, constants", [
    (["m"], "kg", None),                      # mass from a length
    (["1"], "m", None),                       # a dimension from a dimensionless column
    (["m", "s"], "A", None),                  # current from length and time
    (["m"], "kg", {"c": "s"}),                # a constant that does not help
    (["m", "m"], "m^(1/2)*kg", None),
])
def test_target_units_no_formula_can_build(units, target_units, constants):
    X = np.linspace(1, 2, 20)[:, None] * np.arange(1, len(units) + 1)
    model = LawRegressor(free_constants=constants, **TINY)
    result = outcome(model.fit, X, np.linspace(3, 5, 20), units=units,
                     target_units=target_units, target_name="F")
    assert isinstance(result, UnitsError)
    assert "target 'F'" in str(result) and "no formula" in str(result)


# --- quantities ------------------------------------------------------------------------------

@pytest.mark.parametrize("X, words", [
    ([np.arange(1.0, 4.0) * UREG.m, np.arange(2.0, 5.0)], "mixes Quantities"),
    ([np.arange(1.0, 4.0) * UREG.m, np.arange(2.0, 4.0) * UREG.s], "different lengths"),
    ([2.0 * UREG.m, 3.0 * UREG.m, 4.0 * UREG.m], "item 0 has shape ()"),
    (np.ones((3, 2, 2)) * UREG.m, "2-D"),
    (np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]]) * UREG.degC, "offset"),
    (np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]]) * UREG.dB, "logarithmic"),
])
def test_bad_pint_inputs(X, words):
    result = outcome(make_problem, X, np.arange(1.0, 4.0) * UREG.m)
    assert isinstance(result, LawfinderError) and words in str(result)


ASTROPY_UNITS = ["km", "N", "J", "eV", "deg", "%", "solMass", "pc", "AU", "erg", "s", "Jy",
                 "mas", "yr", "cm", "k", "Angstrom", "G"]
PINT_BASE_UNITS = ["km", "N", "J", "eV", "deg", "percent", "parsec", "au", "erg", "s", "hour",
                   "mile", "cm", "angstrom", "lightyear", "gauss", "mmHg", "kWh"]
POWERS = st.sampled_from([-2, -1, 1, 2, 0.5])


@settings(max_examples=60, deadline=None)
@given(library=st.sampled_from(["pint", "astropy"]),
       terms=st.lists(st.tuples(st.integers(0, len(PINT_BASE_UNITS) - 1), POWERS),
                      min_size=1, max_size=3))
def test_quantities_convert_as_their_library_does(library, terms):
    """Quantities enter in SI exactly as pint and astropy themselves convert them."""
    if library == "astropy" and AU is None:
        return
    values = np.array([[1.0], [2.0], [3.5]])
    if library == "pint":
        unit = math.prod((UREG.Unit(PINT_BASE_UNITS[i]) ** power for i, power in terms),
                         start=UREG.dimensionless)
    else:
        unit = math.prod((AU.Unit(ASTROPY_UNITS[i]) ** power for i, power in terms),
                         start=AU.one)
    p = make_problem(values * unit, [1.0, 2.0, 4.0] * UREG.s, names=["q"])
    exponents = dict(zip(BASE_SYMBOLS, p.dims[0].exponents))
    if library == "pint":
        si = "*".join(f"{name}**{float(exponents[sym])}" for sym, name in zip(
            BASE_SYMBOLS, ["meter", "kilogram", "second", "ampere", "kelvin", "mole",
                           "candela"]) if exponents[sym]) or "dimensionless"
        expected = (values * unit).to(si).magnitude
    else:
        si = math.prod((AU.Unit(sym) ** exponents[sym] for sym in BASE_SYMBOLS),
                       start=AU.one)
        with AU.set_enabled_equivalencies(AU.dimensionless_angles()):
            expected = (values * unit).to_value(si)
    np.testing.assert_allclose(p.X, expected, rtol=1e-9)
    np.testing.assert_allclose(make_problem(values, [1.0, 2.0, 4.0], names=["q"],
                                            units=list(p.units), target_units="s").X,
                               expected, rtol=1e-9)  # the unit string means the same


@pytest.mark.parametrize("unit, words", [("mag", "dex"), ("deg_C", "deg_C"), ("pix", "pix"),
                                         ("dex", "dex")])
@needs_astropy
def test_bad_astropy_units(unit, words):
    X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]]) * AU.Unit(unit)
    result = outcome(make_problem, X, [1.0, 2.0, 4.0] * AU.m)
    assert isinstance(result, UnitsError) and words in str(result) and "X" in str(result)


@needs_astropy
def test_bad_astropy_tables():
    from astropy.coordinates import SkyCoord
    from astropy.table import MaskedColumn, QTable

    y = [1.0, 2.0, 4.0] * AU.m
    sky = QTable({"c": SkyCoord([1, 2, 3] * AU.deg, [3, 1, 2] * AU.deg)})
    masked = QTable({"d": MaskedColumn([1.0, 2.0, 3.0], mask=[0, 1, 0], unit="km")})
    text = QTable({"d": [1.0, 2.0, 3.0] * AU.m, "label": ["a", "b", "c"]})
    for table, words in [(sky, "column 'c'"), (masked, "column 'd' has missing"),
                         (text, "column 'label' is not numeric")]:
        result = outcome(make_problem, table, y)
        assert isinstance(result, DataError) and words in str(result)


# --- predict ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (50, 2))
    model = LawRegressor(free_constants={"k": "1/s"}, **TINY)
    return model.fit(X, 2.5 * X[:, 0] / X[:, 1], names=["d", "t"], units=["m", "s^2"],
                     target_units="m/s^3", target_name="j")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_predict_on_random_shapes(fitted, data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    dtype = data.draw(st.sampled_from([np.float64, np.int64, "U3", object]))
    elements = CELLS if dtype is object else None
    X = data.draw(hnp.arrays(dtype, shape, elements=elements))
    result = outcome(fitted.predict, X)
    if (len(shape) == 2 and shape[1] == 2 and X.dtype.kind in "fiuO"
            and all(map(is_number, X.ravel().tolist()))):  # an empty text array is refused
        assert isinstance(result, np.ndarray) and result.shape == (shape[0],)
        np.testing.assert_array_equal(result, fitted.best_.predict(X.astype(float)))
    else:
        assert isinstance(result, DataError)
        assert names_one_of(result, ["column 'd'", "column 't'", "X "])


def test_predict_converts_quantities_and_refuses_wrong_dimensions(fitted):
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    plain = fitted.predict(X)
    np.testing.assert_allclose(fitted.predict([X[:, 0] * 100 * UREG.cm, X[:, 1] * UREG.s**2]),
                               plain, rtol=1e-12)
    frame = pd.DataFrame({"t": X[:, 1], "extra": [0, 0], "d": X[:, 0]})
    np.testing.assert_allclose(fitted.predict(frame), plain, rtol=1e-12)
    wrong = outcome(fitted.predict, X * UREG.kg)
    assert isinstance(wrong, UnitsError) and "column 'd'" in str(wrong) and "kg" in str(wrong)
    missing = outcome(fitted.predict, frame.drop(columns="d"))
    assert isinstance(missing, DataError) and "['d']" in str(missing)
    repeated = outcome(fitted.predict, pd.DataFrame([[1.0, 2.0, 3.0]], columns=["d", "t", "d"]))
    assert isinstance(repeated, DataError) and "more than one column named 'd'" in str(repeated)
    assert isinstance(outcome(fitted.score, X, [1.0, 2.0, 3.0]), DataError)
    assert isinstance(outcome(fitted.score, X, ["a", "b"]), DataError)
    assert isinstance(outcome(fitted.score, X, [1.0, 2.0] * UREG.kg), UnitsError)


# --- CSV files and the command line ------------------------------------------------------------

CSV_CELLS = st.one_of(st.floats(-1e3, 1e3).map(repr), st.integers(-5, 5).map(str),
                      st.sampled_from(["", "NA", "nan", "inf", "abc", "1,5", '"2"', "1e400",
                                       "True", " 3 "]))
CSV_NAMES = st.sampled_from(["a", "b", "F", "", "a b", "1x", "E", "F"])


def write_csv(text: str | bytes) -> Path:
    path = Path(tempfile.mkdtemp()) / "data.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@st.composite
def csv_texts(draw) -> tuple[str, list[str], str]:
    header = draw(st.lists(CSV_NAMES, min_size=1, max_size=4))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CSV_CELLS, min_size=len(header) - 1,
                                  max_size=len(header) + 1), max_size=5))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return newline.join(lines) + newline, header, delimiter


@settings(max_examples=150, deadline=None)
@given(csv_texts())
def test_read_csv_on_random_files(case):
    text, header, delimiter = case
    result = outcome(read_csv, write_csv(text), "F")
    if isinstance(result, LawfinderError):
        assert isinstance(result, DataError)
        # (pandas skips a header line of whitespace only, such as a lone tab)
        if ("no column named 'F'" in str(result) or "only the columns" in str(result)) and (
                delimiter != "," and len(header) > 1 and "".join(header)):
            name = "semicolon" if delimiter == ";" else "tab"
            assert f"{name}-separated" in str(result)
        return
    X, y, _ = result
    assert delimiter == ","
    assert list(X.columns) + [y.name] == [n for n in header if n != "F"] + ["F"]
    problem = outcome(make_problem, X, y)
    if isinstance(problem, LawfinderError):
        assert names_one_of(problem, [f"{n!r}" for n in header] + ["rows", "X "])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=40))
def test_read_csv_on_random_bytes(content):
    result = outcome(read_csv, write_csv(content), "F")
    assert isinstance(result, (tuple, DataError))


GOOD_CSV = "a,b,F\n1,2,3\n2,1,5\n3,4,4\n4,3,8\n"
BROKEN_CSV = st.sampled_from([
    ("a,b,F\n1,2,3\n2,,5\n3,4,4\n", "column 'b'"),                   # a missing value
    ("a,b,F\n1,2,3\n2,x,5\n3,4,4\n", "column 'b'"),                  # text
    ("a,a,F\n1,2,3\n2,1,5\n3,4,4\n", "more than one column named 'a'"),
    ("a,b,G\n1,2,3\n2,1,5\n3,4,4\n", "no column named 'F'"),
    ("a;b;F\n1;2;3\n2;1;5\n3;4;4\n", "semicolon-separated"),
    ("a\tb\tF\n1\t2\t3\n2\t1\t5\n3\t4\t4\n", "tab-separated"),
    ("a;b;F\n1,5;2;3\n2;1,5;5\n", "semicolon-separated"),
    ("", "empty"),
    ("a,b,F\n", "no data rows"),
    ("a,,F\n1,2,3\n2,1,5\n3,4,4\n", "column 2"),
    ("a,b,F\n1,2,3,4\n2,1,5\n3,4,4\n", "more values than the header"),
    ("a,b,F\n1,2,3\n2,1,5\n", "only 2 rows"),
    ("a,b,F\n1,2,3\n1,2,5\n1,2,4\n", "column 'a' is constant"),
    ("1,c,F\n1,2,3\n2,1,5\n3,4,4\n", "input column '1'"),     # the fixed constant's name
    ("a,b,F\n1,2,3\n2,1,inf\n3,4,4\n", "column 'F'"),
])


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return code, " ".join(out.getvalue().split())  # rich wraps long lines


@settings(max_examples=40, deadline=None)
@given(case=BROKEN_CSV, with_units=st.booleans())
def test_cli_fit_on_broken_files(case, with_units):
    text, words = case
    header = text.split("\n")[0].split(",")
    units = ["--units", ", ".join(f"{name}=m" for name in header)] if with_units else []
    code, out = run_cli("fit", str(write_csv(text)), "--target", "F", "--quiet",
                        "--max-evals", "50", *units)
    assert code == 2 and out.count("error:") == 1 and "Traceback" not in out
    assert words in out


@pytest.mark.parametrize("options, words", [
    (["--units", "a=m; b=s; F=furlongz"], "furlongz"),
    (["--units", "a=m, b=s"], "F"),
    (["--units", "a=m, b=s, F=m/s, c=kg"], "'c'"),
    (["--units", "a=m, b=m, F=kg"], "no formula"),
    (["--units", "a=0*m, b=s, F=m/s"], "positive, finite"),
    (["--units", "a=m**nan, b=s, F=m/s"], "exponent nan"),
    (["--units", "a=degC, b=s, F=m/s"], "offset"),
    (["--units", "===="], "--units"),
    (["--constants", "k"], "--constants"),
    (["--constants", "a=1"], "['a']"),
    (["--constants", "k=bogons"], "bogons"),
    (["--operators", ",,,"], "--operators"),
    (["--operators", "mul,sqr"], "sqrt"),
    (["--max-length", "0"], "max_length"),
    (["--max-time", "-1"], "max_time"),
    (["--max-evals", "0"], "max_evals"),
])
def test_cli_fit_with_bad_options(options, words):
    code, out = run_cli("fit", str(write_csv(GOOD_CSV)), "--target", "F", "--quiet",
                        "--max-evals", "50", *options)
    assert code == 2 and "error:" in out and "Traceback" not in out and words in out


# --- parse_assignments -------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab1=,; \t*/^()_\n-é"), max_size=20)
       | st.text(max_size=20))
def test_parse_assignments_on_random_text(text):
    result = outcome(parse_assignments, text, what="--units")
    if isinstance(result, LawfinderError):
        assert str(result).startswith("--units: ")
        return
    assert result
    for name, value in result.items():
        assert name == name.strip() and value == value.strip() and name and value
        assert "=" not in value and not re.search("[,;]", name + value)


IDENTIFIERS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(IDENTIFIERS, st.sampled_from(QUANTITY_UNITS), min_size=1, max_size=5),
       st.sampled_from([",", ", ", ";", " ; "]))
def test_parse_assignments_round_trips(assignments, separator):
    text = separator.join(f"{name} = {value}" for name, value in assignments.items())
    assert parse_assignments(text, what="--units") == assignments


@pytest.mark.parametrize("text", [None, 5, b"m=kg", ["m=kg"]])
def test_parse_assignments_refuses_non_text(text):
    result = outcome(parse_assignments, text, what="--units")
    assert isinstance(result, LawfinderError) and str(result).startswith("--units: ")

