import numpy as np
import pytest

from lawfinder.evaluate.prefix import padded
from lawfinder.fit import levenberg_marquardt
from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.fit.linear import affine_fits, linear_slots
from lawfinder.language.library import build_library
from lawfinder.language.user_operators import UserOperator
from lawfinder.units.dimension import DIMENSIONLESS

OPERATORS = ["add", "sub", "mul", "div", "neg", "exp", "sin", "n2"]


def _library(operators=OPERATORS):
    return build_library(operators, [("x", DIMENSIONLESS)],
                         {n: DIMENSIONLESS for n in ("c0", "c1", "c2")}, ("1",))


def _tokens(library, *prefixes):
    return padded([[library.index[name] for name in p.split()] for p in prefixes])


@pytest.mark.parametrize("prefix, held, linear", [
    ("add mul c0 x c1", [1, 1, 0], [1, 1, 0]),                 # c0*x + c1
    ("add mul c0 exp mul c1 x c2", [1, 1, 1], [1, 0, 1]),      # c0*exp(c1*x) + c2
    ("div sub c0 x x", [1, 0, 0], [1, 0, 0]),                  # (c0 - x)/x
    ("div x c0", [1, 0, 0], [0, 0, 0]),                        # x/c0
    ("neg sub x mul c1 n2 x", [0, 1, 0], [0, 1, 0]),           # -(x - c1*x^2)
    ("sin mul c0 x", [1, 0, 0], [0, 0, 0]),
    ("mul c0 add c0 x", [1, 0, 0], [0, 0, 0]),                 # c0*(c0 + x): quadratic
    ("add mul c0 x mul c0 n2 x", [1, 0, 0], [1, 0, 0]),        # c0*x + c0*x^2
    ("mul x 1", [0, 0, 0], [0, 0, 0]),
])
def test_linear_slots_follow_the_formula_structure(prefix, held, linear):
    library = _library()
    h, lin = linear_slots(_tokens(library, prefix), library)
    np.testing.assert_array_equal(h[0], np.array(held, dtype=bool))
    np.testing.assert_array_equal(lin[0], np.array(linear, dtype=bool))


def test_a_product_of_two_constants_is_affine_in_one_of_them():
    library = _library()
    _, lin = linear_slots(_tokens(library, "mul mul c0 c1 x"), library)
    assert lin[0].sum() == 1


def test_user_operators_are_not_linear():
    twice = UserOperator("twice", 1, lambda a: 2 * a, lambda a: 2 + 0 * a, lambda a: 2 * a,
                         units="same")
    library = _library(OPERATORS + [twice])
    _, lin = linear_slots(_tokens(library, "twice c0"), library)
    assert not lin.any()


def test_formulas_affine_in_all_they_move_are_solved():
    library = _library()
    tokens = _tokens(library, "add mul c0 x c1", "mul c0 exp mul c1 x")
    moved, solved = affine_fits(tokens, library, None)
    np.testing.assert_array_equal(solved, [True, False])
    frozen = np.array([[False] * 3, [False, True, False]])
    _, solved = affine_fits(tokens, library, frozen)   # c1 frozen: c0*exp(c1*x) is affine in c0
    np.testing.assert_array_equal(solved, [True, True])


def test_linear_constants_are_solved_without_iterating(monkeypatch):
    """With no LM step at all, constants that enter linearly reach their exact values from a
    start far away, and the fit is one: its random starts are merged."""
    library = _library()
    x = np.linspace(-2, 3, 50)
    y = 3.5e4 * x - 2.25 * x * x - 7.0
    tokens = _tokens(library, "add sub mul c0 x mul c1 n2 x c2")
    fits = []
    lm = levenberg_marquardt.levenberg_marquardt
    monkeypatch.setattr(levenberg_marquardt, "levenberg_marquardt",
                        lambda tokens, *args: fits.append(len(tokens)) or lm(tokens, *args))
    c, loss = fit_constants(tokens, library, x[:, None], y, np.ones(50), np.ones((1, 3)),
                            np.ones(3), FitConfig(max_iter=0), np.random.default_rng(0))
    np.testing.assert_allclose(c[0], [3.5e4, 2.25, -7.0], rtol=1e-8)
    assert loss[0] < 1e-18 * np.mean(y * y)
    assert fits == [1]


def test_per_dataset_constants_that_enter_linearly_are_solved_exactly():
    """Free fall in four datasets, z = z0 + v0*t - g/2*t^2: the shared g and each dataset's
    z0 and v0 from one solve, through the block-structured normal equations."""
    library = build_library(["add", "sub", "mul", "n2"], [("t", DIMENSIONLESS)],
                            {"g": DIMENSIONLESS}, ("1",),
                            {"z0": DIMENSIONLESS, "v0": DIMENSIONLESS}, 4)
    rng = np.random.default_rng(1)
    dataset = np.repeat(np.arange(4), 20)
    t = rng.uniform(0, 3, 80)
    z0, v0 = rng.uniform(1, 10, 4), rng.uniform(-5, 5, 4)
    y = z0[dataset] + v0[dataset] * t - 9.81 / 2 * t * t
    tokens = _tokens(library, "sub add z0 mul v0 t mul g n2 t")
    c, loss = fit_constants(tokens, library, np.column_stack([t, dataset]), y, np.ones(80),
                            np.ones((1, library.n_free)), np.ones(library.n_free),
                            FitConfig(max_iter=0), rng)
    np.testing.assert_allclose(c[0], np.r_[9.81 / 2, z0, v0], rtol=1e-9)
    assert loss[0] < 1e-20
