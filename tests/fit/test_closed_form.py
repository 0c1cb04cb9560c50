"""Closed forms of fitted constants, and where formulas show them."""

import math

import numpy as np
import pytest
import sympy

from lawfinder import LawRegressor
from lawfinder.fit.closed_form import closed_form

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


def _noisy_circle(k_true):
    """y = sqrt(k - x^2) with 1% noise; no fixed constant, so the 1 must come from k."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 0.9, 2000)
    y = np.sqrt(k_true - x**2)
    y = y + rng.normal(0, 0.01 * np.sqrt(np.mean(y**2)), y.shape)
    model = LawRegressor(operators=["sub", "mul", "sqrt", "n2"], free_constants={"k": ""},
                         fixed_constants=(), max_evals=3000, random_state=0)
    return model.fit(x[:, None], y, names=["x"])


def test_a_constant_the_noise_cannot_tell_from_a_closed_form_takes_it():
    model = _noisy_circle(1.0)
    x = sympy.Symbol("x")
    assert model.best_.sympy(numeric=True) == sympy.sqrt(1 - x**2)
    assert model.best_.constants["k"] == 1.0


def test_a_constant_the_data_tell_apart_stays_fitted():
    model = _noisy_circle(1.05)   # 0.3% off pi/3: more than 1% noise on 2000 points hides
    assert model.best_.constants["k"] == pytest.approx(1.05, rel=5e-3)
    assert model.best_.sympy(numeric=True).atoms(sympy.Float)
