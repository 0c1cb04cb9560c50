"""Closed forms of fitted constants, and where formulas show them."""

import math

import numpy as np
import pytest
import sympy

from lawfinder import LawRegressor
from lawfinder.closed_form import closed_form

pi = sympy.pi


@pytest.mark.parametrize("value, expected", [
    (9.86960440108936, pi**2),
    (6.28318530717959, 2 * pi),
    (0.0795774715459476, 1 / (4 * pi)),
    (0.398942280401433, 1 / sympy.sqrt(2 * pi)),
    (0.124999999999987, sympy.Rational(1, 8)),
    (-0.5, sympy.Rational(-1, 2)),
    (1.0, sympy.Integer(1)),
    (0.0, sympy.Integer(0)),
])
def test_near_exact_values_get_their_closed_form(value, expected):
    assert sympy.simplify(closed_form(value) - expected) == 0


@pytest.mark.parametrize("value", [
    6.123,                  # no small fraction of a power of pi
    math.pi**2 * (1 + 1e-6),  # what noisy data give: not pinned down enough to claim pi**2
    0.642905877934412,
    1e-17,
    math.inf,
])
def test_other_values_have_none(value):
    assert closed_form(value) is None


def _fit(constant_units):
    x = np.linspace(1.0, 3.0, 50)
    model = LawRegressor(operators=["mul"], free_constants={"k": constant_units},
                         max_evals=2000, random_state=0)
    return model.fit(x[:, None], math.pi**2 * x, names=["x"], units=["m"],
                     target_units=f"m*{constant_units}" if constant_units else "m")


def test_formulas_show_dimensionless_constants_in_closed_form():
    model = _fit("")
    assert model.best_.sympy(numeric=True) == pi**2 * sympy.Symbol("x")
    assert model.best_.constants["k"] == pytest.approx(math.pi**2, rel=1e-12)  # still a float


def test_constants_with_units_stay_numbers():
    # k = 9.87 s is a measured quantity: in ms it would be 9870, no closed form to claim.
    model = _fit("s")
    assert model.best_.sympy(numeric=True).atoms(sympy.Float)
