"""The compiled kernel's numerics: each operator's value and derivative, and NumPy's
semantics for invalid values."""

import numpy as np
import pytest

from lawfinder.evaluate.compiled import BINARY, UNARY, elementwise
from lawfinder.evaluate.prefix import evaluate, padded
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
    library = _one_constant_library(list(dict.fromkeys([name, "mul"])))
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


def _spread(by_token, library, X):
    """A reference spreading of derivatives by constant token (B, J, N) onto the slots."""
    out = np.zeros((len(by_token), library.n_free, len(X)))
    rows, dataset = np.arange(len(X)), X[:, -1].astype(int)
    for j, token in enumerate(dict.fromkeys(library.free)):
        slot = library.tokens[token].index
        if token in [library.terminal[n] for n in library.dataset_names]:
            out[:, slot + dataset, rows] = by_token[:, j]
        else:
            out[:, slot] = by_token[:, j]
    return out


def test_the_jacobian_by_token_is_the_slots_jacobian_before_spreading():
    """Shared and per-dataset constants, datasets' rows interleaved: the kernel's
    derivatives by token, spread onto the slots, are its derivatives by slot, to the bit."""
    library = build_library(["add", "mul", "sin", "exp"], [("t", DIMENSIONLESS)],
                            {"g": DIMENSIONLESS}, ["1"],
                            {"v0": DIMENSIONLESS, "z0": DIMENSIONLESS}, n_datasets=3)
    ix = library.index
    formulas = [["add", "mul", "g", "t", "sin", "mul", "v0", "t"],
                ["exp", "add", "z0", "mul", "v0", "g"], ["mul", "t", "z0"], ["sin", "t"]]
    tokens = padded([[ix[t] for t in f] for f in formulas])
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(0, 2, 12), rng.integers(0, 3, 12)])
    c = rng.uniform(-1, 1, (4, library.n_free))
    values, by_slot = evaluate(tokens, library, X, c, jacobian=True)
    same, by_token = evaluate(tokens, library, X, c, jacobian=True, by_token=True)
    assert by_token.shape == (4, 3, 12)
    np.testing.assert_array_equal(same, values)
    np.testing.assert_array_equal(_spread(by_token, library, X), by_slot)
    assert not by_token[3].any() and not by_token[2, :2].any()


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values_without_constants_equal_values_with_them_to_the_bit(name):
    """The kernel's value-only loops (no constant below the operator) and its loops with
    slopes (a constant below it, here c = 1 in c*x) give the same numbers."""
    library = _one_constant_library(list(dict.fromkeys([name, "mul"])))
    ix = library.index
    arity = 2 if name in BINARY else 1
    plain = [ix[name]] + [ix["x"]] * arity
    scaled = [ix[name]] + [ix["mul"], ix["c"], ix["x"]] + [ix["x"]] * (arity - 1)
    x = np.array([[-2.0], [-0.5], [0.0], [0.3], [1.7], [800.0], [np.inf], [np.nan]])
    plain_values, _ = evaluate(padded([plain]), library, x, np.ones((1, 1)))
    scaled_values, _ = evaluate(padded([scaled]), library, x, np.ones((1, 1)), jacobian=True)
    np.testing.assert_array_equal(plain_values, scaled_values)
