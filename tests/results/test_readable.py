"""Formulas printed as a person writes them, and keeping the fitted function (issue 13)."""

from dataclasses import replace

import numpy as np
import pytest
import sympy

from lawfinder.language.library import build_library
from lawfinder.results.formula import Formula
from lawfinder.results.readable import readable, significant_digits
from lawfinder.units.dimension import DIMENSIONLESS
from lawfinder.units.scaling import Frame

a, b, GM, k = sympy.symbols("a b GM k")
OPERATORS = ["add", "sub", "mul", "div", "neg", "inv", "n2", "sqrt", "exp", "log", "sin", "cos"]


@pytest.mark.parametrize("expr, signs, expected", [
    (a / sympy.sqrt(GM / a), {"a": 1, "GM": 1}, a ** sympy.Rational(3, 2) / sympy.sqrt(GM)),
    (a ** 2 / sympy.sqrt(GM * a), {"a": 1, "GM": 1}, a ** sympy.Rational(3, 2) / sympy.sqrt(GM)),
    (sympy.sqrt(k ** 2) * a, {"k": -1}, -k * a),
    (sympy.exp(a) * sympy.exp(b), {"a": 1, "b": 1}, sympy.exp(a + b)),
])
def test_signs_let_the_short_form_out(expr, signs, expected):
    assert readable(expr, signs) == expected


def test_without_known_signs_nothing_is_assumed():
    expr = a / sympy.sqrt(1 / a)  # a**(3/2) only for a > 0
    assert readable(expr, {}) == expr
    assert readable(expr, {"a": -1}) != a ** sympy.Rational(3, 2)


def test_the_result_holds_plain_symbols():
    form = readable(a / sympy.sqrt(GM / a), {"a": 1, "GM": 1})
    assert form.free_symbols == {a, GM}


@pytest.mark.parametrize("value, error, digits", [
    (6.6743e-11, 1.5e-15, 6), (6.6743e-11, 1.5e-14, 5), (9.81, 0.02, 4), (9.81, 3.0, 2), (9.81, 30.0, 1),
    (2.5, 0.0, 6), (2.5, float("nan"), 6), (2.5, float("inf"), 2), (0.0, 0.1, 6)])
def test_significant_digits_follow_the_error_to_its_second_digit(value, error, digits):
    assert significant_digits(value, error) == digits


@pytest.fixture(scope="module")
def kepler():
    """T = a/sqrt(GM/a), as the search may write it, on positive semi-major axes."""
    library = build_library(OPERATORS, [("a", DIMENSIONLESS), ("b", DIMENSIONLESS)],
                            {"GM": DIMENSIONLESS, "k": DIMENSIONLESS}, ["1"])
    X = np.random.default_rng(0).uniform(0.5, 30, (200, 2))
    frame = Frame.fit(X, X[:, 0], [DIMENSIONLESS] * 2, [1.0] * 2, DIMENSIONLESS, 1.0,
                      [DIMENSIONLESS] * 2, [1.0] * 2)
    names = ["div", "a", "sqrt", "div", "GM", "a"]
    covariance = np.diag([1e-4, 0.0])  # GM = 2.346(10)
    formula = Formula(tuple(library.index[n] for n in names), library, frame,
                      np.array([2.345678912, 1.0]), 0.0, 6.0, scaled_covariance=covariance,
                      positive_inputs=frozenset({"a"}))
    return formula, X


def test_a_formula_prints_in_its_short_form(kepler):
    formula, _ = kepler
    assert formula.sympy() == a ** sympy.Rational(3, 2) / sympy.sqrt(GM)
    assert str(formula).endswith("*a**(3/2)")


def test_the_printed_numbers_have_the_digits_the_errors_support(kepler):
    formula, _ = kepler
    assert significant_digits(formula.constants["GM"], formula.uncertainties["GM"]) == 4
    assert str(formula) == "0.6529*a**(3/2)"  # 1/sqrt(2.346)


def test_the_full_precision_form_predicts_what_predict_does(kepler):
    formula, X = kepler
    function = sympy.lambdify([a, b], formula.sympy(numeric=True), "numpy")
    np.testing.assert_allclose(function(X[:, 0], X[:, 1]), formula.predict(X), rtol=1e-12)


def test_an_input_not_known_positive_keeps_the_written_form(kepler):
    formula, _ = kepler
    assert replace(formula, positive_inputs=frozenset()).sympy() == a / (sympy.sqrt(GM) * sympy.sqrt(1 / a))
