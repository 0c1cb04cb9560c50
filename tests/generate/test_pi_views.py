"""Dimensionless views: monomials as tokens, forms mapped back to the problem's variables."""

from fractions import Fraction
from itertools import islice

import numpy as np
import pytest
import sympy
from support import dim
from symbolic_units import dimension_of

from lawfinder.evaluate.prefix import evaluate, padded, to_sympy
from lawfinder.generate.pi_views import (_later, enumerated_formulas, monomial_tokens,
                                         natural_constants, pi_views, scaled_views,
                                         separable_forms, take_turns, view_library)
from lawfinder.language.library import DEFAULT_OPERATORS, build_library

LAWS = {
    "einstein": ("J", [("m", "kg"), ("v", "m/s")], {"c": "m/s"}),
    "newton": ("N", [("m1", "kg"), ("m2", "kg"), ("r", "m")], {"G": "m^3/(kg*s^2)"}),
    "planck": ("W/m^3", [("lam", "m"), ("T", "K")], {"A": "W*m^2", "C": "m*K"}),
    "oscillator": ("1", [("t", "s")], {"alpha": "1/s", "omega": "1/s", "phi": "1"}),
}


def _library(law):
    target, variables, constants = LAWS[law]
    library = build_library(DEFAULT_OPERATORS, [(n, dim(u)) for n, u in variables],
                            {n: dim(u) for n, u in constants.items()}, ["1"])
    dims = {n: dim(u) for n, u in [*variables, *constants.items()]}
    return library, dim(target), dims


@pytest.mark.parametrize("exponents", [{"m": 1}, {"m": 2, "c": 1}, {"r": -2}, {"G": 1, "r": -2},
                                       {"a": Fraction(3, 2), "b": -1}, {"a": Fraction(-1, 2)},
                                       {"a": 5, "b": Fraction(1, 2), "c": -3}])
def test_a_monomial_is_written_as_tokens_of_that_product(exponents):
    library = build_library(DEFAULT_OPERATORS, [(n, dim("1")) for n in "abcmrG"], {}, ["1"])
    tokens = monomial_tokens({k: Fraction(v) for k, v in exponents.items()}, library)
    expected = sympy.Mul(*(sympy.Symbol(k, positive=True) ** sympy.Rational(str(v))
                           for k, v in exponents.items()))
    found = to_sympy(tokens, library).subs({s: sympy.Symbol(s.name, positive=True)
                                            for s in to_sympy(tokens, library).free_symbols})
    assert sympy.simplify(found - expected) == 0


def test_a_monomial_the_tokens_cannot_write_is_refused():
    library = build_library(["add", "mul"], [("a", dim("1"))], {}, ["1"])
    assert monomial_tokens({"a": Fraction(1, 2)}, library) is None
    assert monomial_tokens({"a": Fraction(-1)}, library) is None


def test_einsteins_view_is_m_c_squared_times_a_function_of_v_over_c():
    library, target, _ = _library("einstein")
    view = pi_views(library, target.doubled())[0]
    assert view.name == "P = m*c**2; Π1 = v/c"
    law = ("inv", "sqrt", "sub", "1", "n2", "x1")
    found = to_sympy(view.formula(law, library), library)
    m, v, c = sympy.symbols("m v c", positive=True)
    assert sympy.simplify(found.subs({s: sympy.Symbol(s.name, positive=True)
                                      for s in found.free_symbols})
                          - m * c**2 / sympy.sqrt(1 - v**2 / c**2)) == 0


@pytest.mark.parametrize("law", sorted(LAWS))
def test_every_enumerated_formula_has_the_targets_units(law):
    """Checked by the independent units checker on the SymPy form of each mapped formula."""
    library, target, dims = _library(law)
    views = pi_views(library, target.doubled())
    formulas = list(islice(enumerated_formulas(views, library, 20), 3000))
    assert len(formulas) == 3000
    assert {name for _, name in formulas} == {v.name for v in views}
    for tokens, _ in formulas:
        assert dimension_of(to_sympy(tokens, library), dims) == target


def test_enumeration_is_the_same_for_every_call():
    library, target, _ = _library("newton")
    views = pi_views(library, target.doubled())
    first, second = (list(islice(enumerated_formulas(views, library, 20), 500))
                     for _ in range(2))
    assert first == second


