"""The systematic local search: short dimensionless fixes around a formula."""

import pytest
import sympy
from support import dim
from symbolic_units import dimension_of

from lawfinder.evaluate.prefix import to_sympy
from lawfinder.generate.neighbourhood import catalogue, neighbours
from lawfinder.generate.pi_views import pi_views
from lawfinder.language.library import DEFAULT_OPERATORS, build_library
from lawfinder.units.dimension import DIMENSIONLESS

LAWS = {
    "newton": ("N", [("m1", "kg"), ("m2", "kg"), ("r", "m")], {"G": "m^3/(kg*s^2)"},
               "div(mul(G, mul(m1, m2)), n2(r))"),
    "oscillator": ("1", [("t", "s")], {"alpha": "1/s", "omega": "1/s", "phi": "1"},
                   "div(cos(add(mul(omega, t), phi)), mul(alpha, t))"),
}


def _setting(law):
    target, variables, constants, near_miss = LAWS[law]
    library = build_library(DEFAULT_OPERATORS, [(n, dim(u)) for n, u in variables],
                            {n: dim(u) for n, u in constants.items()}, ["1"])
    dims = {n: dim(u) for n, u in [*variables, *constants.items()]}
    tokens = tuple(library.index[name] for name in
                   near_miss.replace("(", " ").replace(")", " ").replace(",", " ").split())
    return library, dim(target), dims, tokens


@pytest.mark.parametrize("law", sorted(LAWS))
def test_the_catalogue_holds_distinct_dimensionless_subtrees(law):
    library, target, dims, _ = _setting(law)
    replacements = catalogue(pi_views(library, target.doubled())[0], library)
    assert len(set(replacements)) == len(replacements) > 20
    for tokens in replacements:
        assert dimension_of(to_sympy(tokens, library), dims) == DIMENSIONLESS


@pytest.mark.parametrize("law", sorted(LAWS))
def test_every_neighbour_keeps_the_formulas_units_and_length(law):
    """Checked by the independent units checker on each neighbour's SymPy form."""
    library, target, dims, formula = _setting(law)
    replacements = catalogue(pi_views(library, target.doubled())[0], library)
    found = list(neighbours(formula, replacements, library, max_length=15))
    assert len(found) > len(replacements)
    assert formula not in found
    for tokens in found:
        assert len(tokens) <= 15
        assert sum(library.arity[t] - 1 for t in tokens) == -1
        assert dimension_of(to_sympy(tokens, library), dims) == target


def test_the_oscillators_near_miss_is_one_move_from_the_law():
    """cos(w*t + phi)/(a*t) -> cos(w*t + phi)/exp(a*t): the envelope replaced."""
    library, target, _, formula = _setting("oscillator")
    replacements = catalogue(pi_views(library, target.doubled())[0], library)
    forms = [to_sympy(f, library) for f in neighbours(formula, replacements, library, 20)]
    law = sympy.sympify("cos(omega*t + phi)*exp(-alpha*t)")
    plain = [f.subs({s: sympy.Symbol(s.name) for s in f.free_symbols}) for f in forms]
    alpha = sympy.Symbol("alpha")
    assert any(sympy.simplify(f - law) == 0 or sympy.simplify(f.subs(alpha, -alpha) - law) == 0
               for f in plain if f.has(sympy.exp) and f.has(sympy.cos) and f.count_ops() < 8)


def test_an_operator_the_constants_made_linear_is_hoisted_away_first():
    """phi*sin(alpha*t) -> phi*(alpha*t): sin(B*x) with a tiny B is B*x to rounding."""
    library, target, _, _ = _setting("oscillator")
    ix = library.index
    formula = tuple(ix[n] for n in ("mul", "phi", "sin", "mul", "alpha", "t"))
    replacements = catalogue(pi_views(library, target.doubled())[0], library)
    found = list(neighbours(formula, replacements, library, 20))
    hoisted = tuple(ix[n] for n in ("mul", "phi", "mul", "alpha", "t"))
    assert hoisted in found[:4]
