"""Buckingham-Pi reduction of a regression problem with units.

Given the target's dimension and those of the inputs and fitted constants, write
``target = P * f(Π1, ..., Πk)``: P is a monomial with the target's dimension and the
Πi are k = n - rank independent dimensionless monomials of the n quantities.  All
linear algebra is exact (sympy Rationals); exponents are Fractions, integral where
possible, else multiples of 1/2.

Groups.  Each group contains as few quantities as possible and preferably exactly one
input variable, so it reads as "a variable over its natural scale" (v/c, m1/m2,
T*k/E).  Implemented exactly: the minimal-support dimensionless monomials (circuits of
the dimension matrix) are enumerated by increasing size and taken greedily while they
are independent, ranked by (number of quantities, not exactly one input, sum of
|exponents|, earlier quantities first).  Each group has coprime integer exponents,
signed so that most input exponents are positive (tie: first exponent positive).  A
dimensionless quantity is its own group and never enters P.

Prefactor.  Candidates are an integral (else half-integral) solution plus integer
combinations of the groups (coefficients -2..2, at most three groups at a time).
They are ranked by fewest input variables, then constants preferred (smallest sum of
|input exponents|), then smallest sum of all |exponents|, then earlier quantities.
The best P gives the first basis; the next distinct P's give the alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, islice, product
from math import gcd, lcm
from typing import Mapping, Sequence

import sympy

Quantity = tuple[str, Sequence[Fraction], bool]  # (name, dimension vector, is_constant)
Vector = tuple[Fraction, ...]  # exponents, one per quantity

COEFFICIENT_SPAN = 2  # prefactor candidates use group coefficients -2..2
MAX_COMBINED_GROUPS = 3  # ... combining at most this many groups at once
LATTICE_BUDGET = 4096  # points tried when looking for an integral prefactor


@dataclass(frozen=True)
class PiBasis:
    """target = prefactor * f(groups); exponents keyed by quantity name (zeros omitted)."""

    prefactor: dict[str, Fraction]
    groups: tuple[dict[str, Fraction], ...]

    def text(self) -> str:
        """Readable form, e.g. 'P = m*c**2; Π1 = v/c'."""
        parts = [f"P = {monomial_text(self.prefactor)}"]
        parts += [f"Π{i} = {monomial_text(g)}" for i, g in enumerate(self.groups, 1)]
        return "; ".join(parts)

    __str__ = text


def monomial_text(exponents: Mapping[str, Fraction]) -> str:
    """Python-style product such as 'G*m1**2/r**2' or 'A**(1/2)'; '1' when empty."""

    def power(name: str, e: Fraction) -> str:
        e = Fraction(e)
        if e == 1:
            return name
        return f"{name}**{e}" if e.denominator == 1 else f"{name}**({e})"

    num = [power(n, e) for n, e in exponents.items() if e > 0]
    den = [power(n, -e) for n, e in exponents.items() if e < 0]
    text = "*".join(num) or "1"
    if den:
        text += "/" + (den[0] if len(den) == 1 else "(" + "*".join(den) + ")")
    return text


def pi_bases(
    target: Sequence[Fraction], quantities: Sequence[Quantity], max_bases: int = 3
) -> list[PiBasis]:
    """Up to max_bases Pi bases (same groups, best P first); [] if no monomial has
    the target's dimension (or none with exponents in multiples of 1/2)."""
    if any(len(vec) != len(target) for _, vec, _ in quantities):
        raise ValueError("all dimension vectors must have the target's length")
    plain = [q for q in quantities if any(q[1])]  # dimensionless ones are set aside
    names = [name for name, _, _ in plain]
    is_input = [not constant for _, _, constant in plain]
    dims = sympy.Matrix(len(target), len(plain), lambda r, c: _rational(plain[c][1][r]))
    base = _particular_solution(dims, [_rational(t) for t in target], is_input)
    if base is None:
        return []
    groups = _group_basis(dims, is_input)
    own = tuple({name: Fraction(1)} for name, vec, _ in quantities if not any(vec))
    named = own + tuple(_named(g, names) for g in groups)
    ranked = _ranked_prefactors(base, groups, is_input)
    return [PiBasis(_named(p, names), named) for p in ranked[:max_bases]]


def _rational(x: Fraction | int) -> sympy.Rational:
    x = Fraction(x)
    return sympy.Rational(x.numerator, x.denominator)


def _fraction(x: sympy.Rational) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _named(vec: Vector, names: Sequence[str]) -> dict[str, Fraction]:
    return {name: e for name, e in zip(names, vec) if e}


