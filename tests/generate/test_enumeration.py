"""Tests of enumeration: enumerate_forms against a brute-force count, and its rules."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from lawfinder.generate.enumeration import _value_keys, count_forms, enumerate_forms

N_POINTS = 64
UNARY_12 = {"neg": np.negative, "inv": np.reciprocal, "n2": np.square, "sqrt": np.sqrt,
            "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos}
BINARY_12 = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}
USELESS = frozenset({("log", "exp"), ("exp", "log"), ("inv", "inv"), ("neg", "neg")})


def _points(low: float = 0.1, high: float = 0.9, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, N_POINTS)


def _key(values: np.ndarray) -> bytes:
    mantissa, exponent = _value_keys(values[None, :])
    return mantissa.tobytes() + exponent.tobytes()


def _is_constant(values: np.ndarray) -> bool:
    """Constant to round-off: x - inv(inv(x)) is a few 1e-17 at each point, not a function."""
    return bool(np.ptp(values) <= 1e-12 * max(1.0, np.abs(values).max()))


def _trees(size, unary, binary, leaves):
    """Every tree of exactly `size` symbols, as (prefix, values, has_var, subtrees_ok)."""
    numbers = {"1"}
    if size == 1:
        for name, values in leaves.items():
            yield (name,), values, name not in numbers, True
        return
    with np.errstate(all="ignore"):
        for op, func in unary.items():
            for form, values, var, ok in _trees(size - 1, unary, binary, leaves):
                yield (op,) + form, func(values), var, ok and _fine(form, values, var)
        for op, func in binary.items():
            for a in range(1, size - 1):
                for fa, va, vara, oka in _trees(a, unary, binary, leaves):
                    for fb, vb, varb, okb in _trees(size - 1 - a, unary, binary, leaves):
                        yield ((op,) + fa + fb, func(va, vb), vara or varb,
                               oka and okb and _fine(fa, va, vara) and _fine(fb, vb, varb))


def _fine(form, values, has_var) -> bool:
    """The rule for a child: a number leaf, or a valid formula."""
    return (len(form) == 1 and not has_var) or _valid(values, has_var)


def _valid(values, has_var) -> bool:
    """The rule for a formula: with a variable, finite and not constant."""
    return has_var and bool(np.isfinite(values).all()) and not _is_constant(values)


def _brute_force_count(unary, binary, leaves, max_length) -> int:
    """Distinct value vectors of all valid formulas up to max_length, with no pruning."""
    keys = set()
    for size in range(1, max_length + 1):
        for form, values, var, ok in _trees(size, unary, binary, leaves):
            if ok and _valid(values, var):
                keys.add(_key(values))
    return len(keys)


def _evaluate(form, unary, binary, leaves):
    """Values of a prefix form, with a check that it is arity-consistent."""
    def walk(pos):
        symbol = form[pos]
        if symbol in leaves:
            return leaves[symbol], pos + 1
        if symbol in unary:
            child, pos = walk(pos + 1)
            return unary[symbol](child), pos
        left, pos = walk(pos + 1)
        right, pos = walk(pos)
        return binary[symbol](left, right), pos
    with np.errstate(all="ignore"):
        values, end = walk(0)
    assert end == len(form), form
    return values


def _children(form, unary, binary):
    """(parent, child head) pairs of a prefix form."""
    arity = {**{op: 1 for op in unary}, **{op: 2 for op in binary}}
    pairs, stack = [], []  # stack of [parent, children still to come]
    for symbol in form:
        if stack:
            pairs.append((stack[-1][0], symbol))
            stack[-1][1] -= 1
            if stack[-1][1] == 0:
                stack.pop()
        if arity.get(symbol, 0):
            stack.append([symbol, arity[symbol]])
    return pairs


TINY = ({"neg": np.negative, "n2": np.square}, {"add": np.add, "mul": np.multiply})
SMALL = ({"inv": np.reciprocal, "log": np.log}, {"sub": np.subtract, "div": np.divide})


# On x in (0.1, 0.9) the 12 operators reach sin(exp(1/x**2)) ~ sin(1e43): round-off makes
# sin(exp(n2(inv x))) and sin(exp(inv(n2 x))) differ there, so that case uses (0.5, 0.9).
@pytest.mark.parametrize("grammar, low", [(TINY, 0.1), (SMALL, 0.1), (SMALL, -0.9),
                                          ((UNARY_12, BINARY_12), 0.5)])
def test_count_equals_brute_force(grammar, low):
    unary, binary = grammar
    leaves = {"x": _points(low), "1": np.ones(N_POINTS)}
    forms = list(enumerate_forms(unary, binary, leaves, 5, useless_pairs=USELESS))
    assert len(forms) == _brute_force_count(unary, binary, leaves, 5)
    keys = set()
    for form in forms:
        values = _evaluate(form, unary, binary, leaves)
        assert "x" in form and np.isfinite(values).all() and not _is_constant(values)
        keys.add(_key(values))
    assert len(keys) == len(forms)


def test_shortest_first_and_rules():
    leaves = {"x": _points(), "1": np.ones(N_POINTS)}
    forms = list(enumerate_forms(UNARY_12, BINARY_12, leaves, 5, useless_pairs=USELESS))
    assert ("n2", "x") in forms and ("mul", "x", "x") not in forms
    assert [len(f) for f in forms] == sorted(len(f) for f in forms)
    assert ("add", "x", "1") in forms and ("add", "1", "x") not in forms  # one child order
    for form in forms:
        assert not set(_children(form, UNARY_12, BINARY_12)) & USELESS, form
    for form in forms:  # no number-only subtree such as exp(1) or add(1, 1)
        for i, symbol in enumerate(form):
            assert not (symbol in UNARY_12 and form[i + 1:i + 2] == ("1",)), form
            assert not (symbol in BINARY_12 and form[i + 1:i + 3] == ("1", "1")), form


def test_one_over_sqrt_one_minus_x_squared_within_six_symbols():
    leaves = {"x1": _points(), "1": np.ones(N_POINTS)}
    target = 1 / np.sqrt(1 - leaves["x1"] ** 2)
    forms = [form for form in enumerate_forms(UNARY_12, BINARY_12, leaves, 6,
                                              useless_pairs=USELESS)
             if np.allclose(_evaluate(form, UNARY_12, BINARY_12, leaves), target,
                            rtol=1e-9, atol=0)]
    assert len(forms) == 1 and len(forms[0]) <= 6


def test_deterministic_and_no_warnings():
    leaves = {"x1": _points(-0.9, 0.9), "x2": _points(seed=1), "1": np.ones(N_POINTS)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = list(enumerate_forms(UNARY_12, BINARY_12, leaves, 5, useless_pairs=USELESS))
    assert first == list(enumerate_forms(UNARY_12, BINARY_12, leaves, 5, useless_pairs=USELESS))
    assert count_forms(UNARY_12, BINARY_12, leaves, 5, useless_pairs=USELESS)[5] == sum(
        len(f) == 5 for f in first)


def test_bad_input():
    assert list(enumerate_forms(UNARY_12, BINARY_12, {"x": _points()}, 0)) == []
    with pytest.raises(ValueError):
        list(enumerate_forms(UNARY_12, BINARY_12, {"x": _points(), "1": np.ones(3)}, 3))
