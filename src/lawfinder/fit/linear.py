"""Which constants of a formula enter it linearly: those are solved, not iterated.

A formula is affine in a set of constants when, with the others fixed, it is a sum of
terms each of which is one of them times something free of them (plus a term free of
them all): c0*exp(c1*x) + c2 is affine in {c0, c2}. Its derivative by each of them then
does not depend on them, so one undamped Gauss-Newton step from any point is their exact
least-squares optimum given the others (`levenberg_marquardt`), and random starts that
differ only in them end in the same fit.
"""

from __future__ import annotations

import numba
import numpy as np

from lawfinder.evaluate.prefix import kernel_codes
from lawfinder.language.library import Library

# Roles of tokens in the walk below: operators other than those of _ROLE_OF, by arity;
# constants; other terminals; then the operators a formula can be affine through.
_UNARY, _BINARY, _CONSTANT, _TERMINAL, _NEG, _SUM, _MUL, _DIV = range(8)
_ROLE_OF = {"neg": _NEG, "add": _SUM, "sub": _SUM, "mul": _MUL, "div": _DIV}


def linear_slots(tokens: np.ndarray, library: Library) -> tuple[np.ndarray, np.ndarray]:
    """For formulas (B, L): the slots (B, K) each holds, and a set of them (B, K) in which
    it is jointly affine, chosen factor by factor where there is a choice (c0*c1*x is
    affine in c0 and in c1, not in both: the factor with more of them wins)."""
    local = kernel_codes(library).local            # each constant token's bit
    role = np.array([_role(t, free) for t, free in zip(library.tokens, library.is_free)],
                    dtype=np.int64)
    holds, linear = _walk(np.ascontiguousarray(tokens, dtype=np.int64), role, local)
    # Bits are by constant token; a per-dataset constant's token stands for all its slots.
    bit = 1 << local[np.asarray(library.free, dtype=np.int64)]                    # (K,)
    return (holds[:, None] & bit) != 0, (linear[:, None] & bit) != 0


def affine_fits(tokens: np.ndarray, library: Library, frozen: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The slots (B, K) a fit of each formula moves (those it holds, less the `frozen`), and
    the formulas (B,) affine in all of them: their fit is one least-squares solve."""
    held, linear = linear_slots(tokens, library)
    moved = held if frozen is None else held & ~frozen
    return moved, ~(moved & ~linear).any(axis=1) & moved.any(axis=1)


def _role(token, free: bool) -> int:
    if free:
        return _CONSTANT
    if not token.arity:
        return _TERMINAL
    if token.user_operator is None and token.name in _ROLE_OF:
        return _ROLE_OF[token.name]
    return _UNARY if token.arity == 1 else _BINARY


@numba.njit(cache=True)
def _bits(mask):
    count = 0
    while mask:
        mask &= mask - 1
        count += 1
    return count


@numba.njit(cache=True)
def _walk(tokens, role, local):
    """Per formula, bit masks of the constant tokens it holds and of an affine set of them,
    built bottom-up: a sum is affine in what both terms are (or do not hold), a product
    in what one factor is and the other does not hold, a quotient in what its numerator is
    and its denominator does not hold; any other operator in none."""
    B, L = tokens.shape
    holds_out, linear_out = np.zeros(B, dtype=np.int64), np.zeros(B, dtype=np.int64)
    holds, linear = np.zeros(L + 1, dtype=np.int64), np.zeros(L + 1, dtype=np.int64)
    for row in range(B):
        sp = 0
        for pos in range(L - 1, -1, -1):
            t = tokens[row, pos]
            if t < 0:
                continue
            r = role[t]
            if r == _CONSTANT or r == _TERMINAL:
                holds[sp] = (1 << local[t]) if r == _CONSTANT else 0
                linear[sp] = holds[sp]
                sp += 1
            elif r == _NEG:
                pass
            elif r == _UNARY:
                linear[sp - 1] = 0
            elif r == _BINARY:
                holds[sp - 2], linear[sp - 2] = holds[sp - 1] | holds[sp - 2], 0
                sp -= 1
            else:   # add, sub, mul, div: first child on top
                ha, la, hb, lb = holds[sp - 1], linear[sp - 1], holds[sp - 2], linear[sp - 2]
                if r == _SUM:
                    lin = (la | ~ha) & (lb | ~hb) & (ha | hb)
                elif r == _DIV:
                    lin = la & ~hb
                else:
                    first, second = la & ~hb, lb & ~ha
                    lin = first if _bits(first) >= _bits(second) else second
                sp -= 1
                holds[sp - 1], linear[sp - 1] = ha | hb, lin
        holds_out[row], linear_out[row] = holds[0], linear[0]
    return holds_out, linear_out
