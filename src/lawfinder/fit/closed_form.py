"""Closed forms of fitted constants: 9.869604401089358 is pi**2, 0.124999999999987 is 1/8.

A dimensionless constant that the data pin down to many digits and that equals a small
fraction times a power of pi (and sqrt(2)) is shown in that form. It is what a physicist
would write, and what an exact comparison with the true law needs: rounded to three digits,
sin(6.28*t) is not sin(2*pi*t).
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy

# Simplest first: the first base that gives a small fraction wins.
_PI_POWERS = (0, 1, -1, 2, -2, sympy.Rational(1, 2), sympy.Rational(-1, 2))
_BASES = tuple(sympy.sqrt(2) ** j * sympy.pi ** k for j in (0, 1, -1) for k in _PI_POWERS)
_BASE_VALUES = tuple(float(b) for b in _BASES)
MAX_DENOMINATOR = 16
MAX_NUMERATOR = 64
RTOL = 1e-9   # far below what noisy data determine: only near-exact fits are recognised


def closed_form(value: float, rtol: float = RTOL) -> sympy.Expr | None:
    """The simplest p/q * sqrt(2)**j * pi**k (q <= 16, |p| <= 64, j in -1..1, k in -2..2 by
    halves) within `rtol` of value; None when there is none."""
    forms = closed_forms(value, rtol)
    return forms[0] if forms else None


def closed_forms(value: float, rtol: float, limit: int = 3,
                 max_size: int | None = None) -> list[sympy.Expr]:
    """Up to `limit` closed forms within `rtol` of value, simplest first: by size, the sum of
    the denominator, the numerator's bit length and the base's rank (0 for 1, 1 for pi, ...,
    3 for pi**2); only those of at most `max_size` if given (2*pi is 4, 1/(4*pi) is 7)."""
    if value == 0.0:
        return [sympy.Integer(0)]
    if not math.isfinite(value):
        return []
    found = []
    for rank, (base, base_value) in enumerate(zip(_BASES, _BASE_VALUES)):
        ratio = value / base_value
        fraction = Fraction(ratio).limit_denominator(MAX_DENOMINATOR)
        if (0 < abs(fraction.numerator) <= MAX_NUMERATOR
                and abs(ratio - fraction) <= rtol * abs(ratio)):
            size = rank + fraction.denominator + abs(fraction.numerator).bit_length()
            if max_size is None or size <= max_size:
                form = sympy.Rational(fraction.numerator, fraction.denominator) * base
                found.append((size, rank, form))
    return [form for _, _, form in sorted(found, key=lambda f: f[:2])[:limit]]
