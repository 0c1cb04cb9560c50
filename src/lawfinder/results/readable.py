"""Formulas as a person writes them: a**(3/2)/sqrt(GM), not a/sqrt(GM/a).

The search writes prefix trees; their SymPy form keeps every roundabout step, because
SymPy may not simplify sqrt(a**2) to a unless it knows a > 0. Here each symbol gets the
sign the data and the fit give it (inputs whose data are all positive; constants by the
sign of their fitted value), which lets SymPy's own evaluation and a few cheap rewrites
find the short form. On the data the result is the same function, so predictions agree
with the tokens' to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy


def readable(expr: sympy.Expr, signs: Mapping[str, int]) -> sympy.Expr:
    """The shortest of a few equivalent forms of `expr` (by SymPy's operation count),
    with symbols named in `signs` taken as positive (+1) or negative (-1) while rewriting;
    the result holds plain symbols again, as `expr` did."""
    signed = {s: sympy.Symbol(s.name, positive=signs[s.name] > 0, negative=signs[s.name] < 0)
              for s in expr.free_symbols if signs.get(s.name, 0)}
    if not signed:
        return expr
    # Built anew with signed symbols, SymPy's automatic evaluation already does most of the
    # work (sqrt(a**2) -> a, a/sqrt(1/a) -> a**(3/2)); the rewrites merge what remains.
    built = expr.xreplace(signed)
    merged = sympy.powsimp(sympy.powdenest(built))
    shortest = min((built, merged, sympy.factor_terms(merged)), key=sympy.count_ops)
    return shortest.xreplace({signed_symbol: plain for plain, signed_symbol in signed.items()})


def significant_digits(value: float, error: float, most: int = 6) -> int:
    """How many significant digits of `value` its standard `error` supports (to the error's
    second digit), at most `most`; `most` where the error is 0, unknown (NaN) or the value 0,
    and 2 where the data do not determine the value (inf)."""
    if math.isinf(error):
        return 2
    if not error > 0 or value == 0:
        return most
    magnitude = math.floor(math.log10(abs(value)))
    lead = math.floor(math.log10(error))
    return min(max(magnitude - lead + 2, 1), most)