def test_max_length_caps_the_forms_and_not_the_groups_written_out():
    """Planck's P = A/lam**5 alone takes 6 tokens: a cap on the written formula would drop
    the law's own form 1/(exp(x1) - 1), as it dropped Feynman's I.41.16."""
    library, target, _ = _library("planck")
    views = pi_views(library, target.doubled())
    names = [library.names[t] for t in views[0].formula(("inv", "sub", "exp", "x1", "1"),
                                                         library)]
    formulas = [tokens for tokens, _ in islice(enumerated_formulas(views, library, 12), 5000)]
    assert max(map(len, formulas)) > 12
    assert tuple(library.index[n] for n in names) in formulas
    counts = [sum(1 for _ in enumerated_formulas(views, library, cap)) for cap in (1, 2, 3)]
    assert 0 < counts[0] < counts[1] < counts[2] < 5000


def test_a_view_library_writes_forms_over_its_groups():
    library, target, _ = _library("oscillator")
    view = pi_views(library, target.doubled())[0]
    own = view_library(view, library)
    assert [n for n in own.names if n.startswith("x")] == ["x1", "x2", "x3"]
    assert own.n_free == 0 and "t" not in own.names
    assert set(library.names) - set(own.names) == {"t", "alpha", "omega", "phi"}


def _known_c():
    """Einstein's energy with c known, and the number k = 2.5 beside 1."""
    library = build_library(DEFAULT_OPERATORS, [("m", dim("kg")), ("v", dim("m/s"))], {},
                            ["1", "k=2.5", "c=19.8 m/s"])
    return library, {"m": dim("kg"), "v": dim("m/s"), "c": dim("m/s"), "k": dim("1")}


def test_a_known_constant_with_units_enters_the_groups_and_numbers_do_not():
    library, dims = _known_c()
    views = pi_views(library, dim("J").doubled())
    assert views[0].name == "P = m*c**2; Π1 = v/c"        # no fitted constant needed
    assert all("k" not in v.name for v in views)
    formulas = list(islice(enumerated_formulas(views, library, 20), 2000))
    assert len(formulas) == 2000
    for tokens, _ in formulas:
        assert dimension_of(to_sympy(tokens, library), dims) == dim("J")
    own = view_library(views[0], library)
    assert {"1", "k"} <= set(own.names) and "c" not in own.names


def test_a_group_with_a_known_constant_sizes_its_free_constant():
    """Π = t*c/L with c known: L starts where the group is of order one."""
    library = build_library(DEFAULT_OPERATORS, [("t", dim("s"))], {"L": dim("m")},
                            ["1", "c=2 m/s"])
    view = pi_views(library, dim("1").doubled())[0]
    assert view.name == "P = 1; Π1 = t*c/L"
    X = np.full((10, 1), 3.0)
    start = natural_constants(view, library, X, np.ones(10), np.ones(1))
    assert start == pytest.approx([6.0])


def test_lone_constant_groups_do_not_push_the_law_out_of_the_enumeration():
    """Einstein's energy with c a column and two dimensionless constants, as a Feynman
    problem has them: the groups c0 and c1 hold no variable, and forms over v/c alone
    come first, so 1/sqrt(1 - (v/c)**2) (six symbols) is met within the first 40,000 (at 26,688: the six-symbol forms go through
    the first view, P = m*v**2, before this one)."""
    library = build_library(DEFAULT_OPERATORS, [("m", dim("kg")), ("v", dim("m/s")),
                                                ("c", dim("m/s"))],
                            {"c0": dim("1"), "c1": dim("1")}, ["1"])
    views = pi_views(library, dim("J").doubled())
    assert [len(v.groups) for v in views] == [3, 3]
    formulas = list(islice(enumerated_formulas(views, library, 20), 40_000))
    X = np.random.default_rng(0).uniform([1, 1, 3], [5, 2, 10], (50, 3))
    law = X[:, 0] * X[:, 2] ** 2 / np.sqrt(1 - (X[:, 1] / X[:, 2]) ** 2)
    plain = [tokens for tokens, _ in formulas if not library.is_free[list(tokens)].any()]
    values, _ = evaluate(padded(plain), library, X, np.ones((len(plain), library.n_free)))
    assert np.isclose(values, law, rtol=1e-12).all(axis=1).any()
    # The first formulas, over v/c alone, hold no constant: they go first at each length.
    assert not library.is_free[list(formulas[0][0])].any()


def _bose_einstein():
    """Bose-Einstein occupation 1/(exp(h*omega/(2*pi*kb*T)) - 1), a Feynman problem
    (III.4.32): h is a column, so the 2*pi must come from a fitted constant."""
    library = build_library(DEFAULT_OPERATORS, [("h", dim("J*s")), ("omega", dim("1/s")),
                                                ("kb", dim("J/K")), ("T", dim("K"))],
                            {"c0": dim("1"), "c1": dim("1")}, ["1"])
    X = np.random.default_rng(0).uniform(1, 5, (50, 4))
    law = 1 / np.expm1(X[:, 0] * X[:, 1] / (2 * np.pi * X[:, 2] * X[:, 3]))
    return library, X, law


