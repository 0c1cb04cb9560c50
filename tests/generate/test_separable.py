"""Products of two short forms chosen in log space: the law among them, signs respected."""

import numpy as np
from support import dim

from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.generate.separable import KEEP, best_products
from lawfinder.language.library import DEFAULT_OPERATORS, build_library

LIBRARY = build_library(DEFAULT_OPERATORS, [("x1", dim("1")), ("x2", dim("1"))], {}, ["1"])
X = np.random.default_rng(1).uniform(0.1, 0.9, (200, 2))
LEAVES = {"x1": X[:, 0], "x2": X[:, 1]}


def _values(forms):
    tokens = [tuple(LIBRARY.index[s] for s in form) for form in forms]
    values, _ = evaluate(padded(tokens), LIBRARY, X, np.ones((len(tokens), 0)))
    return values


def _proportional(values, ratio):
    return np.allclose(ratio / values, ratio[0] / values[0], rtol=1e-10)


def test_a_ratio_of_two_short_forms_comes_first_up_to_its_constant():
    """Lorentz's x' over its groups, (1 - x2)/sqrt(1 - x1**2) (9 symbols), times 3.7."""
    ratio = 3.7 * (1 - X[:, 1]) / np.sqrt(1 - X[:, 0] ** 2)
    forms = best_products(LEAVES, ratio, LIBRARY, scaled=True, max_length=20)
    assert 0 < len(forms) <= KEEP and len(set(forms)) == len(forms)
    assert _proportional(_values(forms[:1])[0], ratio)


def test_without_a_constant_the_product_must_be_exact_and_of_the_same_sign():
    ratio = -X[:, 0] * np.sqrt(X[:, 1])
    forms = best_products(LEAVES, ratio, LIBRARY, scaled=False, max_length=20)
    assert np.allclose(_values(forms[:1])[0], ratio, rtol=1e-12)
    assert (np.sign(_values(forms)) == -1).all()


def test_every_form_keeps_one_sign_against_a_ratio_that_changes_sign():
    ratio = (X[:, 0] - 0.5) * np.exp(X[:, 1])
    forms = best_products(LEAVES, ratio, LIBRARY, scaled=True, max_length=20)
    signs = np.sign(_values(forms) * ratio)
    assert (signs == signs[:, :1]).all()
    assert _proportional(_values(forms[:1])[0], ratio)


def test_max_length_caps_the_product():
    ratio = 3.7 * (1 - X[:, 1]) / np.sqrt(1 - X[:, 0] ** 2)
    forms = best_products(LEAVES, ratio, LIBRARY, scaled=True, max_length=6)
    assert forms and max(map(len, forms)) <= 6


def test_the_longer_tier_reaches_a_gaussian_over_its_width():
    """exp(-(x2/x1)**2/2)/x1 (Feynman I.6.2): the first factor, sqrt(exp(-(x2/x1)**2)),
    takes 6 symbols over two groups, past the first tier's 5."""
    ratio = 0.4 * np.exp(-(X[:, 1] / X[:, 0]) ** 2 / 2) / X[:, 0]
    firsts = [_values(best_products(LEAVES, ratio, LIBRARY, True, 20, tier)[:1])[0]
              for tier in (0, 1)]
    assert not _proportional(firsts[0], ratio) and _proportional(firsts[1], ratio)


def test_products_use_only_the_librarys_operators():
    """Without div, no ratios; without mul, nothing (it writes the product and the constant)."""
    ratio = 3.7 * X[:, 0] * np.exp(X[:, 1])
    for ops, expected in ((["add", "mul", "exp"], {"", "mul"}), (["add", "div", "exp"], set())):
        library = build_library(ops, [("x1", dim("1")), ("x2", dim("1"))], {}, ["1"])
        forms = best_products(LEAVES, ratio, library, scaled=True, max_length=20)
        assert {f[0] if f[0] in ("mul", "div") else "" for f in forms} <= expected
        assert bool(forms) == bool(expected)
