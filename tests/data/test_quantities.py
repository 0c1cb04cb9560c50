"""Data that carry their units: pint and astropy Quantities, astropy tables."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pint
import pytest

from lawfinder import LawRegressor
from lawfinder.errors import DataError, UnitsError
from lawfinder.data.problem import make_problem
from lawfinder.data.quantities import header_unit, unit_text
from lawfinder.units.dimension import Dimension, parse_units

u = pytest.importorskip("astropy.units")
from astropy.table import Column, QTable, Table  # noqa: E402  (after the skip)

UREG = pint.UnitRegistry()
X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0]])
Y = np.array([1.0, 2.0, 4.0, 3.0])


def test_pint_array_gives_its_unit_to_every_column_and_y_its_own():
    p = make_problem(X * UREG.km, Y * UREG("km^2"))
    assert p.units == ("km", "km") and p.target_units == "km**2"
    assert p.factors == (1000.0, 1000.0) and p.target_factor == pytest.approx(1e6)
    np.testing.assert_allclose(p.X, X * 1000)


def test_list_of_quantities_is_one_column_each():
    p = make_problem([X[:, 0] * UREG.kg, X[:, 1] * u.km / u.s], Y * u.J, names=["m", "v"])
    assert p.units == ("kg", "km / s") and p.target_units == "J"
    assert p.dims[1] == Dimension.of(m=1, s=-1) and p.factors == (1.0, 1000.0)


def test_pint_units_of_another_registry():
    registry = pint.UnitRegistry()
    registry.define("smoot = 1.7018 m")
    p = make_problem(X * registry.smoot, Y * registry.s)
    assert p.units == ("1.7018*m", "1.7018*m") and p.factors == (1.7018, 1.7018)


@pytest.mark.parametrize("unit, text", [
    (u.km, "km"), (u.N, "N"), (u.eV, "eV"), (u.deg, "deg"), (u.one, "1"),
    (u.km**2, "km**2"), (u.erg / u.s, "erg / s"), (u.cm**0.5, "cm**(1/2)"),
    (u.k, "1 / cm"),                           # astropy's k is a wavenumber, pint's Boltzmann's
    (u.solMass, "1.988409870698051e+30*kg"),   # pint does not know solMass
])
def test_astropy_unit_strings_mean_the_same_to_lawfinder(unit, text):
    assert unit_text(unit) == text
    dimension, factor = parse_units(text)
    assert factor == pytest.approx(unit.decompose().scale, rel=1e-9)


def test_qtable_gives_names_and_units_and_plain_columns_are_dimensionless():
    table = QTable({"m": X[:, 0] * u.kg, "n": X[:, 1], "v": X[:, 1] * u.km / u.s})
    p = make_problem(table, Y * u.J)
    assert p.names == ("m", "n", "v") and p.units == ("kg", "1", "km / s")


def test_table_column_units_and_a_named_column_as_target():
    table = Table({"m": X[:, 0], "r": X[:, 1], "F": Y}, units={"m": "kg", "r": "AU", "F": "N"})
    p = make_problem(table[["m", "r"]], table["F"])
    assert p.target_name == "F" and p.target_units == "N"
    assert p.units == ("kg", "149597870700.0*m")


def test_units_given_both_ways_must_agree():
    p = make_problem(X * u.km, Y * u.km**2, names=["a", "b"], units=["1000*m", "km"],
                     target_units="km^2")
    assert p.units == ("1000*m", "km")  # the given strings are kept
    with pytest.raises(UnitsError, match="column 'b' carries the units 'km' in the data, but "
                                         "the units given for it are 'm'"):
        make_problem(X * u.km, Y * u.km**2, names=["a", "b"], units=["km", "m"])
    with pytest.raises(UnitsError, match="column 'F' carries the units 'km\\*\\*2'.*'m\\^2'"):
        make_problem(X * u.km, Y * u.km**2, target_units="m^2", target_name="F")


def test_units_on_one_side_only():
    with pytest.raises(UnitsError, match="target_units is missing.*as Quantities"):
        make_problem(X * u.km, Y)
    p = make_problem(X, Y * u.km, units=["m", "s"])  # plain X with units=, y a Quantity
    assert p.target_units == "km"


@pytest.mark.parametrize("quantity, words", [
    (X * u.deg_C, "deg_C"), (X * UREG.degC, "offset"), (X * u.pix, "pix"),
])
def test_units_that_are_not_multiples_of_si(quantity, words):
    with pytest.raises(UnitsError, match=f"X's units: .*{words}"):
        make_problem(quantity, Y * u.m)


def test_masked_cells_are_missing_values():
    from astropy.table import MaskedColumn

    table = QTable({"a": MaskedColumn(X[:, 0], mask=[0, 0, 1, 0], unit="m"), "b": X[:, 1]})
    with pytest.raises(DataError, match=r"column 'a' has missing .*first at row 2"):
        make_problem(table, Y * u.m)


@pytest.fixture(scope="module")
def model():
    """k*d/t^2 fitted on an astropy table in km and s."""
    rng = np.random.default_rng(0)
    d, t = rng.uniform(1, 5, 60), rng.uniform(1, 5, 60)
    table = QTable({"d": d * u.km, "t": t * u.s})
    regressor = LawRegressor(free_constants=["k"], max_evals=200, batch_size=50, random_state=0)
    return regressor.fit(table, 3.0 * d / t**2 * u.km / u.s**2)


def test_predict_takes_quantities_in_any_units_and_returns_plain_numbers(model):
    d, t = np.array([1.5, 2.5]), np.array([2.0, 3.0])
    plain = model.predict(np.column_stack([d, t]))  # plain numbers: in km and s, as fitted
    assert type(plain) is np.ndarray
    np.testing.assert_allclose(plain, 3.0 * d / t**2, rtol=1e-6)  # in km/s^2, the target's
    for X_other in (QTable({"t": t * 1000 * u.ms, "d": d * 1000 * u.m}),
                    [d * 1000 * UREG.m, t / 60 * UREG.minute], pd.DataFrame({"t": t, "d": d})):
        np.testing.assert_allclose(model.predict(X_other), plain, rtol=1e-12)
    with pytest.raises(UnitsError, match="column 't' is in 'm'"):
        model.predict(QTable({"d": d * u.m, "t": t * u.m}))


def test_score_converts_a_quantity_target(model):
    table = QTable({"d": [1.5, 2.5, 3.0] * u.km, "t": [2.0, 3.0, 1.0] * u.s})
    y = model.predict(table)
    assert model.score(table, y * 1000 * u.m / u.s**2) == pytest.approx(1.0)
    with pytest.raises(UnitsError, match="column 'y' is in 'kg'"):
        model.score(table, y * u.kg)


def test_saved_model_keeps_the_units_from_the_data(model, tmp_path):
    model.save(tmp_path / "model.json")
    loaded = LawRegressor.load(tmp_path / "model.json")
    assert loaded.problem_.units == ("km", "s") and loaded.problem_.target_units == "km / s**2"
    table = QTable({"d": [1500.0, 2500.0] * u.m, "t": [2.0, 3.0] * u.s})
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))


def test_astropy_is_imported_only_for_astropy_data():
    code = ("import sys, numpy as np, pint; from lawfinder.data.problem import make_problem; "
            "make_problem(np.arange(1.0, 5.0) * pint.UnitRegistry().m, [1.0, 3.0, 2.0, 4.0], "
            "target_units='1'); assert 'astropy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_column_without_units_in_a_unitless_table_is_plain():
    p = make_problem(Table({"a": X[:, 0], "b": X[:, 1]}), Y)
    assert not p.has_units and p.names == ("a", "b")
    assert make_problem(Column(X[:, 0], name="a"), Y).names == ("a",)


# --- units in column names ----------------------------------------------------------------

@pytest.mark.parametrize("label, split", [
    ("m1 [kg]", ("m1", "kg")), ("r (m)", ("r", "m")), ("F[N]", ("F", "N")),
    ("v [m/s]", ("v", "m/s")), ("n [1]", ("n", "1")),
    ("rate (corrected)", ("rate (corrected)", None)), ("x", ("x", None)), (3, (3, None))])
def test_a_unit_is_the_bracket_at_the_end_of_a_name_when_pint_reads_it(label, split):
    assert header_unit(label) == split


def test_a_dataframe_with_units_in_its_headers_needs_no_units_argument():
    X = pd.DataFrame({"m1 [g]": [1000.0, 2000, 3000], "r (km)": [1.0, 2, 4]})
    y = pd.Series([1.0, 2, 5], name="F [N]")
    problem = make_problem(X, y)
    assert problem.names == ("m1", "r") and problem.target_name == "F"
    np.testing.assert_allclose(problem.X, [[1, 1000], [2, 2000], [3, 4000]])
    assert problem.units == ("g", "km") and problem.target_units == "N"


def test_header_units_and_the_units_argument_must_agree():
    X = pd.DataFrame({"m [kg]": [1.0, 2, 3], "t": [1.0, 2, 4]})
    y = pd.Series([1.0, 2, 5], name="p")
    problem = make_problem(X, y, units={"t": "s"}, target_units="kg*m/s")
    assert problem.units == ("kg", "s")
    with pytest.raises(UnitsError, match="carries the units 'kg'"):
        make_problem(X, y, units={"m": "s", "t": "s"}, target_units="kg*m/s")
