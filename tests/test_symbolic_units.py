from fractions import Fraction

import pytest
import sympy

from lawfinder.errors import UnitsError
from symbolic_units import dimension_of
from lawfinder.units.dimension import DIMENSIONLESS, Dimension, parse_units

x, y, t, G, m1, m2, r = sympy.symbols("x y t G m1 m2 r")
METRE = Dimension.of(m=1)
SECOND = Dimension.of(s=1)


def units(**texts: str) -> dict[str, Dimension]:
    """Symbol dimensions from unit strings, parsed by pint rather than written by hand."""
    return {name: parse_units(text)[0] for name, text in texts.items()}


def dim(text: str) -> Dimension:
    return parse_units(text)[0]


def test_newton_gravity_is_a_force():
    dims = units(G="m^3/(kg*s^2)", m1="kg", m2="kg", r="m")
    assert dimension_of(G * m1 * m2 / r**2, dims) == dim("N")


@pytest.mark.parametrize(("formula", "symbol_units", "expected"), [
    ("m*v**2/2", {"m": "kg", "v": "m/s"}, "J"),
    ("U*I", {"U": "V", "I": "A"}, "W"),
    ("h*nu", {"h": "J*s", "nu": "Hz"}, "eV"),
    ("q*(E + v*B)", {"q": "C", "E": "V/m", "v": "m/s", "B": "T"}, "N"),
    ("k*T*log(V2/V1)", {"k": "J/K", "T": "K", "V1": "L", "V2": "L"}, "J"),
    ("q1*q2/(4*pi*eps*r**2)", {"q1": "C", "q2": "C", "eps": "F/m", "r": "m"}, "N"),
    ("sqrt(g*L)", {"g": "m/s^2", "L": "m"}, "m/s"),
    ("m*c**2/sqrt(1 - v**2/c**2)", {"m": "kg", "c": "m/s", "v": "km/h"}, "J"),
    ("n0*exp(-m*g*z/(k*T))", {"n0": "1/m^3", "m": "kg", "g": "m/s^2", "z": "m", "k": "J/K",
                              "T": "K"}, "1/m^3"),
])
def test_physical_formulas_agree_with_pint(formula, symbol_units, expected):
    dims = units(**symbol_units)
    expr = sympy.parse_expr(formula, local_dict={n: sympy.Symbol(n) for n in dims})
    assert dimension_of(expr, dims) == dim(expected)


def test_sqrt_gives_half_integer_exponents():
    assert dimension_of(sympy.sqrt(x), {"x": METRE}) == Dimension.of(m=Fraction(1, 2))
    assert dimension_of(x ** sympy.Rational(3, 2) / sympy.sqrt(t),
                        {"x": METRE, "t": SECOND}) == Dimension.of(m=Fraction(3, 2),
                                                                   s=Fraction(-1, 2))


def test_numbers_and_constants_are_dimensionless():
    assert dimension_of(2 * sympy.pi * sympy.E / sympy.sqrt(3), {}) == DIMENSIONLESS
    assert dimension_of(sympy.Float(1.5) * x, {"x": METRE}) == METRE


def test_abs_keeps_its_argument_dimension_and_sign_is_a_pure_number():
    dims = {"x": METRE, "y": METRE}
    assert dimension_of(sympy.Abs(x - y), dims) == METRE
    assert dimension_of(sympy.sign(x - y), dims) == DIMENSIONLESS


def test_functions_of_dimensionless_arguments():
    dims = {"x": METRE, "y": METRE, "t": SECOND}
    expr = sympy.exp(x / y) + sympy.sin(x / y) ** 2 + sympy.atan(y / x) + sympy.tanh(x / y)
    assert dimension_of(expr, dims) == DIMENSIONLESS


def test_power_with_symbolic_exponent_needs_pure_numbers():
    dims = {"x": METRE, "y": METRE, "t": DIMENSIONLESS}
    assert dimension_of((x / y) ** t, dims) == DIMENSIONLESS
    with pytest.raises(UnitsError, match="base"):
        dimension_of(x**t, dims)
    with pytest.raises(UnitsError, match="exponent"):
        dimension_of((x / y) ** x, dims)


def test_float_exponent_on_a_dimensional_base_is_rejected():
    with pytest.raises(UnitsError, match="exact rational"):
        dimension_of(x ** sympy.Float(2.0), {"x": METRE})


def test_adding_different_units_names_both_terms():
    with pytest.raises(UnitsError) as error:
        dimension_of(x + t, {"x": METRE, "t": SECOND})
    message = str(error.value)
    assert "x [m]" in message and "t [s]" in message


def test_adding_a_number_to_a_length_is_inconsistent():
    with pytest.raises(UnitsError, match="cannot add"):
        dimension_of(1 + x, {"x": METRE})


@pytest.mark.parametrize("function", [sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan,
                                      sympy.tanh, sympy.asin, sympy.acos, sympy.atan,
                                      sympy.sinh, sympy.cosh, sympy.erf])
def test_functions_reject_dimensional_arguments(function):
    with pytest.raises(UnitsError, match="must be dimensionless"):
        dimension_of(function(x), {"x": METRE})


def test_inconsistency_deep_inside_is_found():
    with pytest.raises(UnitsError, match="cannot add"):
        dimension_of(sympy.Abs(x * sympy.sqrt(x + t)), {"x": METRE, "t": SECOND})


def test_unknown_symbol_is_named():
    with pytest.raises(UnitsError, match="'y'"):
        dimension_of(x * y, {"x": METRE})


def test_unsupported_function_is_an_error_not_a_guess():
    with pytest.raises(UnitsError, match="no units rule"):
        dimension_of(sympy.Function("f")(x), {"x": DIMENSIONLESS})
