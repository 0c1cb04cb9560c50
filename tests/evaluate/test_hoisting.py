"""Constant-free subtrees evaluated once: the same numbers to the bit, fewer tokens walked."""

import numpy as np
import torch

from support import ALL_OPERATORS, dim

from lawfinder import UserOperator
from lawfinder.evaluate.hoisting import hoisted
from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Sampler
from lawfinder.language.library import build_library
from lawfinder.language.priors import PriorConfig
from lawfinder.units.dimension import DIMENSIONLESS


def _library(**datasets):
    return build_library(ALL_OPERATORS, [("x", dim("m")), ("t", dim("s"))],
                         {"g": dim("m/s^2")}, ["1", "pi"], **datasets)


def test_hoisted_formulas_give_the_same_values_and_jacobians_to_the_bit():
    library = _library(dataset_constants={"v0": dim("m/s")}, n_datasets=3)
    sampler = Sampler(library, np.array(dim("m").doubled()), PriorConfig(max_length=20))
    tokens = sampler.sample(Policy(len(library)), 400, torch.Generator().manual_seed(1)).tokens
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(-3, 3, (50, 2)), rng.integers(0, 3, 50)])
    constants = rng.uniform(-2, 2, (len(tokens), library.n_free))
    walked, cache = hoisted(tokens, library, X)
    assert (walked >= 0).sum() < (tokens >= 0).sum()
    for by_token in (False, True):
        expected = evaluate(tokens, library, X, constants, jacobian=True, by_token=by_token)
        got = evaluate(walked, library, X, constants, jacobian=True, by_token=by_token,
                       cache=cache)
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


def test_only_maximal_subtrees_without_constants_are_hoisted_each_once():
    library = _library()
    ix = library.index
    # g * sin(x*t) + cos(x*t) * t, twice: sin(x*t) and cos(x*t)*t go to the cache once each.
    formula = [ix[n] for n in ("add", "mul", "g", "sin", "mul", "x", "t",
                               "mul", "cos", "mul", "x", "t", "t")]
    X = np.random.default_rng(0).uniform(-3, 3, (6, 2))
    walked, cache = hoisted(padded([formula, formula]), library, X)
    sine, rest = walked[0, 3] - len(library), walked[0, 7] - len(library)
    assert walked[0].tolist() == [ix["add"], ix["mul"], ix["g"], walked[0, 3], -1, -1, -1,
                                  walked[0, 7], -1, -1, -1, -1, -1]
    assert (walked[1] == walked[0]).all() and len(cache) == 2
    x, t = X.T
    np.testing.assert_array_equal(cache[sine], np.sin(x * t))
    np.testing.assert_allclose(cache[rest], np.cos(x * t) * t, rtol=1e-15)


def test_formulas_with_user_operators_or_nothing_to_hoist_are_left_alone():
    square = UserOperator("sq", 1, np.square, lambda a: 2 * a, lambda a: a**2)
    library = build_library(["mul", "sin", square], [("x", DIMENSIONLESS)],
                            {"c": DIMENSIONLESS}, ["1"])
    ix = library.index
    tokens = padded([[ix["mul"], ix["c"], ix["sin"], ix["x"]]])
    assert hoisted(tokens, library, np.ones((3, 1)))[1] is None
    plain = build_library(["mul", "sin"], [("x", DIMENSIONLESS)], {"c": DIMENSIONLESS}, ["1"])
    ix = plain.index
    tokens = padded([[ix["mul"], ix["c"], ix["x"]]])
    walked, cache = hoisted(tokens, plain, np.ones((3, 1)))
    assert cache is None and (walked == tokens).all()
