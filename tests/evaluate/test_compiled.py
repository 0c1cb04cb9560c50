"""The compiled kernel's numerics: each operator's value and derivative, and NumPy's
semantics for invalid values."""

import numpy as np
import pytest

from lawfinder.evaluate.compiled import BINARY, UNARY, elementwise
from lawfinder.evaluate.prefix import evaluate
from lawfinder.language.library import OPERATORS, build_library
from lawfinder.units.dimension import DIMENSIONLESS

# Outside references: NumPy's own functions.
REFERENCE = {"neg": np.negative, "abs": np.abs, "inv": np.reciprocal, "n2": np.square,
             "n3": lambda a: a**3, "sqrt": np.sqrt, "exp": np.exp, "log": np.log,
             "sin": np.sin, "cos": np.cos, "tan": np.tan, "tanh": np.tanh,
             "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "log10": np.log10,
             "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
             "pow": lambda a, b: np.where(a > 0, np.power(a, b), np.nan)}


def test_the_kernel_knows_every_operator():
    assert set(UNARY) | set(BINARY) == set(OPERATORS) == set(REFERENCE)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values_match_numpy_even_where_invalid(name):
    a = np.array([[-2.0, -0.5, 0.0, 0.3, 1.7, 800.0, np.inf, np.nan]])
    args = (a, a[:, ::-1]) if name in BINARY else (a,)
    with np.errstate(all="ignore"):
        expected = REFERENCE[name](*args)
    np.testing.assert_allclose(elementwise(name)(*args), expected, rtol=1e-15)


def _one_constant_library(operators):
    return build_library(operators, [("x", DIMENSIONLESS)], {"c": DIMENSIONLESS}, ["1"])


@pytest.mark.parametrize("name", sorted(UNARY))
def test_each_unary_derivative_matches_a_central_difference(name):
    """d/dc op(c*x) from the forward-mode Jacobian, against finite differences of values."""
    library = _one_constant_library([name, "mul"])
    tokens = np.array([[library.index[t] for t in (name, "mul", "c", "x")]])
    x = np.linspace(0.3, 1.05, 9)[:, None]  # c*x inside asin's and acos's domain
    c = np.array([[0.9]])
    _, jac = evaluate(tokens, library, x, c, jacobian=True)
    up, down = (evaluate(tokens, library, x, c + h)[0] for h in (1e-6, -1e-6))
    np.testing.assert_allclose(jac[0, 0], (up - down)[0] / 2e-6, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_each_binary_derivative_by_either_child(name):
    library = _one_constant_library(sorted({name, "mul"}))
    x = np.linspace(0.3, 1.7, 9)[:, None]
    c = np.array([[0.9], [0.9]])
    ix = library.index
    tokens = np.array([[ix[name], ix["mul"], ix["c"], ix["x"], ix["x"]],
                       [ix[name], ix["x"], ix["mul"], ix["c"], ix["x"]]])
    _, jac = evaluate(tokens, library, x, c, jacobian=True)
    up, down = (evaluate(tokens, library, x, c + h)[0] for h in (1e-6, -1e-6))
    np.testing.assert_allclose(jac[:, 0], (up - down) / 2e-6, rtol=1e-6)
