"""Dimensions of SymPy expressions: the independent check that a formula's units are consistent."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy

from lawfinder.errors import UnitsError
from lawfinder.units.dimension import DIMENSIONLESS, Dimension

# Functions defined by a power series: their arguments and values are pure numbers.
_DIMENSIONLESS_FUNCTIONS = (sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.tanh,
                            sympy.asin, sympy.acos, sympy.atan, sympy.sinh, sympy.cosh,
                            sympy.erf)


def dimension_of(expr: sympy.Expr, dims: Mapping[str, Dimension]) -> Dimension:
    """Dimension of a SymPy expression given each symbol's dimension; raises UnitsError if inconsistent."""
    if isinstance(expr, sympy.Symbol):
        if expr.name not in dims:
            raise UnitsError(f"symbol {expr.name!r} has no units; give units for it")
        return dims[expr.name]
    if not expr.free_symbols:  # numbers, pi, E and expressions of them
        return DIMENSIONLESS
    if isinstance(expr, sympy.Add):
        return _sum_dimension(expr, dims)
    if isinstance(expr, sympy.Mul):
        result = DIMENSIONLESS
        for factor in expr.args:
            result = result * dimension_of(factor, dims)
        return result
    if isinstance(expr, sympy.Pow):
        return _power_dimension(expr, dims)
    if isinstance(expr, sympy.Abs):
        return dimension_of(expr.args[0], dims)
    if isinstance(expr, sympy.sign):
        dimension_of(expr.args[0], dims)  # still raises if the argument is inconsistent
        return DIMENSIONLESS
    if isinstance(expr, _DIMENSIONLESS_FUNCTIONS):
        for arg in expr.args:
            _require_dimensionless(arg, dims, f"the argument of {expr.func.__name__}")
        return DIMENSIONLESS
    raise UnitsError(f"no units rule for {type(expr).__name__} in {expr}")


def _sum_dimension(expr: sympy.Add, dims: Mapping[str, Dimension]) -> Dimension:
    """All terms of a sum must share one dimension, which is the sum's."""
    first, *rest = expr.args
    first_dim = dimension_of(first, dims)
    for term in rest:
        term_dim = dimension_of(term, dims)
        if term_dim != first_dim:
            raise UnitsError(f"inconsistent units in {expr}: cannot add {first} [{first_dim}] "
                             f"and {term} [{term_dim}]")
    return first_dim


def _power_dimension(expr: sympy.Pow, dims: Mapping[str, Dimension]) -> Dimension:
    """A rational exponent scales the base's exponents; any other needs pure numbers throughout."""
    base, exponent = expr.args
    if isinstance(exponent, sympy.Rational):
        return dimension_of(base, dims) ** Fraction(int(exponent.p), int(exponent.q))
    _require_dimensionless(exponent, dims, f"the exponent in {expr}")
    _require_dimensionless(base, dims, f"the base of {expr} (its exponent is not an exact rational)")
    return DIMENSIONLESS


def _require_dimensionless(expr: sympy.Expr, dims: Mapping[str, Dimension], what: str) -> None:
    dimension = dimension_of(expr, dims)
    if not dimension.is_dimensionless:
        raise UnitsError(f"{what} must be dimensionless, but {expr} has units {dimension}")