def test_a_constant_scaling_a_group_writes_a_number_inside_the_function():
    """c1 * f(c0 * h*omega/(kb*T)) = c1/(exp(...) - 1) is met within the first 10,000
    formulas, and c0 = 1/(2*pi), c1 = 1 make it the law."""
    library, X, law = _bose_einstein()
    views = pi_views(library, dim("1").doubled())
    formulas = [t for t, _ in islice(enumerated_formulas(views, library, 20), 10_000)]
    constants = np.tile([1 / (2 * np.pi), 1.0], (len(formulas), 1))
    values, _ = evaluate(padded(formulas), library, X, constants)
    assert np.isclose(values, law, rtol=1e-12).all(axis=1).any()


def test_streams_of_one_length_take_turns_and_shorter_forms_come_first():
    """Two streams: the cheap one gives its turn of 3 forms, then the other its 1, until
    both have passed the key; a lower key of either comes before."""
    cheap = iter([(1, 0, ("a",)), (2, 0, ("b",)), (2, 0, ("c",)), (2, 0, ("d",)),
                  (2, 0, ("e",))])
    fitted = iter([(2, 1, ("p",)), (2, 1, ("q",)), (3, 1, ("r",))])
    turns = list(take_turns([cheap, fitted], [3, 1]))
    assert turns == [(0, [("a",)]), (0, [("b",), ("c",), ("d",)]), (1, [("p",)]),
                     (0, [("e",)]), (1, [("q",)]), (1, [("r",)])]


def test_forms_made_later_are_made_when_the_turns_reach_their_key():
    """As the products of two forms are (`_later`): not while shorter forms go out."""
    made = []

    def make():
        made.append(1)
        return [("b",)]

    turns = take_turns([iter([(1, 0, ("a",))]), _later(2, 1, make)], [1, 1])
    assert next(turns) == (0, [("a",)]) and made == []
    assert list(turns) == [(1, [("b",)])] and made == [1]


@pytest.mark.parametrize("law", sorted(LAWS))
def test_a_group_with_a_constant_of_its_own_is_not_scaled_again(law):
    """alpha*t, v/c and C/(lam*T) hold their fitted scale: a second would only repeat it."""
    library, target, _ = _library(law)
    for view in pi_views(library, target.doubled()):
        assert scaled_views(view, library) == []


def _lorentz_x():
    """Lorentz's x' = (x - u*t)/sqrt(1 - u**2/c**2) with c a column and a dimensionless
    constant, as Feynman's I.15.3x has them."""
    library = build_library(DEFAULT_OPERATORS, [("x", dim("m")), ("u", dim("m/s")),
                                                ("c", dim("m/s")), ("t", dim("s"))],
                            {"c0": dim("1")}, ["1"])
    X = np.random.default_rng(0).uniform([5, 1, 3, 1], [10, 2, 20, 2], (300, 4))
    y = (X[:, 0] - X[:, 1] * X[:, 3]) / np.sqrt(1 - (X[:, 1] / X[:, 2]) ** 2)
    return library, X, y


def test_a_product_of_two_short_forms_comes_among_the_enumerated_formulas():
    """The law's form over its groups, c0*(1 - x2)/sqrt(1 - x1**2) (11 symbols), is past
    the enumeration's lengths; with the data it comes among the products of two forms."""
    library, X, y = _lorentz_x()
    views = pi_views(library, dim("m").doubled())
    formulas = [t for t, _ in enumerated_formulas(views, library, 20, X, y)]
    products = [t for view in views for t in
                (view.formula(f, library) for f in separable_forms(view, library, X, y, 20))]
    assert products and set(products) <= set(formulas)
    values, _ = evaluate(padded(products), library, X, np.ones((len(products), 1)))
    scale = y[:1] / values[:, :1]
    assert np.isclose(values * scale, y, rtol=1e-10).all(axis=1).any()


def test_no_products_where_a_group_holds_a_constant_to_fit():
    """v/c with c fitted cannot be evaluated before the fit."""
    library, target, _ = _library("einstein")
    X = np.random.default_rng(0).uniform(1, 2, (50, 2))
    for view in pi_views(library, target.doubled()):
        assert separable_forms(view, library, X, X[:, 0], 20) == []


def test_no_products_of_a_target_that_is_zero_at_all_but_one_row():
    library, X, y = _lorentz_x()
    y = np.where(np.arange(len(y)) == 0, y, 0.0)
    for view in pi_views(library, dim("m").doubled()):
        assert separable_forms(view, library, X, y, 20) == []
