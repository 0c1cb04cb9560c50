"""The NumPy walk of formulas with user operators: the kernel's numbers where both can walk,
and the user's numerics where only it can."""

import numpy as np
import scipy.special
import sympy
import torch

from support import ALL_OPERATORS, dim

from lawfinder import UserOperator
from lawfinder.evaluate import compiled, numpy_walk
from lawfinder.evaluate.prefix import kernel_codes, evaluate, padded
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Sampler
from lawfinder.language.library import build_library
from lawfinder.language.priors import PriorConfig
from lawfinder.units.dimension import DIMENSIONLESS


def erf_slope(a):
    return 2 / np.sqrt(np.pi) * np.exp(-a**2)


ERF = UserOperator("erf", 1, scipy.special.erf, erf_slope, sympy.erf)


def test_built_in_formulas_give_the_kernels_numbers_to_the_bit():
    """Every built-in operator, shared and per-dataset constants, NaN and inf included;
    derivatives by slot and by constant token."""
    library = build_library([*ALL_OPERATORS, "pow"], [("t", dim("s"))], {"g": dim("m/s^2")},
                            ["1", "pi"], {"v0": dim("m/s"), "z0": dim("m")}, n_datasets=3)
    sampler = Sampler(library, np.array(dim("m").doubled()), PriorConfig(max_length=16))
    episode = sampler.sample(Policy(len(library)), 300, torch.Generator().manual_seed(0))
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(0.1, 3, 40), rng.integers(0, 3, 40)])
    constants = rng.uniform(-2, 2, (len(episode.tokens), library.n_free))
    codes = kernel_codes(library)
    for jacobian, by_token in ((False, False), (True, False), (True, True)):
        kernel = compiled.walk(episode.tokens, codes, X, constants, jacobian, by_token)
        walked = numpy_walk.walk(library, episode.tokens, codes, X, constants, jacobian,
                                 by_token)
        np.testing.assert_array_equal(walked[0], kernel[0])
        if jacobian:
            np.testing.assert_array_equal(walked[1], kernel[1])


def test_a_user_operator_formula_has_the_right_values_and_jacobian():
    library = build_library(["add", "mul", "div", ERF], [("x", DIMENSIONLESS)],
                            {"a": DIMENSIONLESS, "s": DIMENSIONLESS}, ["1"])
    ix = library.index
    law = [ix[t] for t in ("mul", "a", "erf", "div", "x", "s")]  # a * erf(x / s)
    X = np.linspace(-2, 2, 9)[:, None]
    c = np.array([[1.5, 0.7]])
    values, jac = evaluate(padded([law]), library, X, c, jacobian=True)
    np.testing.assert_allclose(values[0], 1.5 * scipy.special.erf(X[:, 0] / 0.7), rtol=1e-15)
    for k in range(2):
        h = np.eye(2)[k] * 1e-6
        up, down = (evaluate(padded([law]), library, X, c + s * h)[0] for s in (1, -1))
        np.testing.assert_allclose(jac[0, k], (up - down)[0] / 2e-6, rtol=1e-6, atol=1e-9)


def test_a_mixed_batch_sends_each_formula_to_its_walk():
    """Formulas with and without the user operator, together: each row as if alone."""
    library = build_library(["add", "mul", "exp", ERF], [("x", DIMENSIONLESS)],
                            {"a": DIMENSIONLESS}, ["1"])
    ix = library.index
    formulas = [[ix[t] for t in names] for names in
                (("exp", "mul", "a", "x"), ("erf", "mul", "a", "x"), ("add", "x", "a"),
                 ("add", "erf", "x", "exp", "mul", "a", "x"))]
    X = np.linspace(-1, 1, 7)[:, None]
    c = np.array([[0.3], [0.5], [0.7], [0.9]])
    values, jac = evaluate(padded(formulas), library, X, c, jacobian=True)
    for i, formula in enumerate(formulas):
        alone = evaluate(padded([formula]), library, X, c[i:i + 1], jacobian=True)
        np.testing.assert_array_equal(values[i], alone[0][0])
        np.testing.assert_array_equal(jac[i], alone[1][0])
    x = X[:, 0]
    np.testing.assert_allclose(values[3], scipy.special.erf(x) + np.exp(0.9 * x), rtol=1e-15)


def test_a_mixed_grouped_batch_gives_derivatives_by_token_from_both_walks():
    """Per-dataset constants under a user operator and under a built-in one, in one batch:
    by token (B, J, N), each row's derivatives are those by slot before spreading."""
    library = build_library(["mul", "exp", ERF], [("x", DIMENSIONLESS)],
                            {"a": DIMENSIONLESS}, ["1"], {"k": DIMENSIONLESS}, n_datasets=2)
    ix = library.index
    formulas = [[ix[t] for t in names] for names in
                (("erf", "mul", "k", "x"), ("exp", "mul", "a", "mul", "k", "x"))]
    X = np.column_stack([np.linspace(-1, 1, 6), [0, 1, 1, 0, 1, 0]])
    c = np.array([[0.3, 0.5, -0.7], [0.9, 1.1, 0.2]])
    _, by_slot = evaluate(padded(formulas), library, X, c, jacobian=True)
    _, by_token = evaluate(padded(formulas), library, X, c, jacobian=True, by_token=True)
    rows, dataset = np.arange(6), X[:, 1].astype(int)
    np.testing.assert_array_equal(by_token[:, 0], by_slot[:, 0])
    np.testing.assert_array_equal(by_token[:, 1], by_slot[:, 1 + dataset, rows])
    x = X[:, 0]
    np.testing.assert_allclose(by_token[0, 1], erf_slope(c[0, 1 + dataset] * x) * x, rtol=1e-14)


def test_enumeration_values_come_from_the_users_function():
    library = build_library(["add", ERF], [("x", DIMENSIONLESS)], {}, ["1"])
    a = np.linspace(-1, 1, 5)
    erf = numpy_walk.elementwise(library.tokens[library.index["erf"]])
    np.testing.assert_array_equal(erf(a), scipy.special.erf(a))
    add = numpy_walk.elementwise(library.tokens[library.index["add"]])
    np.testing.assert_array_equal(add(a, a), 2 * a)