def _group_basis(dims: sympy.Matrix, is_input: Sequence[bool]) -> list[Vector]:
    """k = n - rank independent dimensionless vectors of minimal support, best first."""
    n = dims.cols
    k = n - dims.rank()
    chosen: list[Vector] = []
    for size in range(2, n + 1):  # size-1 circuits are zero columns, set aside earlier
        if len(chosen) == k:
            break
        circuits = (_circuit(dims, cols, is_input) for cols in combinations(range(n), size))
        for vec in sorted(filter(None, circuits), key=lambda v: _group_key(v, is_input)):
            if len(chosen) < k and sympy.Matrix([*chosen, vec]).rank() == len(chosen) + 1:
                chosen.append(vec)
    return chosen


def _circuit(dims: sympy.Matrix, cols: tuple[int, ...], is_input: Sequence[bool]) -> Vector | None:
    """The dimensionless vector using exactly the columns `cols`, if there is one."""
    null = dims[:, list(cols)].nullspace()
    if len(null) != 1 or any(e == 0 for e in null[0]):
        return None
    full = [Fraction(0)] * dims.cols
    for c, e in zip(cols, null[0]):
        full[c] = _fraction(e)
    return _normalise(full, is_input)


def _normalise(vec: Sequence[Fraction], is_input: Sequence[bool]) -> Vector:
    """Coprime integers; sign with most input exponents positive, else first positive."""
    ints = [int(e * lcm(*(f.denominator for f in vec))) for e in vec]
    divisor = gcd(*ints)
    ints = [e // divisor for e in ints]
    balance = sum((e > 0) - (e < 0) for e, inp in zip(ints, is_input) if inp and e)
    first = next(e for e in ints if e)
    sign = -1 if balance < 0 or (balance == 0 and first < 0) else 1
    return tuple(Fraction(sign * e) for e in ints)


def _group_key(vec: Vector, is_input: Sequence[bool]) -> tuple:
    inputs = sum(1 for e, inp in zip(vec, is_input) if e and inp)
    return (sum(1 for e in vec if e), inputs != 1, sum(abs(e) for e in vec),
            tuple(e == 0 for e in vec))


def _particular_solution(
    dims: sympy.Matrix, target: list[sympy.Rational], is_input: Sequence[bool]
) -> Vector | None:
    """An integral (else half-integral) x with dims @ x == target, or None.

    Constants come first in the elimination, so they are the pivots ("repeating
    variables") and the free exponents, which are set small, belong to inputs."""
    order = sorted(range(dims.cols), key=lambda c: is_input[c])
    try:
        solution, params = dims[:, order].gauss_jordan_solve(sympy.Matrix(target))
    except ValueError:  # the target is not in the column span
        return None
    zero = {p: 0 for p in params}
    x0 = [_fraction(e) for e in solution.subs(zero)]
    steps = [[_fraction(e) - b for e, b in zip(solution.subs({**zero, p: 1}), x0)] for p in params]
    for scale in (1, 2):
        x = _lattice_point(x0, steps, scale)
        if x is not None:
            return tuple(x[order.index(c)] for c in range(dims.cols))
    return None


def _lattice_point(
    x0: list[Fraction], steps: list[list[Fraction]], scale: int
) -> list[Fraction] | None:
    """x = x0 + sum(y_i * steps_i) with scale*x integral, or None.

    The free exponents y_i must then be multiples of 1/scale, and integrality repeats
    with period lcm(denominators of steps) in scale*y, so that box is searched."""
    period = lcm(*(e.denominator for step in steps for e in step))
    for z in islice(product(range(period), repeat=len(steps)), LATTICE_BUDGET):
        x = [scale * b + sum(zi * step[j] for zi, step in zip(z, steps)) for j, b in enumerate(x0)]
        if all(e.denominator == 1 for e in x):
            return [e / scale for e in x]
    return None


def _ranked_prefactors(
    base: Vector, groups: list[Vector], is_input: Sequence[bool]
) -> list[Vector]:
    """Distinct exponent vectors base + sum(c_i * group_i), best prefactor first."""
    candidates = {base}
    for idx in combinations(range(len(groups)), min(len(groups), MAX_COMBINED_GROUPS)):
        for coeffs in product(range(-COEFFICIENT_SPAN, COEFFICIENT_SPAN + 1), repeat=len(idx)):
            shift = [sum(c * groups[i][j] for c, i in zip(coeffs, idx)) for j in range(len(base))]
            candidates.add(tuple(b + s for b, s in zip(base, shift)))
    return sorted(candidates, key=lambda x: _prefactor_key(x, is_input))


def _prefactor_key(vec: Vector, is_input: Sequence[bool]) -> tuple:
    on_inputs = [abs(e) for e, inp in zip(vec, is_input) if inp and e]
    return (len(on_inputs), sum(on_inputs), sum(abs(e) for e in vec),
            tuple(e == 0 for e in vec), tuple(-e for e in vec))
