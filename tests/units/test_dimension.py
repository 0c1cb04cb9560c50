import re
from fractions import Fraction

import pint
import pytest

from lawfinder.errors import UnitsError
from lawfinder.units.dimension import (DIMENSIONLESS, Dimension, from_pint, parse_units,
                                       pint_definition)


@pytest.mark.parametrize("text, expected", [
    ("N", Dimension.of(m=1, kg=1, s=-2)),
    ("J", Dimension.of(m=2, kg=1, s=-2)),
    ("W", Dimension.of(m=2, kg=1, s=-3)),
    ("Pa", Dimension.of(m=-1, kg=1, s=-2)),
    ("V", Dimension.of(m=2, kg=1, s=-3, A=-1)),
    ("m^3/(kg*s^2)", Dimension.of(m=3, kg=-1, s=-2)),
    ("m**3/(kg*s**2)", Dimension.of(m=3, kg=-1, s=-2)),
    ("1/s", Dimension.of(s=-1)),
    ("1", DIMENSIONLESS),
    ("m^0.5", Dimension.of(m=Fraction(1, 2))),
])
def test_parse_units(text, expected):
    assert parse_units(text)[0] == expected


def test_factor_converts_to_si():
    assert parse_units("km")[1] == pytest.approx(1000.0)
    assert parse_units("g")[1] == pytest.approx(1e-3)


@pytest.mark.parametrize("text", ["N*m", "kg/m^3", "W/(m^2*K)", "V*A*s", "eV", "kWh"])
def test_agrees_with_pint(text):
    """Outside reference: pint's own dimensionality of the same string."""
    registry = pint.UnitRegistry()
    dims = registry.parse_expression(text.replace("^", "**")).dimensionality
    names = ("[length]", "[mass]", "[time]", "[current]", "[temperature]", "[substance]",
             "[luminosity]")
    assert parse_units(text)[0].exponents == tuple(Fraction(dims.get(n, 0)) for n in names)


def test_algebra():
    velocity = Dimension.of(m=1, s=-1)
    assert velocity * Dimension.of(s=1) == Dimension.of(m=1)
    assert (velocity**2) / velocity == velocity
    assert (Dimension.of(m=1) ** Fraction(1, 2)).doubled() == (1, 0, 0, 0, 0, 0, 0)
    assert str(Dimension.of(m=3, kg=-1, s=-2)) == "m^3/(kg*s^2)"


@pytest.mark.parametrize("text", ["furlongz", "m/", "degC"])
def test_bad_units_name_the_culprit(text):
    with pytest.raises(UnitsError, match="column 'x'"):
        parse_units(text, what="column 'x'")


def test_third_powers_are_refused_where_half_integers_are_needed():
    with pytest.raises(UnitsError, match="1/2"):
        (Dimension.of(m=1) ** Fraction(1, 3)).doubled()


@pytest.mark.parametrize("text, words", [
    ("0*m", "0 times SI units"), ("-1*m", "-1 times"), ("m[0]", "0 times"),
    ("nan", "nan times"), ("inf*m", "inf times"), ("1e400*m", "inf times"),
    ("10**400", "cannot understand"), ("m**nan", "exponent nan"), ("m**inf", "exponent inf"),
    ("kg*", "an incomplete expression"), ("dB", "logarithmic"),
])
def test_unit_strings_must_be_positive_finite_multiples_of_si(text, words):
    with pytest.raises(UnitsError, match=rf"^column 'x': .*{re.escape(words)}"):
        parse_units(text, what="column 'x'")


def test_pint_units_of_any_registry_and_system():
    custom = pint.UnitRegistry()
    custom.define("smoot = 1.7018 m")
    assert from_pint(custom.smoot) == (Dimension.of(m=1), pytest.approx(1.7018))
    cgs = pint.UnitRegistry(system="cgs")  # its base units are cm and g, not SI's
    assert from_pint(cgs.dyne) == (Dimension.of(kg=1, m=1, s=-2), pytest.approx(1e-5))
    assert parse_units("m**0.3333")[0] == Dimension.of(m=Fraction(1, 3))


def test_pint_definitions_by_any_name_and_of_either_sign():
    assert pint_definition("R_∞") == pint_definition("rydberg_constant")
    assert pint_definition("R_∞")[0] == Dimension.of(m=-1)
    dimension, value = pint_definition("electron_g_factor")
    assert dimension == DIMENSIONLESS and value == pytest.approx(-2.00231930436092)
