"""Dimensionless views: monomials as tokens, forms mapped back to the problem's variables."""

from fractions import Fraction
from itertools import islice

import pytest
import sympy
from support import dim
from symbolic_units import dimension_of

from lawfinder.evaluate.prefix import to_sympy
from lawfinder.generate.pi_views import (enumerated_formulas, monomial_tokens, pi_views,
                                         view_library)
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


def test_a_view_library_writes_forms_over_its_groups():
    library, target, _ = _library("oscillator")
    view = pi_views(library, target.doubled())[0]
    own = view_library(view, library)
    assert [n for n in own.names if n.startswith("x")] == ["x1", "x2", "x3"]
    assert own.n_free == 0 and "t" not in own.names
    assert set(library.names) - set(own.names) == {"t", "alpha", "omega", "phi"}
