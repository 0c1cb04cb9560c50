"""Known constants read from `fixed_constants` items, checked against pint as the outside
reference for values and units."""

import math

import pint
import pytest

from support import dim

from lawfinder.errors import LawfinderError, UnitsError
from lawfinder.language.known_constants import (ALIASES, KnownConstant, known_constant,
                                                known_constants, pint_constant_names)

UREG = pint.UnitRegistry()


def test_numbers_are_dimensionless_and_exact():
    one, pi = known_constants(["1", "pi"])
    assert (one.value, one.dim, one.is_number) == (1.0, dim("1"), True)
    assert pi.value == math.pi and pi.units == "1"


@pytest.mark.parametrize("item, name, value, units, si", [
    ("g=9.80665 m/s^2", "g", 9.80665, "m/s^2", 9.80665),
    ("c=19.8 m/s", "c", 19.8, "m/s", 19.8),
    ("v = 36 km/h", "v", 36.0, "km/h", 10.0),
    ("q=-1.6e-19*C", "q", -1.6e-19, "C", -1.6e-19),
    ("k=2.5", "k", 2.5, "1", 2.5),
    ("λ=.5 um", "λ", 0.5, "um", 5e-7),
])
def test_a_name_with_a_value_and_units(item, name, value, units, si):
    constant = known_constant(item)
    assert (constant.name, constant.value, constant.units) == (name, value, units)
    assert constant.si == pytest.approx(si, rel=1e-15)
    assert constant.dim == dim(units)
    assert known_constant(constant.spec()) == constant


@pytest.mark.parametrize("name", ["speed_of_light", "gravitational_constant", "planck_constant",
                                  "boltzmann_constant", "elementary_charge", "c_0", "ħ", "R_∞",
                                  "electron_g_factor"])
def test_pint_constants_come_with_their_si_value_and_units(name):
    constant = known_constant(name)
    reference = UREG.Quantity(1, UREG.get_name(name)).to_base_units()   # "R_∞" unparsed
    assert constant.name == name and constant.factor == 1.0
    assert constant.si == pytest.approx(reference.magnitude, rel=1e-12)
    assert constant.dim == dim(str(reference.units))


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_short_names_are_pints_constants(alias):
    constant = known_constant(alias)
    reference = known_constant(ALIASES[alias])
    assert constant.name == alias
    assert (constant.value, constant.dim) == (reference.value, reference.dim)


def test_the_aliases_physicists_expect():
    values = {name: known_constant(name).si for name in ("c", "G", "h", "hbar", "k_B", "e")}
    assert values["c"] == 299792458.0
    assert values["G"] == pytest.approx(6.6743e-11)
    assert values["h"] == 6.62607015e-34                      # not pint's "h", the hour
    assert values["hbar"] == pytest.approx(values["h"] / (2 * math.pi), rel=1e-14)
    assert values["k_B"] == 1.380649e-23 and values["e"] == 1.602176634e-19
    assert known_constant("G").dim == dim("m^3/(kg*s^2)")     # not pint's "G", the gauss


def test_only_pints_constants_count_not_its_units():
    assert "g" not in pint_constant_names() and "meter" not in pint_constant_names()
    with pytest.raises(LawfinderError, match="unknown fixed constant 'g'.*g0.*'g=1.5 m/s'"):
        known_constant("g")                                   # the gram to pint


@pytest.mark.parametrize("item, words", [
    ("speed_of_lite", "unknown fixed constant 'speed_of_lite'.*Did you mean speed_of_light"),
    ("c=fast m/s", "fixed constant 'c=fast m/s': the value 'fast' is not a number"),
    ("c=", "the value '' is not a number"),
    ("=3 m", "has no name before '='"),
    ("pi=3.2", "'pi' is the number pi"),
    ("k=0", "finite, nonzero number, not 0"),
    ("k=1e999", "finite, nonzero"),
    ("", "list of texts"),
    (2.5, "list of texts"),
])
def test_bad_items_are_named_with_the_fix(item, words):
    with pytest.raises(LawfinderError, match=words):
        known_constant(item)


def test_a_bad_unit_is_a_units_error_naming_the_item():
    with pytest.raises(UnitsError, match="fixed constant 'c=19.8 m/ss': cannot understand "
                                         "the unit string 'm/ss'"):
        known_constant("c=19.8 m/ss")


def test_a_name_given_twice_is_refused():
    with pytest.raises(LawfinderError, match="'c' is given twice \\('c' and 'c=19.8 m/s'\\)"):
        known_constants(["1", "c", "c=19.8 m/s"])


@pytest.mark.parametrize("items", ["1, pi", None, 3])
def test_the_setting_must_be_a_list(items):
    with pytest.raises(LawfinderError, match="fixed_constants must be a list"):
        known_constants(items)


def test_known_constants_pass_through():
    c = KnownConstant("c", 19.8, "m/s", dim("m/s"))
    assert known_constants([c, "1"]) == (c, known_constant("1"))
